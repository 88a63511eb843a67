"""The ``stores`` section: the same CMRC2018 index in a local folder and in Milvus Lite.

Both stores are built from the same vectors (embedded once beforehand, so the build time is
the store's own work: FAISS + bm25s files, or Milvus collections with its BM25 function),
then each is asked the same questions with the real encoder: warm ``ask`` p50/p95, and
hybrid hit@1 and answer@1 through :mod:`benchmarks.quality` on the same question sample.
"""

from __future__ import annotations

import random
import shutil
import time
from dataclasses import asdict
from typing import Any

from benchmarks.caching import CachingEncoder
from benchmarks.config import BenchConfig
from benchmarks.datasets import load_cmrc
from benchmarks.hash_encoder import get_encoder
from benchmarks.quality import evaluate_answers, evaluate_retrieval
from benchmarks.smoke_data import smoke_set
from benchmarks.timing import percentile
from qa.engine import QA
from qa.index.chunk_text import embed_text
from qa.index.milvus_connection import disconnect
from qa.ingest.chunking import chunk_documents
from qa.settings import Settings

STORES = ("local", "milvus-lite")


def _location(config: BenchConfig, store: str) -> str:
    folder = config.cache / "stores"
    return str(folder / "local") if store == "local" else f"milvus:{folder / 'milvus.db'}"


def _prefill(config: BenchConfig, encoder: CachingEncoder, chunks: list) -> bool:
    """Take the passages' vectors from the last run's folder index when the model and chunks are the same."""
    from qa.errors import QAError
    from qa.index.store import read_version

    try:
        data = read_version(config.cache / "stores" / "local")
    except QAError:
        return False
    if data.manifest["model"]["fingerprint"] != encoder.fingerprint or [c.chunk for c in data.chunks] != chunks:
        return False
    for chunk, vector in zip(chunks, data.vectors, strict=True):
        encoder.remember("p", embed_text(chunk), vector)
    return True


def _fresh(config: BenchConfig) -> None:
    folder = config.cache / "stores"
    if folder.exists():
        disconnect(str(folder / "milvus.db"))
        shutil.rmtree(folder)
    folder.mkdir(parents=True)


def run_section(config: BenchConfig) -> dict[str, Any]:
    """Build both stores from the same vectors, then time and score them on the same questions."""
    base = get_encoder(config.model)
    encoder = CachingEncoder(base)
    if config.smoke:
        docs, questions = smoke_set()
        sample = [q for q in questions if q.answers]
    else:
        docs, questions = load_cmrc(articles=200 if config.quick else None)
        answerable = [q for q in questions if q.answers]
        sample = random.Random(0).sample(answerable, min(300 if not config.quick else 100, len(answerable)))
    settings = Settings()
    chunks = chunk_documents(docs, max_chars=settings.max_chunk_chars, heading_max_chars=settings.heading_max_chars)
    started = time.perf_counter()
    reused = _prefill(config, encoder, chunks)
    encoder.encode_passages([embed_text(c) for c in chunks], batch_size=settings.batch_size)
    encoder.encode_queries([q.question for q in sample])
    embed_seconds = time.perf_counter() - started
    _fresh(config)
    rows = []
    for store in STORES:
        location = _location(config, store)
        started = time.perf_counter()
        QA.build_from_documents(docs, location, encoder=encoder)
        build_seconds = time.perf_counter() - started
        scored = QA.open(location, encoder=encoder)
        retrieval = {s.mode: asdict(s) for s in evaluate_retrieval(scored, sample, modes=("hybrid",))}
        answers = asdict(evaluate_answers(scored, sample))
        timed = QA.open(location, encoder=base)  # the real encoder: ask as a user sees it
        latencies = []
        timed.ask(sample[0].question)
        for question in sample[: config.latency_questions]:
            t0 = time.perf_counter()
            timed.ask(question.question)
            latencies.append((time.perf_counter() - t0) * 1000.0)
        rows.append({
            "store": store, "location": location.replace(str(config.cache), "<cache>"),
            "build_seconds": round(build_seconds, 2), "chunks": len(scored.chunks),
            "ask_p50_ms": round(percentile(latencies, 50), 1), "ask_p95_ms": round(percentile(latencies, 95), 1),
            "asks": len(latencies), "hit1": retrieval["hybrid"]["hit1"], "hit5": retrieval["hybrid"]["hit5"],
            "answer_at_1": answers["answer_at_1"],
        })
        print(f"stores: {store} done", flush=True)
    return {"model": base.model_id, "dataset": "smoke" if config.smoke else "CMRC2018 dev",
            "documents": len(docs), "chunks": len(chunks), "questions": len(sample),
            "embed_seconds": round(embed_seconds, 1), "vectors_reused": reused, "stores": rows}


def render(sec: dict[str, Any]) -> str:
    """Markdown: one row per store."""
    from benchmarks.report import table

    rows = [[r["store"], r["build_seconds"], r["ask_p50_ms"], r["ask_p95_ms"], r["hit1"], r["hit5"],
             r["answer_at_1"]] for r in sec["stores"]]
    return (
        f"Model `{sec['model']}`; {sec['documents']} {sec.get('dataset', 'CMRC2018 dev')} articles "
        f"({sec['chunks']} chunks); "
        f"{sec['questions']} answerable questions sampled (seed 0). Both stores get the same vectors "
        + ("(those of the previous run's folder index, same model and passages)" if sec.get("vectors_reused")
           else f"(embedded once beforehand, {sec['embed_seconds']} s)")
        + ", so *build* is the store's own work: FAISS and "
        "bm25s files in a folder, or a Milvus Lite 3 collection with its BM25 function over the project's "
        "jieba tokens plus the meta collection and the alias switch. *ask* is warm, with the real encoder, "
        "fusion and answering in the engine for both. Milvus Lite runs inside the process; a Milvus server "
        "adds a network round trip per call (a few per question: dense, BM25, the hits' vectors and BM25 "
        "scores, the question words' passage counts).\n\n"
        + table(["store", "build (s)", "ask p50 (ms)", "ask p95 (ms)", "hit@1 (hybrid)", "hit@5", "answer@1"],
                rows)
    )
