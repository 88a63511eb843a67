"""A Milvus that goes away after the index was opened: a clear error naming the index, never a traceback.

The fast tests close this process's Milvus Lite client under an open engine (what a view
holding a stale client sees) and drive :class:`GuardedClient` with a client that fails;
the slow ones stop a ``python -m milvus_lite server`` process mid-session, as a server
crash or network cut would, and ask, search, build and call the HTTP API.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from fastapi.testclient import TestClient
from pymilvus.exceptions import MilvusException

import qa.index.milvus_store as milvus_store
from qa import QA
from qa.errors import BuildLockedError, IndexUnavailableError
from qa.index.milvus_connection import disconnect
from qa.index.milvus_guard import GuardedClient
from qa.interface.http_api import build_api
from qa.interface.ui import ask_json, respond
from tests.conftest import FakeEncoder
from tests.milvus_server import MilvusServer, start_server

QUESTION = "河北省投入了多少援藏资金？"


class _Failing:
    """A stand-in MilvusClient whose calls fail the way pymilvus fails, or succeed."""

    timeout = 5.0

    def __init__(self, error: BaseException | None) -> None:
        self.error = error

    def upsert(self, collection: str, rows: list[dict[str, Any]]) -> dict[str, int]:
        if self.error is not None:
            raise self.error
        return {"upsert_count": len(rows)}


class _RpcError(grpc.RpcError):
    def code(self) -> grpc.StatusCode:
        return grpc.StatusCode.UNAVAILABLE

    def details(self) -> str:
        return "failed to connect to all addresses"


@pytest.mark.parametrize(("error", "said"), [
    (MilvusException(code=2, message="Fail connecting to server on 10.0.0.5:19530"), "Fail connecting to server"),
    (_RpcError(), "UNAVAILABLE: failed to connect to all addresses"),
    (ConnectionResetError("connection reset by peer"), "connection reset by peer"),
])
def test_guard_turns_milvus_failures_into_a_clear_error(error: BaseException, said: str) -> None:
    client = GuardedClient(_Failing(error), uri="http://10.0.0.5:19530", location="milvus:http://10.0.0.5:19530")
    with pytest.raises(IndexUnavailableError) as caught:
        client.upsert("qa_lock", [{"pk": "lock"}])
    message = str(caught.value)
    assert message.startswith("Index 'milvus:http://10.0.0.5:19530' failed during upsert: "
                              "Milvus at http://10.0.0.5:19530 said: ")
    assert said in message and "Is the Milvus server running" in message
    assert "python -m qa build --index milvus:http://10.0.0.5:19530" in message
    assert caught.value.__cause__ is error


class _Unimplemented(_RpcError):
    def code(self) -> grpc.StatusCode:
        return grpc.StatusCode.UNIMPLEMENTED

    def details(self) -> str:
        return ""


def test_a_call_the_server_lacks_says_so_rather_than_blaming_the_network() -> None:
    # What the Milvus Lite 2.5 core answers to list_aliases: it has no aliases.
    client = GuardedClient(_Failing(_Unimplemented()), uri="http://h:19530", location="milvus:http://h:19530")
    with pytest.raises(IndexUnavailableError, match=r"does not implement upsert \(UNIMPLEMENTED\): the store "
                                                    r"needs a Milvus 2\.5 or later server"):
        client.upsert("qa_lock", [])


def test_guard_passes_results_attributes_and_our_own_errors_through() -> None:
    client = GuardedClient(_Failing(None), uri="x.db", location="milvus:x.db")
    assert client.upsert("t", [{}, {}]) == {"upsert_count": 2} and client.timeout == 5.0
    # A bug in our call (a TypeError) or one of our errors is not reworded as "Milvus is down".
    with pytest.raises(TypeError):
        client.upsert("t")
    ours = BuildLockedError("another build is running")
    with pytest.raises(BuildLockedError):
        GuardedClient(_Failing(ours), uri="x.db", location="milvus:x.db").upsert("t", [])


@pytest.fixture
def closed_lite(tmp_path: Path, corpus_dir: Path) -> Iterator[tuple[QA, str]]:
    """An engine on Milvus Lite whose client this process has since closed."""
    location = f"milvus:{tmp_path / 'lite.db'}"
    engine = QA.build(corpus_dir, location, encoder=FakeEncoder())
    disconnect(str(tmp_path / "lite.db"))
    yield engine, location
    disconnect(str(tmp_path / "lite.db"))


def test_closed_lite_client_mid_session_is_a_clear_error(closed_lite: tuple[QA, str]) -> None:
    engine, location = closed_lite
    for call in (lambda: engine.search("援藏资金"), lambda: engine.ask(QUESTION)):
        with pytest.raises(IndexUnavailableError, match=rf"Index '{re.escape(location)}' failed during (search|query): "
                                                        r"Milvus Lite file .* rebuild it with"):
            call()


def test_chat_and_json_api_say_the_index_is_unavailable(closed_lite: tuple[QA, str]) -> None:
    engine, location = closed_lite
    reply = html.unescape(respond(engine, QUESTION))
    assert reply.startswith("<i>The index cannot be reached right now") and location in reply
    assert "无法连接索引" in html.unescape(respond(engine, QUESTION, lang="zh-Hans"))
    got = ask_json(engine, QUESTION)
    assert got["error"] == "index_unavailable" and location in got["message"]
    with TestClient(build_api(engine)) as client:
        for path, body in (("/ask", {"question": QUESTION}), ("/search", {"query": "援藏资金"})):
            answered = client.post(path, json=body)
            assert answered.status_code == 503, answered.text
            assert answered.json()["error"] == "index_unavailable" and location in answered.json()["message"]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[MilvusServer]:
    running = start_server(tmp_path / "srv")
    try:
        yield running
    finally:
        running.stop()


def _unavailable(location: str) -> str:
    return rf"Index '{re.escape(location)}' failed during \w+: Milvus at http://127\.0\.0\.1:\d+ said: .*server running"


@pytest.mark.slow
def test_server_stopped_mid_session(server: MilvusServer, corpus_dir: Path, tmp_path: Path) -> None:
    location = f"milvus:{server.uri}?collection=news"
    engine = QA.build(corpus_dir, location, encoder=FakeEncoder())
    expected = [h.chunk.id for h in engine.search("援藏资金")]
    server.stop()
    with pytest.raises(IndexUnavailableError, match=_unavailable(location)):
        engine.search("援藏资金")
    with pytest.raises(IndexUnavailableError, match=_unavailable(location)):
        engine.ask(QUESTION)
    assert "The index cannot be reached right now" in html.unescape(respond(engine, QUESTION))
    with TestClient(build_api(engine)) as client:
        answered = client.post("/ask", json={"question": QUESTION})
        assert answered.status_code == 503 and answered.json()["error"] == "index_unavailable"
    with pytest.raises(IndexUnavailableError, match=_unavailable(location)):
        QA.build(corpus_dir, location, encoder=FakeEncoder())
    with pytest.raises(IndexUnavailableError, match=_unavailable(location)):
        QA.open(location, encoder=FakeEncoder())
    # Back on the same address and data: the open engine answers again (it loads the released
    # collections itself), no app restart needed. pymilvus may fail once more while reconnecting.
    again = start_server(tmp_path / "srv", port=server.port)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert [h.chunk.id for h in engine.search("援藏资金")] == expected
                break
            except IndexUnavailableError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        assert engine.ask(QUESTION).passages
    finally:
        again.stop()


@pytest.mark.slow
def test_server_stopped_while_a_build_writes(server: MilvusServer, corpus_dir: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    location = f"milvus:{server.uri}?collection=midway"
    real = milvus_store.chunk_row

    def stop_at_third(position: int, *args: Any) -> dict[str, Any]:
        if position == 3:  # the first rows of the new collection are written
            server.stop()
        return real(position, *args)

    monkeypatch.setattr(milvus_store, "chunk_row", stop_at_third)
    monkeypatch.setattr(milvus_store, "INSERT_BATCH", 2)
    with pytest.raises(IndexUnavailableError, match=rf"Index '{re.escape(location)}' failed during insert: Milvus at"):
        QA.build(corpus_dir, location, encoder=FakeEncoder())
