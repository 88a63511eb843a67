"""Vector indexes measured one at a time: build, 1-thread query latency, memory, recall@10 against exact.

Used by the ``realscale`` section (:mod:`benchmarks.real_scale`): FAISS indexes made from
``index_factory`` strings, with each query setting (HNSW ``efSearch``, IVF ``nprobe``, an
exact re-ranking of IVF's candidates) timed on the same build, and Milvus Lite 3 FLAT.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.timing import percentile
from embeddings.faiss_index import set_threads

K = 10
# IVF's candidates re-ranked exactly per result: 4 x 10 = 40 candidates per query.
REFINE_FACTOR = 4


@dataclass(frozen=True)
class RealPoint:
    """One index (and query setting) at one size: build time, 1-thread query latency, memory, recall@10."""

    kind: str
    n: int
    build_s: float
    p50_ms: float
    p95_ms: float
    memory_mb: float
    recall_at_10: float


@dataclass(frozen=True)
class QuerySetting:
    """A query-time setting of a FAISS index: its label suffix and parameters.

    ``ef_search`` (HNSW), ``nprobe`` (IVF) and ``refine`` (re-rank IVF's 4k candidates by
    exact inner product over the raw vectors, which then count in the memory).
    """

    label: str
    ef_search: int | None = None
    nprobe: int | None = None
    refine: bool = False


def recall_at_k(found: np.ndarray, truth: np.ndarray) -> float:
    """Mean share of each query's true top ``K`` that ``found`` holds."""
    return float(np.mean([len(set(f[:K]) & set(t[:K])) / K for f, t in zip(found, truth, strict=True)]))


def exact_top(data: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Exact top-``K`` ids by inner product (blocks of the collection, all queries at once)."""
    best_scores = np.full((len(queries), 0), -np.inf, dtype=np.float32)
    best_ids = np.zeros((len(queries), 0), dtype=np.int64)
    for start in range(0, len(data), 200_000):
        scores = queries @ data[start : start + 200_000].T
        top = np.argpartition(-scores, min(K, scores.shape[1] - 1), axis=1)[:, :K]
        best_scores = np.concatenate([best_scores, np.take_along_axis(scores, top, axis=1)], axis=1)
        best_ids = np.concatenate([best_ids, top + start], axis=1)
        keep = np.argsort(-best_scores, axis=1, kind="stable")[:, :K]
        best_scores = np.take_along_axis(best_scores, keep, axis=1)
        best_ids = np.take_along_axis(best_ids, keep, axis=1)
    return best_ids


def faiss_points(name: str, factory: str, data: np.ndarray, queries: np.ndarray, truth: np.ndarray,
                 settings: list[QuerySetting]) -> list[RealPoint]:
    """Build one FAISS index (two threads), then time each query setting on one thread."""
    import faiss

    set_threads(2)
    started = time.perf_counter()
    index = faiss.index_factory(data.shape[1], factory, faiss.METRIC_INNER_PRODUCT)
    if not index.is_trained:
        ivf = faiss.extract_index_ivf(index)
        sample = min(len(data), 32 * ivf.nlist, 128_000)
        index.train(data[np.random.default_rng(1).choice(len(data), sample, replace=False)])
    if factory.startswith("HNSW"):
        index.hnsw.efConstruction = 80
    index.add(data)
    build = time.perf_counter() - started
    memory = len(faiss.serialize_index(index)) / 2**20
    set_threads(1)
    out = []
    for setting in settings:
        if setting.ef_search is not None:
            index.hnsw.efSearch = setting.ef_search
        if setting.nprobe is not None:
            faiss.extract_index_ivf(index).nprobe = setting.nprobe
        depth = K * REFINE_FACTOR if setting.refine else K

        def one(q: np.ndarray, depth: int = depth, refine: bool = setting.refine) -> np.ndarray:
            _, ids = index.search(q[None, :], depth)
            if not refine:
                return ids[0]
            candidates = ids[0][ids[0] >= 0]
            exact = data[candidates] @ q
            return candidates[np.argsort(-exact, kind="stable")[:K]]

        for q in queries[:5]:
            one(q)
        times, found = [], []
        for q in queries:
            t0 = time.perf_counter()
            found.append(one(q))
            times.append((time.perf_counter() - t0) * 1000.0)
        extra = data.nbytes / 2**20 if setting.refine else 0.0
        recall = recall_at_k(np.array([np.pad(f, (0, K - len(f)), constant_values=-1) for f in found]), truth)
        out.append(RealPoint(f"{name}{setting.label}", len(data), round(build, 2), round(percentile(times, 50), 3),
                             round(percentile(times, 95), 3), round(memory + extra, 1), round(recall, 4)))
    set_threads(2)
    return out


def milvus_point(data: np.ndarray, queries: np.ndarray, truth: np.ndarray, folder: Path) -> RealPoint:
    """Milvus Lite 3 FLAT in this process: insert + index + load time, then one query at a time."""
    from pymilvus import DataType

    from qa.index.milvus_connection import connect, disconnect

    uri = str(folder / "scale.db")
    client = connect(uri)
    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("pk", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=data.shape[1])
    params = client.prepare_index_params()
    params.add_index("vector", index_type="FLAT", metric_type="IP")
    if client.has_collection("scale"):
        client.drop_collection("scale")
    client.create_collection("scale", schema=schema)
    started = time.perf_counter()
    for start in range(0, len(data), 2_000):
        rows = [{"pk": start + i, "vector": v} for i, v in enumerate(data[start : start + 2_000].tolist())]
        client.insert("scale", rows)
    client.flush("scale")
    client.create_index("scale", params, sync=False)
    client.load_collection("scale")
    build = time.perf_counter() - started
    client.search("scale", data=[queries[0].tolist()], anns_field="vector", limit=K)
    times, found = [], []
    for q in queries:
        t0 = time.perf_counter()
        hits = client.search("scale", data=[q.tolist()], anns_field="vector", limit=K, output_fields=["pk"])
        times.append((time.perf_counter() - t0) * 1000.0)
        found.append([int(h["entity"]["pk"]) for h in hits[0]])
    client.drop_collection("scale")
    disconnect(uri)
    return RealPoint("milvus-lite FLAT", len(data), round(build, 2), round(percentile(times, 50), 3),
                     round(percentile(times, 95), 3), round(data.nbytes / 2**20, 1),
                     round(recall_at_k(np.array(found), truth[: len(found)]), 4))
