"""Choose the sentence that answers a question, or decide the documents do not answer it.

Each sentence of the top passages is scored by term overlap with the question (on
search forms, so scripts do not matter), by the encoder's similarity, and by the rank
of its passage. The confidence that decides ``found`` combines how well the best
passage matches (cosine) with how much of the question the quote covers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
import numpy as np

from embeddings.base import Encoder
from qa.lexical_tokens import tokenize
from qa.settings import Settings
from qa.textnorm import search_form, split_sentences
from qa.types import Answer, Chunk, Quote, Retrieval

# A sentence opening with one of these leans on the one before it.
_LEANING = re.compile(
    r"^[\s“”\"「『]*(?:他們|他们|她們|她们|它們|它们|他|她|它|這|这|該|该|此|其|上述|以上|同時|同时|此外|另外|"
    r"但是|但|而且|而|因此|所以|並且|并且|並|并|也|還|还|對此|对此|為此|为此|其中|這些|这些|"
    r"[Tt]his|[Tt]hese|[Tt]hey|[Ii]t|[Hh]e|[Ss]he|[Bb]ut|[Aa]lso)"
)
SHORT_SENTENCE = 80


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


def term_overlap(question_terms: Sequence[str], sentence: str) -> float:
    """Share of the question's terms (weighted by length) found in ``sentence``'s search form.

    Longer terms weigh more because they are rarer: ``援藏资金`` says more than ``要``.
    """
    if not question_terms:
        return 0.0
    form = search_form(sentence)
    total = sum(math.log1p(len(t)) for t in question_terms)
    hit = sum(math.log1p(len(t)) for t in question_terms if t in form)
    return hit / total if total else 0.0


def _question_terms(question: str) -> list[str]:
    terms = list(dict.fromkeys(tokenize(question)))
    # Drop words contained in a longer question word (河北 inside 河北省) so one match
    # is not counted twice.
    return [t for t in terms if not any(t != o and t in o for o in terms)]


def _candidates(retrieval: Retrieval, passages: int) -> list[tuple[Chunk, int, int, int]]:
    out = []
    for hit in retrieval.hits[:passages]:
        for start, end in split_sentences(hit.chunk.text):
            out.append((hit.chunk, start, end, hit.rank))
    return out


def score_sentences(
    retrieval: Retrieval, *, encoder: Encoder | None, settings: Settings
) -> list[ScoredSentence]:
    """Score every sentence of the top passages, best first."""
    candidates = _candidates(retrieval, settings.answer_passages)
    if not candidates:
        return []
    terms = _question_terms(retrieval.question)
    texts = [chunk.text[s:e] for chunk, s, e, _ in candidates]
    sims = np.zeros(len(texts), dtype=np.float32)
    if encoder is not None and retrieval.query_vector is not None:
        vecs = encoder.encode_passages(texts, batch_size=32)
        sims = vecs @ retrieval.query_vector
    scored = []
    for (chunk, start, end, rank), text, sim in zip(candidates, texts, sims, strict=True):
        overlap = term_overlap(terms, text)
        score = 0.55 * overlap + 0.35 * float(sim) + 0.10 / rank
        scored.append(ScoredSentence(chunk, start, end, rank, overlap, float(sim), score))
    scored.sort(key=lambda s: (-s.score, s.rank, s.start))
    return scored


def _extend_backwards(chunk: Chunk, start: int, end: int) -> int:
    """Start of the quote: include the previous sentence when this one cannot stand alone."""
    if not _LEANING.match(chunk.text[start:end]):
        return start
    previous = [s for s in split_sentences(chunk.text) if s[1] <= start]
    if previous and previous[-1][1] - previous[-1][0] <= SHORT_SENTENCE:
        return previous[-1][0]
    return start


def confidence(best: ScoredSentence, retrieval: Retrieval) -> float:
    """Confidence in [0, 1] that ``best`` answers the question.

    Mixes the question's term coverage by the quote and its passage with the dense
    similarity of the best passage, rescaled from the narrow band retrieval models use.
    """
    top = retrieval.hits[0]
    terms = _question_terms(retrieval.question)
    passage_cover = term_overlap(terms, top.chunk.text)
    dense = top.dense_score if top.dense_score is not None else 0.0
    dense_part = min(max((dense - 0.70) / 0.20, 0.0), 1.0)
    return float(min(1.0, 0.45 * best.overlap + 0.15 * passage_cover + 0.40 * dense_part))


def answer_from(retrieval: Retrieval, *, encoder: Encoder | None, settings: Settings) -> Answer:
    """Build the :class:`Answer` for a retrieval: a quote when confident, else none."""
    scored = score_sentences(retrieval, encoder=encoder, settings=settings)
    if not scored:
        return Answer(retrieval.question, False, None, retrieval.hits, retrieval.notice)
    best = scored[0]
    conf = confidence(best, retrieval)
    if conf < settings.answer_threshold:
        return Answer(retrieval.question, False, None, retrieval.hits, retrieval.notice)
    start = _extend_backwards(best.chunk, best.start, best.end)
    quote = Quote(best.chunk.text[start:best.end], best.chunk, round(conf, 4), start, best.end)
    return Answer(retrieval.question, True, quote, retrieval.hits, retrieval.notice)
