"""The ``nprobe`` section: the engine's own IVF index, several ``ivf_nprobe`` values timed in alternating rounds.

The ``realscale`` section times raw FAISS indexes once per setting on a coarse grid; this one
builds the index the engine builds (:class:`embeddings.faiss_index.FaissIndex`, kind ``ivf``:
IVF-SQ8 over 4·√n lists, 40 candidates re-ranked exactly) on the same realistic vectors at the
sizes where ``index_kind=auto`` picks it, and times the finer nprobe values round by round in
alternating order, so that a shared, loaded machine slows them alike. Each setting's figures are
medians over rounds; recall@10 is against exact search. The engine's default ``ivf_nprobe`` is
the smallest swept value meeting the whole target, with a margin on recall, at every swept size
(:func:`chosen_nprobe`).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.ann_points import exact_top, recall_at_k
from benchmarks.config import BenchConfig
from benchmarks.real_scale import TARGET, draw_like, meets_target, real_data
from benchmarks.timing import percentile
from embeddings.faiss_index import FaissIndex, ivf_lists, set_threads

NPROBES = (1024, 512, 640, 768, 896)
# The default must clear the recall target by this much: over 200 questions a mean recall@10
# has a standard error of about 0.006, so a value 0.003 above 0.95 is not reliably above it.
RECALL_MARGIN = 0.01


def _round(index: FaissIndex, queries: np.ndarray, truth: np.ndarray, nprobe: int) -> dict[str, float]:
    index.set_nprobe(nprobe)
    times, found = [], []
    for q in queries:
        t0 = time.perf_counter()
        found.append(index.search(q, k=10).ids[0])
        times.append((time.perf_counter() - t0) * 1000.0)
    return {"p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95),
            "recall_at_10": recall_at_k(np.array(found), truth), "load": os.getloadavg()[0]}


def sweep(real_vectors: np.ndarray, queries: np.ndarray, n: int, *, rounds: int) -> dict[str, Any]:
    """Build the engine's IVF index over ``n`` vectors drawn like ``real_vectors``; time each nprobe."""
    data = draw_like(real_vectors, n, np.random.default_rng(n))
    truth = exact_top(data, queries)
    set_threads(2)
    started = time.perf_counter()
    index = FaissIndex.create(dim=data.shape[1], kind="ivf", n_vectors=n, nprobe=max(NPROBES))
    index.add(data)
    build = time.perf_counter() - started
    del data
    with tempfile.TemporaryDirectory() as tmp:
        index.save(Path(tmp) / "vectors.faiss")
        memory = (Path(tmp) / "vectors.faiss").stat().st_size / 2**20
    set_threads(1)
    for q in queries[:5]:
        index.search(q, k=10)
    runs: dict[int, list[dict[str, float]]] = {p: [] for p in NPROBES}
    for r in range(rounds):
        for p in NPROBES if r % 2 == 0 else tuple(reversed(NPROBES)):
            runs[p].append(_round(index, queries, truth, p))
    set_threads(2)
    points = [{"n": n, "nprobe": p, "build_s": round(build, 1), "memory_mb": round(memory, 1),
               **{key: round(statistics.median(run[key] for run in runs[p]), 3)
                  for key in ("p50_ms", "p95_ms", "recall_at_10", "load")}} for p in NPROBES]
    print(f"nprobe: {n} done", flush=True)
    return {"n": n, "nlist": ivf_lists(n), "points": points}


def run_section(config: BenchConfig) -> dict[str, Any]:
    """Each nprobe of the engine's IVF index at the sizes ``auto`` gives it (medians of alternating rounds)."""
    real = real_data(config)
    sizes = (5_000,) if config.smoke else (100_000,) if config.quick else (300_000, 1_000_000)
    rounds = 1 if config.smoke else 5
    measured = [sweep(real.passage_vectors, real.question_vectors, n, rounds=rounds) for n in sizes]
    out = {"model": real.model, "queries": len(real.questions), "rounds": rounds, "sizes": list(sizes),
           "nlist": [m["nlist"] for m in measured], "points": [p for m in measured for p in m["points"]],
           "target": TARGET}
    return {**out, "chosen": chosen_nprobe(out)}


def chosen_nprobe(sec: dict[str, Any]) -> int | None:
    """The smallest swept nprobe meeting the whole target, recall with :data:`RECALL_MARGIN`, at every size.

    None if no swept value does.
    """
    ok = [p for p in sorted({q["nprobe"] for q in sec["points"]})
          if all(meets_target(q) and q["recall_at_10"] >= TARGET["recall_at_10"] + RECALL_MARGIN
                 for q in sec["points"] if q["nprobe"] == p)]
    return ok[0] if ok else None


def render(sec: dict[str, Any]) -> str:
    """Markdown: one row per size and nprobe, and the value the engine's default follows."""
    from benchmarks.report import table

    rows = [[p["n"], p["nprobe"], p["p50_ms"], p["p95_ms"], p["recall_at_10"], p["memory_mb"], p["build_s"],
             "yes" if meets_target(p) else ""] for p in sorted(sec["points"], key=lambda p: (p["n"], p["nprobe"]))]
    chosen = sec.get("chosen")
    return (
        "The engine's own `ivf` index (IVF-SQ8 over 4·√n lists: "
        f"{', '.join(f'{nl:,} at {n:,}' for nl, n in zip(sec['nlist'], sec['sizes'], strict=True))}; "
        "40 candidates re-ranked exactly) on the vectors of "
        f"the section above, {sec['queries']} real questions one at a time on one thread; the nprobe values "
        f"were timed in {sec['rounds']} alternating rounds on one build and each figure is the median "
        "(load: median 1-minute load average during the rounds; memory: the FAISS file, raw vectors included). "
        + (f"Default `ivf_nprobe` = **{chosen}**: the smallest value meeting the whole target at every size "
           f"with recall@10 at least {RECALL_MARGIN} above it, as 200 questions measure a mean recall to about "
           "±0.006 (`tests/test_index_choice.py` holds the default to it).\n\n" if chosen else
           "No swept value meets the whole target at every size: the default keeps recall.\n\n")
        + table(["vectors", "nprobe", "p50 (ms)", "p95 (ms)", "recall@10", "memory (MB)", "build (s)", "target"],
                rows)
    )
