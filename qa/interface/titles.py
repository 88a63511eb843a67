"""Display titles: a document without a detected title is named by its first heading or
first sentence, never by its (often hashed) file name."""

from __future__ import annotations

from collections.abc import Iterable

from qa.charsets import SENTENCE_ENDS
from qa.textnorm import split_sentences
from qa.types import Document

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
