"""The question's slot: the words right before and after its asking word, found again in a sentence.

Reading-comprehension questions are mostly the answering sentence with the answer replaced by an
asking word: 会议以 **什么** 形式召开 ↔ 会议以 *电视电话会议* 形式召开; 要提高 **什么** 站位 ↔ 一要提高
*政治* 站位; **谁** 出席了会议 ↔ …副主席 *德吉* 出席会议. A sentence that holds the words on both sides
of the asking word, in order with something in between, very likely holds the answer there,
however short the sentence and however few of the question's other words it repeats. Plain
string matching on the search form: no model, microseconds per sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Asking words, longest first so 什么时候 wins over 什么.
_ASKING = re.compile(
    r"什么时候|什么地方|什么人|为什么|哪一年|哪一位|哪一天|多少|什么|哪些|哪个|哪里|哪儿|哪位|哪年|哪种|哪|谁|几|"
    r"怎么|怎样|如何|何时|何地|何人|何处|多大|多长|多高|多久|多远|多重|多深|多宽"
)
# The exact-span reader also knows the longer and literary asking words (哪一个, 甚么, 为何); the
# sentence features keep the shorter list above, which the sentence model was trained on.
_ASKING_SPAN = re.compile(
    r"哪一个|哪一位|哪一种|哪一天|哪一年|哪一|什么时候|什么地方|什么人|为什么|甚么|什么|为何|何处|何时|何地|何人|何种|何者|"
    r"多少|哪些|哪个|哪里|哪儿|哪位|哪年|哪种|哪|谁|几|怎么|怎样|如何|多大|多长|多高|多久|多远|多重|多深|多宽"
)
_PUNCT = re.compile(r"[^\w]")
# Glue characters at the slot's edge that a sentence often words differently (是/为, 的, 了).
_LEFT_GLUE = "是为的了有在"
_RIGHT_GLUE = "的是了呢吗"
_MIN = 2  # one shared character says nothing
_CONTEXT = 6  # characters of question context taken on each side
_MAX_SLOT = 30  # an answer longer than this is not "in between"


@dataclass(frozen=True)
class Slot:
    """The question context on each side of its asking word (search form; '' when absent)."""

    left: str
    right: str


def question_slot(form: str, *, asking: re.Pattern[str] = _ASKING) -> Slot:
    """The words around the first asking word of a question in search form.

    Example:
        >>> question_slot("会议以什么形式召开？")
        Slot(left='会议以', right='形式召开')
    """
    m = asking.search(form)
    if m is None:
        return Slot("", "")
    left = _PUNCT.split(form[:m.start()])[-1].rstrip(_LEFT_GLUE)[-_CONTEXT:]
    right = _PUNCT.split(form[m.end():])[0].lstrip(_RIGHT_GLUE)[:_CONTEXT]
    return Slot(left, right)


def _longest(parts: list[str], sentence: str) -> tuple[int, list[int]]:
    """Longest of ``parts`` (all of length >= _MIN, longest first) found in ``sentence``: length and positions."""
    for part in parts:
        if part in sentence:
            return len(part), [m.start() for m in re.finditer(re.escape(part), sentence)]
    return 0, []


@dataclass(frozen=True)
class SlotMatch:
    """How a sentence fills the slot: matched context lengths (0..1 of the context) and whether
    both sides are found in order with the answer's room between them."""

    left: float
    right: float
    fits: float


def slot_match(slot: Slot, sentence: str) -> SlotMatch:
    """Match ``slot`` against a sentence (search form).

    ``left`` is the longest end of the left context found, ``right`` the longest start of the
    right context, each as a share of that context. ``fits`` is 1 when a left match is followed,
    1 to 30 characters later, by a right match; with a context on one side only, when that side's
    match leaves room for the answer where the asking word was (text before a right context,
    after a left one).
    """
    lefts = [slot.left[i:] for i in range(len(slot.left) - _MIN + 1)]
    rights = [slot.right[:j] for j in range(len(slot.right), _MIN - 1, -1)]
    n_left, at_left = _longest(lefts, sentence)
    n_right, at_right = _longest(rights, sentence)
    fits = 0.0
    if n_left and n_right:
        ends = [p + n_left for p in at_left]
        fits = float(any(0 < q - e <= _MAX_SLOT for e in ends for q in at_right))
    elif n_right and not slot.left:
        fits = float(any(q > 0 for q in at_right))
    elif n_left and not slot.right:
        fits = float(any(p + n_left < len(sentence) - 1 for p in at_left))
    return SlotMatch(n_left / max(len(slot.left), 1), n_right / max(len(slot.right), 1), fits)


@dataclass(frozen=True)
class Gap:
    """Where a sentence holds the slot's answer: ``sentence[start:end]``; ``sides`` is 2 when both
    contexts were matched around it, 1 when only one side (the gap then runs to the clause's edge)."""

    start: int
    end: int
    sides: int


def span_slot(form: str) -> Slot:
    """The slot used for exact spans: like :func:`question_slot` with the longer asking words.

    Example:
        >>> span_slot("凡尔赛宫内最著名的大厅为哪一个?")
        Slot(left='最著名的大厅', right='')
    """
    return question_slot(form, asking=_ASKING_SPAN)


def slot_gap(slot: Slot, sentence: str) -> Gap | None:
    """The text between the slot's matched contexts in ``sentence`` (search form), or None.

    With both contexts matched, the shortest gap of 1-30 characters between a left match's end and
    a right match's start. With one side only (the other context absent from the question or not
    found), the gap runs from the match to the clause's edge (punctuation), at most 30 characters.
    """
    lefts = [slot.left[i:] for i in range(len(slot.left) - _MIN + 1)]
    rights = [slot.right[:j] for j in range(len(slot.right), _MIN - 1, -1)]
    n_left, at_left = _longest(lefts, sentence)
    n_right, at_right = _longest(rights, sentence)
    if n_left and n_right:
        pairs = [(q - (p + n_left), p + n_left, q) for p in at_left for q in at_right
                 if 0 < q - p - n_left <= _MAX_SLOT]
        if pairs:
            _, start, end = min(pairs)
            return Gap(start, end, 2)
    if n_left and not (slot.right and n_right):
        start = at_left[0] + n_left
        stop = _PUNCT.search(sentence, start)
        end = min(stop.start() if stop else len(sentence), start + _MAX_SLOT)
        return Gap(start, end, 1) if end > start else None
    if n_right and not (slot.left and n_left):
        end = at_right[0]
        before = [m.end() for m in _PUNCT.finditer(sentence, 0, end)]
        start = max(before[-1] if before else 0, end - _MAX_SLOT)
        return Gap(start, end, 1) if end > start else None
    return None
