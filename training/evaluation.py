"""Held-out evaluation of the answer reader: answer@1 (against the hand-set formula),
calibration buckets and the answer threshold."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qa.answer.features import FEATURE_NAMES, build_candidates
from qa.answer.reader import read
from qa.answer.reader_weights import ReaderWeights
from qa.settings import Settings
from qa.types import Hit
from training.data import TrainQuestion
from training.examples import Example, contains_answer

BUCKETS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0001)
# The engine's default cosine band: training sees cosines scaled as the shipped engine scales them.
BAND = (Settings().dense_floor, Settings().dense_ceiling)


def is_correct(hits: list[Hit], reading_best: int, cands, question: TrainQuestion) -> bool:  # type: ignore[no-untyped-def]
    """True when the chosen sentence is from the question's article and contains an answer."""
    if reading_best < 0:
        return False
    c = cands.items[reading_best]
    return c.chunk.doc_id == question.doc_id and contains_answer(c.chunk.text[c.start:c.end], question)


def hand_set_answer_at_1(examples: Sequence[Example], settings: Settings) -> float:
    """Today's formula (0.55 sharpened overlap + 0.35 rescaled passage cosine + 0.10 / rank), for comparison."""
    good = 0
    col = {n: i for i, n in enumerate(FEATURE_NAMES)}
    for ex in examples:
        cands = build_candidates(ex.retrieval, passages=settings.answer_passages, band=BAND)
        if not cands.items:
            continue
        f = cands.features
        dense = np.clip(f[:, col["dense"]], 0, 1)
        score = 0.55 * f[:, col["overlap_sharp"]] + 0.35 * dense + 0.10 * f[:, col["inv_rank"]]
        good += is_correct([], int(np.argmax(score)), cands, ex.question)
    return good / max(len(examples), 1)


def evaluate(examples: Sequence[Example], weights: ReaderWeights, settings: Settings) -> dict[str, float]:
    """answer@1 and hit@1 before/after reranking on answerable questions."""
    good = hit_before = hit_after = 0
    for ex in examples:
        r = read(ex.retrieval, weights, passages=settings.answer_passages, band=BAND,
                 crosslingual_band=(settings.crosslingual_floor, settings.crosslingual_ceiling))
        good += is_correct(r.hits, r.best, r.candidates, ex.question)
        for hits, counter in ((ex.retrieval.hits, "before"), (r.hits, "after")):
            ok = bool(hits) and hits[0].chunk.doc_id == ex.question.doc_id and contains_answer(hits[0].chunk.text,
                                                                                             ex.question)
            if counter == "before":
                hit_before += ok
            else:
                hit_after += ok
    n = max(len(examples), 1)
    return {"answer_at_1": good / n, "hit_at_1_before": hit_before / n, "hit_at_1_after": hit_after / n}


def calibration(probs: np.ndarray, labels: np.ndarray) -> list[dict[str, float]]:
    """Share correct per confidence bucket."""
    out = []
    for low, high in zip(BUCKETS[:-1], BUCKETS[1:], strict=True):
        inside = (probs >= low) & (probs < high)
        out.append({"low": low, "high": min(high, 1.0), "n": int(inside.sum()),
                    "share_correct": round(float(labels[inside].mean()), 3) if inside.any() else None})
    return out


def choose_threshold(probs: np.ndarray, labels: np.ndarray, answerable: np.ndarray) -> float:
    """Threshold that keeps the most correct quotes while refusing the most unanswerable twins.

    Score = share of correct answerable quotes kept + share of unanswerable twins refused.
    """
    best, best_t = -1.0, 0.5
    for t in np.arange(0.05, 0.96, 0.01):
        kept = (probs >= t)
        good = (kept & labels).sum() / max(labels.sum(), 1) + (~kept & ~answerable).sum() / max((~answerable).sum(), 1)
        if good > best + 1e-9:
            best, best_t = good, float(t)
    return round(best_t, 2)

