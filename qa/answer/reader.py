"""The learned reader: which sentence answers, which passage goes first, and how sure it is.

Three linear models from :mod:`qa.answer.reader_weights` over features computed here and in
:mod:`qa.answer.features`; the training script calls the same functions, so training and
answering cannot drift apart.

* **sentence**: a logit per candidate sentence; a softmax over the question's candidates.
* **passage**: the passage's best sentence and its share of the softmax, with the fused
  retrieval score, cosine and rank, reorder the top passages.
* **confidence**: the probability that the chosen quote answers the question (a logistic
  model, so its output is calibrated on the training distribution; the held-out calibration
  table is in ``docs/benchmarks.md``). Questions without Chinese characters use a model over
  cosine evidence alone, with the cross-lingual cosine band.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from qa.answer.features import (
    FEATURE_NAMES,
    SENTENCE_INPUTS,
    Candidates,
    build_candidates,
    sentence_inputs,
    term_overlap,
)
from qa.answer.reader_weights import WEIGHTS_PATH, ReaderWeights, check_features, read_weights
from qa.answer.spans import SPAN_FEATURES
from qa.charsets import has_cjk
from qa.types import Hit, Retrieval

PASSAGE_FEATURES: tuple[str, ...] = (
    "best_sentence_gap", "sentence_mass", "inv_rank", "rank1", "fused_rel", "dense", "passage_overlap",
)
CONFIDENCE_FEATURES: tuple[str, ...] = (
    "best_logit", "best_prob", "logit_margin", "overlap", "bigram", "lcs", "window_overlap", "passage_overlap",
    "dense", "type_match", "type_asked_missing", "rank1",
)
CROSSLINGUAL_FEATURES: tuple[str, ...] = ("dense_lead", "dense_gap", "sentence_gain")

_COL = {name: i for i, name in enumerate(FEATURE_NAMES)}


@dataclass(frozen=True)
class SentenceScores:
    """Logits and softmax probabilities of a question's candidate sentences (candidate order)."""

    logits: np.ndarray
    probs: np.ndarray


def softmax(logits: np.ndarray) -> np.ndarray:
    """Softmax of a 1-d array (empty in, empty out)."""
    if logits.size == 0:
        return logits
    e = np.exp(logits - logits.max())
    return e / e.sum()


def sentence_scores(cands: Candidates, logits: np.ndarray) -> SentenceScores:
    """Wrap the sentence model's logits with their softmax."""
    logits = np.asarray(logits, dtype=np.float64)
    return SentenceScores(logits, softmax(logits))


def passage_rows(cands: Candidates, scores: SentenceScores, hits: list[Hit]) -> tuple[list[str], np.ndarray]:
    """Chunk ids of the passages that have candidates (rank order) and their feature rows."""
    ids: list[str] = []
    for c in cands.items:
        if c.chunk.id not in ids:
            ids.append(c.chunk.id)
    by_id = {h.chunk.id: h for h in hits}
    best = scores.logits.max() if scores.logits.size else 0.0
    rows = []
    for cid in ids:
        members = [i for i, c in enumerate(cands.items) if c.chunk.id == cid]
        first = cands.features[members[0]]
        hit = by_id[cid]
        rows.append([
            scores.logits[members].max() - best, scores.probs[members].sum(), 1.0 / hit.rank,
            float(hit.rank == 1), first[_COL["fused_rel"]], first[_COL["dense"]], first[_COL["passage_overlap"]],
        ])
    return ids, np.asarray(rows, dtype=np.float64).reshape(-1, len(PASSAGE_FEATURES))


def confidence_row(cands: Candidates, scores: SentenceScores, best: int) -> np.ndarray:
    """Evidence that candidate ``best`` answers: its scores and its features."""
    f = cands.features[best]
    others = np.delete(scores.logits, best)
    margin = scores.logits[best] - others.max() if others.size else 5.0
    type_match = f[_COL["type_number"]:_COL["type_time"] + 1].max()
    return np.asarray([
        scores.logits[best], scores.probs[best], margin, f[_COL["overlap"]], f[_COL["bigram"]], f[_COL["lcs"]],
        f[_COL["window_overlap"]], f[_COL["passage_overlap"]], f[_COL["dense"]], type_match,
        f[_COL["type_asked_missing"]], f[_COL["rank1"]],
    ], dtype=np.float64)


def crosslingual_row(hits: list[Hit], low: float, high: float, gain: float) -> np.ndarray:
    """Cosine evidence only (no shared words across languages), in units of the band ``low..high``.

    Only differences between cosines enter: a question in another language sits lower on the
    cosine scale as a whole (English asked of Chinese text: about 0.1 below a Chinese question,
    by an amount that varies with the question), so the first passage's absolute cosine says
    little, while how far it stands out from the other passages (``lead``: over the mean of the
    others; ``gap``: over the next) does not move with that shift. ``gain`` is how much closer the
    best sentence of the first passage is to the question than the whole passage: a passage that
    answers has one sentence that stands out.
    """
    dense = [float(h.dense_score or 0.0) for h in hits]
    if len(dense) < 2:
        return np.asarray([0.0, 0.0, gain], dtype=np.float64)
    width = high - low
    lead = (dense[0] - sum(dense[1:]) / len(dense[1:])) / width
    gap = (dense[0] - max(dense[1:])) / width
    return np.asarray([lead, gap, gain], dtype=np.float64)


Embed = Callable[[list[str]], np.ndarray]


def closest_sentence(cands: Candidates, hit: Hit, query_vector: np.ndarray | None, embed: Embed | None, *,
                     limit: int, band: tuple[float, float],
                     words: Mapping[str, float] | None = None) -> tuple[int, float]:
    """Index of the sentence of ``hit``'s passage closest to the question by the encoder, and its gain.

    The gain is its cosine minus the passage's, in band units; 0 without an encoder. At most
    ``limit`` sentences are embedded (one model call). ``words`` (an English question's bridged
    Chinese words with their IDF, :mod:`qa.index.bridge`) add up to one band width to the cosine
    of a sentence holding all of them, so of two sentences about as close, the one with the
    question's words is chosen (the gain stays the chosen sentence's cosine gain).
    """
    members = [i for i, c in enumerate(cands.items) if c.chunk.id == hit.chunk.id][:limit]
    if not members:
        return -1, 0.0
    if embed is None or query_vector is None:
        return members[0], 0.0
    texts = [cands.items[i].chunk.text[cands.items[i].start:cands.items[i].end] for i in members]
    sims = embed(texts) @ query_vector
    bonus = np.zeros(len(members))
    if words:
        bonus = np.asarray([term_overlap(words, cands.items[i].form) for i in members]) * (band[1] - band[0])
    best = int(np.argmax(sims + bonus))
    return members[best], (float(sims[best]) - float(hit.dense_score or 0.0)) / (band[1] - band[0])


@dataclass(frozen=True)
class Reading:
    """What the reader made of one retrieval.

    Attributes:
        candidates: The candidate sentences and their features.
        scores: Sentence logits and probabilities (candidate order).
        hits: The retrieval's hits reordered by the passage model (ranks renumbered).
        best: Index of the chosen sentence in ``candidates.items`` (-1 when there is none).
        confidence: Probability that the chosen sentence answers the question.
        cosines: For a question without shared words, its :func:`crosslingual_row` (else None).
    """

    candidates: Candidates
    scores: SentenceScores
    hits: list[Hit]
    best: int
    confidence: float
    cosines: np.ndarray | None = None


def _without(cands: Candidates, avoid: Sequence[tuple[str, int, int]]) -> Candidates:
    """``cands`` minus the sentences that overlap an avoided span."""
    keep = [i for i, c in enumerate(cands.items)
            if not any(cid == c.chunk.id and start < c.end and c.start < end for cid, start, end in avoid)]
    return _kept(cands, keep)


def _holding_most(cands: Candidates, words: Mapping[str, float]) -> Candidates:
    """``cands`` minus the sentences that hold less of ``words`` (IDF-weighted share) than the best."""
    cover = [term_overlap(words, c.form) for c in cands.items]
    if not cover:
        return cands
    top = max(cover)
    return _kept(cands, [i for i, share in enumerate(cover) if share >= top - 1e-9])


def _kept(cands: Candidates, keep: list[int]) -> Candidates:
    """The candidates at positions ``keep`` (features were computed with all of them)."""
    return Candidates([cands.items[i] for i in keep], cands.features[keep], cands.kind)


def rerank(hits: list[Hit], ids: list[str], passage_logits: np.ndarray) -> list[Hit]:
    """Hits with the scored passages first in model order, the rest after in their old order."""
    order = [ids[i] for i in np.argsort(-passage_logits, kind="stable")]
    by_id = {h.chunk.id: h for h in hits}
    ranked = [by_id[i] for i in order] + [h for h in hits if h.chunk.id not in set(ids)]
    return [replace(h, rank=n) for n, h in enumerate(ranked, start=1)]


def read(retrieval: Retrieval, weights: ReaderWeights, *, passages: int, band: tuple[float, float],
         crosslingual_band: tuple[float, float], embed: Embed | None = None, max_embedded: int = 8,
         avoid: Sequence[tuple[str, int, int]] = (), asked_words: Mapping[str, float] | None = None) -> Reading:
    """Score sentences, reorder passages, choose the quote's sentence and say how sure.

    The quote comes from the best sentence of the passage placed first, so the quote and
    the first passage shown always agree. ``band`` and ``crosslingual_band`` are the encoder's
    cosine bands for questions with and without Chinese characters. A question without Chinese
    characters shares no words with the text: its sentence is the one of the first passage that
    ``embed`` (the encoder's passage embedding) puts closest to the question. Sentences that
    overlap a ``(chunk id, start, end)`` in ``avoid`` are never chosen, nor, for a follow-up, those
    holding less of ``asked_words`` (the words its asker typed) than the sentence holding most.
    """
    lexical = has_cjk(retrieval.question) and bool(retrieval.term_weights)
    cands = build_candidates(retrieval, passages=passages, band=band if lexical else crosslingual_band)
    if avoid:
        cands = _without(cands, avoid)
    if asked_words:
        cands = _holding_most(cands, asked_words)
    scores = sentence_scores(cands, weights.sentence.score(sentence_inputs(cands.features)) if cands.items
                             else np.zeros(0))
    if not cands.items:
        return Reading(cands, scores, list(retrieval.hits), -1, 0.0)
    if lexical:
        ids, rows = passage_rows(cands, scores, retrieval.hits)
        hits = rerank(retrieval.hits, ids, weights.passage.score(rows))
    else:  # no shared words: the sentence scores carry no evidence to reorder passages by
        hits = list(retrieval.hits)
    if lexical:
        members = [i for i, c in enumerate(cands.items) if c.chunk.id == hits[0].chunk.id]
        best = members[int(np.argmax(scores.logits[members]))]
        conf = sentence_confidence(weights, cands, scores, best)
    else:
        best, gain = closest_sentence(cands, hits[0], retrieval.query_vector, embed, limit=max_embedded,
                                      band=crosslingual_band, words=retrieval.term_weights)
        row = crosslingual_row(hits, *crosslingual_band, gain)
        return Reading(cands, scores, hits, best, float(weights.confidence_crosslingual.probability(row)[0]), row)
    return Reading(cands, scores, hits, best, conf)


def sentence_confidence(weights: ReaderWeights, cands: Candidates, scores: SentenceScores, i: int) -> float:
    """The confidence model's probability that candidate sentence ``i`` answers."""
    return float(weights.confidence.probability(confidence_row(cands, scores, i))[0])


def check_weights(weights: ReaderWeights, *, source: str) -> ReaderWeights:
    """``weights`` when every model was trained on the features this code computes, else an error."""
    for name, expected in (("sentence", SENTENCE_INPUTS), ("passage", PASSAGE_FEATURES),
                           ("confidence", CONFIDENCE_FEATURES), ("confidence_crosslingual", CROSSLINGUAL_FEATURES),
                           ("span", SPAN_FEATURES)):
        check_features(getattr(weights, name), expected, name=name, source=source)
    return weights


@lru_cache(maxsize=4)
def load_reader(path: Path = WEIGHTS_PATH) -> ReaderWeights:
    """The reader's weights at ``path`` (the shipped file by default), read and checked once per process.

    Raises:
        ReaderWeightsError: If the file is missing, damaged or from other features; the message
            says how to retrain.
    """
    return check_weights(read_weights(path), source=str(path))
