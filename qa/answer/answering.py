"""Choose the sentence that answers a question, or decide the documents do not answer it.

Each sentence of the top passages is scored by term overlap with the question (on
search forms, so scripts do not matter), by the encoder's similarity, and by the rank
of its passage. The confidence that decides ``found`` combines how well the best
passage matches (cosine) with how much of the question the quote covers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from embeddings.base import Encoder
from qa.charsets import has_cjk, leans_back
from qa.settings import Settings
from qa.textnorm import search_form, split_sentences
from qa.types import Answer, Chunk, Quote, Retrieval


@dataclass(frozen=True)
class ScoredSentence:
    """A candidate sentence with the parts of its score."""

    chunk: Chunk
    start: int
    end: int
    rank: int
    overlap: float
    similarity: float
    score: float


def term_overlap(weights: Mapping[str, float], text: str) -> float:
    """Share of the question's term weight (IDF) whose terms occur in ``text``'s search form.

    Rare words say more than common ones: ``援藏资金`` matching counts for more than ``要``,
    and a word the corpus never uses counts fully against.
    """
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    form = search_form(text)
    return sum(w for term, w in weights.items() if term in form) / total


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences of a chunk; a line break (after a joined heading) also ends a sentence."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        spans.extend((offset + s, offset + e) for s, e in split_sentences(line))
        offset += len(line) + 1
    return spans


def _candidates(retrieval: Retrieval, passages: int) -> list[tuple[Chunk, int, int, int]]:
    out = []
    for hit in retrieval.hits[:passages]:
        for start, end in sentence_spans(hit.chunk.text):
            out.append((hit.chunk, start, end, hit.rank))
    return out


def score_sentences(
    retrieval: Retrieval, *, encoder: Encoder | None, settings: Settings
) -> list[ScoredSentence]:
    """Score every sentence of the top passages, best first."""
    candidates = _candidates(retrieval, settings.answer_passages)
    if not candidates:
        return []
    weights = retrieval.term_weights if has_cjk(retrieval.question) else {}
    # Squared IDF when choosing the sentence: the rarest question word (站位 in
    # "提高什么站位") usually marks the sentence that answers.
    sharpened = {t: w * w for t, w in weights.items()}
    texts = [chunk.text[s:e] for chunk, s, e, _ in candidates]
    overlaps = [term_overlap(sharpened, text) for text in texts]
    # Each sentence starts with its passage's cosine; the encoder scores sentences one by
    # one only when the words cannot decide (a question in another language, or no
    # sentence covering enough of it): that costs a model call per sentence.
    passage_sim = {hit.chunk.id: hit.dense_score or 0.0 for hit in retrieval.hits}
    sims = np.array([passage_sim.get(chunk.id, 0.0) for chunk, _, _, _ in candidates], dtype=np.float32)
    sentence_level = max(overlaps) < settings.lexical_sure
    if encoder is not None and retrieval.query_vector is not None and sentence_level:
        # Embed only the most promising sentences (by words, then passage rank) so the
        # cost of one answer stays bounded however long the passages are.
        order = sorted(range(len(texts)), key=lambda i: (-overlaps[i], candidates[i][3], i))
        chosen = order[: settings.max_encoded_sentences]
        vecs = encoder.encode_passages([texts[i] for i in chosen], batch_size=32)
        sims[chosen] = vecs @ retrieval.query_vector
    low, high = _band(retrieval.question, settings)
    scored = []
    for (chunk, start, end, rank), overlap, sim in zip(candidates, overlaps, sims, strict=True):
        dense = _scale(float(sim), low, high)
        score = settings.quote_overlap_weight * overlap + settings.quote_cosine_weight * dense \
            + settings.quote_rank_weight / rank
        scored.append(ScoredSentence(chunk, start, end, rank, overlap, float(sim), score))
    scored.sort(key=lambda s: (-s.score, s.rank, s.start))
    return scored


def _extend_backwards(chunk: Chunk, start: int, end: int, *, short: int) -> int:
    """Start of the quote: include the previous sentence (of at most ``short`` characters)
    when this one cannot stand alone."""
    if not leans_back(chunk.text[start:end]):
        return start
    previous = [s for s in sentence_spans(chunk.text) if s[1] <= start]
    if previous and previous[-1][1] - previous[-1][0] <= short:
        return previous[-1][0]
    return start


def _band(question: str, settings: Settings) -> tuple[float, float]:
    if has_cjk(question):
        return settings.dense_floor, settings.dense_ceiling
    return settings.crosslingual_floor, settings.crosslingual_ceiling


def _scale(value: float, low: float, high: float) -> float:
    return min(max((value - low) / (high - low), 0.0), 1.0)


def confidence(best: ScoredSentence, retrieval: Retrieval, *, settings: Settings,
               scored: Sequence[ScoredSentence] = ()) -> float:
    """Confidence in [0, 1] that ``best`` answers the question.

    Half lexical (IDF-weighted share of the question's words found in the quote's
    passage and title), half dense (best cosine, rescaled from the encoder's band).
    Questions without Chinese characters are judged on the dense half alone.
    """
    sims = [s.similarity for s in scored if s.similarity] or [retrieval.hits[0].dense_score or 0.0]
    dense = _scale(max(sims), *_band(retrieval.question, settings))
    if not has_cjk(retrieval.question) or not retrieval.term_weights:
        return dense
    context = f"{best.chunk.title or ''}\n{best.chunk.text}"
    lexical = term_overlap(retrieval.term_weights, context)
    return float(0.5 * lexical + 0.5 * dense)


def answer_from(retrieval: Retrieval, *, encoder: Encoder | None, settings: Settings,
                avoid: Sequence[Quote] = ()) -> Answer:
    """Build the :class:`Answer` for a retrieval: a quote when confident, else none.

    Sentences overlapping a quote in ``avoid`` (already given in the conversation) are not quoted.
    """
    scored = [s for s in score_sentences(retrieval, encoder=encoder, settings=settings)
              if not any(q.chunk.id == s.chunk.id and q.start < s.end and s.start < q.end for q in avoid)]
    if not scored:
        return Answer(retrieval.question, False, None, retrieval.hits, retrieval.notice)
    best = scored[0]
    conf = confidence(best, retrieval, settings=settings, scored=scored)
    if conf < settings.answer_threshold:
        return Answer(retrieval.question, False, None, retrieval.hits, retrieval.notice)
    start = _extend_backwards(best.chunk, best.start, best.end, short=settings.short_sentence_chars)
    quote = Quote(best.chunk.text[start:best.end], best.chunk, round(conf, 4), start, best.end)
    return Answer(retrieval.question, True, quote, retrieval.hits, retrieval.notice)
