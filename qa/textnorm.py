"""Text forms for matching across scripts, and sentence splitting.

The *search form* folds what should not matter for matching: NFKC (full-width ASCII,
compatibility characters), Traditional to Simplified (OpenCC), and case. Chunks keep
the source's script for display and quoting; only matching uses this form.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from qa.charsets import CLOSERS, SENTENCE_ENDS, is_cjk

# Sentence ends: Chinese and ASCII terminal punctuation, with closing quotes/brackets
# kept on the sentence they close. An ASCII '.' ends a sentence only before whitespace
# or the end and not after a digit, so ``2.68億`` and ``1. 標題`` stay whole. Each
# character matches exactly one branch, so matching stays linear on any input.
_ENDS, _CLOSERS = re.escape(SENTENCE_ENDS), re.escape(CLOSERS)
_SENTENCE_END = re.compile(
    rf"(?:[^{_ENDS}.]|\.(?:(?<=\d\.)|(?!\s|$)))*"
    rf"(?:(?:[{_ENDS}]|(?<!\d)\.(?=\s|$))+[{_CLOSERS}]*|$)"
)


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=4)
def _converter(config: str):  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC(config)


def to_traditional(text: str, *, config: str = "s2t") -> str:
    """Convert Simplified characters to Traditional (OpenCC ``s2t``; ``s2twp`` adds Taiwan wording)."""
    if not text:
        return text
    return _converter(config).convert(text)


def to_simplified(text: str) -> str:
    """Convert Traditional characters to Simplified (OpenCC ``t2s``)."""
    if not text:
        return text
    return _t2s().convert(text)


def is_traditional(text: str) -> bool:
    """True when ``text`` has characters that OpenCC changes into Simplified ones."""
    return to_simplified(text) != text


# A text counts as written in Traditional characters when at least this share of its Chinese
# characters change under OpenCC t2s (Traditional news text: about a quarter; Simplified: none).
TRADITIONAL_SHARE = 0.1


def traditional_share(text: str) -> float:
    """Share of the Chinese characters of ``text`` that OpenCC changes into Simplified ones."""
    chinese = sum(map(is_cjk, text))
    if not chinese:
        return 0.0
    simple = to_simplified(text)
    if len(simple) == len(text):
        changed = sum(a != b for a, b in zip(text, simple, strict=True))
    else:  # a phrase conversion changed the length: count the characters it does not keep
        changed = sum(1 for c in text if is_cjk(c) and c not in simple)
    return changed / chinese


def in_script_of(text: str, model: str) -> str:
    """``text`` written in the script ``model`` is written in (Traditional or Simplified).

    A reader trained on pairs in one script (a Traditional question over Traditional text)
    reads a question in the other script poorly, and users ask in either.

    Example:
        >>> in_script_of("援藏资金是多少", "河北省投入援藏資金1950萬元。")
        '援藏資金是多少'
        >>> in_script_of("援藏資金是多少", "河北省投入援藏资金1950万元。")
        '援藏资金是多少'
    """
    if traditional_share(model) < TRADITIONAL_SHARE:
        return to_simplified(text)
    # A question already in Traditional stays as typed: converting there and back can change it.
    return text if is_traditional(text) else to_traditional(text)


def search_form(text: str) -> str:
    """NFKC, Traditional to Simplified, lower case: the form used for matching."""
    return to_simplified(unicodedata.normalize("NFKC", text)).lower()


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of the sentences of ``text``, covering all non-space text.

    Splits after :data:`~qa.charsets.SENTENCE_ENDS` and after ``.`` before whitespace (not
    after a digit); a closing quote or bracket stays with its sentence.
    """
    spans: list[tuple[int, int]] = []
    for match in _SENTENCE_END.finditer(text):
        start, end = trim_span(text, *match.span())
        if end > start:
            spans.append((start, end))
    return spans


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` moved inwards past white space at either end of ``text[start:end]``.

    Example:
        >>> trim_span("  ab ", 0, 5)
        (2, 4)
    """
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
