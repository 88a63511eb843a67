"""The store seam: where an index is kept (a local folder, or Milvus) and what the engine asks of it.

The engine ranks and answers with the same code whatever the store: it asks an opened
:class:`IndexView` for dense and BM25 candidate lists, chunk vectors, BM25 scores of chosen
chunks and term IDF, then fuses the lists (weighted RRF) and answers itself. A build asks a
:class:`Store` for what the previous version holds (to reuse vectors by chunk hash) and hands
it the new version to write and switch to atomically.

Positions: chunks are numbered 0..n-1 in index order (``view.chunks[i]``); every candidate
list and score array speaks of these positions.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from qa.index.filters import Filters
from qa.settings import Settings
from qa.types import Chunk, Document


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as stored: the chunk plus the hash of the text its vector was made from."""

    chunk: Chunk
    embed_hash: str


@dataclass(frozen=True)
class NewVersion:
    """Everything a build hands a store to write as the next version of an index."""

    manifest: dict[str, Any]
    documents: list[Document]
    chunks: list[StoredChunk]
    vectors: np.ndarray
    settings: Settings


class PreviousVersion(Protocol):
    """The live version as a build sees it: its manifest and its vectors by chunk hash."""

    manifest: dict[str, Any]
    document_count: int
    chunk_count: int

    def vectors_for(self, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors of the chunks whose embedded-text hash is in ``hashes``."""
        ...


class IndexView(Protocol):
    """One opened, immutable version of an index: what :class:`qa.QA` searches.

    Example:
        >>> view = open_store("index/").open()                   # doctest: +SKIP
        >>> view.dense(qvec, k=50, filters=None)[:3]             # doctest: +SKIP
        [12, 3, 40]
    """

    version: str
    manifest: dict[str, Any]
    chunks: list[Chunk]
    documents: dict[str, Document]

    def dense(self, qvec: np.ndarray, *, k: int, filters: Filters | None) -> list[int]:
        """Positions of the ``k`` chunks nearest ``qvec`` (inner product) that ``filters`` keep."""
        ...

    def lexical(self, text: str, *, k: int, filters: Filters | None) -> list[int]:
        """Positions of the ``k`` best BM25 matches of ``text`` (score > 0) that ``filters`` keep."""
        ...

    def lexical_scores(self, text: str, ids: Sequence[int]) -> np.ndarray:
        """BM25 scores of ``text`` for the chunks at ``ids`` (0 where nothing matches)."""
        ...

    def vectors(self, ids: Sequence[int]) -> np.ndarray:
        """The stored vectors of the chunks at ``ids`` (float32, one row each)."""
        ...

    def allowed(self, filters: Filters) -> np.ndarray:
        """Positions (ascending) of the chunks ``filters`` keep."""
        ...

    def idf(self, terms: Sequence[str]) -> dict[str, float]:
        """Inverse document frequency of each term over the chunks (unseen terms get the highest)."""
        ...

    def terms(self) -> Collection[str]:
        """Every term BM25 indexed (search form): the words an English question is bridged to."""
        ...


class Store(Protocol):
    """Where an index lives; :func:`qa.index.stores.open_store` makes one from a location string."""

    location: str

    def rebuild_hint(self) -> str:
        """The command that rebuilds this index, for error messages."""
        ...

    def current(self) -> str:
        """Name of the live version (cheap); raises IndexNotFoundError when there is none."""
        ...

    def read_manifest(self) -> dict[str, Any]:
        """Manifest of the live version, validated."""
        ...

    def open(self) -> IndexView:
        """Load the live version for searching."""
        ...

    def build_lock(self) -> AbstractContextManager[None]:
        """Held while a build runs; a second builder gets BuildLockedError at once."""
        ...

    def previous(self) -> PreviousVersion | None:
        """The live version for reuse by a build, or None when there is none (or it cannot be read)."""
        ...

    def cache_dir(self) -> Path:
        """Folder for the embedding cache of an interrupted build (on the building machine)."""
        ...

    def write(self, version: NewVersion) -> str:
        """Write ``version`` completely, then make it live atomically; returns its name."""
        ...


def idf_from_counts(counts: Mapping[str, int], size: int) -> dict[str, float]:
    """BM25's (Lucene) IDF from document frequencies: ``log(1 + (n - df + 0.5) / (df + 0.5))``.

    Example:
        >>> round(idf_from_counts({"河北": 0}, 3)["河北"], 3)
        2.015
    """
    n = max(size, 1)
    return {term: float(np.log1p((n - df + 0.5) / (df + 0.5))) for term, df in counts.items()}
