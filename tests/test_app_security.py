"""The app serves no file from disk: path traversal in every spelling Gradio might route."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import CORPUS, REPO

pytestmark = pytest.mark.e2e

TRAVERSALS = [
    "/gradio_api/file=../../etc/passwd",
    "/gradio_api/file=../../../../../../etc/passwd",
    "/gradio_api/file=/etc/passwd",
    "/gradio_api/file=%2e%2e/%2e%2e/etc/passwd",
    "/gradio_api/file=..%2f..%2f..%2fetc%2fpasswd",
    "/gradio_api/file=%2fetc%2fpasswd",
    "/file=/etc/passwd",
    "/file=../../etc/passwd",
    "/gradio_api/file/etc/passwd",
    "/static/../../../../etc/passwd",
    "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/assets/..%2f..%2f..%2f..%2fetc/passwd",
    "/gradio_api/proxy=http://127.0.0.1:9/",
    "/gradio_api/file=" + str(REPO / "app.py"),
    "/gradio_api/file=" + str(REPO / "qa" / "engine.py"),
]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator:  # type: ignore[type-arg]
    from qa.engine import QA
    from tests.conftest import FakeEncoder
    from tests.test_app import _serve

    index = tmp_path_factory.mktemp("sec") / "index"
    server = _serve(QA.build(CORPUS, index, encoder=FakeEncoder()))
    server.index = index
    try:
        yield server
    finally:
        server.demo.close()


@pytest.mark.parametrize("path", TRAVERSALS)
def test_traversal_is_refused(served, path: str) -> None:  # type: ignore[no-untyped-def]
    # httpx would normalise "..": send the path exactly as written.
    url = httpx.URL(served.local_url).copy_with(raw_path=path.encode())
    resp = httpx.get(url, timeout=30)
    assert resp.status_code in (400, 403, 404, 405), (path, resp.status_code)
    assert b"root:" not in resp.content and b"def main" not in resp.content


def test_corpus_and_index_files_are_not_served_either(served) -> None:  # type: ignore[no-untyped-def]
    from qa.index.store import current_version

    targets = [next(CORPUS.glob("*.txt")), current_version(served.index) / "manifest.json",
               current_version(served.index) / "chunks.jsonl"]
    for target in targets:
        for prefix in ("/gradio_api/file=", "/file="):
            resp = httpx.get(f"{served.local_url}{prefix}{target}", timeout=30)
            assert resp.status_code in (403, 404), (prefix, target, resp.status_code)
