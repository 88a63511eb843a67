"""Request and response bodies of the JSON API (:mod:`qa.interface.http_api`), as pydantic models.

Declared so the OpenAPI description at ``/api/docs`` shows every field. The answer and
passage fields are those of ``python -m qa ask --json`` (:mod:`qa.interface.citation`);
fields added there later still reach clients (``extra="allow"``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

MAX_K = 10
MAX_HISTORY = 20
# A bound on the request, far above what is searched (the engine keeps max_question_chars).
MAX_QUESTION_CHARS = 200_000


FILTERS = ("Only answer from some documents; keys combine with AND: doc_id (list of ids), source (list "
           "of publishers), folder (a folder of the corpus, or a list), date ({'gte': 'YYYY-MM-DD', "
           "'lte': 'YYYY-MM-DD'}, either bound optional).")


class AskRequest(BaseModel):
    """A question, optionally with the earlier questions of the conversation."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"question": "它在哪个县？", "k": 5, "history": ["国学公园占地多少亩？"]},
        {"question": "投入了多少资金？", "filters": {"date": {"gte": "2023-01-01"}}}]})

    question: str = Field(description="The question, in Chinese (Simplified or Traditional) or English.",
                          max_length=MAX_QUESTION_CHARS)
    k: int = Field(5, ge=1, le=MAX_K, description="Passages to retrieve.")
    history: list[str] = Field(default_factory=list, max_length=MAX_HISTORY,
                               description="Earlier questions of the conversation, oldest first; a "
                                           "follow-up (它在哪个县？) is read in their light.")
    filters: dict[str, Any] | None = Field(None, description=FILTERS)


class SearchRequest(BaseModel):
    """A query for the passages that match it."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"query": "援藏资金", "k": 5}]})

    query: str = Field(description="Words or a question to rank passages for.", max_length=MAX_QUESTION_CHARS)
    k: int = Field(5, ge=1, le=MAX_K, description="Passages to return.")
    filters: dict[str, Any] | None = Field(None, description=FILTERS)


class Source(BaseModel):
    """Where a text comes from."""

    model_config = ConfigDict(extra="allow")

    doc_id: str
    chunk_id: str
    title: str | None = None
    date: str | None = None
    source: str | None = None
    paragraph: int
    citation: str = Field(description="Human citation: title, date, source, paragraph.")


class QuoteOut(Source):
    """The quoted sentence(s), verbatim, with their place in the passage."""

    text: str
    start: int
    end: int
    score: float = Field(description="Confidence in 0..1.")


class PassageOut(Source):
    """A retrieved passage with its ranking scores."""

    rank: int
    text: str
    score: float
    dense_score: float | None = None
    bm25_score: float | None = None


class AskResponse(BaseModel):
    """The answer: a quote when the documents answer, else the closest passages."""

    model_config = ConfigDict(extra="allow")

    question: str
    found: bool
    quote: QuoteOut | None
    passages: list[PassageOut]
    notice: str | None = Field(None, description="A note, e.g. that the question was shortened.")
    interpreted: str | None = Field(None, description="How a follow-up was understood "
                                                      "(国学公园在哪个县？); null when it stood alone.")


class SearchResponse(BaseModel):
    """Passages for a query, best first."""

    model_config = ConfigDict(extra="allow")

    question: str
    passages: list[PassageOut]
    notice: str | None = None


class Health(BaseModel):
    """What the server is answering from."""

    status: str = Field(description="'ok' when an index is loaded.")
    index_version: str
    documents: int
    chunks: int
    model: str


class ApiError(BaseModel):
    """Every error: a machine-readable code and a message for people."""

    error: str = Field(description="question | bad_json | filters | invalid_request | unauthorized | "
                                   "no_index | index_unavailable | internal")
    message: str
