"""The exact answer: the words inside the chosen sentence that answer the question.

Candidates are runs of 1-6 jieba words (no HMM) of the sentence that do not cross
punctuation, are not filler at either end and are not already in the question. A linear
model (``span`` in the reader weights) scores each run by whether it is of the asked-for
kind (:mod:`qa.answer.answer_types`), how close it sits to the question's words, whether
it follows a copula (是/为) or sits inside book-title marks, its length and its parts of
speech; the best run is the exact answer. Offsets are into ``chunk.text``.

The question's slot (:mod:`qa.answer.slots`) adds one more candidate and its evidence: the
words a sentence holds between the question's context on each side of its asking word
(要提高什么站位 ↔ 一要提高 *政治* 站位), trimmed to whole words and of filler at its edges,
even when longer than the runs above.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from qa.answer.answer_types import PERSON_TAGS, PLACE_TAGS, AnswerType, TaggedWord, kind_share, tag_words
from qa.answer.reader_weights import LinearModel
from qa.answer.slots import Gap, slot_gap, span_slot

MAX_WORDS = 6
MAX_CHARS = 30
# Words that never start or end an answer.
_EDGE_STOP = frozenset(
    "的 了 是 在 和 与 及 或 等 也 都 而 对 为 把 被 从 以 于 之 其 这 那 就 又 还 着 过 并 但 则 由 将 "
    "是因为 因为 所以 他 她 它 他们 其中 以及 一个 等等 · •".split()
)
# Punctuation an answer may hold inside (《1965年移民及国籍法案》, 南日本、台湾, 「蛋」字) but
# never start or end with; other punctuation ends a candidate.
_INNER = frozenset("、《》「」『』“”‘’-—/")
_COPULAS = frozenset("是 为 叫 称 名为 称为 叫做 即 乃 系 有 达 约 共 于 在 由".split())
_OPEN, _CLOSE = "《“「『（(\"", "》”」』）)\""
_NOUN = ("n", "nr", "ns", "nt", "nz", "nrt", "nrfg", "eng", "j", "l", "i")
_VERB = ("v", "vn", "vd")
_NUM = ("m", "q", "t", "mq")

SPAN_FEATURES: tuple[str, ...] = (
    "log_chars", "words", "kind_share", "kind_number", "kind_person", "kind_place", "kind_time", "kind_other_len",
    "in_question", "has_question_word", "log_distance", "left_is_question", "right_is_question", "after_copula",
    "left_edge", "right_edge", "quoted", "position", "first_noun", "first_verb", "first_num", "last_noun",
    "last_verb", "last_num", "last_quantifier", "eng_or_digit", "single_char", "left_fragment", "right_fragment",
    "ends_with_unit", "unit_follows", "gap_exact", "gap_inside", "gap_iou", "gap_starts", "gap_ends",
    "gap_two_sided",
)
# Measure words and units that finish a number (80公分, 1950萬元, 13次): a span that stops
# right before one cuts the answer short.
_UNITS = frozenset(
    "个 名 位 年 月 日 天 次 岁 元 万 亿 人 座 条 项 种 家 所 倍 米 公里 公分 厘米 平方米 亩 吨 公斤 千克 "
    "克 % 小时 分钟 秒 届 场 册 本 辆 架 艘 号 层 度 世纪 年代 周 万元 亿元 千米 毫米".split()
)


@dataclass(frozen=True)
class Span:
    """A candidate exact answer: ``text[start:end]`` of the sentence's text (offsets in the sentence)."""

    start: int
    end: int


@dataclass(frozen=True)
class SpanCandidates:
    """Candidate spans of one sentence with their feature rows (same order)."""

    spans: list[Span]
    features: np.ndarray


@lru_cache(maxsize=65536)
def _is_word(token: str) -> bool:
    # A middle dot joins the parts of a transliterated name (阿孜古·玉素甫).
    return token in ("·", "•") or any(unicodedata.category(ch)[0] in "LN" for ch in token)


def _share_of_kind(text: str, words: list[TaggedWord], i: int, j: int, kind: AnswerType) -> float:
    """Share of the span's characters of the asked-for kind; names and places from the sentence's tags."""
    if kind in (AnswerType.PERSON, AnswerType.PLACE):
        tags = PERSON_TAGS if kind is AnswerType.PERSON else PLACE_TAGS
        return sum(w.end - w.start for w in words[i:j + 1] if w.tag in tags) / len(text)
    return kind_share(text, kind)


def _group(tag: str, groups: tuple[str, ...]) -> float:
    return float(tag in groups)


def span_candidates(sentence_form: str, question_form: str, question_words: frozenset[str],
                    kind: AnswerType) -> SpanCandidates:
    """Candidate spans of a sentence (search form) and their features.

    ``question_words`` are the question's content words (search form); a span made only of
    them cannot be the answer, and their positions measure how close a span is.
    """
    words = list(tag_words(sentence_form))
    qchars = set(question_form)
    in_q = [w.word in question_words or (len(w.word) > 1 and w.word in question_form) for w in words]
    anchors = [w.start for w, q in zip(words, in_q, strict=True) if q]
    spans: list[Span] = []
    rows: list[list[float]] = []
    n = len(sentence_form) or 1
    gap = slot_gap(span_slot(question_form), sentence_form)
    whole = _gap_words(words, gap, in_q)
    trimmed = Span(words[whole[0]].start, words[whole[1]].end) if whole else None
    for i, first in enumerate(words):
        if not _is_word(first.word) or first.word in _EDGE_STOP:
            continue
        for j in range(i, min(i + MAX_WORDS, len(words))):
            last = words[j]
            if not _is_word(last.word):
                if last.word in _INNER:
                    continue
                break
            start, end = first.start, last.end
            if end - start > MAX_CHARS:
                break
            if last.word in _EDGE_STOP or all(in_q[i:j + 1]):
                continue
            text = sentence_form[start:end]
            rows.append(_row(text, words, i, j, in_q, anchors, qchars, kind, start, end, n, sentence_form)
                        + _gap_row(gap, trimmed, start, end))
            spans.append(Span(start, end))
    if whole is not None and trimmed not in spans:
        i, j = whole
        start, end = words[i].start, words[j].end
        rows.append(_row(sentence_form[start:end], words, i, j, in_q, anchors, qchars, kind, start, end, n,
                         sentence_form) + _gap_row(gap, trimmed, start, end))
        spans.append(Span(start, end))
    return SpanCandidates(spans, np.asarray(rows, dtype=np.float32).reshape(-1, len(SPAN_FEATURES)))


def _row(text: str, words: list[TaggedWord], i: int, j: int, in_q: list[bool], anchors: list[int],
         qchars: set[str], kind: AnswerType, start: int, end: int, n: int, form: str) -> list[float]:
    distance = min((min(abs(a - start), abs(a - end)) for a in anchors), default=n)
    left = words[i - 1] if i > 0 else None
    right = words[j + 1] if j + 1 < len(words) else None
    share = _share_of_kind(text, words, i, j, kind)
    first, last = words[i], words[j]
    return [
        math.log1p(end - start), float(j - i + 1), share,
        share * (kind is AnswerType.NUMBER), share * (kind is AnswerType.PERSON),
        share * (kind is AnswerType.PLACE), share * (kind is AnswerType.TIME),
        math.log1p(end - start) * (kind is AnswerType.OTHER),
        sum(ch in qchars for ch in text) / len(text), float(any(in_q[i:j + 1])), math.log1p(distance),
        float(i > 0 and in_q[i - 1]), float(j + 1 < len(words) and in_q[j + 1]),
        float(left is not None and left.word in _COPULAS),
        float(left is None or not _is_word(left.word)), float(right is None or not _is_word(right.word)),
        float(start > 0 and end < len(form) and form[start - 1] in _OPEN and form[end] in _CLOSE),
        start / n, _group(first.tag, _NOUN), _group(first.tag, _VERB), _group(first.tag, _NUM),
        _group(last.tag, _NOUN), _group(last.tag, _VERB), _group(last.tag, _NUM), float(last.tag == "q"),
        float(any(ch.isascii() and ch.isalnum() for ch in text)), float(end - start == 1),
        # jieba without its HMM breaks unknown names into single characters (彭/一/浩): a span
        # that starts or ends inside such a run probably cuts a name in two.
        float(left is not None and len(left.word) == 1 and len(first.word) == 1 and _is_word(left.word)),
        float(right is not None and len(right.word) == 1 and len(last.word) == 1 and _is_word(right.word)),
        float(last.word in _UNITS or last.tag == "q" or last.word[-1:] in _UNITS),
        float(right is not None and (right.word in _UNITS or right.tag == "q")),
    ]


def _gap_words(words: list[TaggedWord], gap: Gap | None, in_q: list[bool]) -> tuple[int, int] | None:
    """First and last word of the slot's gap, without punctuation or filler at either end; None when
    nothing is left, the gap is longer than an answer or it is made of the question's own words."""
    if gap is None:
        return None
    inside = [k for k, w in enumerate(words) if w.start >= gap.start and w.end <= gap.end]
    while inside and (not _is_word(words[inside[0]].word) or words[inside[0]].word in _EDGE_STOP):
        inside.pop(0)
    while inside and (not _is_word(words[inside[-1]].word) or words[inside[-1]].word in _EDGE_STOP):
        inside.pop()
    if not inside or words[inside[-1]].end - words[inside[0]].start > MAX_CHARS or all(in_q[k] for k in inside):
        return None
    return inside[0], inside[-1]


def _gap_row(gap: Gap | None, trimmed: Span | None, start: int, end: int) -> list[float]:
    """How a span sits in the slot's gap: equal to its trimmed words, inside it, their overlap, shared edges."""
    if gap is None or trimmed is None:
        return [0.0] * 6
    shared = max(0, min(end, gap.end) - max(start, gap.start))
    iou = shared / (max(end, gap.end) - min(start, gap.start))
    return [float(Span(start, end) == trimmed), float(gap.start <= start and end <= gap.end), iou,
            float(start == trimmed.start), float(end == trimmed.end), iou * (gap.sides == 2)]


def best_span(model: LinearModel, candidates: SpanCandidates) -> Span | None:
    """The highest-scoring span, or None when the sentence has no candidate."""
    if not candidates.spans:
        return None
    return candidates.spans[int(np.argmax(model.score(candidates.features)))]
