"""Training windows for the span reader, built the way answering builds them.

Each training question gives up to three windows (:mod:`qa.answer.windows`):

* the window answering would read: the sentence model's best sentences of the first passage
  after reranking; labelled with the answer's position, or "no answer" when it is not there;
* the window of its unanswerable twin (the right article removed): "no answer";
* when the first passage misses the answer, a window of the passage that holds it, led by the
  answer's sentence, so every question teaches where answers sit;
* with ``nearby``, the window of its on-topic twin (only the answer's passages removed, another
  passage of the right article leads): "no answer" on text about the question's subject.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qa.answer.reader import read
from qa.answer.reader_weights import ReaderWeights
from qa.answer.span_reader import encode_pair
from qa.answer.windows import Window, passage_window
from qa.settings import Settings
from qa.types import Chunk, Hit, Retrieval
from training.evaluation import BAND
from training.examples import Example


@dataclass(frozen=True)
class SpanExample:
    """One window with its token ids and the answer's token positions (0, 0 = no answer)."""

    question_id: str
    answers: tuple[str, ...]
    window: Window
    ids: np.ndarray
    offsets: np.ndarray
    start: int
    end: int
    kind: str


def _find(window: Window, answers: Sequence[str]) -> tuple[int, int] | None:
    for a in answers:
        at = window.text.find(a)
        if at >= 0:
            return at, at + len(a)
    return None


def label(tokenizer: object, question: str, window: Window, answers: Sequence[str], *, max_tokens: int,
          qid: str, kind: str, answerable: bool) -> SpanExample | None:
    """The window tokenised with the answer's first and last token (None when the label is unclear)."""
    ids, offsets = encode_pair(tokenizer, question, window.text, max_tokens=max_tokens)
    span = _find(window, answers) if answerable else None
    if not answerable and _find(window, answers) is not None:
        return None  # the answer text occurs by chance: neither label would be right
    start = end = 0
    if span is not None:
        inside = [n for n, (a, b) in enumerate(offsets) if b > a]
        starts = [n for n in inside if offsets[n][0] <= span[0] < offsets[n][1]]
        ends = [n for n in inside if offsets[n][0] < span[1] <= offsets[n][1]]
        if not starts or not ends:
            if answerable and kind == "gold":
                return None  # cut off by the token limit
        else:
            start, end = starts[0], ends[-1]
    return SpanExample(qid, tuple(answers), window, ids, offsets, start, end, kind)


def _gold_chunk(ex: Example, chunks: Sequence[Chunk]) -> Chunk | None:
    for c in chunks:
        if c.doc_id == ex.question.doc_id and any(a in c.text for a in ex.question.answers):
            return c
    return None


def build_span_examples(examples: Sequence[Example], weights: ReaderWeights, settings: Settings,
                        tokenizer: object, chunks_by_doc: dict[str, list[Chunk]], *,
                        include_gold: bool = True, nearby: bool = False) -> list[SpanExample]:
    """Windows of every example (see the module docstring); ``include_gold`` False leaves out the
    right-passage windows answering would never read (for held-out evaluation); ``nearby`` adds
    the on-topic twins' windows."""
    out: list[SpanExample] = []
    cross = (settings.crosslingual_floor, settings.crosslingual_ceiling)
    budget, limit = settings.reader_window_chars, settings.reader_max_tokens
    for ex in examples:
        q = ex.question
        twins = [(ex.retrieval, True, "pipeline"), (ex.unanswerable, False, "twin")]
        if nearby and ex.nearby is not None:
            twins.append((ex.nearby, False, "nearby"))
        found = False
        for retrieval, answerable, kind in twins:
            r = read(retrieval, weights, passages=settings.answer_passages, band=BAND, crosslingual_band=cross)
            if r.best < 0:
                continue
            w = passage_window(r.candidates, r.scores.logits, r.hits[0].chunk.id, budget=budget)
            if w is None:
                continue
            has = answerable and r.hits[0].chunk.doc_id == q.doc_id
            item = label(tokenizer, q.question, w, q.answers, max_tokens=limit, qid=q.id, kind=kind,
                         answerable=has)
            if item is not None:
                out.append(item)
                found |= item.end > 0 and kind == "pipeline"
        if include_gold and not found:
            gold = _gold_chunk(ex, chunks_by_doc.get(q.doc_id, []))
            if gold is None:
                continue
            hit = Hit(gold, 1.0, 1, None, None)
            r = read(Retrieval(ex.retrieval.question, [hit], None, None, ex.retrieval.term_weights), weights,
                     passages=1, band=BAND, crosslingual_band=cross)
            if r.best < 0:
                continue
            first = next((i for i, c in enumerate(r.candidates.items)
                          if any(a in c.chunk.text[c.start:c.end] for a in q.answers)), None)
            w = passage_window(r.candidates, r.scores.logits, gold.id, budget=budget, first=first)
            if w is not None:
                item = label(tokenizer, q.question, w, q.answers, max_tokens=limit, qid=q.id, kind="gold",
                             answerable=True)
                if item is not None and item.end > 0:
                    out.append(item)
    return out


def in_english(items: Sequence[SpanExample], translations: dict[str, str], tokenizer: object, *,
               max_tokens: int) -> list[SpanExample]:
    """The windows of the questions that have an English translation, asked in English.

    The window and its label stay: a user asking in English reads the same Chinese passage, so
    these teach the reader to find the answer (or no answer) for a question in another language.
    """
    out = []
    for it in items:
        question = translations.get(it.question_id)
        if question is None:
            continue
        item = label(tokenizer, question, it.window, it.answers, max_tokens=max_tokens, qid=it.question_id,
                     kind=it.kind, answerable=it.end > 0)
        if item is not None:
            out.append(item)
    return out
