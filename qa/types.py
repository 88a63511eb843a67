"""Typed core data shared by every subsystem: documents, chunks, hits, quotes, answers.

All are frozen dataclasses so they can be hashed, cached and passed between threads
without anyone mutating them behind another module's back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Location:
    """Where a line of a document's cleaned text came from in its file.

    Attributes:
        start: Start offset of the line in :attr:`Document.text`.
        end: End offset (exclusive).
        page: 1-based PDF page the line starts on.
        last_page: 1-based PDF page the line ends on (a paragraph may run across a page break).
        sheet: Spreadsheet sheet name (``None`` for a CSV file).
        row: 1-based spreadsheet row number, as the spreadsheet shows it.
        section: Heading path of a Word document (``"第一章 > 1.1 背景"``).

    Example:
        >>> Location(0, 5, page=3, last_page=3).page
        3
    """

    start: int
    end: int
    page: int | None = None
    last_page: int | None = None
    sheet: str | None = None
    row: int | None = None
    section: str | None = None


@dataclass(frozen=True)
class Document:
    """One cleaned source document.

    Attributes:
        id: Stable id: the file name without its extension (or the ``id`` field of a
            JSONL record).
        title: Title found on the page, or ``None`` when the page has none.
        text: Cleaned body text; chunk spans index into this string.
        date: ISO date (``2023-07-27`` or ``2022-12-21T23:49:16``) when the page states one.
        source: Publisher named on the page (``來源:`` line), when stated.
        path: File the document was read from.
        url: Original address, when known (JSONL ``url``).
        duplicates: Other files whose cleaned text is identical; indexed once.
        format: File format the document was read from (``txt``, ``pdf``, ``docx``, ``xlsx``...).
        pages: Number of pages of a PDF.
        sheets: Sheet names of a spreadsheet.
        locations: Where each line of ``text`` came from (pages, rows, sections), for
            formats that have such places; empty for plain text.

    Example:
        >>> Document(id="a", title="T", text="正文。", path="corpus/a.txt").title
        'T'
    """

    id: str
    title: str | None
    text: str
    date: str | None = None
    source: str | None = None
    path: str = ""
    url: str | None = None
    duplicates: tuple[str, ...] = ()
    format: str = ""
    pages: int | None = None
    sheets: tuple[str, ...] = ()
    locations: tuple[Location, ...] = ()


@dataclass(frozen=True)
class Chunk:
    """A paragraph (or part of a long one) of a document, the unit that is indexed.

    Attributes:
        id: ``"{doc_id}#{ordinal}"``, unique within an index.
        doc_id: Id of the document the chunk comes from.
        ordinal: 0-based position of the chunk in its document.
        text: Paragraph text in the source's script, as shown and quoted.
        title: Title of the document (``None`` when it has none).
        start: Start offset of ``text`` in the cleaned document text.
        end: End offset (exclusive); ``document.text[start:end] == text``.
        date: Document date, copied so a hit can be cited without the document.
        source: Document source, copied for the same reason.
        path: Document file path, for citations of untitled documents.
        page: First PDF page of the chunk (1-based), when the document has pages.
        last_page: Last PDF page of the chunk.
        sheet: Sheet of a spreadsheet row.
        row: Spreadsheet row number (1-based, as the spreadsheet shows it).
        section: Heading path of the chunk in a Word document.

    Example:
        >>> Chunk(id="a#0", doc_id="a", ordinal=0, text="正文。", title=None, start=0, end=3).paragraph
        1
    """

    id: str
    doc_id: str
    ordinal: int
    text: str
    title: str | None
    start: int
    end: int
    date: str | None = None
    source: str | None = None
    path: str = ""
    page: int | None = None
    last_page: int | None = None
    sheet: str | None = None
    row: int | None = None
    section: str | None = None

    @property
    def paragraph(self) -> int:
        """1-based paragraph number, as shown in citations."""
        return self.ordinal + 1


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its ranking score and 1-based rank.

    Attributes:
        chunk: The retrieved chunk.
        score: Score the ranking used (RRF score in hybrid mode, cosine in dense mode,
            BM25 in bm25 mode).
        rank: 1-based position in the result list.
        dense_score: Cosine similarity of question and chunk, when computed.
        bm25_score: BM25 score of the chunk for the question, when computed.
    """

    chunk: Chunk
    score: float
    rank: int
    dense_score: float | None = None
    bm25_score: float | None = None


@dataclass(frozen=True)
class Quote:
    """Sentences copied verbatim from a chunk that answer a question.

    Attributes:
        text: The quoted sentence(s), exactly ``chunk.text[start:end]``.
        chunk: Chunk the quote comes from.
        score: Calibrated probability in [0, 1] that the quote answers the question (share
            correct on held-out training data); compared with the answer threshold.
        start: Start of the quote inside ``chunk.text``.
        end: End of the quote inside ``chunk.text`` (exclusive).
        exact: The words that answer (for example ``1950萬元``), exactly
            ``chunk.text[exact_start:exact_end]`` and inside the quote; ``None`` when the
            reader found no such words.
        exact_start: Start of ``exact`` inside ``chunk.text``.
        exact_end: End of ``exact`` inside ``chunk.text`` (exclusive).
    """

    text: str
    chunk: Chunk
    score: float
    start: int
    end: int
    exact: str | None = None
    exact_start: int | None = None
    exact_end: int | None = None


@dataclass(frozen=True)
class Answer:
    """Result of :meth:`qa.QA.ask`.

    Attributes:
        question: The question as asked (after truncation, if any).
        found: ``True`` when a passage is relevant enough to quote.
        quote: The quote, or ``None`` when the documents do not answer.
        passages: Retrieved chunks, best first; low confidence when ``found`` is False.
        notice: A note for the user (for example that the question was truncated).
        interpreted: How a follow-up question was understood from the conversation
            (``国学公园在哪个县？`` for ``它在哪个县？``); None when it stood alone.
    """

    question: str
    found: bool
    quote: Quote | None
    passages: list[Hit] = field(default_factory=list)
    notice: str | None = None
    interpreted: str | None = None


@dataclass(frozen=True)
class Retrieval:
    """Hits for a question plus the question's vector, reused to score answer sentences.

    Attributes:
        question: The prepared question text that was searched.
        hits: Ranked hits.
        query_vector: The question's embedding (``numpy`` float32), or ``None`` when it was not
            embedded (a bm25-mode ``search``).
        notice: Message about changes made to the question (truncation), or ``None``.
        term_weights: The question's words (search form) with their IDF in the corpus.
        word_groups: For a question in another language (English), per content word or phrase
            the index words (search form) it was bridged to, empty for a word that became none;
            empty for a Chinese question.
    """

    question: str
    hits: list[Hit]
    query_vector: Any
    notice: str | None = None
    term_weights: dict[str, float] = field(default_factory=dict)
    word_groups: tuple[tuple[str, ...], ...] = ()
