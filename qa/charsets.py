"""One home for the character rules every stage shares.

* :data:`CJK_CLASS`: the CJK ideographs (Extension A, the Unified block and the
  Compatibility Ideographs U+F900–FAFF) as the body of a regex character class.
* :data:`SENTENCE_ENDS` / :data:`CLOSERS`: punctuation that ends a sentence, and the closing
  quotes and brackets that stay with the sentence they close.
* :data:`LEANING_OPENERS`: words that open a sentence leaning on the one before it (pronouns,
  connectives), used to extend a quote backwards and to skip clauses as example questions.

``tests/test_charsets.py`` checks that the modules using these rules agree with them.
"""

from __future__ import annotations

import re

CJK_RANGES: tuple[tuple[int, int], ...] = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
CJK_CLASS = "".join(f"\\u{low:04x}-\\u{high:04x}" for low, high in CJK_RANGES)
CJK = re.compile(f"[{CJK_CLASS}]")

# Full-width and ASCII sentence ends. The ASCII full stop is not here: it also writes
# decimals and numbered items, so sentence splitting treats it on its own.
SENTENCE_ENDS = "。！？；!?;"
SENTENCE_END = re.compile(f"[{SENTENCE_ENDS}]")
CLOSERS = "”’」』）)\"'"

LEANING_OPENERS: tuple[str, ...] = (
    "他們", "他们", "她們", "她们", "它們", "它们", "他", "她", "它", "這些", "这些", "這", "这", "該", "该",
    "此", "其中", "其", "上述", "以上", "同時", "同时", "此外", "另外", "但是", "但", "而且", "而", "因此",
    "所以", "並且", "并且", "並", "并", "也", "還", "还", "對此", "对此", "為此", "为此",
    "This", "this", "These", "these", "They", "they", "It", "it", "He", "he", "She", "she", "But", "but",
    "Also", "also",
)
# Longest first, so 其中 is tried before 其; opening quotes and spaces may come before the word.
LEANING = re.compile(
    r"^[\s“”\"「『]*(?:" + "|".join(map(re.escape, sorted(LEANING_OPENERS, key=len, reverse=True))) + ")"
)


def is_cjk(char: str) -> bool:
    """True for one CJK ideograph (see :data:`CJK_RANGES`)."""
    return len(char) == 1 and any(low <= ord(char) <= high for low, high in CJK_RANGES)


def has_cjk(text: str) -> bool:
    """True when ``text`` has a CJK ideograph (so lexical matching against Chinese makes sense)."""
    return CJK.search(text) is not None


def leans_back(sentence: str) -> bool:
    """True when ``sentence`` opens with a word that refers to the sentence before it."""
    return LEANING.match(sentence) is not None
