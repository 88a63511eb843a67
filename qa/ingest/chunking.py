"""Split cleaned documents into paragraph chunks, the unit that is embedded and indexed.

One chunk per paragraph (``\\n``-separated line of :attr:`Document.text`). A short
section heading (``項目建設:``, ``實現效益新躍升``) carries no facts of its own, so it
joins the paragraph it introduces. A paragraph longer than ``max_chars`` is split at
sentence ends with one sentence of overlap, so a fact stated across the cut is still
whole in one chunk. Every chunk records its span: ``doc.text[start:end] == chunk.text``.
A table row (a line with a row number in :attr:`Document.locations`) is never a heading,
and a chunk takes its pages, sheet and row, and heading path from the lines it covers.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from qa.charsets import CLOSERS, SENTENCE_ENDS
from qa.settings import Settings
from qa.textnorm import split_sentences, trim_span
from qa.types import Chunk, Document, Location

# A heading does not end like a sentence (it may end with a colon).
# A heading does not end like a sentence (an ellipsis counts as an end here).
_SENTENCE_END = re.compile(f"[{re.escape(SENTENCE_ENDS)}…]+[{re.escape(CLOSERS)}]*\\s*$")


@dataclass(frozen=True)
class Span:
    """A ``[start, end)`` range of a document's text."""

    start: int
    end: int


def _paragraphs(text: str) -> list[Span]:
    """Spans of the non-blank lines of ``text``, trimmed of surrounding whitespace."""
    spans: list[Span] = []
    pos = 0
    for line in text.split("\n"):
        start, end = trim_span(text, pos, pos + len(line))
        pos += len(line) + 1
        if end > start:
            spans.append(Span(start, end))
    return spans


def is_heading(paragraph: str, heading_max_chars: int) -> bool:
    """True for a short line that does not end like a sentence.

    Example:
        >>> is_heading("項目建設:", 24), is_heading("謝謝大家!", 24)
        (True, False)
    """
    return len(paragraph) <= heading_max_chars and not _SENTENCE_END.search(paragraph)


def _units(text: str, heading_max_chars: int, rows: frozenset[int] = frozenset()) -> list[Span]:
    """Paragraph spans with preceding headings merged into them; lines starting at ``rows`` are data."""
    units: list[Span] = []
    pending: int | None = None
    for span in _paragraphs(text):
        if span.start not in rows and is_heading(text[span.start : span.end], heading_max_chars):
            pending = span.start if pending is None else pending
            continue
        units.append(Span(pending if pending is not None else span.start, span.end))
        pending = None
    if pending is not None:  # headings at the very end have nothing to join: keep them
        units.append(Span(pending, len(text.rstrip())))
    return units


def _pieces(text: str, unit: Span, max_chars: int) -> list[Span]:
    """Sentence spans of a unit, with any sentence longer than ``max_chars`` hard-split."""
    pieces: list[Span] = []
    for start, end in split_sentences(text[unit.start : unit.end]):
        start, end = start + unit.start, end + unit.start
        while end - start > max_chars:
            cut = start + max_chars
            pieces.append(Span(start, cut))
            start = cut
            while start < end and text[start].isspace():
                start += 1
        if end > start:
            pieces.append(Span(start, end))
    return pieces


def _split(text: str, unit: Span, max_chars: int) -> list[Span]:
    """Windows of whole sentences of at most ``max_chars``, overlapping by one sentence."""
    if unit.end - unit.start <= max_chars:
        return [unit]
    pieces = _pieces(text, unit, max_chars)
    windows: list[Span] = []
    first = 0
    while first < len(pieces):
        last = first
        while last + 1 < len(pieces) and pieces[last + 1].end - pieces[first].start <= max_chars:
            last += 1
        windows.append(Span(pieces[first].start, pieces[last].end))
        if last == len(pieces) - 1:
            break
        # Overlap: the next window starts with this window's last sentence, when that
        # sentence and the one after it fit together; otherwise start after it.
        fits = pieces[last + 1].end - pieces[last].start <= max_chars
        first = last if last > first and fits else last + 1
    return windows


def _trim(text: str, span: Span) -> Span:
    return Span(*trim_span(text, span.start, span.end))


def _places(locations: Sequence[Location], starts: list[int], span: Span) -> dict[str, Any]:
    """Chunk fields for the lines a span covers: page range, first sheet/row, last section."""
    first = max(bisect.bisect_right(starts, span.start) - 1, 0)
    covered = [loc for loc in locations[first:] if loc.start < span.end and loc.end > span.start]
    pages = [p for loc in covered for p in (loc.page, loc.last_page) if p is not None]
    row = next((loc for loc in covered if loc.row is not None), None)
    sections = [loc.section for loc in covered if loc.section]
    return {
        "page": min(pages) if pages else None, "last_page": max(pages) if pages else None,
        "sheet": row.sheet if row else None, "row": row.row if row else None,
        "section": sections[-1] if sections else None,
    }


def chunk_document(
    doc: Document, *, max_chars: int | None = None, heading_max_chars: int | None = None
) -> list[Chunk]:
    """Chunks of one document; see :func:`chunk_documents`."""
    defaults = Settings()
    limit = max_chars if max_chars is not None else defaults.max_chunk_chars
    heading_limit = heading_max_chars if heading_max_chars is not None else defaults.heading_max_chars
    if limit < 1:
        raise ValueError(f"max_chars={limit!r} is not allowed; use a whole number >= 1")
    chunks: list[Chunk] = []
    starts = [loc.start for loc in doc.locations]
    rows = frozenset(loc.start for loc in doc.locations if loc.row is not None)
    for unit in _units(doc.text, heading_limit, rows):
        for window in _split(doc.text, unit, limit):
            span = _trim(doc.text, window)
            if span.end <= span.start:
                continue
            ordinal = len(chunks)
            places = _places(doc.locations, starts, span) if doc.locations else {}
            chunks.append(
                Chunk(
                    id=f"{doc.id}#{ordinal}", doc_id=doc.id, ordinal=ordinal,
                    text=doc.text[span.start : span.end], title=doc.title,
                    start=span.start, end=span.end, date=doc.date, source=doc.source, path=doc.path,
                    **places,
                )
            )
    return chunks


def chunk_documents(
    docs: Iterable[Document], *, max_chars: int | None = None, heading_max_chars: int | None = None
) -> list[Chunk]:
    """Split documents into paragraph chunks.

    Args:
        docs: Cleaned documents.
        max_chars: Longest chunk in characters (default ``Settings().max_chunk_chars``).
        heading_max_chars: Longest line treated as a heading that joins the next
            paragraph (default ``Settings().heading_max_chars``).

    Returns:
        Chunks of all documents, in document order; never empty or whitespace-only.

    Example:
        >>> doc = Document(id="d", title=None, text="項目建設:\\n完成投資2.68億元。")
        >>> [c.text for c in chunk_documents([doc])]
        ['項目建設:\\n完成投資2.68億元。']
    """
    chunks: list[Chunk] = []
    for doc in docs:
        chunks.extend(chunk_document(doc, max_chars=max_chars, heading_max_chars=heading_max_chars))
    return chunks
