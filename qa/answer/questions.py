"""Questions as users type them: cleaned, bounded, and refused when nothing is searchable."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from qa.answer.content import REFUSAL_MESSAGES, Refusal, refusal
from qa.errors import QuestionError

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class PreparedQuestion:
    """A question ready to search.

    Attributes:
        text: Cleaned text (control characters and lone surrogates removed, spaces folded).
        notice: Message for the user when the question was changed (truncated), else None.
    """

    text: str
    notice: str | None = None


def prepare_question(question: object, *, max_chars: int = 2000) -> PreparedQuestion:
    """Clean a question; truncate it to ``max_chars`` with a notice.

    Raises:
        QuestionError: If the question is not a string, or has nothing to search for
            (:func:`qa.answer.content.refusal`); its ``reason`` says why.

    Example:
        >>> prepare_question("  河北投入了多少资金？ ").text
        '河北投入了多少资金？'
    """
    if not isinstance(question, str):
        raise QuestionError(f"question must be text, got {type(question).__name__}", reason=Refusal.NOT_TEXT)
    # Lone surrogates (from broken clients) cannot be encoded; control characters carry nothing.
    cleaned = "".join(
        ch for ch in question
        if not (0xD800 <= ord(ch) <= 0xDFFF) and (unicodedata.category(ch) not in ("Cc", "Cf") or ch in "\t\n")
    )
    cleaned = _SPACE.sub(" ", cleaned).strip()
    why = refusal(cleaned)
    if why is not None:
        raise QuestionError(f"question {cleaned[:40]!r} was not searched: {REFUSAL_MESSAGES[why]}", reason=why)
    notice = None
    if len(cleaned) > max_chars:
        notice = f"The question was {len(cleaned):,} characters long; only the first {max_chars:,} were used."
        cleaned = cleaned[:max_chars]
    return PreparedQuestion(cleaned, notice)
