"""Citations and plain-data forms of answers, shared by the CLI, the UI and the API."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from qa.interface.titles import DocumentSource, answer_titles, titles_for
from qa.types import Answer, Chunk, Hit


def place(chunk: Chunk) -> str:
    """Where a chunk is in its file: ``p. 3`` (``pp. 3–4``), ``sheet 预算, row 5``, or ``¶2``.

    A Word chunk's heading path comes before its paragraph number.

    Example:
        >>> place(Chunk("a#0", "a", 0, "...", None, 0, 3, page=3, last_page=4))
        'pp. 3–4'
    """
    if chunk.row is not None:
        return f"sheet {chunk.sheet}, row {chunk.row}" if chunk.sheet else f"row {chunk.row}"
    if chunk.page is not None:
        last = chunk.last_page if chunk.last_page is not None else chunk.page
        return f"p. {chunk.page}" if last == chunk.page else f"pp. {chunk.page}–{last}"
    if chunk.section:
        return f"{chunk.section} · ¶{chunk.paragraph}"
    return f"¶{chunk.paragraph}"


def cite(chunk: Chunk, *, title: str | None = None) -> str:
    """Human citation: title, date, source, then the place (page, row or paragraph).

    The title is ``title`` when given (a display title, see :mod:`qa.interface.titles`), else
    the chunk's own, else its file name.

    Example:
        >>> cite(Chunk("a#2", "a", 2, "...", "標題", 0, 3, date="2023-07-27T09:34:00", source="西藏日報"))
        '標題 · 2023-07-27 · 西藏日報 · ¶3'
    """
    name = title or chunk.title or file_name(chunk)
    parts = [name]
    if chunk.date:
        parts.append(chunk.date[:10])
    if chunk.source:
        parts.append(chunk.source)
    parts.append(place(chunk))
    return " · ".join(parts)


def file_name(chunk: Chunk) -> str:
    """The name of the file a chunk was read from (no folders), or its document id."""
    return chunk.path.replace("\\", "/").rsplit("/", 1)[-1] if chunk.path else chunk.doc_id


def _chunk_fields(chunk: Chunk, titles: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Where a text comes from: the fields quotes and passages share in JSON."""
    return {
        "doc_id": chunk.doc_id,
        "chunk_id": chunk.id,
        "title": chunk.title,
        "date": chunk.date,
        "source": chunk.source,
        "file": file_name(chunk),
        "paragraph": chunk.paragraph,
        "citation": cite(chunk, title=(titles or {}).get(chunk.doc_id)),
        "page": chunk.page,
        "last_page": chunk.last_page,
        "sheet": chunk.sheet,
        "row": chunk.row,
        "section": chunk.section,
    }


def hit_to_dict(hit: Hit, *, titles: Mapping[str, str] | None = None) -> dict[str, Any]:
    """JSON-ready form of a hit, as printed by ``--json``: the fields of a quote plus ranking scores.

    ``titles`` are display titles by document id (:func:`qa.interface.titles.titles_for`) for
    citations of untitled documents.
    """
    return {
        "rank": hit.rank,
        "text": hit.chunk.text,
        **_chunk_fields(hit.chunk, titles),
        "score": round(hit.score, 6),
        "dense_score": None if hit.dense_score is None else round(hit.dense_score, 6),
        "bm25_score": None if hit.bm25_score is None else round(hit.bm25_score, 6),
    }


def answer_to_dict(answer: Answer, *, titles: Mapping[str, str] | None = None) -> dict[str, Any]:
    """JSON-ready form of an answer: ``question``, ``found``, ``quote`` (or null), ``passages``."""
    quote = answer.quote
    return {
        "question": answer.question,
        "found": answer.found,
        "quote": None if quote is None else {
            "text": quote.text,
            **_chunk_fields(quote.chunk, titles),
            "start": quote.start,
            "end": quote.end,
            "score": round(quote.score, 6),
            "exact": quote.exact,
            "exact_start": quote.exact_start,
            "exact_end": quote.exact_end,
        },
        "passages": [hit_to_dict(h, titles=titles) for h in answer.passages],
        "notice": answer.notice,
    }


def answer_json(source: DocumentSource, answer: Answer) -> dict[str, Any]:
    """:func:`answer_to_dict` with untitled documents cited by their display title.

    The one place the CLI (``ask --json``), the chat's ``/ask_json`` and the HTTP API's
    ``/api/ask`` turn an answer into JSON, so all cite a document the same way.

    Example:
        >>> answer_json(engine, engine.ask("国学公园占地多少亩？"))["quote"]["citation"]  # doctest: +SKIP
    """
    return answer_to_dict(answer, titles=answer_titles(source, answer))


def hits_json(source: DocumentSource, hits: Sequence[Hit]) -> list[dict[str, Any]]:
    """:func:`hit_to_dict` of each hit, untitled documents cited by their display title."""
    titles = titles_for(source, [h.chunk for h in hits])
    return [hit_to_dict(h, titles=titles) for h in hits]
