"""Example questions made from the indexed documents, so every corpus gets its own.

For each document: a "how many" question from the first clause that states a count (its
number replaced by 多少), and a question about the most telling part of its title.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from qa.charsets import SENTENCE_ENDS, leans_back
from qa.textnorm import to_simplified
from qa.types import Chunk

# A count in a clause: digits followed by a unit, so dates and phone numbers are skipped.
_UNITS = "元|名|個|个|人|項|项|家|所|次|場|场|%|％|倍|公里|戶|户"
_COUNT = re.compile(rf"\d+(?:\.\d+)?(?=\s*[萬万億亿千百]?(?:{_UNITS}))")
_CLAUSE = re.compile(f"[^{SENTENCE_ENDS}，,：:\n]+")
_TITLE_PARTS = re.compile(r"\s*(?:——|—|--|\s-\s|[|｜_：:])\s*")
_STRIP = " \u3000“”\"'「」『』《》()（）【】[]"


def _count_question(text: str) -> str | None:
    """``河北省已投入援藏資金1950萬元`` -> ``河北省已投入援藏資金多少萬元？``."""
    for clause in _CLAUSE.findall(text):
        clause = clause.strip(_STRIP)  # a clause leaning on the one before makes a poor question
        match = _COUNT.search(clause)
        if match is None or not 8 <= len(clause) <= 40 or match.start() < 4 or leans_back(clause):
            continue
        return f"{clause[:match.start()]}多少{clause[match.end():]}？"
    return None


def _topic(title: str) -> str | None:
    """The most telling part of a page title (pages often add a site name or a slogan)."""
    parts = [p.strip(_STRIP) for p in _TITLE_PARTS.split(title)]
    parts = [p for p in parts if len(p) >= 4]
    if not parts:
        return None
    topic = max(parts, key=len)
    return topic if len(topic) <= 30 else topic[:24]


def _title_question(title: str) -> str | None:
    topic = _topic(title)
    if topic is None:
        return None
    # Ask in the title's own script so the example reads naturally for that corpus.
    if to_simplified(topic) != topic:
        return f"「{topic}」的主要內容是什麼？"
    return f"「{topic}」的主要内容是什么？"


def example_questions(chunks: Iterable[Chunk], *, limit: int = 6) -> list[str]:
    """Example questions made from the indexed documents, so every corpus gets its own.

    For each document: a "how many" question built from the first clause that states a
    count (its number replaced by 多少), and a question about its title. Count questions
    of all documents come first, then title questions, up to ``limit``.

    Args:
        chunks: Indexed chunks, in index order (``engine.chunks``).
        limit: Most questions to return.
    """
    by_doc: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        by_doc.setdefault(chunk.doc_id, []).append(chunk)
    counts: list[str] = []
    titles: list[str] = []
    for doc_chunks in by_doc.values():
        for chunk in doc_chunks[:20]:
            question = _count_question(chunk.text)
            if question:
                counts.append(question)
                break
        title = doc_chunks[0].title
        question = _title_question(title) if title else None
        if question:
            titles.append(question)
    return list(dict.fromkeys(counts + titles))[:limit]
