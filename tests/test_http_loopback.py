"""The JSON API over loopback, mounted at /api in the Gradio server (fake encoder).

Ask, search and health; history; login on and off; bad JSON; an empty and a 100,000-character
question; 32 clients asking 20 questions each at once, whose answers must equal the ones
asked one at a time.

``python -m tests.test_http_loopback`` measures the same load with the default model (not part
of the test suite): throughput and latency of /api/ask, and what history costs a follow-up.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from qa import QA
from tests.conftest import CORPUS, FakeEncoder, fake_settings

pytestmark = pytest.mark.e2e

AUTH = ("ann", "s3cret")
TIMEOUT = 120
CONVERSATIONS = Path(__file__).parent / "data" / "conversations.jsonl"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> QA:
    return QA.build(CORPUS, tmp_path_factory.mktemp("loopback") / "index", encoder=FakeEncoder(),
                    settings=fake_settings())


def _serve(engine: QA, auth: tuple[str, str] | None, **options: int):  # type: ignore[no-untyped-def]
    from qa.interface.http_api import build_api
    from qa.interface.serving import serve
    from qa.interface.ui import build_ui

    return serve(build_ui(engine), host="127.0.0.1", port=_free_port(), auth=auth, block=False,
                 api=build_api(engine, auth=auth, **options))


@pytest.fixture(scope="module")
def open_url(engine: QA) -> Iterator[str]:
    server = _serve(engine, None)
    try:
        yield server.local_url
    finally:
        server.demo.close()


@pytest.fixture(scope="module")
def login_url(engine: QA) -> Iterator[str]:
    server = _serve(engine, AUTH)
    try:
        yield server.local_url
    finally:
        server.demo.close()


def _questions(n: int = 20) -> list[str]:
    """``n`` questions from the conversation set (every turn, stand-alone or not)."""
    rows = [json.loads(line) for line in CONVERSATIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [turn["q"] for row in rows for turn in row["turns"]][:n]


def test_ask_search_health_next_to_the_chat(open_url: str, engine: QA) -> None:
    with httpx.Client(base_url=open_url, timeout=TIMEOUT) as c:
        assert c.get("/").status_code == 200  # the chat page is still there
        health = c.get("/api/health").json()
        assert health == {"status": "ok", "index_version": engine.version, "documents": 5,
                          "chunks": len(engine.chunks), "model": "fake/hash-encoder"}
        answer = c.post("/api/ask", json={"question": "河北省投入了多少援藏資金？"}).json()
        assert answer["found"] and "1950" in answer["quote"]["text"] and answer["interpreted"] is None
        passages = c.post("/api/search", json={"query": "援藏资金", "k": 3}).json()["passages"]
        assert len(passages) == 3 and passages[0]["rank"] == 1
        assert c.get("/api/docs").status_code == 200
        assert "/ask" in c.get("/api/openapi.json").json()["paths"]


def test_history_makes_a_follow_up(open_url: str) -> None:
    with httpx.Client(base_url=open_url, timeout=TIMEOUT) as c:
        got = c.post("/api/ask", json={"question": "该院原来一周接诊多少人？",
                                       "history": ["塔孜洪乡中心卫生院院长是谁？"]}).json()
    assert got["interpreted"] == "塔孜洪乡中心卫生院原来一周接诊多少人？"
    assert "一周接诊1人" in got["quote"]["text"]


def test_errors_are_json_with_fitting_codes(open_url: str) -> None:
    with httpx.Client(base_url=open_url, timeout=TIMEOUT) as c:
        bad = c.post("/api/ask", content=b'{"question": ', headers={"content-type": "application/json"})
        assert bad.status_code == 400 and bad.json()["error"] == "bad_json"
        empty = c.post("/api/ask", json={"question": "  "})
        assert empty.status_code == 400 and empty.json()["error"] == "question"
        shape = c.post("/api/ask", json={"question": "x y", "k": 99})
        assert shape.status_code == 422 and shape.json()["error"] == "invalid_request"
        for reply in (bad, empty, shape):
            assert "Traceback" not in reply.text


def test_100000_character_question(open_url: str) -> None:
    with httpx.Client(base_url=open_url, timeout=TIMEOUT) as c:
        got = c.post("/api/ask", json={"question": "援藏资金多少" * 16_667})
    assert got.status_code == 200
    assert "100,002" in got.json()["notice"]


def test_login_on(login_url: str) -> None:
    with httpx.Client(base_url=login_url, timeout=TIMEOUT) as c:
        refused = c.post("/api/ask", json={"question": "河北省投入了多少援藏資金？"})
        assert refused.status_code == 401 and refused.json()["error"] == "unauthorized"
        assert c.get("/api/health", auth=("ann", "wrong")).status_code == 401
        assert c.get("/api/docs").status_code == 401
        assert c.get("/api/health", auth=AUTH).json()["status"] == "ok"
        answer = c.post("/api/ask", json={"question": "河北省投入了多少援藏資金？"}, auth=AUTH)
        assert answer.status_code == 200 and "1950" in answer.json()["quote"]["text"]
        # The page keeps Gradio's own login: without its cookie there is no config.
        assert c.get("/config").status_code in (401, 403)


def _concurrent(url: str, questions: list[str], clients: int = 32) -> list[list[tuple[int, dict, float]]]:
    """Each of ``clients`` threads asks every question once through /api/ask: (status, body, seconds)."""
    def client_run(_: int) -> list[tuple[int, dict, float]]:
        with httpx.Client(base_url=url, timeout=TIMEOUT) as c:
            out = []
            for q in questions:
                started = time.perf_counter()
                reply = c.post("/api/ask", json={"question": q})
                out.append((reply.status_code, reply.json(), time.perf_counter() - started))
            return out

    with ThreadPoolExecutor(max_workers=clients) as pool:
        return list(pool.map(client_run, range(clients)))


def test_32_clients_times_20_questions(open_url: str) -> None:
    questions = _questions()
    with httpx.Client(base_url=open_url, timeout=TIMEOUT) as c:
        expected = [c.post("/api/ask", json={"question": q}).json() for q in questions]
    runs = [[(status, body) for status, body, _ in run] for run in _concurrent(open_url, questions)]
    statuses = [status for run in runs for status, _ in run]
    assert statuses.count(200) == 32 * len(questions)  # 0 errors
    assert all([body for _, body in run] == expected for run in runs)


def main() -> None:
    """Measure /api/ask with the default model on the seed corpus: 32 clients x 20 questions,
    at API concurrency limits 16 and 4 (default), and what history costs a follow-up."""
    import statistics
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        engine = QA.build(CORPUS, Path(tmp) / "index")
        questions = _questions()
        for limit in (16, 4):
            server = _serve(engine, None, concurrency_limit=limit)
            try:
                url = server.local_url
                with httpx.Client(base_url=url, timeout=TIMEOUT) as c:
                    expected = [c.post("/api/ask", json={"question": q}).json() for q in questions]
                    alone, follow = [], []
                    for _ in range(5):  # the same follow-up without and with its history
                        for body, into in (({"question": "该院原来一周接诊多少人？"}, alone),
                                           ({"question": "该院原来一周接诊多少人？",
                                             "history": ["塔孜洪乡中心卫生院院长是谁？"]}, follow)):
                            started = time.perf_counter()
                            c.post("/api/ask", json=body).raise_for_status()
                            into.append(time.perf_counter() - started)
                started = time.perf_counter()
                runs = _concurrent(url, questions)
                seconds = time.perf_counter() - started
            finally:
                server.demo.close()
            latencies = sorted(t for run in runs for _, _, t in run)
            errors = sum(status != 200 for run in runs for status, _, _ in run)
            different = sum(body != expected[i] for run in runs for i, (_, body, _) in enumerate(run))
            cuts = statistics.quantiles(latencies, n=100, method="inclusive")
            print(f"limit {limit}: {len(latencies)} asks in {seconds:.1f}s: {len(latencies) / seconds:.1f}/s, "
                  f"p50 {cuts[49] * 1000:.0f} ms, p95 {cuts[94] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms; "
                  f"{errors} errors, {different} answers differing from single-threaded")
            print(f"  one follow-up: median {statistics.median(alone) * 1000:.0f} ms without history, "
                  f"{statistics.median(follow) * 1000:.0f} ms with one earlier question as history")


if __name__ == "__main__":
    main()
