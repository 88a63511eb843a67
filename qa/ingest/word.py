"""Read a Word ``.docx`` file with python-docx: paragraphs in order, headings, tables.

Headings (``Heading 1``..``9``, ``Title``) stay in the text and give every paragraph
under them its heading path (``第一章 > 1.1 背景``). A table is read row by row, each row
written as ``header: value`` pairs taken from the table's first row, so no row is cut off
from its header.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from qa.errors import FileFormatError
from qa.ingest.placed import FileFacts, Placed, placed_document
from qa.ingest.table_rows import row_text
from qa.types import Document

_HEADING = re.compile(r"^(?:heading|标题|標題)\s*(\d)$", re.IGNORECASE)
_SEPARATOR = " > "


def _level(paragraph: Any) -> int | None:
    """Heading level of a paragraph (0 for the document title), or ``None`` for body text."""
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    if name.lower() == "title":
        return 0
    match = _HEADING.match(name.strip())
    return int(match.group(1)) if match else None


def _cells(row: Any) -> list[str]:
    """Texts of a row's cells, a merged cell once."""
    seen: set[int] = set()
    out: list[str] = []
    for cell in row.cells:
        if id(cell._tc) in seen:
            continue
        seen.add(id(cell._tc))
        out.append(cell.text.strip())
    return out


def _table(table: Any, section: str | None) -> list[Placed]:
    rows = [_cells(row) for row in table.rows]
    rows = [r for r in rows if any(r)]
    if not rows:
        return []
    header, body = (rows[0], rows[1:]) if len(rows) > 1 else ([], rows)
    return [Placed(row_text(header, r), section=section, verbatim=True) for r in body]


def read_docx(path: Path, doc_id: str) -> Document:
    """The document in the ``.docx`` at ``path``, each line with its heading path.

    Raises:
        FileFormatError: The file is not a readable ``.docx`` (or is encrypted).
    """
    import docx
    from docx.table import Table

    try:
        word = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise FileFormatError(f"'{path}' is not a readable .docx file ({exc}): skipped") from exc
    heads: list[tuple[int, str]] = []
    placed: list[Placed] = []
    title: str | None = None
    for block in word.iter_inner_content():
        section = _SEPARATOR.join(text for _, text in heads) or None
        if isinstance(block, Table):
            placed.extend(_table(block, section))
            continue
        text = block.text.strip()
        if not text:
            continue
        level = _level(block)
        if level == 0:
            title = title or text
            continue
        if level is not None:
            heads = [(lv, t) for lv, t in heads if lv < level] + [(level, text)]
            section = _SEPARATOR.join(t for _, t in heads)
        placed.append(Placed(text, section=section))
    props = word.core_properties
    created = props.created.date().isoformat() if props.created else None
    facts = FileFacts("docx", title=title or (props.title or "").strip() or None, date=created)
    return placed_document(doc_id, path, placed, facts)

