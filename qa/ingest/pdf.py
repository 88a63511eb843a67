"""Read a PDF's text layer with pypdfium2 (PDFium, Apache-2.0/BSD), page by page.

Text comes in PDFium's reading order; :mod:`qa.ingest.pdf_layout` drops running heads,
feet and page numbers and rebuilds paragraphs. A PDF with no text at all (a scan) or one
that needs a password is a :class:`~qa.errors.FileFormatError`; pages without text in an
otherwise textual PDF are logged and skipped.
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

from qa.errors import FileFormatError
from qa.ingest.pdf_layout import drop_running_lines, paragraphs, split_lines
from qa.ingest.placed import FileFacts, placed_document
from qa.types import Document

logger = logging.getLogger(__name__)

# PDFium is not thread-safe (pypdfium2's documentation): one document at a time per process,
# so a background re-index and another reader never call into it together.
_PDFIUM_LOCK = threading.Lock()
_PDF_DATE = re.compile(r"^D:(\d{4})(\d{2})?(\d{2})?")
# Producer-made titles that name a file or say nothing.
_USELESS_TITLE = re.compile(r"(?i)^(untitled|microsoft word|無標題|无标题)|\.\w{2,4}$")


def _date(raw: str | None) -> str | None:
    match = _PDF_DATE.match(raw or "")
    if not match:
        return None
    year, month, day = match.group(1), match.group(2) or "01", match.group(3) or "01"
    return f"{year}-{month}-{day}"


def _title(raw: str | None) -> str | None:
    title = (raw or "").strip()
    return title if title and not _USELESS_TITLE.search(title) else None


def _read_pages(path: Path) -> tuple[list[list[str]], dict[str, str]]:
    """The text lines of every page and the document's metadata."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise FileFormatError(f"'{path}' is encrypted (needs a password): skipped; "
                                  f"save an unprotected copy to index it") from exc
        raise FileFormatError(f"'{path}' is not a readable PDF ({exc}): skipped") from exc
    try:
        pages: list[list[str]] = []
        for page in pdf:
            textpage = page.get_textpage()
            pages.append(split_lines(textpage.get_text_range()))
            textpage.close()
            page.close()
        return pages, pdf.get_metadata_dict()
    finally:
        pdf.close()


def read_pdf(path: Path, doc_id: str) -> Document:
    """The document in the PDF at ``path``, its lines placed on their pages.

    Raises:
        FileFormatError: The file is not a readable PDF, is encrypted, or has no text layer.
    """
    with _PDFIUM_LOCK:
        pages, metadata = _read_pages(path)
    empty = [n for n, lines in enumerate(pages, start=1) if not any(line.strip() for line in lines)]
    if len(empty) == len(pages):
        raise FileFormatError(f"'{path}' has no text layer (a scan or images only, {len(pages)} page(s)): "
                              f"not indexed; run OCR on it to make its text searchable")
    if empty:
        logger.warning("'%s': page(s) %s have no text (images?) and are not indexed",
                       path, ", ".join(map(str, empty)))
    placed = paragraphs(drop_running_lines(pages))
    facts = FileFacts("pdf", title=_title(metadata.get("Title")), date=_date(metadata.get("CreationDate")),
                      pages=len(pages))
    return placed_document(doc_id, path, placed, facts)
