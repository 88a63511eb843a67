"""Text forms for matching across scripts, and sentence splitting.

The *search form* folds what should not matter for matching: NFKC (full-width ASCII,
compatibility characters), Traditional to Simplified (OpenCC), and case. Chunks keep
the source's script for display and quoting; only matching uses this form.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Sentence ends: Chinese and ASCII terminal punctuation, with closing quotes/brackets
# kept on the sentence they close. An ASCII '.' ends a sentence only before whitespace
# or the end and not after a digit, so ``2.68億`` and ``1. 標題`` stay whole. Each
# character matches exactly one branch, so matching stays linear on any input.
_SENTENCE_END = re.compile(
    r"(?:[^。！？；!?;.]|\.(?:(?<=\d\.)|(?!\s|$)))*"
    r"(?:(?:[。！？；!?;]|(?<!\d)\.(?=\s|$))+[”’」』）)\"']*|$)"
)


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Convert Traditional characters to Simplified (OpenCC ``t2s``)."""
    if not text:
        return text
    return _t2s().convert(text)


def search_form(text: str) -> str:
    """NFKC, Traditional to Simplified, lower case: the form used for matching."""
    return to_simplified(unicodedata.normalize("NFKC", text)).lower()


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of the sentences of ``text``, covering all non-space text.

    Splits after ``。！？；`` and their ASCII forms (``.`` only before whitespace); a
    closing quote stays with its sentence.
    """
    spans: list[tuple[int, int]] = []
    for match in _SENTENCE_END.finditer(text):
        start, end = match.span()
        if start == end:
            continue
        while start < end and text[start].isspace():
            start += 1
        stripped_end = end
        while stripped_end > start and text[stripped_end - 1].isspace():
            stripped_end -= 1
        if stripped_end > start:
            spans.append((start, stripped_end))
    return spans
