"""Read one file into cleaned :class:`~qa.types.Document` objects, whatever its format.

Supported: ``.txt``/``.md`` (encoding detected, see :mod:`qa.ingest.decoding`), ``.html``/
``.htm`` (main text, see :mod:`qa.ingest.html_text`), ``.jsonl`` (one document per line),
``.pdf`` (:mod:`qa.ingest.pdf`), ``.docx`` (:mod:`qa.ingest.word`), ``.xlsx`` and ``.csv``
(:mod:`qa.ingest.spreadsheet`). A folder is read by :mod:`qa.ingest.corpus`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

from qa.errors import CorpusError
from qa.ingest.cleaning import clean_text
from qa.ingest.decoding import decode_bytes
from qa.ingest.html_text import declared_charset, extract_html
from qa.ingest.sniff import check_content
from qa.types import Document

logger = logging.getLogger(__name__)

TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSONL_SUFFIXES = frozenset({".jsonl"})
# Formats with their own reader: PDF pages, Word sections, spreadsheet rows.
STRUCTURED_SUFFIXES = frozenset({".pdf", ".docx", ".xlsx", ".csv"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | STRUCTURED_SUFFIXES
SUPPORTED_TEXT = ".txt, .md, .html, .htm, .jsonl, .pdf, .docx, .xlsx or .csv"


def _document(doc_id: str, path: Path, raw: str, title: str | None) -> Document:
    result = clean_text(raw, title=title)
    return Document(
        id=doc_id, title=result.title, text=result.text, date=result.date,
        source=result.source, path=str(path), format=path.suffix.lower().lstrip("."),
    )


def _structured_reader(suffix: str) -> Callable[[Path, str], Document]:
    # Imported on use: each reader pulls in its library (pypdfium2, python-docx, openpyxl).
    if suffix == ".pdf":
        from qa.ingest.pdf import read_pdf

        return read_pdf
    if suffix == ".docx":
        from qa.ingest.word import read_docx

        return read_docx
    from qa.ingest.spreadsheet import read_csv, read_xlsx

    return read_xlsx if suffix == ".xlsx" else read_csv


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    declared = declared_charset(data) if path.suffix.lower() in HTML_SUFFIXES else None
    decoded = decode_bytes(data, declared=declared)
    if decoded.truncated:
        logger.warning("'%s' ends inside a %s character (cut-off file?); read without that last character",
                       path, decoded.encoding)
    return decoded.text


def _jsonl_documents(path: Path, text: str) -> list[Document]:
    docs: list[Document] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            logger.warning("%s line %d skipped: not valid JSON (%s)", path, number, exc.msg)
            continue
        if not isinstance(record, dict):
            logger.warning("%s line %d skipped: expected a JSON object", path, number)
            continue
        doc_id, body = record.get("id"), record.get("text")
        if isinstance(doc_id, int) and not isinstance(doc_id, bool):
            doc_id = str(doc_id)
        if not isinstance(doc_id, str) or not doc_id.strip() or not isinstance(body, str):
            logger.warning("%s line %d skipped: needs a string 'id' and a string 'text'", path, number)
            continue
        title = record.get("title") if isinstance(record.get("title"), str) else None
        result = clean_text(body, title=title, detect_title=False)
        fields = {k: record.get(k) for k in ("date", "source", "url")}
        docs.append(
            Document(
                id=doc_id.strip(), title=result.title, text=result.text,
                date=fields["date"] if isinstance(fields["date"], str) else result.date,
                source=fields["source"] if isinstance(fields["source"], str) else result.source,
                path=str(path), url=fields["url"] if isinstance(fields["url"], str) else None,
                format="jsonl",
            )
        )
    return docs


def load_file(path: str | Path, *, doc_id: str | None = None) -> list[Document]:
    """Load one file: one document, or one per line for ``.jsonl``.

    Args:
        path: File to read.
        doc_id: Id for a non-JSONL document; defaults to the file name without suffix.

    Returns:
        The cleaned documents (possibly with empty text when nothing survived cleaning).

    Raises:
        CorpusError: The file type is not supported.
        DecodingError: The file is binary or in no readable encoding.
        FileFormatError: The file is broken, encrypted, not what its extension says, or
            (a PDF) has no text layer.
        OSError: The file cannot be read.

    Example:
        >>> load_file("corpus/000_a1365cd533979094.txt")[0].source  # doctest: +SKIP
        '日喀則新聞中心'
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise CorpusError(f"File '{path}' has unsupported type '{suffix}': use {SUPPORTED_TEXT}")
    name = doc_id if doc_id is not None else path.stem
    if suffix in STRUCTURED_SUFFIXES:
        check_content(path)
        return [_structured_reader(suffix)(path, name)]
    text = _read_text(path)
    if suffix in JSONL_SUFFIXES:
        return _jsonl_documents(path, text)
    if suffix in HTML_SUFFIXES:
        page = extract_html(text)
        return [_document(name, path, page.text, page.title)]
    return [_document(name, path, text, None)]
