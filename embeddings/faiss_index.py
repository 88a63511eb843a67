"""FAISS inner-product index: exact ``IndexFlatIP`` for small corpora, IVF-SQ8 re-ranked exactly for large ones.

Which kind ``auto`` picks follows the measurement on vectors drawn like real embeddings
(docs/benchmarks.md, "Scale on realistic vectors"): exact search while one query stays within
20 ms; above that, IVF with 8-bit scalar quantisation whose candidates are re-ranked by exact
inner product (``IVF<lists>,SQ8,RFlat``), the kind that kept recall@10 >= 0.95 within the
latency and memory target where HNSW did not. HNSW stays available by name.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from embeddings.base import Choice, Neighbors

logger = logging.getLogger(__name__)


# A filtered HNSW or IVF search over at most this many vectors is done exactly: reading them
# back and one matrix product take a few milliseconds, and no filter can strand the graph walk
# or fall outside the probed lists.
EXACT_SUBSET = 20_000
# IVF: candidates re-ranked exactly per result wanted (10 results: 40 candidates).
REFINE_FACTOR = 4
# IVF: at most this many vectors train the coarse quantiser (k-means); fewer than FAISS's
# advice of 39 per list at a million vectors (it prints a warning), to keep builds in minutes.
IVF_TRAIN_MAX = 128_000


class IndexKind(Choice):
    """FAISS index structure: exact ``flat``, approximate ``ivf`` or ``hnsw``, or ``auto`` (chosen by size)."""

    AUTO = "auto"
    FLAT = "flat"
    IVF = "ivf"
    HNSW = "hnsw"


def choose_kind(n_vectors: int, *, kind: str = IndexKind.AUTO, exact_below: int) -> IndexKind:
    """Resolve ``auto`` to ``flat`` below ``exact_below`` vectors, else ``ivf``.

    Example:
        >>> choose_kind(50_000, exact_below=180_000), choose_kind(1_000_000, exact_below=180_000)
        (<IndexKind.FLAT: 'flat'>, <IndexKind.IVF: 'ivf'>)

    Raises:
        ValueError: ``kind`` is not an :class:`IndexKind`.
    """
    kind = IndexKind.from_str(kind, name="index_kind")
    if kind is not IndexKind.AUTO:
        return kind
    return IndexKind.IVF if n_vectors >= exact_below else IndexKind.FLAT


def ivf_lists(n_vectors: int) -> int:
    """Coarse lists of an IVF index over ``n_vectors``: 4·√n (at least 64), never more than the vectors.

    Example:
        >>> ivf_lists(1_000_000)
        4000
    """
    return max(1, min(n_vectors, max(64, int(4 * np.sqrt(n_vectors)))))


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
               ef_construction: int = 80, n_vectors: int = 0, nprobe: int = 1024) -> FaissIndex:
        """Empty index of ``dim`` dimensions; ``kind`` is ``flat``, ``ivf`` or ``hnsw``.

        ``ivf`` sizes its lists for ``n_vectors`` (:func:`ivf_lists`) and is trained by the first
        :meth:`add`; ``nprobe`` lists are searched per query (at most all of them).
        """
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
        if kind == "ivf":
            index = faiss.index_factory(dim, f"IVF{ivf_lists(n_vectors)},SQ8,RFlat", faiss.METRIC_INNER_PRODUCT)
            index.k_factor = REFINE_FACTOR
            created = cls(index, "ivf")
            created.set_nprobe(nprobe)
            return created
        raise ValueError(f"index kind {kind!r} is not allowed; use 'flat', 'ivf' or 'hnsw'")

    def set_nprobe(self, nprobe: int) -> None:
        """IVF lists searched per query (capped at the number of lists); nothing for other kinds."""
        if self._kind == "ivf":
            import faiss

            ivf = faiss.extract_index_ivf(self._index)
            ivf.nprobe = max(1, min(int(nprobe), int(ivf.nlist)))

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
        if len(vectors) and not self._index.is_trained:  # type: ignore[attr-defined]
            import faiss

            # IVF learns its lists from the first vectors it gets: a fixed sample (builds repeat)
            # of ~32 per list, as the benchmark trained it.
            nlist = int(faiss.extract_index_ivf(self._index).nlist)
            rows = np.random.default_rng(1).permutation(len(vectors))[: min(32 * nlist, IVF_TRAIN_MAX)]
            self._index.train(vectors[np.sort(rows)])  # type: ignore[attr-defined]
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
        if self.ntotal == 0 and self._kind == "ivf":  # untrained: FAISS cannot search it
            return Neighbors(scores=np.full((len(queries), k), -np.inf, dtype=np.float32),
                             ids=np.full((len(queries), k), -1, dtype=np.int64))
        if ids is None:
            k_eff = min(k, max(self.ntotal, 1))
            scores, found = self._index.search(queries, k_eff)  # type: ignore[attr-defined]
            return Neighbors(scores=scores, ids=found)
        subset = np.ascontiguousarray(ids, dtype=np.int64)
        if len(subset) == 0:
            empty = np.zeros((len(queries), 0))
            return Neighbors(scores=empty.astype(np.float32), ids=empty.astype(np.int64))
        if self._kind != "flat" and len(subset) <= EXACT_SUBSET:
            return self._exact(queries, subset, k)
        selector = faiss.IDSelectorBatch(subset)
        if self._kind == "hnsw":
            ef = max(int(self._index.hnsw.efSearch), k)  # type: ignore[attr-defined]
            params = faiss.SearchParametersHNSW(sel=selector, efSearch=ef)
        elif self._kind == "ivf":
            probe = faiss.SearchParametersIVF(sel=selector, nprobe=faiss.extract_index_ivf(self._index).nprobe)
            params = faiss.IndexRefineSearchParameters(k_factor=REFINE_FACTOR, base_index_params=probe)
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
    def load(cls, path: Path, *, ef_search: int = 128, nprobe: int = 1024) -> FaissIndex:
        """Read a file written by :meth:`save`."""
        import faiss

        index = faiss.read_index(str(path))
        kind = ("hnsw" if isinstance(index, faiss.IndexHNSWFlat)
                else "ivf" if isinstance(index, faiss.IndexRefineFlat) else "flat")
        if kind == "hnsw":
            index.hnsw.efSearch = ef_search
        loaded = cls(index, kind)
        loaded.set_nprobe(nprobe)
        return loaded
