"""Plain-text report of loaded documents and their chunks, for ``python -m qa inspect``.

Lets a user check what the cleaner kept before building an index: per file its format,
pages or sheets, paragraphs kept and chunks (or why it was skipped); each document's
title, date, source and size; and optionally every chunk with its span and place.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from qa.ingest.corpus import FileReport
from qa.interface.citation import place
from qa.types import Chunk, Document


def format_files(files: Sequence[FileReport], chunks: Sequence[Chunk]) -> list[str]:
    """One line per file: format, pages or sheets, paragraphs kept, chunks, or why it was skipped.

    Example:
        >>> format_files([FileReport("a.pdf", "pdf", ("a",), pages=3, paragraphs=7)], [])[1]
        '  a.pdf  pdf  3 pages  7 paragraphs  0 chunks'
    """
    per_doc = Counter(chunk.doc_id for chunk in chunks)
    lines = ["files:"]
    for report in files:
        if report.warning and not report.documents:
            lines.append(f"  {report.path}  {report.format}  skipped: {report.warning}")
            continue
        parts = [report.path, report.format]
        if report.pages is not None:
            parts.append(f"{report.pages} pages")
        if report.sheets:
            parts.append(f"sheets {', '.join(report.sheets)}")
        parts.append(f"{report.paragraphs} paragraphs")
        parts.append(f"{sum(per_doc.get(d, 0) for d in report.documents)} chunks")
        lines.append("  " + "  ".join(parts))
    return lines


def format_inspection(docs: Sequence[Document], chunks: Sequence[Chunk], *, show_chunks: bool,
                      files: Sequence[FileReport] = ()) -> str:
    """Describe documents (and with ``show_chunks`` their chunks) as printable text.

    Args:
        docs: Loaded documents.
        chunks: Chunks of those documents.
        show_chunks: Also print each chunk's id, span and text.
        files: Per-file reports of :func:`~qa.ingest.corpus.load_corpus`, listed first.

    Returns:
        The report, ending with a summary line.

    Example:
        >>> doc = Document(id="a", title=None, text="正文。", path="c/a.txt")
        >>> print(format_inspection([doc], [], show_chunks=False).splitlines()[0])
        a
    """
    per_doc = Counter(chunk.doc_id for chunk in chunks)
    by_doc: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        by_doc.setdefault(chunk.doc_id, []).append(chunk)
    lines: list[str] = format_files(files, chunks) + [""] if files else []
    for doc in docs:
        lines.append(doc.id)
        lines.append(f"  title:  {doc.title or '(no title)'}")
        lines.append(f"  date:   {doc.date or '-'}")
        lines.append(f"  source: {doc.source or '-'}")
        lines.append(f"  path:   {doc.path or '-'}")
        if doc.format:
            lines.append(f"  format: {doc.format}")
        if doc.url:
            lines.append(f"  url:    {doc.url}")
        if doc.duplicates:
            lines.append(f"  same text also in: {', '.join(doc.duplicates)}")
        lines.append(f"  chars:  {len(doc.text)}   chunks: {per_doc.get(doc.id, 0)}")
        if show_chunks:
            for chunk in by_doc.get(doc.id, []):
                where = place(chunk) if chunk.page or chunk.row or chunk.section else ""
                lines.append(f"  [{chunk.id}] {chunk.start}-{chunk.end}" + (f"  {where}" if where else ""))
                lines.extend(f"      {line}" for line in chunk.text.split("\n"))
        lines.append("")
    lines.append(f"{len(docs)} document(s), {len(chunks)} chunk(s)")
    return "\n".join(lines)
