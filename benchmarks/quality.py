"""Retrieval and answer quality: hit@1, hit@5, MRR per ranking mode, answer@1, no-answer decisions.

A hit is a chunk from the right document whose text contains an answer text (compared
in search form, so scripts do not matter).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
    """How often the quote contains an answer, and how the no-answer decision went."""

    answerable: int
    answer_at_1: float
    answerable_not_found: int
    unanswerable: int
    unanswerable_not_found: int


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
    """Ask every question; count quotes that contain an answer and the not-found decisions."""
    answerable = [q for q in questions if q.doc_id is not None and q.answers]
    unanswerable = [q for q in questions if q.doc_id is None]
    good = missed = 0
    for question in answerable:
        answer = engine.ask(question.question, k=k)
        if not answer.found:
            missed += 1
        elif answer.quote is not None and answer.quote.chunk.doc_id == question.doc_id and any(
            search_form(a) in search_form(answer.quote.text) for a in question.answers
        ):
            good += 1
    refused = sum(not engine.ask(q.question, k=k).found for q in unanswerable)
    return AnswerScores(len(answerable), good / max(len(answerable), 1), missed, len(unanswerable), refused)
