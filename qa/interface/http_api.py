"""The JSON API served next to the chat: ``POST /api/ask``, ``POST /api/search``, ``GET /api/health``.

A FastAPI app (FastAPI is what Gradio runs on) mounted at ``/api`` of the Gradio server, so it
shares the port and, with ``--auth``, the login (HTTP Basic here; the page uses Gradio's login
form). OpenAPI description and a try-it page at ``/api/docs``. Errors are JSON
``{"error", "message"}`` with a fitting status, never a traceback:

======  =====================================================================
400     ``question``: nothing to search for; ``bad_json``: the body is not JSON;
        ``filters``: an unknown filter key or a bad value
401     ``unauthorized``: missing or wrong credentials
422     ``invalid_request``: JSON of the wrong shape (missing field, k out of range)
503     ``no_index``: no index is loaded (yet), or it cannot be read;
        ``index_unavailable``: the index's Milvus stopped answering (the message says what to do)
500     ``internal``: anything else (logged on the server)
======  =====================================================================

Example:
    >>> app = build_api(engine, auth=("user", "secret"))      # doctest: +SKIP
    >>> serve(build_ui(engine), api=app, auth=("user", "secret"))  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import base64
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from qa.errors import FilterError, IndexError_, IndexUnavailableError, QuestionError
from qa.interface.api_models import (
    ApiError,
    AskRequest,
    AskResponse,
    Health,
    SearchRequest,
    SearchResponse,
)
from qa.interface.citation import answer_json, hits_json

if TYPE_CHECKING:
    from qa.engine import QA

logger = logging.getLogger(__name__)

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ApiError, "description": "No words to search for, malformed JSON, or bad filters"},
    401: {"model": ApiError, "description": "Credentials missing or wrong (when the server runs with --auth)"},
    422: {"model": ApiError, "description": "JSON of the wrong shape"},
    503: {"model": ApiError, "description": "No index loaded, or its Milvus cannot be reached"},
}


class ApiProblem(Exception):
    """An error answered as JSON with ``status``."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error, self.message = status, error, message


def _error(status: int, error: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": error, "message": message}, status_code=status, headers=headers)


def build_api(engine: QA | Callable[[], QA | None], *, auth: tuple[str, str] | None = None,
              concurrency_limit: int = 4) -> FastAPI:
    """The API app over ``engine`` (or a function giving the engine, None while there is none).

    Args:
        engine: The engine, or a callable returning it (``None`` answers 503).
        auth: ``(user, password)`` every request must send as HTTP Basic; None: open.
        concurrency_limit: Requests answered at once; the others wait their turn in arrival
            order (answering is CPU-bound: more at once only makes each slower, and the last
            ones unboundedly late).
    """
    if not isinstance(concurrency_limit, int) or concurrency_limit < 1:
        raise ValueError(f"concurrency_limit={concurrency_limit!r} is not allowed; use a whole number >= 1")
    turns = asyncio.Semaphore(concurrency_limit)  # FIFO: waiters are woken in order

    async def in_turn(call: Callable[[QA], Any]) -> Any:
        async with turns:
            return await run_in_threadpool(_guarded, lambda: call(loaded()))

    get_engine: Callable[[], QA | None] = (lambda: engine) if hasattr(engine, "ask") else engine  # type: ignore[assignment,return-value]
    app = FastAPI(title="Ask the documents: JSON API", version="1",
                  description="Quoted answers from the indexed documents, on the chat's port. When the "
                              "server runs with --auth, every request needs that user and password "
                              "as HTTP Basic.",
                  docs_url="/docs", redoc_url=None, openapi_url="/openapi.json")
    @app.middleware("http")
    async def login(request: Request, call_next: Callable[[Request], Awaitable[Any]]) -> Any:
        # Every path of the API, its docs and OpenAPI description included, needs the login.
        if auth is not None and not _authorized(request.headers.get("authorization"), auth):
            return _error(401, "unauthorized", "send the server's --auth user and password (HTTP Basic)",
                          {"WWW-Authenticate": 'Basic realm="qa"'})
        return await call_next(request)

    def loaded() -> QA:
        current = get_engine()
        if current is None:
            raise ApiProblem(503, "no_index", "no index is loaded yet; try again when the build has finished")
        from qa.interface.ui import refresh

        refresh(current)
        return current

    @app.exception_handler(ApiProblem)
    async def problem(_: Request, exc: ApiProblem) -> JSONResponse:
        return _error(exc.status, exc.error, exc.message)

    @app.exception_handler(Exception)
    async def crashed(_: Request, exc: Exception) -> JSONResponse:
        logger.error("API request failed: %r", exc)
        return _error(500, "internal", "something went wrong while answering; the error was logged")

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return _error(400, "bad_json", "the request body is not valid JSON")
        parts = [f"{'.'.join(str(p) for p in e.get('loc', ()) if p != 'body') or 'body'}: {e.get('msg')}"
                 for e in errors]
        return _error(422, "invalid_request", "; ".join(parts))

    @app.get("/health", response_model=Health, responses=ERRORS)
    def health() -> Health:
        """The loaded index: version, documents, chunks and model."""
        current = loaded()
        manifest = current.manifest
        return Health(status="ok", index_version=current.version, documents=len(current.documents),
                      chunks=len(current.chunks), model=str(manifest.get("model", {}).get("id", "")))

    @app.post("/ask", response_model=AskResponse, responses=ERRORS)
    async def ask(body: AskRequest) -> dict[str, Any]:
        """Answer a question with a verbatim quote, reading a follow-up in the light of ``history``."""
        def answered(engine: QA) -> dict[str, Any]:
            answer = engine.ask(body.question, k=body.k, history=body.history, filters=body.filters)
            return {**answer_json(engine, answer), "interpreted": answer.interpreted}

        return await in_turn(answered)

    @app.post("/search", response_model=SearchResponse, responses=ERRORS)
    async def search(body: SearchRequest) -> dict[str, Any]:
        """The passages that best match a query, best first (no quote chosen)."""
        def found(engine: QA) -> dict[str, Any]:
            retrieval = engine.retrieve(body.query, k=body.k, embed_question=False, filters=body.filters)
            return {"question": retrieval.question, "passages": hits_json(engine, retrieval.hits),
                    "notice": retrieval.notice}

        return await in_turn(found)

    return app


def _authorized(header: str | None, auth: tuple[str, str]) -> bool:
    """Whether an ``Authorization`` header carries ``auth`` as HTTP Basic (compared in constant time)."""
    scheme, _, encoded = (header or "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        user, sep, password = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        return False
    same_user = secrets.compare_digest(user.encode(), auth[0].encode())
    same_password = secrets.compare_digest(password.encode(), auth[1].encode())
    return bool(sep) and same_user and same_password


def _guarded(call: Callable[[], Any]) -> Any:
    """Run an engine call; its errors become :class:`ApiProblem` (logged when unexpected)."""
    try:
        return call()
    except ApiProblem:
        raise
    except QuestionError as exc:
        raise ApiProblem(400, "question", str(exc)) from None
    except FilterError as exc:
        raise ApiProblem(400, "filters", str(exc)) from None
    except IndexUnavailableError as exc:
        logger.error("%s", exc)
        raise ApiProblem(503, "index_unavailable", str(exc)) from None
    except IndexError_ as exc:
        raise ApiProblem(503, "no_index", str(exc)) from None
    except Exception:
        logger.exception("Answering an API request failed")
        raise ApiProblem(500, "internal", "something went wrong while answering; the error was logged") from None
