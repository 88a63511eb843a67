"""FAISS inner-product index: exact ``IndexFlatIP`` for small corpora, HNSW for large ones."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from embeddings.base import Choice, Neighbors

logger = logging.getLogger(__name__)


# A filtered HNSW search over at most this many vectors is done exactly: reading them back
# and one matrix product take a few milliseconds, and no filter can strand the graph walk.
EXACT_SUBSET = 20_000


class IndexKind(Choice):
    """FAISS index structure: exact ``flat``, approximate ``hnsw``, or ``auto`` (chosen by size)."""

    AUTO = "auto"
    FLAT = "flat"
    HNSW = "hnsw"


def choose_kind(n_vectors: int, *, kind: str = IndexKind.AUTO, hnsw_threshold: int) -> IndexKind:
    """Resolve ``auto`` to ``flat`` below ``hnsw_threshold`` vectors, else ``hnsw``.

    Raises:
        ValueError: ``kind`` is not an :class:`IndexKind`.
    """
    kind = IndexKind.from_str(kind, name="index_kind")
    if kind is not IndexKind.AUTO:
        return kind
    return IndexKind.HNSW if n_vectors >= hnsw_threshold else IndexKind.FLAT


def set_threads(n: int) -> None:
    """Set FAISS's OpenMP threads; one thread is fastest for single queries on small CPUs."""
    import faiss

    faiss.omp_set_num_threads(max(1, int(n)))


class FaissIndex:
    """Vectors searched by inner product (cosine, as vectors are L2-normalised).

    Example:
        >>> index = FaissIndex.create(dim=2, kind="flat")
        >>> index.add(np.eye(2, dtype=np.float32))
        >>> index.search(np.array([[1.0, 0.0]], dtype=np.float32), k=1).ids.tolist()
        [[0]]
    """

    def __init__(self, index: object, kind: str) -> None:
        self._index = index
        self._kind = kind

    @classmethod
    def create(cls, *, dim: int, kind: str = "flat", hnsw_m: int = 32, ef_search: int = 128,
               ef_construction: int = 80) -> FaissIndex:
        """Empty index of ``dim`` dimensions; ``kind`` is ``flat`` or ``hnsw``."""
        import faiss

        if dim < 1:
            raise ValueError(f"dim={dim!r} is not allowed; use a whole number >= 1")
        if kind == "flat":
            return cls(faiss.IndexFlatIP(dim), "flat")
        if kind == "hnsw":
            index = faiss.IndexHNSWFlat(dim, hnsw_m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = ef_construction
            index.hnsw.efSearch = ef_search
            return cls(index, "hnsw")
        raise ValueError(f"index kind {kind!r} is not allowed; use 'flat' or 'hnsw'")

    @property
    def kind(self) -> str:
        return self._kind

    @property
    def ntotal(self) -> int:
        return int(self._index.ntotal)  # type: ignore[attr-defined]

    @property
    def dim(self) -> int:
        return int(self._index.d)  # type: ignore[attr-defined]

    def add(self, vectors: np.ndarray) -> None:
        """Append vectors (ids are positions)."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dim:
            raise ValueError(f"vectors of shape {vectors.shape} do not fit an index of dim {self.dim}")
        if len(vectors):
            self._index.add(vectors)  # type: ignore[attr-defined]

    def search(self, queries: np.ndarray, *, k: int, ids: np.ndarray | None = None) -> Neighbors:
        """The ``k`` best ids and inner products per query; -1 pads missing ids.

        With ``ids``, only those vectors are searched (a FAISS ``IDSelectorBatch``), so a
        filter that keeps few vectors still gets their ``k`` best, not the few of the global
        best that pass it. On HNSW, whose graph walk a selective filter can strand, a subset
        of up to :data:`EXACT_SUBSET` vectors is searched exactly instead.
        """
        import faiss

        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        if k < 1:
            raise ValueError(f"k={k!r} is not allowed; use a whole number >= 1")
        if ids is None:
            k_eff = min(k, max(self.ntotal, 1))
            scores, found = self._index.search(queries, k_eff)  # type: ignore[attr-defined]
            return Neighbors(scores=scores, ids=found)
        subset = np.ascontiguousarray(ids, dtype=np.int64)
        if len(subset) == 0:
            empty = np.zeros((len(queries), 0))
            return Neighbors(scores=empty.astype(np.float32), ids=empty.astype(np.int64))
        if self._kind == "hnsw" and len(subset) <= EXACT_SUBSET:
            return self._exact(queries, subset, k)
        selector = faiss.IDSelectorBatch(subset)
        if self._kind == "hnsw":
            ef = max(int(self._index.hnsw.efSearch), k)  # type: ignore[attr-defined]
            params = faiss.SearchParametersHNSW(sel=selector, efSearch=ef)
        else:
            params = faiss.SearchParameters(sel=selector)
        scores, found = self._index.search(queries, min(k, len(subset)), params=params)  # type: ignore[attr-defined]
        return Neighbors(scores=scores, ids=found)

    def _exact(self, queries: np.ndarray, subset: np.ndarray, k: int) -> Neighbors:
        """Exact inner-product search over the vectors ``subset`` (stored in the index itself)."""
        scores = queries @ self._index.reconstruct_batch(subset).T  # type: ignore[attr-defined]
        keep = min(k, len(subset))
        order = np.argsort(-scores, axis=1, kind="stable")[:, :keep]
        return Neighbors(scores=np.take_along_axis(scores, order, axis=1).astype(np.float32), ids=subset[order])

    def save(self, path: Path) -> None:
        """Write the index to one FAISS file."""
        import faiss

        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path, *, ef_search: int = 128) -> FaissIndex:
        """Read a file written by :meth:`save`."""
        import faiss

        index = faiss.read_index(str(path))
        kind = "hnsw" if isinstance(index, faiss.IndexHNSWFlat) else "flat"
        if kind == "hnsw":
            index.hnsw.efSearch = ef_search
        return cls(index, kind)
