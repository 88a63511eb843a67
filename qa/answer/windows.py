"""The text the span reader reads: the most promising sentences of one passage, in reading order.

The neural span reader (:mod:`qa.answer.span_reader`) costs time in proportion to its input,
so it does not read whole passages: the sentence model (:mod:`qa.answer.reader`) orders a
passage's sentences, the best are taken until a character budget is spent, and they are put
back in reading order. Each piece remembers where it came from, so an answer span found in
the window maps back to offsets in ``chunk.text``. Training builds its windows here too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qa.answer.features import Candidates
from qa.types import Chunk


@dataclass(frozen=True)
class Piece:
    """One sentence of the window: ``window.text[at:at + length] == chunk.text[source:source + length]``."""

    at: int
    source: int
    length: int


@dataclass(frozen=True)
class Window:
    """Sentences of one chunk joined in reading order, with the map back to the chunk.

    Example:
        >>> chunk = Chunk("a#0", "a", 0, "甲。乙很长。丙。", None, 0, 8)
        >>> w = window_of(chunk, [(2, 6), (0, 2)], budget=10)
        >>> w.text, w.to_chunk(2, 5)
        ('甲。乙很长。', (2, 5))
    """

    chunk: Chunk
    text: str
    pieces: tuple[Piece, ...]

    def to_chunk(self, start: int, end: int) -> tuple[int, int] | None:
        """Offsets in ``chunk.text`` of ``text[start:end]``, or None when it spans two pieces that are
        not adjacent in the chunk (the words would not be a verbatim copy)."""
        first = self._piece(start)
        last = self._piece(max(end - 1, start))
        if first is None or last is None:
            return None
        if end > self.run_end(first):
            return None
        a, b = self.pieces[first], self.pieces[last]
        return a.source + start - a.at, b.source + end - b.at

    def run_end(self, n: int) -> int:
        """End in ``text`` of the run of pieces from piece ``n`` on that follow each other in the chunk."""
        end = n
        while end + 1 < len(self.pieces) and \
                self.pieces[end].source + self.pieces[end].length == self.pieces[end + 1].source:
            end += 1
        return self.pieces[end].at + self.pieces[end].length

    def _piece(self, pos: int) -> int | None:
        for n, p in enumerate(self.pieces):
            if p.at <= pos < p.at + p.length:
                return n
        return None


def window_of(chunk: Chunk, sentences: Sequence[tuple[int, int]], *, budget: int) -> Window:
    """The window of ``chunk`` made of ``sentences`` (``(start, end)`` in preference order).

    Sentences are taken in order while they fit in ``budget`` characters; the first is always
    taken, cut to ``budget`` if longer. The taken ones are joined in reading order.
    """
    if budget < 1:
        raise ValueError(f"window budget {budget} is not allowed: use at least 1 character")
    taken: list[tuple[int, int]] = []
    used = 0
    for start, end in sentences:
        length = end - start
        if not taken:
            end = start + min(length, budget)
            length = end - start
        elif used + length > budget:
            continue
        taken.append((start, end))
        used += length
    pieces: list[Piece] = []
    parts: list[str] = []
    at = 0
    for start, end in sorted(taken):
        pieces.append(Piece(at, start, end - start))
        parts.append(chunk.text[start:end])
        at += end - start
    return Window(chunk, "".join(parts), tuple(pieces))


def passage_window(cands: Candidates, logits: np.ndarray, chunk_id: str, *, budget: int,
                   first: int | None = None) -> Window | None:
    """The window of passage ``chunk_id``: its candidate sentences by the sentence model's ``logits``
    (candidate ``first`` ahead of all), or None when the passage has no candidates."""
    members = [i for i, c in enumerate(cands.items) if c.chunk.id == chunk_id]
    if not members:
        return None
    order = sorted(members, key=lambda i: (i != first, -float(logits[i]) if len(logits) else 0.0, i))
    chunk = cands.items[members[0]].chunk
    return window_of(chunk, [(cands.items[i].start, cands.items[i].end) for i in order], budget=budget)
