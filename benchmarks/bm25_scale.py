"""BM25 at scale: the engine's bm25s index over real passages replicated to n, timed as a question uses it.

jieba runs once per distinct real passage (tokens are what bm25s indexes, and a replicated
passage has the same tokens), so the size costs what it costs bm25s, not jieba. Replication
keeps the real vocabulary and token statistics; a real corpus of n passages has more distinct
words, so its index is somewhat larger than this one.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from benchmarks.timing import percentile, rss_mb

# Candidates a question takes from BM25 (Settings().candidates).
DEPTH = 50


@dataclass(frozen=True)
class BM25Point:
    """bm25s at one size: index time, memory, and per-question time of scores + top candidates."""

    n: int
    index_s: float
    memory_mb: float
    rss_growth_mb: float
    scores_p50_ms: float
    p50_ms: float
    p95_ms: float


def bm25_point(passages: Sequence[str], questions: Sequence[str], n: int) -> BM25Point:
    """Index ``passages`` repeated to ``n`` and time each question's lexical search as the engine runs it."""
    from qa.index.bm25 import BM25Index, _bm25s, passage_tokens
    from qa.index.lexical_tokens import tokenize
    from qa.index.ranking import bm25_candidates

    distinct = [list(passage_tokens(p)) for p in passages]
    corpus = [distinct[i % len(distinct)] for i in range(n)]
    before = rss_mb()
    started = time.perf_counter()
    retriever = _bm25s().BM25()
    retriever.index(corpus, show_progress=False)
    index_s = time.perf_counter() - started
    del corpus
    arrays = [v for v in retriever.scores.values() if isinstance(v, np.ndarray)]
    memory = sum(a.nbytes for a in arrays) / 2**20
    growth = rss_mb() - before
    index = BM25Index(retriever, n)
    asked = [q for q in questions if tokenize(q)]
    for q in asked[:5]:
        bm25_candidates(index.scores(q), None, DEPTH)
    score_times, times = [], []
    for q in asked:
        t0 = time.perf_counter()
        scores = index.scores(q)
        t1 = time.perf_counter()
        bm25_candidates(scores, None, DEPTH)
        t2 = time.perf_counter()
        score_times.append((t1 - t0) * 1000.0)
        times.append((t2 - t0) * 1000.0)
    return BM25Point(n, round(index_s, 2), round(memory, 1), round(growth, 1), round(percentile(score_times, 50), 3),
                     round(percentile(times, 50), 3), round(percentile(times, 95), 3))
