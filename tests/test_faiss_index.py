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


def test_k_larger_than_index_and_bad_input() -> None:
    index = FaissIndex.create(dim=4, kind="flat")
    index.add(np.eye(4, dtype=np.float32)[:2])
    assert index.search(np.eye(4, dtype=np.float32)[:1], k=10).ids.shape == (1, 2)
    with pytest.raises(ValueError, match="dim"):
        index.add(np.ones((1, 3), dtype=np.float32))
    with pytest.raises(ValueError, match="k=0"):
        index.search(np.ones((1, 4), dtype=np.float32), k=0)


def test_choose_kind() -> None:
    assert choose_kind(10, hnsw_threshold=100) == "flat"
    assert choose_kind(100, hnsw_threshold=100) == "hnsw"
    assert choose_kind(10**7, kind="flat", hnsw_threshold=100) == "flat"
    with pytest.raises(ValueError, match="allowed"):
        choose_kind(1, kind="ivf", hnsw_threshold=100)
