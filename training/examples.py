"""Training examples: every training question asked through the real retrieval, with its
unanswerable twins (the right article removed; the answer's passages removed); retrievals
cached next to the index."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from qa.engine import QA
from qa.errors import QuestionError
from qa.textnorm import search_form
from qa.types import Hit, Retrieval
from training.data import TrainQuestion


@dataclass(frozen=True)
class Example:
    """A training question with its retrieval and its unanswerable twins.

    ``unanswerable`` drops the right article's passages. ``nearby`` drops only the passages
    holding the answer, and is None unless another passage of the right article then leads:
    an on-topic question the documents do not answer, the harder case for "not found".
    """

    question: TrainQuestion
    retrieval: Retrieval
    unanswerable: Retrieval
    nearby: Retrieval | None = None


def contains_answer(text: str, question: TrainQuestion) -> bool:
    """True when ``text`` contains one of the answer texts (compared in search form)."""
    form = search_form(text)
    return any(search_form(a) in form for a in question.answers)


def _retrieve_all(engine: QA, questions: Sequence[TrainQuestion], *, k: int, cache: Path) -> dict[str, Retrieval]:
    """Retrievals of every question, kept in a JSON file next to the index version they came from.

    Retrieval is the slow part of training (one model call per question); feature changes
    then re-train in seconds.
    """
    path = cache / f"retrievals-{engine.manifest.get('created', '')}-{k}.json".replace(":", "")
    chunks = {c.id: c for c in engine.chunks}
    stored: dict[str, dict] = {}
    if path.exists():
        stored = json.loads(path.read_text(encoding="utf-8"))
    todo = [q for q in questions if q.id not in stored]
    for q in todo:
        try:
            r = engine.retrieve(q.question, k=k)
        except QuestionError:  # punctuation only: the engine refuses it before any answering
            stored[q.id] = {}
            continue
        stored[q.id] = {"question": r.question, "weights": r.term_weights,
                        "hits": [[h.chunk.id, h.score, h.rank, h.dense_score, h.bm25_score] for h in r.hits]}
    if todo:
        path.write_text(json.dumps(stored, ensure_ascii=False), encoding="utf-8")
    out = {}
    for q in questions:
        data = stored.get(q.id)
        if data:
            hits = [Hit(chunks[cid], score, rank, dense, bm25) for cid, score, rank, dense, bm25 in data["hits"]]
            out[q.id] = Retrieval(data["question"], hits, None, None, data["weights"])
    return out


def _ranked(hits: Sequence[Hit], k: int) -> list[Hit]:
    return [replace(h, rank=n) for n, h in enumerate(hits, start=1)][:k]


def example(question: TrainQuestion, full: Retrieval, k: int) -> Example:
    """The example of ``question`` from its retrieval of ``2 * k`` hits: the first ``k`` hits, and
    twins that drop hits (see :class:`Example`) and renumber ranks."""
    others = _ranked([h for h in full.hits if h.chunk.doc_id != question.doc_id], k)
    rest = [h for h in full.hits if not contains_answer(h.chunk.text, question)]
    nearby = replace(full, hits=_ranked(rest, k)) if rest and rest[0].chunk.doc_id == question.doc_id else None
    return Example(question, replace(full, hits=full.hits[:k]), replace(full, hits=others), nearby)


def collect(engine: QA, questions: Sequence[TrainQuestion], *, k: int, cache: Path) -> list[Example]:
    """Retrieve every question once (cached) and make its :func:`example`."""
    retrievals = _retrieve_all(engine, questions, k=2 * k, cache=cache)
    return [example(q, retrievals[q.id], k) for q in questions if q.id in retrievals]

