"""The texts made from a chunk for the two retrievers: what the model embeds, what BM25 indexes."""

from __future__ import annotations

from qa.types import Chunk


def embed_text(chunk: Chunk) -> str:
    """Text given to the encoder for a chunk: title and date, then the paragraph.

    The title (and a Word chunk's heading path) travels with every paragraph so one that
    never names its subject still matches questions about it; only ``chunk.text`` is shown
    and quoted.
    """
    head = " ".join(part for part in (chunk.title, (chunk.date or "")[:10], chunk.section) if part)
    return f"{head}\n{chunk.text}" if head else chunk.text


def lexical_text(chunk: Chunk) -> str:
    """Text indexed by BM25 for a chunk: the title and the paragraph."""
    return f"{chunk.title}\n{chunk.text}" if chunk.title else chunk.text
