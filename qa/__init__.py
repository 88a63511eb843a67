"""Semantic question answering over a folder of Chinese documents.

Example:
    >>> from qa import load_documents, chunk_documents
    >>> chunks = chunk_documents(load_documents("corpus/"))  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qa.errors import QAError
from qa.ingest.chunking import chunk_documents
from qa.ingest.corpus import load_documents
from qa.settings import Settings
from qa.types import Answer, Chunk, Document, Hit, Quote

if TYPE_CHECKING:
    from qa.engine import QA

__all__ = [
    "QA", "Answer", "Chunk", "Document", "Hit", "QAError", "Quote", "Settings",
    "chunk_documents", "load_documents",
]


def __getattr__(name: str) -> Any:
    # Re-export only: the engine pulls in numpy/faiss/models, so it loads on first use
    # and `python -m qa --help` stays instant.
    if name == "QA":
        from qa.engine import QA

        return QA
    raise AttributeError(f"module 'qa' has no attribute {name!r}")
