"""The JSON API in process (FastAPI's TestClient, fake encoder): shapes, errors, login, OpenAPI.

The same API over loopback, mounted in the Gradio server, is tested in test_http_loopback.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from qa import QA
from qa.interface.citation import answer_json, hits_json
from qa.interface.http_api import build_api
from tests.conftest import CORPUS, FakeEncoder, fake_settings

QUESTION = "河北省投入了多少援藏資金？"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> QA:
    return QA.build(CORPUS, tmp_path_factory.mktemp("api") / "index", encoder=FakeEncoder(),
                    settings=fake_settings())


@pytest.fixture(scope="module")
def client(engine: QA) -> Iterator[TestClient]:
    with TestClient(build_api(engine)) as c:
        yield c


def test_ask_returns_the_cli_json_plus_interpreted(client: TestClient, engine: QA) -> None:
    got = client.post("/ask", json={"question": QUESTION, "k": 3})
    assert got.status_code == 200
    assert got.json() == {**answer_json(engine, engine.ask(QUESTION, k=3)), "interpreted": None}


def test_ask_with_history_reads_the_follow_up(client: TestClient, engine: QA) -> None:
    history = ["塔孜洪乡中心卫生院院长是谁？"]
    got = client.post("/ask", json={"question": "该院原来一周接诊多少人？", "history": history}).json()
    assert got["interpreted"] == "塔孜洪乡中心卫生院原来一周接诊多少人？"
    expected = engine.ask("该院原来一周接诊多少人？", history=history)
    assert got == {**answer_json(engine, expected), "interpreted": expected.interpreted}


def test_search_returns_passages(client: TestClient, engine: QA) -> None:
    got = client.post("/search", json={"query": "援藏资金", "k": 4}).json()
    assert got["passages"] == hits_json(engine, engine.search("援藏资金", k=4))
    assert got["question"] == "援藏资金" and got["notice"] is None


def test_untitled_documents_are_cited_by_their_first_sentence(client: TestClient) -> None:
    # As in the chat, the CLI and /ask_json (qa.interface.titles), never by the hashed file name.
    question = "鄧小剛主持召開自治區人民政府專題會議"
    found = client.post("/search", json={"query": question, "k": 10}).json()["passages"]
    answered = client.post("/ask", json={"question": question, "k": 10}).json()
    for passages in (found, answered["passages"] + [answered["quote"]] * bool(answered["quote"])):
        untitled = [p for p in passages if p["title"] is None]
        assert untitled, "the seed corpus has one page without a title"
        for passage in untitled:
            assert passage["citation"].startswith("本網拉薩8月9日訊"), passage["citation"]
            assert passage["file"] not in passage["citation"]


def test_health(client: TestClient, engine: QA) -> None:
    assert client.get("/health").json() == {"status": "ok", "index_version": engine.version, "documents": 5,
                                            "chunks": len(engine.chunks), "model": "fake/hash-encoder"}


@pytest.mark.parametrize(("body", "status", "error"), [
    ({"question": ""}, 400, "question"),
    ({"question": "？？ ！"}, 400, "question"),
    ({"question": QUESTION, "k": 0}, 422, "invalid_request"),
    ({"question": QUESTION, "k": "five"}, 422, "invalid_request"),
    ({"k": 3}, 422, "invalid_request"),
    ({"question": QUESTION, "colour": "red"}, 422, "invalid_request"),
    ({"question": QUESTION, "history": "not a list"}, 422, "invalid_request"),
    ({"question": QUESTION, "filters": {"colour": ["red"]}}, 400, "filters"),
    ({"question": QUESTION, "filters": {"date": {"gte": "last year"}}}, 400, "filters"),
])
def test_bad_requests_get_json_errors(client: TestClient, body: dict, status: int, error: str) -> None:
    got = client.post("/ask", json=body)
    assert got.status_code == status, got.text
    assert got.json()["error"] == error and got.json()["message"]
    assert "Traceback" not in got.text


def test_malformed_json_is_a_400(client: TestClient) -> None:
    for raw in (b'{"question": "x"', b"\xff\xfe", b"[1, 2"):
        got = client.post("/ask", content=raw, headers={"content-type": "application/json"})
        assert got.status_code == 400 and got.json()["error"] == "bad_json"


def test_filters_pass_through(client: TestClient, engine: QA) -> None:
    assert client.post("/ask", json={"question": QUESTION, "filters": {}}).status_code == 200
    only = {"doc_id": ["002_c5d2bf1e131ee9b2"]}
    got = client.post("/ask", json={"question": QUESTION, "filters": only}).json()
    assert got == {**answer_json(engine, engine.ask(QUESTION, filters=only)), "interpreted": None}
    assert {p["doc_id"] for p in got["passages"]} == {"002_c5d2bf1e131ee9b2"}
    found = client.post("/search", json={"query": "援藏资金", "filters": only}).json()["passages"]
    assert found and {p["doc_id"] for p in found} == {"002_c5d2bf1e131ee9b2"}


def test_long_question_is_cut_with_a_notice(client: TestClient) -> None:
    got = client.post("/ask", json={"question": "援藏资金" * 25_000})
    assert got.status_code == 200
    assert "100,000" in got.json()["notice"]


def test_no_index_is_a_503() -> None:
    with TestClient(build_api(lambda: None)) as c:
        got = c.post("/ask", json={"question": QUESTION})
        assert got.status_code == 503 and got.json()["error"] == "no_index"
        assert c.get("/health").status_code == 503


class _Broken:
    """An engine whose every call fails unexpectedly."""

    def reload_if_changed(self) -> bool:
        return False

    def ask(self, question: str, **options: object) -> None:
        raise RuntimeError("secret /internal/path")


def test_internal_error_is_a_json_500_without_details() -> None:
    with TestClient(build_api(_Broken()), raise_server_exceptions=False) as c:  # type: ignore[arg-type]
        got = c.post("/ask", json={"question": QUESTION})
    assert got.status_code == 500 and got.json()["error"] == "internal"
    assert "secret" not in got.text and "Traceback" not in got.text


def test_login_guards_every_path(engine: QA) -> None:
    with TestClient(build_api(engine, auth=("ann", "pw:1"))) as c:
        for path in ("/health", "/docs", "/openapi.json"):
            got = c.get(path)
            assert got.status_code == 401 and got.json()["error"] == "unauthorized"
            assert got.headers["www-authenticate"].startswith("Basic")
        assert c.get("/health", auth=("ann", "wrong")).status_code == 401
        assert c.get("/health", auth=("bob", "pw:1")).status_code == 401
        assert c.get("/health", headers={"Authorization": "Basic !!notbase64"}).status_code == 401
        assert c.get("/health", auth=("ann", "pw:1")).status_code == 200
        assert c.post("/ask", json={"question": QUESTION}, auth=("ann", "pw:1")).status_code == 200


def test_openapi_declares_the_models(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/ask", "/search", "/health"} <= set(spec["paths"])
    schemas = spec["components"]["schemas"]
    assert {"AskRequest", "AskResponse", "SearchRequest", "SearchResponse", "Health", "ApiError"} <= set(schemas)
    assert {"question", "k", "history", "filters"} <= set(schemas["AskRequest"]["properties"])
    assert "interpreted" in schemas["AskResponse"]["properties"]
    assert set(spec["paths"]["/ask"]["post"]["responses"]) >= {"200", "400", "401", "422", "503"}
    assert "swagger" in client.get("/docs").text.lower()
