"""Vector search against collection size: exact ``IndexFlatIP`` versus HNSW, on synthetic data.

The vectors are random unit vectors (Gaussian, normalised), dim 384 like e5-small. Random
high-dimensional data has no cluster structure, so HNSW recall on independent random queries
is a worst case; real embeddings are easier. A second query set is made of stored vectors
plus noise (cosine about 0.8 to their source), so each query has a true near neighbour, as a
real question has its passage. Recall@10 is measured against the exact index's top 10.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from benchmarks.timing import median, percentile, rss_mb
from embeddings.faiss_index import FaissIndex, set_threads

DIM = 384
K = 10


@dataclass(frozen=True)
class ScalePoint:
    """One index kind at one size: build cost, single-query latency (1 and 2 threads), memory, recall."""

    kind: str
    n: int
    dim: int
    build_s: float
    build_threads: int
    p50_ms_1t: float
    p95_ms_1t: float
    p50_ms_2t: float
    p95_ms_2t: float
    memory_mb: float
    recall_at_10: float
    recall_at_10_near: float


@dataclass(frozen=True)
class EfPoint:
    """HNSW recall and latency for one ``efSearch`` at one size (1 thread)."""

    n: int
    ef_search: int
    recall_at_10: float
    recall_at_10_near: float
    p50_ms: float


def random_unit(n: int, dim: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` random unit vectors of ``dim`` float32 components, made in blocks to bound peak memory."""
    out = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, 100_000):
        block = rng.standard_normal((min(100_000, n - start), dim), dtype=np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[start : start + len(block)] = block
    return out


def near_queries(data: np.ndarray, n: int, rng: np.random.Generator, noise: float = 0.75) -> np.ndarray:
    """``n`` stored vectors plus Gaussian noise of norm ``noise``, normalised (cosine ~0.8 to the source)."""
    picked = data[rng.choice(len(data), size=n, replace=False)]
    jitter = rng.standard_normal(picked.shape, dtype=np.float32)
    jitter *= noise / np.linalg.norm(jitter, axis=1, keepdims=True)
    out = picked + jitter
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def _latencies(index: FaissIndex, queries: np.ndarray, threads: int) -> list[float]:
    set_threads(threads)
    for q in queries[:5]:  # warm-up
        index.search(q[None, :], k=K)
    out = []
    for q in queries:
        start = time.perf_counter()
        index.search(q[None, :], k=K)
        out.append((time.perf_counter() - start) * 1000.0)
    return out


def _recall(found: np.ndarray, truth: np.ndarray) -> float:
    from faiss.contrib.evaluation import knn_intersection_measure

    return float(knn_intersection_measure(found, truth))


def _measure(
    kind: str,
    data: np.ndarray,
    queries: np.ndarray,
    truth: np.ndarray | None,
    near: np.ndarray,
    near_truth: np.ndarray | None,
    build_threads: int,
    hnsw_m: int,
    ef_search: int,
) -> tuple[ScalePoint, FaissIndex]:
    gc.collect()
    before = rss_mb()
    set_threads(build_threads)
    start = time.perf_counter()
    index = FaissIndex.create(dim=data.shape[1], kind=kind, hnsw_m=hnsw_m, ef_search=ef_search)
    index.add(data)
    build_s = time.perf_counter() - start
    memory = rss_mb() - before
    one = _latencies(index, queries, 1)
    two = _latencies(index, queries, 2)
    set_threads(build_threads)
    recall = 1.0 if truth is None else _recall(index.search(queries, k=K).ids, truth)
    recall_near = 1.0 if near_truth is None else _recall(index.search(near, k=K).ids, near_truth)
    point = ScalePoint(
        kind,
        len(data),
        data.shape[1],
        build_s,
        build_threads,
        median(one),
        percentile(one, 95),
        median(two),
        percentile(two, 95),
        memory,
        recall,
        recall_near,
    )
    return point, index


def run_scale(
    sizes: Sequence[int],
    *,
    hnsw_sizes: Sequence[int],
    dim: int = DIM,
    queries: int = 200,
    hnsw_m: int = 32,
    ef_search: int = 128,
    ef_sweep: Sequence[int] = (64, 128, 256),
    build_threads: int = 2,
    seed: int = 0,
    log: Callable[[str], None] = print,
) -> tuple[list[ScalePoint], list[EfPoint]]:
    """Measure flat at each of ``sizes`` and HNSW at each of ``hnsw_sizes`` (HNSW builds are slow)."""
    rng = np.random.default_rng(seed)
    data_all = random_unit(max([*sizes, *hnsw_sizes]), dim, rng)
    query_vectors = random_unit(queries, dim, rng)
    points: list[ScalePoint] = []
    sweep: list[EfPoint] = []
    for n in sorted({*sizes, *hnsw_sizes}):
        data = data_all[:n]
        near = near_queries(data, queries, rng)
        flat_point, flat = _measure(
            "flat", data, query_vectors, None, near, None, build_threads, hnsw_m, ef_search
        )
        if n in sizes:
            points.append(flat_point)
        log(f"scale: flat n={n:,} build {flat_point.build_s:.2f}s p50 {flat_point.p50_ms_1t:.2f} ms")
        set_threads(build_threads)
        truth = flat.search(query_vectors, k=K).ids
        near_truth = flat.search(near, k=K).ids
        del flat
        if n not in hnsw_sizes:
            continue
        hnsw_point, hnsw = _measure(
            "hnsw", data, query_vectors, truth, near, near_truth, build_threads, hnsw_m, ef_search
        )
        points.append(hnsw_point)
        log(
            f"scale: hnsw n={n:,} build {hnsw_point.build_s:.1f}s p50 {hnsw_point.p50_ms_1t:.2f} ms "
            f"recall@10 {hnsw_point.recall_at_10:.3f} (near queries {hnsw_point.recall_at_10_near:.3f})"
        )
        raw = hnsw._index  # noqa: SLF001 - efSearch sweep needs the FAISS object
        for ef in ef_sweep:
            raw.hnsw.efSearch = ef
            set_threads(build_threads)
            recall = _recall(hnsw.search(query_vectors, k=K).ids, truth)
            recall_near = _recall(hnsw.search(near, k=K).ids, near_truth)
            sweep.append(EfPoint(n, ef, recall, recall_near, median(_latencies(hnsw, query_vectors, 1))))
        del hnsw
    set_threads(1)
    return points, sweep


def fit_growth(points: Sequence[ScalePoint], kind: str, field: str) -> float | None:
    """Exponent b of ``field ~ n**b`` fitted over the sizes measured for ``kind`` (None if < 2)."""
    rows = [(p.n, getattr(p, field)) for p in points if p.kind == kind and getattr(p, field) > 0]
    if len(rows) < 2:
        return None
    x = np.log([r[0] for r in rows])
    y = np.log([r[1] for r in rows])
    return float(np.polyfit(x, y, 1)[0])


def extrapolate(points: Sequence[ScalePoint], kind: str, field: str, n: int,
                exponent: float | None = None) -> float | None:
    """``field`` at ``n`` from the power law through the largest measured point of ``kind``.

    ``exponent`` fixes the law's exponent instead of fitting it (memory is linear in n).
    """
    exponent = exponent if exponent is not None else fit_growth(points, kind, field)
    rows = sorted((p.n, getattr(p, field)) for p in points if p.kind == kind)
    if exponent is None or not rows:
        return None
    n0, v0 = rows[-1]
    return float(v0 * (n / n0) ** exponent)


def hnsw_threshold(points: Sequence[ScalePoint], *, budget_ms: float = 10.0) -> int | None:
    """Smallest size where exact search p50 (1 thread) exceeds ``budget_ms``, by log-log interpolation."""
    flat = sorted((p.n, p.p50_ms_1t) for p in points if p.kind == "flat")
    for (n0, t0), (n1, t1) in zip(flat, flat[1:], strict=False):
        if t0 <= budget_ms < t1:
            frac = (np.log(budget_ms) - np.log(t0)) / (np.log(t1) - np.log(t0))
            return int(round(float(np.exp(np.log(n0) + frac * (np.log(n1) - np.log(n0)))), -3))
    if flat and flat[0][1] > budget_ms:
        return flat[0][0]
    return None
