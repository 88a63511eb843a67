"""A check on answers to questions asked in another language (English asked of Chinese text).

Such a question's sentence is chosen and judged by cosines alone (:func:`qa.answer.reader.read`),
which cannot tell a sentence *about* the question's subject from one that answers it: "How many
students attend the Maigaiti No. 4 middle school?" finds the school's sentence about a song.
When the question asks for a number, a time, a person or a place (:func:`question_type` knows
the English asking words too) and the chosen sentence holds none that the question's own
(bridged) words do not already name, the confidence is capped at :data:`KIND_MISSING_CAP`,
below the answer threshold, so the answer is "not found".
"""

from __future__ import annotations

from collections.abc import Iterable

from qa.answer.answer_types import AnswerType, has_kind, question_type
from qa.textnorm import search_form

# Held-out quotes with a confidence below 0.2 answered 3% of the time (docs/benchmarks.md).
KIND_MISSING_CAP = 0.2


def asked_kind_missing(question: str, sentence: str, *, known: Iterable[str] = ()) -> bool:
    """True when ``question`` asks for a kind of thing that ``sentence`` does not hold.

    ``known`` are the question's words in Chinese (the bridged words): a sentence does not hold
    the asked-for person just because it names the one the question names.

    Example:
        >>> asked_kind_missing("How many students attend the school?", "學生們表演了一曲《梨花頌》。")
        True
        >>> asked_kind_missing("How many students attend the school?", "全校共有學生1200名。")
        False
    """
    kind = question_type(search_form(question))
    if kind is AnswerType.OTHER:
        return False
    return not has_kind(search_form(sentence), kind, known=" ".join(known))


def checked_confidence(confidence: float, question: str, sentence: str, *, known: Iterable[str] = ()) -> float:
    """``confidence``, capped at :data:`KIND_MISSING_CAP` when the sentence lacks what is asked for."""
    if asked_kind_missing(question, sentence, known=known):
        return min(confidence, KIND_MISSING_CAP)
    return confidence
