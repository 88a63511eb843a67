"""Turn a retrieval into an :class:`~qa.types.Answer`: a quote with its exact words, or none.

The learned reader (:mod:`qa.answer.reader`) scores every sentence of the top passages,
reorders those passages, and gives a calibrated probability that its quote answers; below
``Settings.answer_threshold`` the answer is "not found". The span model
(:mod:`qa.answer.spans`) marks the exact words inside the chosen sentence.

Questions without Chinese characters (English asked of Chinese text) share no words with
the passages, so their sentence is chosen by the encoder's cosine between the question and
the sentences of the first passage (one model call). Their confidence comes from a model
fitted on English questions (:mod:`qa.answer.crosslingual_confidence`: cosines, the span
reader's margins, the share of the question's words found in the sentence; cosines alone
without the span reader, see :func:`qa.answer.reader.read`), capped when the sentence lacks the
kind of thing the question asks for (:mod:`qa.answer.crosslingual`).

In any language, a which-year question whose sentence holds neither 年 nor a number of two to
four digits gets the same cap (:func:`qa.answer.answer_types.year_missing`): such a sentence
cannot say which year, however sure the readers are that it is about the right event. So does
a how-much-money question whose sentence names no sum (:func:`~qa.answer.answer_types.money_missing`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

import numpy as np

from embeddings.base import Encoder
from qa.answer.answer_types import AnswerType, asks_money, money_missing, year_missing
from qa.answer.counted import counted_number
from qa.answer.crosslingual import KIND_MISSING_CAP, checked_confidence
from qa.answer.crosslingual_confidence import confidence as crosslingual_confidence
from qa.answer.features import Candidate
from qa.answer.holders import HOLDER_CONFIDENCE, asked_post, post_holder, post_missing
from qa.answer.identity import IDENTITY_CONFIDENCE, asked_names, described_person
from qa.answer.measures import measure_missing, measured_sentence
from qa.answer.ordinals import ordinal_markers, point_marker, point_number, point_start
from qa.answer.quoting import quote_bounds
from qa.answer.reader import Reading, load_reader, read, sentence_confidence
from qa.answer.reader_weights import LinearModel, ReaderWeights
from qa.answer.span_choice import choose, read_window
from qa.answer.span_reader import SpanReader
from qa.answer.spans import best_span, span_candidates
from qa.charsets import SENTENCE_ENDS, has_cjk
from qa.settings import Settings
from qa.textnorm import search_form
from qa.types import Answer, Hit, Quote, Retrieval

# Punctuation closing a point, left out of its exact words.
_POINT_ENDS = SENTENCE_ENDS + ",，、：:"


def _embedder(encoder: Encoder) -> Callable[[list[str]], np.ndarray]:
    return lambda texts: encoder.encode_passages(texts, batch_size=32)


def exact_words(candidate: Candidate, question: str, terms: set[str], kind: AnswerType,
                model: LinearModel) -> tuple[int, int] | None:
    """Offsets in ``candidate.chunk.text`` of the words of the sentence that answer, or None."""
    spans = span_candidates(candidate.form, search_form(question), frozenset(terms), kind)
    span = best_span(model, spans)
    if span is None:
        return None
    text = candidate.chunk.text[candidate.start:candidate.end]
    if len(text) != len(candidate.form):  # folding changed lengths: offsets would not match the source
        return None
    return candidate.start + span.start, candidate.start + span.end


def named_point(reading: Reading, best: int, question_form: str) -> tuple[int, tuple[int, int]] | None:
    """The sentence making the point a question names (第四点 ↔ 四要加强宣传) and that point's words,
    when the chosen sentence ``best`` does not make it; None otherwise.

    The readers weigh the question's other words, which the list's first sentence often repeats
    (邓小刚要求,一要……), so they find the list but not the point. The sentence is looked for in the
    chosen sentence's passage, then in the other candidate passages of its document.
    """
    markers = ordinal_markers(question_form)
    items = reading.candidates.items
    if not markers or point_start(items[best].form, markers) is not None:
        return None
    chosen = items[best].chunk
    named = [(i, start) for i, c in enumerate(items) if c.chunk.doc_id == chosen.doc_id
             for start in (point_start(c.form, markers),) if start is not None]
    if not named and markers == {"最后一点"}:  # a list's last point is its highest one (六要…)
        top, _, i = max((point_number(c.form), c.chunk.id == chosen.id, i)
                        for i, c in enumerate(items) if c.chunk.doc_id == chosen.doc_id)
        start = point_start(items[i].form, frozenset({point_marker(top)})) if top > 1 else None
        named = [(i, start)] if start is not None else []
    if not named:
        return None
    i, start = max(named, key=lambda n: (items[n[0]].chunk.id == chosen.id, float(reading.scores.logits[n[0]])))
    c = items[i]
    if len(c.form) != c.end - c.start:  # the search form does not align with the text: quote it all
        return i, (c.start, c.end)
    end = c.end
    while end > c.start + start + 1 and c.chunk.text[end - 1] in _POINT_ENDS:
        end -= 1
    return i, (c.start + start, end)


def _lacks_asked(question: str, sentence: str) -> bool:
    """True when the sentence cannot answer: asked which year and it names none, or how much
    money and it names no sum (both in search form)."""
    return year_missing(question, sentence) or money_missing(question, sentence)


def _exact_text(items: Sequence[Candidate], best: int, exact: tuple[int, int] | None) -> str | None:
    """The exact words ``exact`` (offsets in the chunk of candidate ``best``), or None."""
    return items[best].chunk.text[exact[0]:exact[1]] if exact and best >= 0 else None


def _led_by(hits: list[Hit], chunk_id: str) -> list[Hit]:
    """``hits`` with the passage ``chunk_id`` first (ranks renumbered), so the quote's passage leads."""
    if not hits or hits[0].chunk.id == chunk_id:
        return hits
    ordered = [h for h in hits if h.chunk.id == chunk_id] + [h for h in hits if h.chunk.id != chunk_id]
    return [replace(h, rank=n) for n, h in enumerate(ordered, start=1)]


def answer_from(retrieval: Retrieval, *, encoder: Encoder | None, settings: Settings,
                weights: ReaderWeights | None = None, avoid: Sequence[Quote] = (),
                span_reader: SpanReader | None = None, rewritten: bool = False,
                asked_words: Mapping[str, float] | None = None, understood: str | None = None) -> Answer:
    """Build the :class:`Answer` for a retrieval: a quote when the reader is sure enough, else none.

    ``rewritten``: the retrieval's question is a follow-up completed from the conversation (a
    search string, not a question as people ask it); the sentence model alone then chooses the
    sentence and says how sure, and the span reader only marks its words. An English follow-up
    still gets the English confidence: its sentence is chosen by cosines either way, and without
    that model its confidence could not be compared with the as-asked reading's.

    ``understood``: a rewritten follow-up's question as understood (它的院长是谁 → 塔孜洪乡中心卫生院的
    院长是谁), without the earlier turn's words its search carries; the rules that read a question's
    form (who holds a post, which measure, which year) read it.

    The answer's passages are the retrieval's hits in the reader's order. Sentences overlapping
    a quote in ``avoid`` (already given in the conversation) are not quoted, nor, for a follow-up,
    sentences holding less of ``asked_words`` (the words its asker typed) than another.

    Raises:
        ReaderWeightsError: If the shipped weights are missing or damaged (the message says how
            to retrain).
    """
    weights = weights or load_reader()
    reading = read(retrieval, weights, passages=settings.answer_passages,
                   band=(settings.dense_floor, settings.dense_ceiling),
                   crosslingual_band=(settings.crosslingual_floor, settings.crosslingual_ceiling),
                   embed=None if encoder is None else _embedder(encoder), max_embedded=settings.max_encoded_sentences,
                   avoid=[(q.chunk.id, q.start, q.end) for q in avoid], asked_words=asked_words)
    lexical = has_cjk(retrieval.question) and bool(retrieval.term_weights)
    asked = understood or retrieval.question
    qform = search_form(asked)
    best, confidence, exact = reading.best, reading.confidence, None
    if span_reader is not None and best >= 0:
        window = read_window(reading, retrieval.question, span_reader, budget=settings.reader_window_chars)
        if window is not None:
            # A rewritten follow-up is a search string the span reader never saw in training: the
            # sentence model's choice and confidence stand, and the reader only marks the words.
            choice = choose(reading, window, weights if lexical else None,
                            fusion=0.0 if rewritten else span_reader.fusion,
                            confidence=None if rewritten else span_reader.confidence)
            if choice is not None:
                best, exact, confidence = choice.best, choice.exact, choice.confidence
            if not lexical and span_reader.crosslingual is not None and reading.cosines is not None:
                english = crosslingual_confidence(span_reader.crosslingual, reading, window, retrieval.word_groups)
                confidence = confidence if english is None else english
    if not lexical and best >= 0:  # cosines alone chose it: it must hold what the question asks for
        chosen = reading.candidates.items[best]
        confidence = checked_confidence(confidence, retrieval.question, chosen.form, known=retrieval.term_weights)
        counted = None
        if reading.candidates.kind is AnswerType.NUMBER:  # "how many": the number the question's words surround
            counted = counted_number(chosen.form, retrieval.word_groups,
                                     money=asks_money(qform))
        if counted is not None and len(chosen.form) == chosen.end - chosen.start:
            exact = (chosen.start + counted[0], chosen.start + counted[1])
    items = reading.candidates.items
    measured = measured_sentence([c.form if len(c.form) == c.end - c.start else None for c in items],
                                 reading.scores.logits, best, asked, _exact_text(items, best, exact))
    if measured is not None:  # 书院有多大: the sentence giving a size, not one about the academy giving none
        best, (low, high) = measured[0], measured[1]
        exact = (items[best].start + low, items[best].start + high)
        if lexical:
            confidence = sentence_confidence(weights, reading.candidates, reading.scores, best)
    described = described_person(reading, asked_names(asked, retrieval.word_groups))
    post = asked_post(asked)
    if described is not None:  # 程策是谁: the sentence giving 程策 a post, and the post
        best, exact = described
        confidence = max(confidence, IDENTITY_CONFIDENCE)
    else:  # 院长是谁: the sentence naming someone right after that post, and the name
        held = post_holder(reading, best, post, retrieval.word_groups)
        if held is not None:
            best, exact = held.best, held.name
            confidence = max(confidence, HOLDER_CONFIDENCE) if held.named_org else confidence
    if best >= 0 and (_lacks_asked(qform, items[best].form) or post_missing(post, items[best].form)
                      or measure_missing(asked, items[best].form, _exact_text(items, best, exact))):
        # Asked which year, how much money, who holds a post or how large; the sentence names none.
        confidence = min(confidence, KIND_MISSING_CAP)
    if best < 0 or confidence < settings.answer_threshold:
        return Answer(retrieval.question, False, None, reading.hits, retrieval.notice)
    point = named_point(reading, best, qform) if lexical else None
    if point is not None:
        best, exact = point
    hits = _led_by(reading.hits, reading.candidates.items[best].chunk.id)
    candidate = reading.candidates.items[best]
    chunk = candidate.chunk
    if exact is None and lexical:
        exact = exact_words(candidate, retrieval.question, set(retrieval.term_weights), reading.candidates.kind,
                            weights.span)
    low, high = exact if exact else (candidate.start, candidate.end)
    bounds = quote_bounds(chunk, low, high, short=settings.short_sentence_chars)
    quote = Quote(
        chunk.text[bounds.start:bounds.end], chunk, round(confidence, 4), bounds.start, bounds.end,
        chunk.text[exact[0]:exact[1]] if exact else None, exact[0] if exact else None, exact[1] if exact else None,
    )
    return Answer(retrieval.question, True, quote, hits, retrieval.notice)
