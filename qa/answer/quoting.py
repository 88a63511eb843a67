"""Where a quote starts and ends: the sentences an answer touches, plus a short lead-in.

A quote is whole sentences of the chunk. It covers every sentence the exact answer touches
(an answer can run across a sentence end), and keeps the sentence before when the first one
opens with a pronoun or connective and cannot stand alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from qa.answer.features import sentence_spans
from qa.charsets import leans_back
from qa.types import Chunk


@dataclass(frozen=True)
class QuoteBounds:
    """Offsets of a quote in ``chunk.text``."""

    start: int
    end: int


def extend_backwards(chunk: Chunk, start: int, end: int, *, short: int) -> int:
    """Start of the quote: include the previous sentence (of at most ``short`` characters)
    when this one cannot stand alone."""
    if not leans_back(chunk.text[start:end]):
        return start
    previous = [s for s in sentence_spans(chunk.text) if s[1] <= start]
    if previous and previous[-1][1] - previous[-1][0] <= short:
        return previous[-1][0]
    return start


def quote_bounds(chunk: Chunk, start: int, end: int, *, short: int) -> QuoteBounds:
    """The whole sentences of ``chunk`` that ``chunk.text[start:end]`` touches, with a lead-in if needed.

    Example:
        >>> text = "河北投入援藏資金。這筆資金共計1950萬元。"
        >>> chunk = Chunk("a#0", "a", 0, text, None, 0, len(text))
        >>> quote_bounds(chunk, 15, 21, short=80)
        QuoteBounds(start=0, end=22)
    """
    touched = [(s, e) for s, e in sentence_spans(chunk.text) if s < end and e > start]
    if not touched:
        return QuoteBounds(start, end)
    first, last = touched[0][0], touched[-1][1]
    return QuoteBounds(extend_backwards(chunk, first, touched[0][1], short=short), last)
