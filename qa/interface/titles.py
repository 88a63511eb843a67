"""Display titles: a document without a detected title is named by its first heading or
first sentence, never by its (often hashed) file name."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from qa.charsets import SENTENCE_ENDS
from qa.textnorm import split_sentences
from qa.types import Answer, Chunk, Document

TITLE_CHARS = 30


def _clip(line: str, limit: int) -> str:
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def display_title(document: Document, *, limit: int = TITLE_CHARS) -> str:
    """The document's title, else its first line when that reads as a heading, else its first sentence.

    Example:
        >>> display_title(Document("9f3a", None, "本網拉薩8月9日訊，會議召開。其他內容。"))
        '本網拉薩8月9日訊，會議召開。'
    """
    if document.title and document.title.strip():
        return document.title.strip()
    first_line = next((line.strip() for line in document.text.splitlines() if line.strip()), "")
    if not first_line:
        return document.id
    if len(first_line) <= limit and first_line[-1] not in SENTENCE_ENDS + "。.":
        return first_line
    spans = split_sentences(first_line)
    first = first_line[spans[0][0]:spans[0][1]] if spans else first_line
    return _clip(first.strip(), limit)


def display_titles(documents: Iterable[Document]) -> dict[str, str]:
    """Display titles by document id, for citations."""
    return {doc.id: display_title(doc) for doc in documents}


class DocumentSource(Protocol):
    """Anything that finds a document by id (:class:`qa.engine.QA` does)."""

    def document(self, doc_id: str) -> Document: ...


def titles_for(source: DocumentSource, chunks: Iterable[Chunk]) -> dict[str, str]:
    """Display titles of the untitled documents ``chunks`` come from (titled ones need none).

    Example:
        >>> titles_for(engine, [hit.chunk for hit in answer.passages])  # doctest: +SKIP
        {'001_45cdb56914e408cf': '本網拉薩8月9日訊(記者 陳林)8日下午,區黨委副書記、自…'}
    """
    titles: dict[str, str] = {}
    for chunk in chunks:
        if chunk.title or chunk.doc_id in titles:
            continue
        try:
            titles[chunk.doc_id] = display_title(source.document(chunk.doc_id))
        except KeyError:  # the index changed under us: the citation falls back to the file name
            continue
    return titles


def answer_titles(source: DocumentSource, answer: Answer) -> dict[str, str]:
    """Display titles of the untitled documents an answer cites (its passages and its quote)."""
    chunks = [h.chunk for h in answer.passages] + ([answer.quote.chunk] if answer.quote else [])
    return titles_for(source, chunks)
