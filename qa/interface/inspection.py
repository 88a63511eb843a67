"""Plain-text report of loaded documents and their chunks, for ``python -m qa inspect``.

Lets a user check what the cleaner kept before building an index: each document's
title, date, source and size, and optionally every chunk with its span.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from qa.types import Chunk, Document


def format_inspection(docs: Sequence[Document], chunks: Sequence[Chunk], *, show_chunks: bool) -> str:
    """Describe documents (and with ``show_chunks`` their chunks) as printable text.

    Args:
        docs: Loaded documents.
        chunks: Chunks of those documents.
        show_chunks: Also print each chunk's id, span and text.

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
    lines: list[str] = []
    for doc in docs:
        lines.append(doc.id)
        lines.append(f"  title:  {doc.title or '(no title)'}")
        lines.append(f"  date:   {doc.date or '-'}")
        lines.append(f"  source: {doc.source or '-'}")
        lines.append(f"  path:   {doc.path or '-'}")
        if doc.url:
            lines.append(f"  url:    {doc.url}")
        if doc.duplicates:
            lines.append(f"  same text also in: {', '.join(doc.duplicates)}")
        lines.append(f"  chars:  {len(doc.text)}   chunks: {per_doc.get(doc.id, 0)}")
        if show_chunks:
            for chunk in by_doc.get(doc.id, []):
                lines.append(f"  [{chunk.id}] {chunk.start}-{chunk.end}")
                lines.extend(f"      {line}" for line in chunk.text.split("\n"))
        lines.append("")
    lines.append(f"{len(docs)} document(s), {len(chunks)} chunk(s)")
    return "\n".join(lines)
