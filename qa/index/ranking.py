"""The steps of ranking that need no engine state: candidate lists, their fusion, hits.

:meth:`qa.engine.QA.retrieve` prepares the question (and its vector) and hands it to
:func:`rank_hits`, which gathers the dense and BM25 candidates from an opened index version
(only among the chunks a filter allows), fuses them by weighted reciprocal rank and turns
them into :class:`~qa.types.Hit` objects with both scores.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qa.index.base import IndexView
from qa.index.filters import Filters
from qa.index.fusion import fuse_subset, reciprocal_rank_fusion
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
    pool = np.arange(len(scores)) if allowed is None else np.asarray(allowed)
    values = scores[pool]
    matched = np.flatnonzero(values > 0)
    pool, values = pool[matched], values[matched]
    if 0 < depth < len(values):
        # Only scores at or above the depth-th largest can make the list: a partition finds it
        # in linear time, where sorting every score took ~130 ms at a million passages.
        kth = np.partition(values, len(values) - depth)[len(values) - depth]
        keep = np.flatnonzero(values >= kth)
        pool, values = pool[keep], values[keep]
    # Stable, so equal scores keep position order, as before.
    return [int(i) for i in pool[np.argsort(-values, kind="stable")[:depth]]]


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


def doc_ranking(view: IndexView, doc_id: str, qvec: np.ndarray | None, text: str | None,
                settings: Settings) -> list[int]:
    """Chunk positions of ``doc_id`` ranked among themselves by fused dense and BM25 scores."""
    ids = [i for i, c in enumerate(view.chunks) if c.doc_id == doc_id]
    if not ids:
        return []
    dense = None if qvec is None else dict(zip(ids, (view.vectors(ids) @ qvec).tolist(), strict=True))
    lexical = None if text is None else dict(zip(ids, view.lexical_scores(text, ids).tolist(), strict=True))
    return fuse_subset(ids, [dense, lexical], k=settings.rrf_k, weights=[settings.dense_weight, settings.bm25_weight])


def rank_hits(view: IndexView, text: str, qvec: np.ndarray | None, *, k: int, depth: int, mode: SearchMode,
              settings: Settings, filters: Filters | None = None, allowed: np.ndarray | None = None,
              prefer_doc: str | None = None) -> list[Hit]:
    """The ``k`` best chunks of ``view`` for the search form ``text`` (and its vector ``qvec``).

    Each list ranks ``depth`` candidates among the chunks ``filters`` allows (``allowed``, the
    same chunks as positions); ``prefer_doc``'s own ranking of its chunks joins the fusion
    (a follow-up question). Dense candidates need ``qvec``; BM25 ones are skipped in dense mode.
    """
    dense_ids: list[int] = []
    bm25_ids: list[int] = []
    bm25_mode = mode is not SearchMode.DENSE
    if qvec is not None and mode is not SearchMode.BM25 and depth:
        dense_ids = view.dense(qvec, k=depth, filters=filters)
    if bm25_mode and depth:
        bm25_ids = view.lexical(text, k=depth, filters=filters)
    preferred = doc_ranking(view, prefer_doc, qvec, text if bm25_mode else None, settings) if prefer_doc else []
    if allowed is not None and preferred:
        kept = set(allowed.tolist())
        preferred = [i for i in preferred if i in kept]
    top = fuse(mode, dense_ids, bm25_ids, preferred, settings)[:k]
    ids = [i for i, _ in top]
    dense_scores = view.vectors(ids) @ qvec if qvec is not None and ids else None
    bm25_scores = view.lexical_scores(text, ids) if bm25_mode and ids else None
    return make_hits(top, mode=mode, chunks=view.chunks, dense_scores=dense_scores, bm25_scores=bm25_scores)
