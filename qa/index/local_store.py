"""The default store: an index folder on this machine (FAISS + bm25s files, see :mod:`qa.index.store`)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Collection, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import numpy as np

from embeddings.faiss_index import FaissIndex, choose_kind, set_threads
from qa.errors import IndexCorruptError, QAError
from qa.index.base import IndexView, NewVersion, PreviousVersion
from qa.index.bm25 import BM25Index
from qa.index.chunk_text import lexical_text
from qa.index.filters import AllowedChunks, Filters
from qa.index.ranking import bm25_candidates
from qa.index.store import (
    CURRENT,
    IndexData,
    build_lock,
    current_version,
    read_manifest,
    read_version,
    rebuild_hint,
    write_version,
)
from qa.settings import Settings
from qa.types import Chunk, Document

logger = logging.getLogger(__name__)


class LocalPrevious:
    """The live version of a folder index, as a build reuses it."""

    def __init__(self, data: IndexData) -> None:
        self.manifest = data.manifest
        self.document_count = len(data.documents)
        self.chunk_count = len(data.chunks)
        self._by_hash = {sc.embed_hash: data.vectors[i] for i, sc in enumerate(data.chunks)}

    def vectors_for(self, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors of the chunks whose embedded-text hash is in ``hashes``."""
        return {h: self._by_hash[h] for h in hashes if h in self._by_hash}


class LocalView:
    """One version of a folder index loaded into memory: FAISS for vectors, bm25s for BM25."""

    def __init__(self, data: IndexData, vector_index: FaissIndex, lexical: BM25Index) -> None:
        self.version = data.folder.name
        self.manifest = data.manifest
        self.chunks: list[Chunk] = [sc.chunk for sc in data.chunks]
        self.documents: dict[str, Document] = {d.id: d for d in data.documents}
        self._vectors = data.vectors
        self._index = vector_index
        self._lexical = lexical
        self._allowed = AllowedChunks()
        self._corpus = data.manifest.get("corpus", {}).get("dir")
        # One question asks for its BM25 candidates, then for the scores of its hits.
        self._last: tuple[str, np.ndarray] | None = None
        self._lock = threading.Lock()

    def _scores(self, text: str) -> np.ndarray:
        with self._lock:
            last = self._last
        if last is not None and last[0] == text:
            return last[1]
        scores = self._lexical.scores(text)
        with self._lock:
            self._last = (text, scores)
        return scores

    def allowed(self, filters: Filters) -> np.ndarray:
        """Positions (ascending) of the chunks ``filters`` keep."""
        return self._allowed.get(self.version, filters, self.documents.values(), self.chunks, self._corpus)

    def dense(self, qvec: np.ndarray, *, k: int, filters: Filters | None) -> list[int]:
        """Positions of the ``k`` nearest chunks by FAISS (restricted by an ID selector when filtered)."""
        ids = None if filters is None else self.allowed(filters)
        found = self._index.search(qvec[None, :], k=k, ids=ids)
        return [int(i) for i in found.ids[0] if i >= 0]

    def lexical(self, text: str, *, k: int, filters: Filters | None) -> list[int]:
        """Positions of the ``k`` best BM25 matches, ranked among the allowed chunks only."""
        return bm25_candidates(self._scores(text), None if filters is None else self.allowed(filters), k)

    def lexical_scores(self, text: str, ids: Sequence[int]) -> np.ndarray:
        """BM25 scores of ``text`` for the chunks at ``ids``."""
        return self._scores(text)[np.asarray(ids, dtype=np.int64)]

    def vectors(self, ids: Sequence[int]) -> np.ndarray:
        """The stored vectors of the chunks at ``ids``."""
        return self._vectors[np.asarray(ids, dtype=np.int64)]

    def idf(self, terms: Sequence[str]) -> dict[str, float]:
        """IDF of each term from the bm25s index."""
        return self._lexical.idf(terms)

    def terms(self) -> Collection[str]:
        """The bm25s vocabulary."""
        return self._lexical.terms()


class LocalStore:
    """An index folder: versions written beside each other, ``CURRENT`` names the live one.

    Example:
        >>> store = LocalStore(Path("index"))                    # doctest: +SKIP
        >>> store.open().version                                 # doctest: +SKIP
        'v-20240101-120000-42-000001'
    """

    def __init__(self, folder: Path, *, settings: Settings | None = None) -> None:
        self.folder = Path(folder)
        self.location = str(self.folder)
        self._settings = settings or Settings()

    def rebuild_hint(self) -> str:
        """The command that rebuilds this index."""
        return rebuild_hint(self.folder)

    def current(self) -> str:
        """Name of the live version folder."""
        return current_version(self.folder).name

    def read_manifest(self) -> dict[str, Any]:
        """Manifest of the live version."""
        return read_manifest(self.folder)

    def open(self) -> IndexView:
        """Read and check every file of the live version, then load FAISS and BM25."""
        data = read_version(self.folder)
        try:
            vector_index = FaissIndex.load(data.folder / "vectors.faiss", ef_search=self._settings.hnsw_ef_search,
                                           nprobe=self._settings.ivf_nprobe)
            lexical = BM25Index.load(data.folder / "bm25", size=len(data.chunks))
        except (RuntimeError, ValueError, OSError, KeyError) as exc:
            raise IndexCorruptError(f"Index '{self.folder}' cannot be read ({exc}); {self.rebuild_hint()}") from exc
        if vector_index.ntotal != len(data.chunks):
            raise IndexCorruptError(
                f"Index '{self.folder}': FAISS holds {vector_index.ntotal} vectors for "
                f"{len(data.chunks)} chunks; {self.rebuild_hint()}"
            )
        set_threads(self._settings.faiss_threads)
        return LocalView(data, vector_index, lexical)

    def build_lock(self) -> AbstractContextManager[None]:
        """The folder's lock file, held while a build runs."""
        return build_lock(self.folder)

    def previous(self) -> PreviousVersion | None:
        """The live version, or None when there is none or it cannot be read."""
        try:
            return LocalPrevious(read_version(self.folder))
        except QAError as exc:
            if (self.folder / CURRENT).exists():
                logger.warning("Previous index at %s cannot be reused (%s); building from scratch", self.folder, exc)
            return None

    def cache_dir(self) -> Path:
        """The index folder itself holds the embedding cache."""
        return self.folder

    def write(self, version: NewVersion) -> str:
        """Build FAISS and BM25 over the new version and swap it in (see :func:`write_version`)."""
        settings = version.settings
        kind = choose_kind(len(version.chunks), kind=settings.index_kind, exact_below=settings.exact_below)
        vector_index = FaissIndex.create(dim=version.vectors.shape[1], kind=kind, hnsw_m=settings.hnsw_m,
                                         ef_search=settings.hnsw_ef_search, n_vectors=len(version.chunks),
                                         nprobe=settings.ivf_nprobe)
        vector_index.add(version.vectors)
        lexical = BM25Index.build([lexical_text(sc.chunk) for sc in version.chunks])

        def write_extras(folder: Path) -> None:
            vector_index.save(folder / "vectors.faiss")
            lexical.save(folder / "bm25")

        folder = write_version(self.folder, manifest={**version.manifest, "index_kind": kind},
                               documents=version.documents, chunks=version.chunks, vectors=version.vectors,
                               write_extras=write_extras)
        return folder.name
