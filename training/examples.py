"""Training examples: every training question asked through the real retrieval, with its
unanswerable twin (the right article removed); retrievals cached next to the index."""

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
    """A training question with its retrieval and the unanswerable twin (right article removed)."""

    question: TrainQuestion
    retrieval: Retrieval
    unanswerable: Retrieval


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


def collect(engine: QA, questions: Sequence[TrainQuestion], *, k: int, cache: Path) -> list[Example]:
    """Retrieve every question once; the twin drops the right article's hits and renumbers ranks."""
    retrievals = _retrieve_all(engine, questions, k=2 * k, cache=cache)
    out = []
    for q in questions:
        full = retrievals.get(q.id)
        if full is None:
            continue
        hits = full.hits[:k]
        others = [replace(h, rank=n) for n, h in enumerate((h for h in full.hits if h.chunk.doc_id != q.doc_id),
                                                             start=1)][:k]
        out.append(Example(q, replace(full, hits=hits), replace(full, hits=others)))
    return out

