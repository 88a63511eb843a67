"""The document endpoints over loopback with gradio_client: upload, list, delete; read-only share.

In-process servers use the fake encoder; the ``--share`` test runs ``app.py`` in a
subprocess with the small real model, as a user would start it.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORPUS, FakeEncoder, fake_settings
from tests.test_app import TIMEOUT, _client, free_port, offline_shared_app

pytestmark = pytest.mark.e2e

NEW_TEXT = "新能源報告\n\n青海省的光伏發電裝機容量達到了1234萬千瓦。\n"
QUESTION = "青海省的光伏發電裝機容量是多少？"


def serve_with_documents(corpus: Path, *, share: bool = False, auth: tuple[str, str] | None = None,
                         max_bytes: int | None = None) -> Any:
    """The app with its Documents tab over a corpus folder (fake encoder), not blocking; as ``run`` serves it."""
    from qa.engine import QA
    from qa.interface import serving
    from qa.interface.documents import manager_for
    from qa.interface.documents_tab import documents_tab
    from qa.interface.ui import build_ui

    # The fake encoder's cosines mean nothing, so a low threshold lets replies carry a quote.
    settings = fake_settings(**({"max_upload_bytes": max_bytes} if max_bytes else {}))
    engine = QA.build(corpus, corpus.parent / "index", encoder=FakeEncoder(), settings=settings)
    manager = manager_for(engine, corpus, share=share, auth=auth is not None)
    server = serving.serve(build_ui(engine, extra_tabs=[documents_tab(manager)]), host="127.0.0.1",
                           port=free_port(), auth=auth, block=False, max_file_size=2 * manager.max_bytes)
    server.manager = manager
    return server


def wait_for(condition: Callable[[], Any], *, timeout: float = TIMEOUT, what: str = "condition") -> Any:
    """Poll ``condition`` until it returns something truthy; fail naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.3)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Any]:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    server = serve_with_documents(corpus, auth=("alice", "s3cret"))
    server.corpus = corpus
    try:
        yield server
    finally:
        server.demo.close()


def test_upload_list_ask_delete_through_the_api(served: Any, tmp_path: Path) -> None:
    from gradio_client import handle_file

    from tests.document_files import make_pdf

    client = _client(served.local_url, auth=("alice", "s3cret"))
    before = client.predict(api_name="/list_documents")
    assert len(before) == 5 and set(before[0]) == {"id", "title", "file", "format", "date", "source", "chunks"}
    up = tmp_path / "up"
    up.mkdir()
    (up / "能源報告.txt").write_text(NEW_TEXT, encoding="utf-8")
    (up / "fake.pdf").write_bytes(b"not a pdf")
    (up / "copy.txt").write_bytes(next(CORPUS.glob("*.txt")).read_bytes())
    make_pdf(up / "report.pdf")
    names = ("能源報告.txt", "fake.pdf", "copy.txt", "report.pdf")
    summary = client.predict([handle_file(str(up / name)) for name in names], api_name="/upload_documents")
    assert [a["saved_as"] for a in summary["added"]] == ["能源報告.txt", "report.pdf"]
    assert [s["file"] for s in summary["skipped"]] == ["copy.txt"]
    assert [r["file"] for r in summary["refused"]] == ["fake.pdf"] and summary["indexing"] is True

    # The chat switches to the new index a moment before the status says "done".
    wait_for(lambda: (s := client.predict(api_name="/index_status"))["state"] == "done" and s["documents"] == 7,
             what="indexing the uploads to finish")
    rows = [d for d in client.predict(api_name="/list_documents") if d["id"] == "能源報告"]
    assert rows[0]["title"] == "新能源報告" and rows[0]["chunks"] == 1 and rows[0]["format"] == "txt"
    assert "1234萬千瓦" in client.predict(QUESTION, api_name="/ask")
    pdf = [d for d in client.predict(api_name="/list_documents") if d["id"] == "report"]
    assert pdf[0]["format"] == "pdf" and pdf[0]["title"] == "阿里地区援藏工作报告"
    quote = client.predict("牦牛乳制品加工厂的年产值是多少？", api_name="/ask_json")["quote"]
    assert "二千六百万元" in quote["text"] and quote["page"] == 3

    deleted = client.predict("能源報告", api_name="/delete_document")
    assert [d["file"] for d in deleted["deleted"]] == ["能源報告.txt"] and deleted["indexing"] is True
    assert not (served.corpus / "能源報告.txt").exists()
    wait_for(lambda: all(d["id"] != "能源報告" for d in client.predict(api_name="/list_documents")),
             what="the delete in /list_documents")
    assert "1234萬千瓦" not in client.predict(QUESTION, api_name="/ask")
    refused = client.predict("no-such-doc", api_name="/delete_document")
    assert refused["indexing"] is False and "no document with id 'no-such-doc'" in refused["refused"][0]["reason"]


def test_uploads_over_the_size_limit(tmp_path: Path) -> None:
    from gradio_client import handle_file

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    server = serve_with_documents(corpus, max_bytes=3000)
    try:
        client = _client(server.local_url)
        (tmp_path / "over.txt").write_text("長" * 1100, encoding="utf-8")  # 3,300 bytes
        (tmp_path / "far_over.txt").write_text("長" * 2100, encoding="utf-8")  # 6,300 bytes
        summary = client.predict([handle_file(str(tmp_path / "over.txt"))], api_name="/upload_documents")
        assert "3,300 bytes is over the limit of 3,000 bytes" in summary["refused"][0]["reason"]
        # Far over: Gradio itself refuses it before it is stored.
        with pytest.raises(Exception, match="(?i)size|large"):
            client.predict([handle_file(str(tmp_path / "far_over.txt"))], api_name="/upload_documents")
        assert sorted(p.name for p in corpus.iterdir()) == sorted(p.name for p in CORPUS.iterdir())
    finally:
        server.demo.close()


def test_endpoints_need_the_login(served: Any) -> None:
    import httpx

    for name in ("upload_documents", "list_documents", "delete_document"):
        resp = httpx.post(f"{served.local_url}/gradio_api/call/{name}", json={"data": []}, timeout=TIMEOUT)
        assert resp.status_code == 401, name


def test_share_without_auth_refuses_uploads(tmp_path: Path) -> None:
    """``app.py --share`` without ``--auth`` (the tunnel cannot open here): read-only documents."""
    from gradio_client import handle_file

    with offline_shared_app(tmp_path, timeout=180) as app:
        client = _client(f"http://127.0.0.1:{app.port}")
        (tmp_path / "new.txt").write_text("新文件\n\n青海省的光伏發電裝機容量達到了1234萬千瓦。\n", encoding="utf-8")
        summary = client.predict([handle_file(str(tmp_path / "new.txt"))], api_name="/upload_documents")
        assert summary["added"] == [] and summary["indexing"] is False
        assert "--share" in summary["refused"][0]["reason"] and "--auth" in summary["refused"][0]["reason"]
        deleted = client.predict("a", api_name="/delete_document")
        assert deleted["refused"][0]["file"] == "a" and "--auth" in deleted["refused"][0]["reason"]
        assert sorted(p.name for p in app.corpus.iterdir()) == ["a.txt"]
        assert [d["id"] for d in client.predict(api_name="/list_documents")] == ["a"]
