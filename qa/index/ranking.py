"""The steps of ranking that need no engine state: candidate lists, their fusion, hits.

:meth:`qa.engine.QA.retrieve` gathers the dense and BM25 candidates (only among the chunks
a filter allows) and hands them here to be fused by weighted reciprocal rank and turned
into :class:`~qa.types.Hit` objects with both scores.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qa.index.fusion import reciprocal_rank_fusion
from qa.settings import SearchMode, Settings
from qa.types import Chunk, Hit


def bm25_candidates(scores: np.ndarray, allowed: np.ndarray | None, depth: int) -> list[int]:
    """The ``depth`` best chunk positions by BM25 score among ``allowed`` (all when ``None``); zeros left out.

    Allowed chunks are ranked among themselves, not cut from a global top list, so a
    filter keeping a few documents still gets their best passages.

    Example:
        >>> bm25_candidates(np.array([3.0, 0.0, 5.0, 1.0]), np.array([0, 1, 3]), 2)
        [0, 3]
    """
    pool = np.arange(len(scores)) if allowed is None else allowed
    top = pool[np.argsort(-scores[pool], kind="stable")[:depth]]
    return [int(i) for i in top if scores[i] > 0]


def fuse(mode: SearchMode, dense_ids: list[int], bm25_ids: list[int], preferred: list[int],
         settings: Settings) -> list[tuple[int, float | None]]:
    """Chunk positions best first, with the fused score (``None`` when a single list ranks alone).

    ``preferred`` (a follow-up's document ranked on its own) joins the fusion with weight
    ``settings.prefer_doc_weight``.
    """
    if preferred and settings.prefer_doc_weight > 0:
        lists = {SearchMode.DENSE: [dense_ids], SearchMode.BM25: [bm25_ids]}.get(mode, [dense_ids, bm25_ids])
        weights = {SearchMode.DENSE: [1.0], SearchMode.BM25: [1.0]}.get(
            mode, [settings.dense_weight, settings.bm25_weight])
        fused = reciprocal_rank_fusion([*lists, preferred], k=settings.rrf_k,
                                       weights=[*weights, settings.prefer_doc_weight])
        return [(f.id, f.score) for f in fused]
    if mode is SearchMode.DENSE:
        return [(i, None) for i in dense_ids]
    if mode is SearchMode.BM25:
        return [(i, None) for i in bm25_ids]
    fused = reciprocal_rank_fusion([dense_ids, bm25_ids], k=settings.rrf_k,
                                   weights=[settings.dense_weight, settings.bm25_weight])
    return [(f.id, f.score) for f in fused]


def make_hits(top: Sequence[tuple[int, float | None]], *, mode: SearchMode, chunks: Sequence[Chunk],
              dense_scores: np.ndarray | None, bm25_scores: np.ndarray | None) -> list[Hit]:
    """The ranked chunks ``top`` as hits; ``dense_scores``/``bm25_scores`` give each one's cosine and
    BM25 score in the same order (``None`` when not computed)."""
    hits = []
    for rank, (i, fused_score) in enumerate(top, start=1):
        dense = float(dense_scores[rank - 1]) if dense_scores is not None else None
        lex = float(bm25_scores[rank - 1]) if bm25_scores is not None else None
        score = fused_score if fused_score is not None else (dense if mode is SearchMode.DENSE else lex)
        hits.append(Hit(chunks[i], float(score or 0.0), rank, dense, lex))
    return hits
