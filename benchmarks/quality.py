"""Retrieval and answer quality: hit@1, hit@5, MRR per ranking mode, answer@1, no-answer decisions.

A hit is a chunk from the right document whose text contains an answer text (compared
in search form, so scripts do not matter).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from benchmarks.cmrc_eval import exact_match, f1_score
from benchmarks.datasets import EvalQuestion
from qa.engine import QA
from qa.textnorm import search_form
from qa.types import Chunk

MODES = ("bm25", "dense", "hybrid")


@dataclass(frozen=True)
class RetrievalScores:
    """Hit rates and mean reciprocal rank of one ranking mode over answerable questions."""

    mode: str
    questions: int
    hit1: float
    hit5: float
    mrr: float


@dataclass(frozen=True)
class AnswerScores:
    """How often the quote contains an answer, its exact words, reranking and the no-answer decision.

    ``exact_em``/``exact_f1`` follow the CMRC2018 rules (:mod:`benchmarks.cmrc_eval`) over all
    answerable questions (a refused question scores 0); ``best_em``/``best_f1`` score the exact
    words of every question's quote, refused or not, as the CMRC2018 task (which has no
    unanswerable questions) expects an answer to each. ``calibration`` buckets the quote's
    confidence over answerable questions with the share whose quote contains an answer.
    """

    answerable: int
    answer_at_1: float
    answerable_not_found: int
    unanswerable: int
    unanswerable_not_found: int
    exact_em: float = 0.0
    exact_f1: float = 0.0
    hit_at_1_reranked: float = 0.0
    top_passage_right_but_refused: int = 0
    calibration: tuple[dict, ...] = ()
    best_em: float = 0.0
    best_f1: float = 0.0


BUCKETS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0001)


def calibration_table(scores: Sequence[float], correct: Sequence[bool]) -> tuple[dict, ...]:
    """Per confidence bucket: how many quotes, and the share that contain an answer."""
    rows = []
    for low, high in zip(BUCKETS[:-1], BUCKETS[1:], strict=True):
        inside = [c for s, c in zip(scores, correct, strict=True) if low <= s < high]
        rows.append({"low": low, "high": min(high, 1.0), "n": len(inside),
                     "share_correct": round(sum(inside) / len(inside), 3) if inside else None})
    return tuple(rows)


def is_hit(chunk: Chunk, question: EvalQuestion) -> bool:
    """The chunk is from the expected document and contains one of the answer texts."""
    if chunk.doc_id != question.doc_id:
        return False
    form = search_form(chunk.text)
    return any(search_form(a) in form for a in question.answers)


def evaluate_retrieval(engine: QA, questions: Sequence[EvalQuestion], *, modes: Sequence[str] = MODES,
                       k: int = 5) -> list[RetrievalScores]:
    """Score each ranking mode on the answerable questions."""
    answerable = [q for q in questions if q.doc_id is not None and q.answers]
    results = []
    for mode in modes:
        hit1 = hit5 = rr = 0.0
        for question in answerable:
            hits = engine.search(question.question, k=max(k, 10), mode=mode)
            first = next((h.rank for h in hits if is_hit(h.chunk, question)), None)
            if first is not None:
                hit1 += first == 1
                hit5 += first <= k
                rr += 1.0 / first
        n = max(len(answerable), 1)
        results.append(RetrievalScores(mode, len(answerable), hit1 / n, hit5 / n, rr / n))
    return results


def evaluate_answers(engine: QA, questions: Sequence[EvalQuestion], *, k: int = 5) -> AnswerScores:
    """Ask every question; score quotes, exact words, passage order and the not-found decisions.

    The engine's own threshold decides "found"; the questions are asked with threshold 0 so
    the confidence of every quote (refused ones too) enters the calibration table.
    """
    threshold = engine.settings.answer_threshold
    engine = QA(engine.index_dir, engine.encoder, engine.settings.with_(answer_threshold=0.0))
    answerable = [q for q in questions if q.doc_id is not None and q.answers]
    unanswerable = [q for q in questions if q.doc_id is None]
    good = missed = top_refused = 0
    em = f1 = hit1 = best_em = best_f1 = 0.0
    scores, correct = [], []
    for question in answerable:
        answer = engine.ask(question.question, k=k)
        quote = answer.quote
        right = quote is not None and quote.chunk.doc_id == question.doc_id and any(
            search_form(a) in search_form(quote.text) for a in question.answers)
        top_hit = bool(answer.passages) and is_hit(answer.passages[0].chunk, question)
        hit1 += top_hit
        if quote is not None:
            scores.append(quote.score)
            correct.append(right)
            prediction = quote.exact if quote.exact is not None else quote.text
            best_em += exact_match(question.answers, prediction)
            best_f1 += f1_score(question.answers, prediction)
        if quote is None or quote.score < threshold:
            missed += 1
            top_refused += top_hit
            continue
        good += right
        em += exact_match(question.answers, prediction)
        f1 += f1_score(question.answers, prediction)
    refused = 0
    for q in unanswerable:
        quote = engine.ask(q.question, k=k).quote
        refused += quote is None or quote.score < threshold
    n = max(len(answerable), 1)
    return AnswerScores(len(answerable), good / n, missed, len(unanswerable), refused, em / n, f1 / n, hit1 / n,
                        top_refused, calibration_table(scores, correct), best_em / n, best_f1 / n)
