"""FAISS against an exact numpy reference, as faiss.contrib tests do."""

from __future__ import annotations

import numpy as np
import pytest

from embeddings.faiss_index import FaissIndex, choose_kind


def _unit(rng: np.random.Generator, n: int, dim: int) -> np.ndarray:
    x = rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_flat_matches_bruteforce(tmp_path) -> None:
    rng = np.random.default_rng(0)
    base, queries = _unit(rng, 500, 32), _unit(rng, 20, 32)
    index = FaissIndex.create(dim=32, kind="flat")
    index.add(base)
    found = index.search(queries, k=10)
    reference = np.argsort(-(queries @ base.T), axis=1)[:, :10]
    np.testing.assert_array_equal(found.ids, reference)
    np.testing.assert_allclose(found.scores, np.take_along_axis(queries @ base.T, reference, 1), rtol=1e-5)
    index.save(tmp_path / "v.faiss")
    again = FaissIndex.load(tmp_path / "v.faiss")
    assert again.kind == "flat" and again.ntotal == 500
    np.testing.assert_array_equal(again.search(queries, k=10).ids, reference)


def test_hnsw_recall_against_bruteforce(tmp_path) -> None:
    rng = np.random.default_rng(1)
    base, queries = _unit(rng, 2000, 32), _unit(rng, 50, 32)
    index = FaissIndex.create(dim=32, kind="hnsw", ef_search=128)
    index.add(base)
    found = index.search(queries, k=10).ids
    reference = np.argsort(-(queries @ base.T), axis=1)[:, :10]
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, reference, strict=True)])
    assert recall >= 0.95
    index.save(tmp_path / "h.faiss")
    assert FaissIndex.load(tmp_path / "h.faiss").kind == "hnsw"


def test_ivf_recall_against_bruteforce_and_round_trip(tmp_path) -> None:
    # Clustered data, as real embeddings are: IVF's lists follow the clusters.
    rng = np.random.default_rng(2)
    centres = _unit(rng, 40, 32)
    base = centres[rng.integers(0, 40, 5000)] + 0.3 * rng.standard_normal((5000, 32)).astype(np.float32)
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    queries = base[:50] + 0.05 * rng.standard_normal((50, 32)).astype(np.float32)
    index = FaissIndex.create(dim=32, kind="ivf", n_vectors=len(base), nprobe=64)
    index.add(base)
    reference = np.argsort(-(queries @ base.T), axis=1)[:, :10]
    found = index.search(queries, k=10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found.ids, reference, strict=True)])
    assert recall >= 0.95
    # Re-ranked exactly: the scores are true inner products, not 8-bit approximations.
    np.testing.assert_allclose(found.scores, np.take_along_axis(queries @ base.T, found.ids, 1), rtol=1e-5)
    index.save(tmp_path / "i.faiss")
    again = FaissIndex.load(tmp_path / "i.faiss", nprobe=64)
    assert again.kind == "ivf" and again.ntotal == 5000
    np.testing.assert_array_equal(again.search(queries, k=10).ids, found.ids)


def test_empty_ivf_finds_nothing() -> None:
    index = FaissIndex.create(dim=8, kind="ivf", n_vectors=0)
    assert index.search(np.ones(8, dtype=np.float32), k=3).ids.tolist() == [[-1, -1, -1]]


def test_k_larger_than_index_and_bad_input() -> None:
    index = FaissIndex.create(dim=4, kind="flat")
    index.add(np.eye(4, dtype=np.float32)[:2])
    assert index.search(np.eye(4, dtype=np.float32)[:1], k=10).ids.shape == (1, 2)
    with pytest.raises(ValueError, match="dim"):
        index.add(np.ones((1, 3), dtype=np.float32))
    with pytest.raises(ValueError, match="k=0"):
        index.search(np.ones((1, 4), dtype=np.float32), k=0)


def test_choose_kind() -> None:
    assert choose_kind(10, exact_below=100) == "flat"
    assert choose_kind(100, exact_below=100) == "ivf"
    assert choose_kind(10**7, kind="flat", exact_below=100) == "flat"
    assert choose_kind(10, kind="hnsw", exact_below=100) == "hnsw"
    with pytest.raises(ValueError, match="allowed"):
        choose_kind(1, kind="pq", exact_below=100)
