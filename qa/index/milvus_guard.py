"""Milvus failures after an index was opened, turned into an error a user can act on.

A Milvus server can stop, restart or drop off the network between two questions, and a
Milvus Lite client can be closed while a view still holds it. pymilvus then raises its own
exceptions (``MilvusException``, gRPC errors) whose text names neither the index nor what
to do. Every call the store and its views make goes through :class:`GuardedClient`, which
raises :class:`~qa.errors.IndexUnavailableError` instead: the chat shows its message, the
HTTP API answers 503, the command line prints one ``error:`` line.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from qa.errors import IndexUnavailableError, QAError


def _failures() -> tuple[type[BaseException], ...]:
    """The exception types that mean "Milvus did not do it" (not a bug in our call)."""
    import grpc
    from pymilvus.exceptions import MilvusException

    return (MilvusException, grpc.RpcError, ConnectionError, TimeoutError)


def _reason(exc: BaseException) -> str:
    # MilvusException's str() is "<MilvusException: (code=2, message=...)>"; its message is the useful part.
    message = getattr(exc, "message", None)
    if isinstance(message, str) and message:
        return message
    details, code = getattr(exc, "details", None), getattr(exc, "code", None)  # a gRPC error
    if callable(details) and callable(code):
        try:
            status = getattr(code(), "name", str(code()))
            return f"{status}: {details()}" if details() else str(status)
        except Exception:  # a gRPC error object that is not a call; fall back to its text
            pass
    return str(exc) or type(exc).__name__


def _unimplemented(exc: BaseException) -> bool:
    import grpc

    code = getattr(exc, "code", None)
    return callable(code) and code() == grpc.StatusCode.UNIMPLEMENTED


def unavailable_message(location: str, uri: str, operation: str, exc: BaseException) -> str:
    """What went wrong with the index at ``location`` during ``operation``, and what to do about it.

    Example:
        >>> message = unavailable_message("milvus:http://h:19530", "http://h:19530", "search", OSError("refused"))
        >>> message.startswith("Index 'milvus:http://h:19530' failed during search: Milvus at http://h:19530")
        True
    """
    rebuild = f"python -m qa build --index {location}"
    if _unimplemented(exc):
        return (f"Index '{location}': Milvus at {uri} does not implement {operation} (UNIMPLEMENTED): the "
                f"store needs a Milvus 2.5 or later server (aliases, BM25 functions) or Milvus Lite 3; "
                f"see docs/scale-out.md")
    if uri.startswith(("http://", "https://")):
        what = f"Milvus at {uri}"
        advice = (f"Is the Milvus server running and reachable from here (docs/scale-out.md), and does "
                  f"--index name the right address? If the index itself is gone, rebuild it with: {rebuild}")
    else:
        what = f"Milvus Lite file '{uri}'"
        advice = (f"The file may have been removed, moved, or closed in this process: restart the app, "
                  f"check the --index value, or rebuild it with: {rebuild}")
    return f"Index '{location}' failed during {operation}: {what} said: {_reason(exc)}. {advice}"


class GuardedClient:
    """A pymilvus ``MilvusClient`` whose failures raise :class:`~qa.errors.IndexUnavailableError`.

    Methods are looked up on the wrapped client, so it answers every call the client does;
    attributes that are not methods pass through unchanged.

    Example:
        >>> client = GuardedClient(connect("index/milvus.db"), uri="index/milvus.db",
        ...                        location="milvus:index/milvus.db")              # doctest: +SKIP
        >>> client.search("qa", data=[[0.1] * 384], limit=5)                   # doctest: +SKIP
    """

    def __init__(self, client: Any, *, uri: str, location: str) -> None:
        self._client = client
        self._uri = uri
        self._location = location

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if not callable(attr):
            return attr
        return self._guard(name, attr)

    def _guard(self, name: str, call: Callable[..., Any]) -> Callable[..., Any]:
        failures = _failures()

        @functools.wraps(call)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                return call(*args, **kwargs)
            except QAError:
                raise
            except failures as exc:
                raise IndexUnavailableError(unavailable_message(self._location, self._uri, name, exc)) from exc

        return guarded
