"""Example questions made from the indexed documents, so every corpus gets its own.

Candidates are "how many" questions: a clause that states a count, its number replaced by
多少. A title template (「title」的主要内容是什么？) is not used: a one-sentence quote cannot
answer it. The chat shows only candidates the engine answers confidently and rightly
(:func:`checked_examples` asks each one when the examples are made).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from qa.charsets import SENTENCE_ENDS, leans_back
from qa.errors import QAError
from qa.interface.confidence import HIGH_CONFIDENCE
from qa.types import Answer, Chunk

# A count in a clause: digits followed by a unit, so dates and phone numbers are skipped.
_UNITS = "元|名|個|个|人|項|项|家|所|次|場|场|%|％|倍|公里|戶|户"
_COUNT = re.compile(rf"\d+(?:\.\d+)?(?=\s*[萬万億亿千百]?(?:{_UNITS}))")
_CLAUSE = re.compile(f"[^{SENTENCE_ENDS}，,：:\n]+")
_STRIP = " \u3000“”\"'「」『』《》()（）【】[]"


@dataclass(frozen=True)
class Candidate:
    """An example question made from a chunk, and the number its answer must contain."""

    question: str
    chunk_id: str
    answer: str


def _count_candidate(chunk: Chunk) -> Candidate | None:
    for clause in _CLAUSE.findall(chunk.text):
        clause = clause.strip(_STRIP)  # a clause leaning on the one before makes a poor question
        match = _COUNT.search(clause)
        if match is None or not 8 <= len(clause) <= 40 or match.start() < 4 or leans_back(clause):
            continue
        return Candidate(f"{clause[:match.start()]}多少{clause[match.end():]}？", chunk.id, match.group())
    return None


def _count_question(text: str) -> str | None:
    """``河北省已投入援藏資金1950萬元`` -> ``河北省已投入援藏資金多少萬元？``."""
    candidate = _count_candidate(Chunk("_#0", "_", 0, text, None, 0, len(text)))
    return candidate.question if candidate else None


def candidate_questions(chunks: Iterable[Chunk], *, per_document: int = 3) -> list[Candidate]:
    """Count questions from the first chunks of each document, documents taking turns.

    Args:
        chunks: Indexed chunks, in index order (``engine.chunks``).
        per_document: Most candidates from one document.
    """
    by_doc: dict[str, list[Candidate]] = {}
    for chunk in chunks:
        found = by_doc.setdefault(chunk.doc_id, [])
        if len(found) >= per_document or chunk.ordinal >= 40:
            continue
        candidate = _count_candidate(chunk)
        if candidate and all(c.question != candidate.question for c in found):
            found.append(candidate)
    # Round robin: each document's first candidate before any document's second.
    rounds = max((len(c) for c in by_doc.values()), default=0)
    return [c[i] for i in range(rounds) for c in by_doc.values() if i < len(c)]


def example_questions(chunks: Iterable[Chunk], *, limit: int = 6) -> list[str]:
    """Example questions made from the indexed documents, unchecked (see :func:`checked_examples`).

    Args:
        chunks: Indexed chunks, in index order (``engine.chunks``).
        limit: Most questions to return.
    """
    return list(dict.fromkeys(c.question for c in candidate_questions(chunks)))[:limit]


def checked_examples(chunks: Iterable[Chunk], ask: Callable[[str], Answer], *, limit: int = 6,
                     min_confidence: float = HIGH_CONFIDENCE, max_asked: int = 30) -> list[str]:
    """Example questions the engine answers confidently and rightly on this corpus.

    Each candidate is asked; it is kept only when the answer is found with at least
    ``min_confidence`` and its quote contains the number the question was made from, so an
    example never shows the reader a refusal or a wrong quote.

    Args:
        chunks: Indexed chunks, in index order (``engine.chunks``).
        ask: Answers a question (``lambda q: engine.ask(q)``).
        limit: Most questions to return.
        min_confidence: Lowest quote confidence kept.
        max_asked: Most candidates asked (a large corpus has thousands; ~10 ms each).
    """
    kept: list[str] = []
    for asked, candidate in enumerate(candidate_questions(chunks)):
        if len(kept) >= limit or asked >= max_asked:
            break
        try:
            answer = ask(candidate.question)
        except QAError:
            continue
        quote = answer.quote
        if answer.found and quote is not None and quote.score >= min_confidence and candidate.answer in quote.text:
            kept.append(candidate.question)
    return kept
