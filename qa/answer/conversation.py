"""A conversation's history as the follow-up reader needs it: the last turn, understood.

:meth:`qa.QA.ask` takes ``history`` as earlier questions (texts) or the :class:`Answer` objects
it returned. An Answer says how its question was read and where its quote came from; a bare
text is asked again, with the turns before it, so a chain of follow-ups resolves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from qa.answer.followup import Reading, Turn, follow_up_cue, read_question
from qa.answer.question_parts import bare, subject_of
from qa.answer.questions import prepare_question
from qa.answer.referents import answered_name
from qa.errors import QuestionError
from qa.settings import Settings
from qa.types import Answer, Document

# Earlier turns looked at when the history holds only question texts.
MAX_TURNS = 4


def previous_turn(history: Sequence[str | Answer], *,
                  understand: Callable[[str, Sequence[str | Answer]], Answer]) -> Turn | None:
    """The last turn of ``history`` as understood, or None when there is none.

    An :class:`Answer` carries its reading and document. A bare question text is asked
    again (with the turns before it, so a chain of follow-ups resolves) through
    ``understand``, which is :meth:`qa.QA.ask`.

    Raises:
        TypeError: If an item is neither a question text nor an Answer.
    """
    items = list(history)[-MAX_TURNS:]
    for item in items:
        if not isinstance(item, (str, Answer)):
            raise TypeError(f"history items must be question texts or Answers, got {type(item).__name__}")
    if not items:
        return None
    last = items[-1]
    if isinstance(last, str):
        try:
            last = understand(last, items[:-1]) if bare(last) else None
        except QuestionError:  # an earlier line with nothing to search for ("？？") is no turn
            last = None
        if last is None:
            return previous_turn(items[:-1], understand=understand)
    question = last.interpreted or last.question
    doc = last.quote.chunk.doc_id if last.found and last.quote is not None else None
    # Quotes already given for this question: the last one, and those of earlier Answers to it.
    given = [a.quote for a in [*items[:-1], last] if isinstance(a, Answer) and a.found and a.quote is not None
             and (a.interpreted or a.question) == question]
    named = answered_name(question, last.quote.text) if doc is not None and last.quote is not None else None
    return Turn(question, subject_of(question), doc, tuple(dict.fromkeys(given)), named)


class Conversant(Protocol):
    """What reading a follow-up needs from the engine (:class:`qa.QA`)."""

    settings: Settings

    def ask(self, question: str, *, k: int = 5, history: Sequence[str | Answer] | None = None) -> Answer: ...

    def term_weights(self, text: str) -> dict[str, float]: ...

    def document(self, doc_id: str) -> Document: ...


def read_in_history(engine: Conversant, question: str, history: Sequence[str | Answer]) -> Reading | None:
    """How ``question`` reads after ``history`` on ``engine``; None when it stands alone.

    The history is only looked at (earlier bare questions asked again) for a follow-up.
    """
    prepared = prepare_question(question, max_chars=engine.settings.max_question_chars).text
    if follow_up_cue(prepared) is None:
        return None
    previous = previous_turn(history, understand=lambda q, before: engine.ask(q, history=before))

    def document_text(doc_id: str) -> str:
        try:
            doc = engine.document(doc_id)
        except KeyError:  # the index was rebuilt without it since the earlier answer
            return ""
        return f"{doc.title or ''}\n{doc.text}"

    return read_question(prepared, previous, term_weights=engine.term_weights, document_text=document_text)


def surer_other(answer: Answer, other: Answer) -> bool:
    """Whether ``other`` (the answer to a follow-up's alternative reading) should replace ``answer``.

    Only a different quote that the reader is surer of: when both readings quote the same
    sentence the first reading (the earlier subject, the usual sense of 它) stays.
    """
    if not other.found or other.quote is None:
        return False
    if not answer.found or answer.quote is None:
        return True
    same = (answer.quote.chunk.id, answer.quote.start, answer.quote.end) == (
        other.quote.chunk.id, other.quote.start, other.quote.end)
    return not same and other.quote.score > answer.quote.score
