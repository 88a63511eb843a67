"""Read spreadsheets: ``.xlsx`` with openpyxl, ``.csv`` with the standard ``csv`` module.

Every sheet's first non-empty row is its header; each later row becomes one line of
``header: value`` pairs that remembers its sheet and row number (as the spreadsheet shows
it), so it is chunked, quoted and cited on its own. A CSV file's encoding is detected like
a ``.txt`` file's (:mod:`qa.ingest.decoding`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

from qa.errors import FileFormatError
from qa.ingest.decoding import decode_bytes
from qa.ingest.placed import FileFacts, Placed, placed_document
from qa.ingest.table_rows import cell_text, row_text
from qa.types import Document

_SNIFF_CHARS = 8192


def _rows(numbered: Iterable[tuple[int, list[str]]], sheet: str | None) -> list[Placed]:
    header: list[str] | None = None
    out: list[Placed] = []
    for number, cells in numbered:
        if not any(cells):
            continue
        if header is None:
            header = cells
            continue
        out.append(Placed(row_text(header, cells), sheet=sheet, row=number, verbatim=True))
    return out


def read_xlsx(path: Path, doc_id: str) -> Document:
    """The rows of every sheet of the workbook at ``path`` (cached formula values, not formulas).

    Raises:
        FileFormatError: The file is not a readable ``.xlsx`` (or is encrypted).
    """
    import openpyxl

    try:
        book = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FileFormatError(f"'{path}' is not a readable .xlsx file ({exc}): skipped") from exc
    try:
        placed: list[Placed] = []
        names: list[str] = []
        for sheet in book.worksheets:
            names.append(sheet.title)
            first = sheet.min_row or 1
            numbered = ((first + i, [cell_text(v) for v in values])
                        for i, values in enumerate(sheet.iter_rows(values_only=True)))
            placed.extend(_rows(numbered, sheet.title))
        created = book.properties.created
    finally:
        book.close()
    title = (book.properties.title or "").strip() or None
    date = created.date().isoformat() if isinstance(created, dt.datetime) else None
    facts = FileFacts("xlsx", title=title, date=date, sheets=tuple(names), detect_title=False)
    return placed_document(doc_id, path, placed, facts)


def read_csv(path: Path, doc_id: str) -> Document:
    """The rows of the CSV file at ``path``; delimiter guessed from its start.

    Raises:
        DecodingError: The file is binary or in no readable encoding.
        FileFormatError: The file is not CSV.
    """
    decoded = decode_bytes(path.read_bytes())
    text = decoded.text
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:_SNIFF_CHARS], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as exc:
        raise FileFormatError(f"'{path}' is not a readable CSV file ({exc}): skipped") from exc
    numbered = ((n, [cell_text(v) for v in record]) for n, record in enumerate(records, start=1))
    facts = FileFacts("csv", detect_title=False)
    return placed_document(doc_id, path, _rows(numbered, None), facts)

