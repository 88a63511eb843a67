"""Paragraphs that know where they are in their file (page, sheet and row, section).

Loaders of structured formats (PDF, Word, spreadsheets) produce :class:`Placed`
paragraphs; :func:`placed_document` cleans them like any page text and keeps, for every
line that survives, a :class:`~qa.types.Location` so chunks can cite ``p. 3`` or a row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from qa.ingest.cleaning import clean_text
from qa.types import Document, Location

# Characters that would break one paragraph into several lines when cleaned.
_BREAKS = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")


@dataclass(frozen=True)
class Placed:
    """One paragraph of a file and where it is.

    Attributes:
        text: The paragraph (line breaks inside it become spaces).
        page: 1-based page it starts on (PDF).
        last_page: 1-based page it ends on (PDF).
        sheet: Sheet name (spreadsheets; ``None`` for CSV).
        row: 1-based row number (spreadsheets, CSV).
        section: Heading path (Word).
        verbatim: Data rather than page text (a table row): never dropped by the cleaner.

    Example:
        >>> Placed("第一段。", page=1, last_page=1).page
        1
    """

    text: str
    page: int | None = None
    last_page: int | None = None
    sheet: str | None = None
    row: int | None = None
    section: str | None = None
    verbatim: bool = False


@dataclass(frozen=True)
class FileFacts:
    """What a loader knows about a file besides its paragraphs.

    Attributes:
        format: Format name (``pdf``, ``docx``, ``xlsx``, ``csv``).
        title: Title from the file's properties, when it has a usable one.
        date: ISO date from the file's properties (creation date).
        pages: Number of pages (PDF).
        sheets: Sheet names (spreadsheets).
        detect_title: Look for a title line in the text when ``title`` is ``None``.
    """

    format: str
    title: str | None = None
    date: str | None = None
    pages: int | None = None
    sheets: tuple[str, ...] = ()
    detect_title: bool = True


def placed_document(doc_id: str, path: Path, paragraphs: Sequence[Placed], facts: FileFacts) -> Document:
    """Clean ``paragraphs`` into a :class:`Document` whose ``locations`` map its lines back.

    Page text goes through :func:`~qa.ingest.cleaning.clean_text` (title, metadata lines,
    footers, noise); verbatim paragraphs are only normalised. A date or source stated in
    the text wins over the file's properties.
    """
    lines = [_BREAKS.sub(" ", p.text) for p in paragraphs]
    verbatim = frozenset(i for i, p in enumerate(paragraphs) if p.verbatim)
    result = clean_text("\n".join(lines), title=facts.title, detect_title=facts.detect_title, verbatim=verbatim)
    locations: list[Location] = []
    offset = 0
    for line, number in zip(result.text.split("\n") if result.text else [], result.kept, strict=True):
        p = paragraphs[number]
        locations.append(Location(offset, offset + len(line), page=p.page, last_page=p.last_page,
                                  sheet=p.sheet, row=p.row, section=p.section))
        offset += len(line) + 1
    return Document(
        id=doc_id, title=result.title, text=result.text, date=result.date or facts.date,
        source=result.source, path=str(path), format=facts.format, pages=facts.pages,
        sheets=facts.sheets, locations=tuple(locations),
    )
