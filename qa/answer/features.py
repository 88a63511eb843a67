"""Features of each candidate sentence for the learned sentence ranker.

Every sentence of the top passages gets one row: how much of the question it (and its
neighbours, and its passage) covers by IDF-weighted words, character bigrams and the
longest shared run of characters; whether it holds the kind of thing the question asks
for (:mod:`qa.answer.answer_types`); its passage's cosine, rank and fused score; its
position and length. Differences to the best candidate of the same question let a linear
model compare sentences with each other. No model call: everything comes from the text
and the retrieval, so scoring stays fast.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from qa.answer.answer_types import AnswerType, has_kind, question_type
from qa.answer.measures import measure_passage
from qa.answer.ordinals import ordinal_form, ordinal_weights
from qa.answer.slots import question_slot, slot_match
from qa.charsets import has_cjk
from qa.textnorm import search_form, split_sentences
from qa.types import Chunk, Retrieval

# Words that shape a question rather than name its content; left out of bigram matching.
_QUESTION_FILLER = re.compile(
    r"什么|哪些|哪个|哪里|哪儿|哪|谁|多少|几|怎么|怎样|如何|为什么|吗|呢|是|的|了|请问|这篇|文章|[^\w]"
)
_KINDS = (AnswerType.NUMBER, AnswerType.PERSON, AnswerType.PLACE, AnswerType.TIME)

FEATURE_NAMES: tuple[str, ...] = (
    "overlap_sharp", "overlap", "overlap_gap", "overlap_is_best", "window_overlap", "window_gap",
    "bigram", "bigram_gap", "lcs", "lcs_gap", "passage_overlap", "dense", "inv_rank", "rank1",
    "fused_rel", "first_sentence", "position", "log_length", "short", "novel",
    "type_number", "type_person", "type_place", "type_time", "type_asked_missing",
    "overlap_x_dense", "overlap_x_rank1", "bigram_x_type", "slot_left", "slot_right", "slot_fits", "slot_fits_gap",
    "prev_overlap", "next_overlap", "room", "reason_cue",
)
# The sentence model is quadratic in the features that weigh the question's words against each
# other (plus cosine, rank and position): the features and the product of every two of those,
# so one piece of evidence can count for more when another is present (a filled slot in the
# passage the cosine prefers, a sentence right after one that repeats the question) while the
# weights stay one linear model in JSON.
PAIRED: tuple[str, ...] = (
    "overlap", "overlap_gap", "window_overlap", "bigram", "lcs", "dense", "passage_overlap", "slot_fits",
    "slot_right", "slot_left", "novel", "log_length", "type_asked_missing", "prev_overlap", "next_overlap",
    "inv_rank", "position",
)
SENTENCE_INPUTS: tuple[str, ...] = FEATURE_NAMES + tuple(
    f"{a}*{b}" for i, a in enumerate(PAIRED) for b in PAIRED[i:]
)
_PAIRED_COLUMNS = np.asarray([FEATURE_NAMES.index(n) for n in PAIRED], dtype=int)
_LEFT, _RIGHT = (_PAIRED_COLUMNS[k] for k in np.triu_indices(len(PAIRED)))
# A question asking why, and the words that give a reason: a type the four kinds miss.
_ASKS_REASON = re.compile(r"为什么|为何|为甚么|原因|缘故|怎么会|why")
_GIVES_REASON = re.compile(r"因为|由于|因此|所以|原因|导致|之故|因而|缘故|为了|以便|因")


@dataclass(frozen=True)
class Candidate:
    """One sentence of a retrieved passage: ``chunk.text[start:end]``.

    Attributes:
        chunk: The passage.
        start: Start of the sentence in ``chunk.text``.
        end: End of the sentence (exclusive).
        rank: 1-based retrieval rank of the passage.
        index: Position of the sentence in its passage (0 = first).
        form: The sentence's search form (for matching).
    """

    chunk: Chunk
    start: int
    end: int
    rank: int
    index: int
    form: str


@dataclass(frozen=True)
class Candidates:
    """The candidate sentences of one question and their feature rows (same order)."""

    items: list[Candidate]
    features: np.ndarray
    kind: AnswerType


def sentence_inputs(features: np.ndarray) -> np.ndarray:
    """Rows of the sentence model: the feature rows and the products of PAIRED (order of SENTENCE_INPUTS)."""
    return np.hstack([features, features[:, _LEFT] * features[:, _RIGHT]])


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences of a chunk; a line break (after a joined heading) also ends a sentence."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        spans.extend((offset + s, offset + e) for s, e in split_sentences(line))
        offset += len(line) + 1
    return spans


def text_form(text: str) -> str:
    """Search form of ``text``; same length as ``text`` whenever the folding allows it."""
    return search_form(text)


def term_overlap(weights: Mapping[str, float], form: str) -> float:
    """Share of the question's term weight (IDF) whose terms occur in ``form`` (a search form).

    Rare words say more than common ones: ``援藏资金`` matching counts for more than ``要``.
    """
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    return sum(w for term, w in weights.items() if term in form) / total


def question_core(form: str) -> str:
    """The question's search form with filler words and punctuation blanked out."""
    return _QUESTION_FILLER.sub(" ", form)


def _bigrams(core: str) -> set[str]:
    return {core[i:i + 2] for i in range(len(core) - 1) if " " not in core[i:i + 2]}


def longest_shared(core: str, form: str) -> int:
    """Length of the longest run of characters of ``core`` (no blanks) found in ``form``."""
    parts = [p for p in core.split() if p]
    if not parts:
        return 0

    def found(n: int) -> bool:
        return any(part[i:i + n] in form for part in parts for i in range(len(part) - n + 1))

    low, high = 0, max(len(p) for p in parts)
    while low < high:  # the property is monotone in n, so bisect it
        mid = (low + high + 1) // 2
        if found(mid):
            low = mid
        else:
            high = mid - 1
    return low


def candidates_of(retrieval: Retrieval, passages: int) -> list[Candidate]:
    """Every sentence of the top ``passages`` hits, in rank and reading order; and of the passage
    giving the measure a question asks for, when those do not (:func:`~qa.answer.measures.measure_passage`)."""
    out: list[Candidate] = []
    read = list(retrieval.hits[:passages])
    extra = measure_passage(retrieval.question, retrieval.hits, passages)
    for hit in read if extra is None else [*read, extra]:
        text = hit.chunk.text
        form = text_form(text)
        aligned = len(form) == len(text)
        for index, (start, end) in enumerate(sentence_spans(text)):
            sentence_form = form[start:end] if aligned else text_form(text[start:end])
            out.append(Candidate(hit.chunk, start, end, hit.rank, index, sentence_form))
    return out


def build_candidates(retrieval: Retrieval, *, passages: int, band: tuple[float, float]) -> Candidates:
    """Candidates of the top ``passages`` hits with one feature row each.

    Cosines enter rescaled from the encoder's ``band`` (``Settings.dense_floor..dense_ceiling``:
    0 at the floor, 1 at the ceiling), so the weights carry over to an encoder with other cosines.
    """
    items = candidates_of(retrieval, passages)
    qform = search_form(retrieval.question)
    kind = question_type(qform)
    if not items:
        return Candidates(items, np.zeros((0, len(FEATURE_NAMES)), dtype=np.float32), kind)
    lexical = has_cjk(retrieval.question)
    # Words are matched with enumeration markers written one way (第二点 = 二要 = 其二 = 其次):
    # the question's ordinal then finds the point it names (qa.answer.ordinals).
    weights = ordinal_weights(qform, retrieval.term_weights) if lexical else {}
    mform = ordinal_form(qform)
    forms = [ordinal_form(c.form) for c in items]
    sharp = {t: w * w for t, w in weights.items()}
    core = question_core(mform) if lexical else ""
    grams = _bigrams(core)
    core_len = max(len(core.replace(" ", "")), 1)
    slot = question_slot(mform) if lexical else None
    hits = {h.chunk.id: h for h in retrieval.hits}
    top_fused = max((h.score for h in retrieval.hits), default=0.0) or 1.0
    by_chunk: dict[str, list[int]] = {}
    for i, c in enumerate(items):
        by_chunk.setdefault(c.chunk.id, []).append(i)
    passage_overlap = {
        cid: term_overlap(weights, ordinal_form(text_form(f"{chunk.title or ''}\n{chunk.text}")))
        for cid, ids in by_chunk.items() for chunk in (items[ids[0]].chunk,)
    }
    rows = []
    slots: list[tuple[float, float, float]] = []
    for form in forms:
        rows.append([
            term_overlap(sharp, form),
            term_overlap(weights, form),
            sum(1 for g in grams if g in form) / max(len(grams), 1),
            longest_shared(core, form) / core_len if core.strip() else 0.0,
        ])
        m = slot_match(slot, form) if slot else None
        slots.append((m.left, m.right, m.fits) if m else (0.0, 0.0, 0.0))
    base = np.asarray(rows, dtype=np.float32)
    window = np.zeros(len(items), dtype=np.float32)
    for ids in by_chunk.values():
        for pos, i in enumerate(ids):
            around = "".join(forms[j] for j in ids[max(pos - 1, 0):pos + 2])
            window[i] = term_overlap(weights, around)
    neighbours = np.zeros((len(items), 2), dtype=np.float32)
    for ids in by_chunk.values():
        for pos, i in enumerate(ids):
            before = base[ids[pos - 1], 1] if pos else 0.0
            after = base[ids[pos + 1], 1] if pos + 1 < len(ids) else 0.0
            neighbours[i] = (before, after)
    asks_reason = lexical and _ASKS_REASON.search(qform) is not None
    best = base.max(axis=0)
    best_fits = max(s[2] for s in slots)
    feats = np.zeros((len(items), len(FEATURE_NAMES)), dtype=np.float32)
    qchars = set(core.replace(" ", ""))
    for i, c in enumerate(items):
        hit = hits[c.chunk.id]
        n_sent = len(by_chunk[c.chunk.id])
        sharp_o, overlap, bigram, lcs = base[i]
        dense = min(max((float(hit.dense_score or 0.0) - band[0]) / (band[1] - band[0]), -1.0), 2.0)
        length = c.end - c.start
        form = forms[i]
        novel = (len(form) - sum(form.count(ch) for ch in qchars)) / max(len(form), 1)
        # The asked-for kind is only looked up where the words already point (posseg costs).
        promising = overlap >= best[1] - 0.35 or window[i] >= best[1] - 0.2
        types = [float(promising and kind is k and has_kind(c.form, k, known=qform)) for k in _KINDS]
        asked_missing = float(kind is not AnswerType.OTHER and not any(types))
        rank1 = float(c.rank == 1)
        feats[i] = [
            sharp_o, overlap, overlap - best[1], float(overlap >= best[1] - 1e-6),
            window[i], window[i] - window.max(), bigram, bigram - best[2], lcs, lcs - best[3],
            passage_overlap[c.chunk.id], dense, 1.0 / c.rank, rank1,
            hit.score / top_fused, float(c.index == 0), c.index / max(n_sent - 1, 1),
            math.log1p(length), float(length < 10), novel,
            *types, asked_missing,
            overlap * dense, overlap * rank1, bigram * float(any(types)),
            *slots[i], slots[i][2] - best_fits,
            *neighbours[i], math.log1p(novel * len(form)),
            float(asks_reason and _GIVES_REASON.search(c.form) is not None),
        ]
    return Candidates(items, feats, kind)
