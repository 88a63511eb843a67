"""The ``uploads`` section: the time to add one document to the CMRC2018 index, upload to swap.

The corpus folder holds the CMRC2018 dev articles (one JSON Lines file; the quick run: 200
of them); the app's :class:`~qa.interface.documents.DocumentManager` takes an upload — a
held-out CMRC article as ``.txt``, and a three-page Chinese PDF — checks and saves it, and
the background re-index swaps in the new version. Measured: the upload call itself (checks
and save), and from the upload to the moment the engine answers from the new version; then
the same for deleting it again. The smoke run uses the made-up facts and the hashing encoder.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

from benchmarks.config import BenchConfig
from benchmarks.datasets import load_cmrc
from benchmarks.hash_encoder import get_encoder
from benchmarks.smoke_data import smoke_set
from benchmarks.timing import median
from qa.engine import QA
from qa.interface.documents import DocumentManager, Permission
from qa.types import Document

WAIT_S = 1800


def _corpus(config: BenchConfig, folder: Path) -> Document:
    """Write the corpus into ``folder``; returns the held-out document to upload."""
    docs = smoke_set()[0] if config.smoke else load_cmrc(articles=200 if config.quick else None)[0]
    held_out, kept = docs[-1], docs[:-1]
    folder.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({"id": d.id, "title": d.title, "text": d.text}, ensure_ascii=False) for d in kept]
    target = folder / "cmrc.jsonl"
    text = "\n".join(lines) + "\n"
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    return held_out


def _uploads(held_out: Document, folder: Path) -> list[tuple[str, Path]]:
    from tests.document_files import make_pdf

    folder.mkdir(parents=True, exist_ok=True)
    article = folder / "article.txt"
    article.write_text(f"{held_out.title or held_out.id}\n\n{held_out.text}\n", encoding="utf-8")
    return [("CMRC article (.txt)", article), ("3-page Chinese PDF", make_pdf(folder / "report.pdf"))]


def _until_swapped(manager: DocumentManager, started: float) -> tuple[float, Any]:
    status = manager.reindexer.wait(WAIT_S)
    if status.running or status.state != "done":
        raise RuntimeError(f"re-index did not finish: {status.message}")
    return time.perf_counter() - started, status


def _one(manager: DocumentManager, label: str, path: Path, runs: int) -> dict[str, Any]:
    upload_s, to_swap_s, delete_s, embedded, documents = [], [], [], 0, 0
    for _ in range(runs):
        started = time.perf_counter()
        summary = manager.upload([path])
        upload_s.append(time.perf_counter() - started)
        if summary.count("added") != 1:
            raise RuntimeError(f"upload of {path.name} not added: {summary.message}")
        seconds, status = _until_swapped(manager, started)
        to_swap_s.append(seconds)
        documents, embedded = status.documents, status.to_embed
        doc_id = Path(summary.files[0].saved_as or path.name).stem
        started = time.perf_counter()
        manager.delete(doc_id)
        delete_s.append(_until_swapped(manager, started)[0])
    return {"what": label, "bytes": path.stat().st_size, "runs": runs, "documents_after": documents,
            "embedded": embedded, "upload_call_s": round(median(upload_s), 4),
            "upload_to_swap_s": round(median(to_swap_s), 3), "upload_to_swap_first_s": round(to_swap_s[0], 3),
            "delete_to_swap_s": round(median(delete_s), 3)}


def run_section(config: BenchConfig) -> dict[str, Any]:
    """Build (or reuse) the CMRC2018 folder index, then time uploads and deletes through the manager."""
    level = config.level
    work = config.cache / f"uploads-{level}"
    corpus, index = work / "corpus", work / "index"
    for leftover in corpus.glob("*") if corpus.exists() else []:
        if leftover.name != "cmrc.jsonl":  # an interrupted earlier run's upload
            leftover.unlink()
    held_out = _corpus(config, corpus)
    started = time.perf_counter()
    engine = QA.build(corpus, index, encoder=get_encoder(config.model))
    build_s = time.perf_counter() - started
    manager = DocumentManager(engine, corpus, permission=Permission(True))
    runs = 1 if config.smoke else 3
    uploads = _uploads(held_out, work / "uploads")
    results = [_one(manager, label, path, runs) for label, path in uploads]
    for row in results:
        print(f"uploads: {row['what']}: upload to swap {row['upload_to_swap_s']:.2f}s "
              f"({row['documents_after']} documents)", flush=True)
    shutil.rmtree(work / "uploads", ignore_errors=True)
    return {"documents": len(engine.documents), "chunks": len(engine.chunks), "initial_build_s": round(build_s, 2),
            "uploads": results}


def render(sec: dict[str, Any]) -> str:
    """The section's Markdown."""
    from benchmarks.report import table

    rows = [[r["what"], r["embedded"], r["documents_after"], r["upload_call_s"], r.get("upload_to_swap_first_s"),
             r["upload_to_swap_s"], r["delete_to_swap_s"], r["runs"]] for r in sec["uploads"]]
    return (f"Index of {sec['documents']:,} documents ({sec['chunks']:,} passages) in a corpus folder; one "
            "document uploaded through the app's document manager (`qa/interface/documents.py`), then "
            "deleted. *Upload to swap*: from the upload call until the chat answers from the new index "
            "version (checks, save, re-reading the folder, embedding the new passages, FAISS and BM25 "
            "rebuilt, version swapped and loaded); medians. The first upload in a process tokenizes every "
            "passage for BM25 (jieba); later re-indexes reuse those tokens (`qa/index/bm25.py`).\n\n"
            + table(["upload", "passages embedded", "documents after", "upload call (s)", "first upload to swap (s)",
                     "upload to swap (s)", "delete to swap (s)", "runs"], rows))
