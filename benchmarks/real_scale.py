"""The ``realscale`` section: vector search at scale on vectors drawn like real embeddings.

Random unit vectors (the ``scale`` section) have no structure, a worst case for HNSW. Here
the collection is drawn from a Gaussian with the mean and covariance of real passage
embeddings (the CMRC2018 dev passages through the default model), L2-normalised, and the
queries are real question embeddings. Recall@10 is against exact search over the same
vectors. Kinds: FAISS flat, HNSW (the engine's M, three efSearch values) and IVF with 8-bit
scalar quantisation (``index_factory`` strings), and Milvus Lite 3 FLAT at the smallest size.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from benchmarks.config import BenchConfig
from benchmarks.hash_encoder import get_encoder
from benchmarks.timing import percentile
from embeddings.faiss_index import set_threads

K = 10


@dataclass(frozen=True)
class RealPoint:
    """One index at one size: build time, 1-thread query latency, index memory, recall@10."""

    kind: str
    n: int
    build_s: float
    p50_ms: float
    p95_ms: float
    memory_mb: float
    recall_at_10: float


def real_vectors(config: BenchConfig) -> tuple[np.ndarray, np.ndarray, str]:
    """Real passage and question embeddings (CMRC2018 dev; a made-up set in smoke runs)."""
    from benchmarks.datasets import load_cmrc
    from benchmarks.smoke_data import smoke_set
    from qa.index.chunk_text import embed_text
    from qa.ingest.chunking import chunk_documents
    from qa.settings import Settings

    encoder = get_encoder(config.model)
    docs, questions = smoke_set() if config.smoke else load_cmrc(articles=60 if config.quick else None)
    settings = Settings()
    chunks = chunk_documents(docs, max_chars=settings.max_chunk_chars, heading_max_chars=settings.heading_max_chars)
    passages = _stored_vectors(config, encoder.fingerprint, len(chunks))
    if passages is None:
        passages = encoder.encode_passages([embed_text(c) for c in chunks], batch_size=settings.batch_size)
    asked = [q.question for q in questions][: 20 if config.smoke else 200]
    return passages, encoder.encode_queries(asked), encoder.model_id


def _stored_vectors(config: BenchConfig, fingerprint: str, count: int) -> np.ndarray | None:
    """The same passages' vectors from the ``stores`` section's folder index, when it was built with this model."""
    from qa.errors import QAError
    from qa.index.store import read_version

    try:
        data = read_version(config.cache / "stores" / "local")
    except QAError:
        return None
    same = data.manifest["model"]["fingerprint"] == fingerprint and len(data.chunks) == count
    return data.vectors if same and not config.smoke else None


def draw_like(real: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` unit vectors from a Gaussian with ``real``'s mean and covariance (blocks bound memory)."""
    mean = real.mean(axis=0)
    cov = np.cov(real, rowvar=False) + 1e-6 * np.eye(real.shape[1])
    lower = np.linalg.cholesky(cov).astype(np.float32)
    out = np.empty((n, real.shape[1]), dtype=np.float32)
    for start in range(0, n, 50_000):
        size = min(50_000, n - start)
        block = mean + rng.standard_normal((size, real.shape[1]), dtype=np.float32) @ lower.T
        out[start : start + size] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def _recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(t)) / K for f, t in zip(found, truth, strict=True)]))


def _faiss_points(name: str, factory: str, data: np.ndarray, queries: np.ndarray, truth: np.ndarray | None,
                  settings: list[tuple[str, dict[str, int]]]) -> list[tuple[RealPoint, np.ndarray]]:
    """Build one FAISS index (two threads), then time each query setting on one thread."""
    import faiss

    set_threads(2)
    started = time.perf_counter()
    index = faiss.index_factory(data.shape[1], factory, faiss.METRIC_INNER_PRODUCT)
    if not index.is_trained:
        index.train(data[np.random.default_rng(1).choice(len(data), min(len(data), 50_000), replace=False)])
    if factory.startswith("HNSW"):
        index.hnsw.efConstruction = 80
    index.add(data)
    build = time.perf_counter() - started
    memory = len(faiss.serialize_index(index)) / 2**20
    set_threads(1)
    out = []
    for label, params in settings:
        if "ef_search" in params:
            index.hnsw.efSearch = params["ef_search"]
        if "nprobe" in params:
            faiss.extract_index_ivf(index).nprobe = params["nprobe"]
        index.search(queries[:5], K)
        times, found = [], []
        for q in queries:
            t0 = time.perf_counter()
            _, ids = index.search(q[None, :], K)
            times.append((time.perf_counter() - t0) * 1000.0)
            found.append(ids[0])
        found_ids = np.array(found)
        recall = 1.0 if truth is None else _recall(found_ids, truth)
        out.append((RealPoint(f"{name}{label}", len(data), round(build, 2), round(percentile(times, 50), 3),
                              round(percentile(times, 95), 3), round(memory, 1), round(recall, 4)), found_ids))
    return out


def _milvus_point(data: np.ndarray, queries: np.ndarray, truth: np.ndarray, folder: Any) -> RealPoint:
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
                     round(percentile(times, 95), 3), round(data.nbytes / 2**20, 1), round(_recall(np.array(found),
                                                                                                  truth), 4))


def run_section(config: BenchConfig) -> dict[str, Any]:
    """Flat, HNSW and IVF-SQ8 at each size, Milvus Lite at the smallest, on realistic vectors."""
    passages, queries, model = real_vectors(config)
    sizes = (2_000, 5_000) if config.smoke else (30_000, 100_000) if config.quick else (100_000, 300_000)
    rng = np.random.default_rng(0)
    points = []
    folder = config.cache / "realscale"
    folder.mkdir(parents=True, exist_ok=True)
    for n in sizes:
        data = draw_like(passages, n, rng)
        (flat, truth), = _faiss_points("flat", "Flat", data, queries, None, [("", {})])
        points.append(flat)
        hnsw = [(f" ef{ef}", {"ef_search": ef}) for ef in (64, 128, 256)]
        points += [p for p, _ in _faiss_points("HNSW32", "HNSW32", data, queries, truth, hnsw)]
        nlist = max(64, int(4 * np.sqrt(n)))
        ivf = [(f" nprobe{nprobe}", {"nprobe": nprobe}) for nprobe in (8, 32)]
        points += [p for p, _ in _faiss_points(f"IVF{nlist},SQ8", f"IVF{nlist},SQ8", data, queries, truth, ivf)]
        if n == sizes[0]:
            points.append(_milvus_point(data, queries, truth, folder))
        print(f"realscale: {n} done", flush=True)
    return {"model": model, "real_passages": len(passages), "queries": len(queries), "sizes": list(sizes),
            "points": [asdict(p) for p in points]}


def render(sec: dict[str, Any]) -> str:
    """Markdown: one row per index and size."""
    from benchmarks.report import table

    rows = [[p["n"], p["kind"], p["build_s"], p["p50_ms"], p["p95_ms"], p["memory_mb"], p["recall_at_10"]]
            for p in sec["points"]]
    return (
        f"Vectors drawn from a Gaussian with the mean and covariance of {sec['real_passages']} real passage "
        f"embeddings (`{sec['model']}`, CMRC2018 dev passages), L2-normalised; queries: {sec['queries']} real "
        "question embeddings; recall@10 against exact search over the same vectors. Queries one at a time on "
        "one thread; builds on two threads; memory is the serialised FAISS index (Milvus: the raw vectors). "
        "HNSW: M 32, efConstruction 80. Milvus Lite 3 (pure Python, in process) FLAT at the smallest size only. "
        "Measured on the shared 2-core machine while other work ran (see the load line): compare rows of one "
        "run, not across runs."
        + (" 1M was not run (time on a shared machine)." if 1_000_000 not in sec["sizes"] else "") + "\n\n"
        + table(["vectors", "index", "build (s)", "p50 (ms)", "p95 (ms)", "memory (MB)", "recall@10"], rows)
    )
