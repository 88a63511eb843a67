"""How the span reader's reading becomes the quoted sentence, its exact words and a confidence.

The span reader (:mod:`qa.answer.span_reader`) reads a window of the first passage once
(:func:`read_window`); every sentence in it gets its best span. :func:`choose` then weighs the
sentence model's logit against the span's score (``fusion``, tuned on training data by
``python -m training.span_confidence``) and combines the two models' evidence into the
confidence compared with ``Settings.answer_threshold``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from qa.answer.answer_types import AnswerType
from qa.answer.reader import Reading, sentence_confidence
from qa.answer.reader_weights import LinearModel, ReaderWeights
from qa.answer.span_reader import SpanReader, SpanReading
from qa.answer.windows import passage_window


@dataclass(frozen=True)
class NeuralChoice:
    """The span reader's answer: the candidate index of its sentence, the exact words' offsets in
    ``chunk.text``, the confidence, the chosen span's reading and the whole window's best."""

    best: int
    exact: tuple[int, int]
    confidence: float
    reading: SpanReading
    whole: SpanReading


def span_evidence(sentence_confidence: float, chosen: SpanReading, whole: SpanReading) -> np.ndarray:
    """Row of ``SPAN_CONFIDENCE_FEATURES``: the sentence model's confidence (as a logit), the chosen
    span's margin over "no answer" and its score, and the margin of the best span anywhere."""
    p = min(max(sentence_confidence, 1e-6), 1 - 1e-6)
    return np.asarray([[math.log(p / (1 - p)), chosen.margin, chosen.score, whole.margin]], dtype=np.float64)


@dataclass(frozen=True)
class WindowReading:
    """The span reader's reading of the first passage's window: the best span anywhere, and per
    sentence its candidate index, the offsets of its best span in ``chunk.text`` and that span."""

    whole: SpanReading
    options: tuple[tuple[int, tuple[int, int], SpanReading], ...]


def read_window(reading: Reading, question: str, reader: SpanReader, *, budget: int) -> WindowReading | None:
    """One model call over the first passage's window (led by the reader's chosen sentence, then
    the sentence model's order); None when no sentence has a span."""
    cands = reading.candidates
    window = passage_window(cands, reading.scores.logits, reading.hits[0].chunk.id, budget=budget,
                            first=reading.best)
    if window is None:
        return None
    whole, *per_piece = reader.read_pieces(question, window, number=cands.kind is AnswerType.NUMBER)
    options = []
    for piece, found in zip(window.pieces, per_piece, strict=True):
        mapped = window.to_chunk(found.start, found.end) if found.start >= 0 else None
        best = next((i for i, c in enumerate(cands.items)
                     if c.chunk.id == window.chunk.id and c.start <= piece.source < c.end), None)
        if mapped is not None and best is not None:
            options.append((best, mapped, found))
    return WindowReading(whole, tuple(options)) if options else None


def choose(reading: Reading, window: WindowReading, weights: ReaderWeights | None, *, fusion: float,
           confidence: LinearModel | None) -> NeuralChoice | None:
    """The sentence with the best sentence-model logit plus ``fusion`` times its span's score above
    the best span's, with its exact words.

    Without ``weights`` (a question in another language, whose sentence the encoder chose) the
    sentence and confidence are the reading's own and only the words come from the span reader
    (None when that sentence has no span); with them the confidence is the sentence model's for
    the chosen sentence, combined with the span evidence by ``confidence`` when given.
    """
    if weights is None:  # no shared words: the sentence the encoder chose stays, the reader marks its words
        own = [o for o in window.options if o[0] == reading.best]
        if not own:
            return None
        best, mapped, found = own[0]
        return NeuralChoice(best, mapped, reading.confidence, found, window.whole)
    top = max(found.score for _, _, found in window.options)
    logits = reading.scores.logits
    best, mapped, found = max(window.options, key=lambda o: float(logits[o[0]]) + fusion * (o[2].score - top))
    conf = sentence_confidence(weights, reading.candidates, reading.scores, best)
    if confidence is not None:
        conf = float(confidence.probability(span_evidence(conf, found, window.whole))[0])
    return NeuralChoice(best, mapped, conf, found, window.whole)
