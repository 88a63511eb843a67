"""The Documents tab in Chromium: upload a PDF, ask about it and see the quote with its page;
delete it, and the answer is gone.

Uses the fake encoder (the quote is found by its words); see :mod:`tests.test_browser` for
the browser set-up. Every wait is on a DOM condition, so a loaded machine only makes it slower.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORPUS, REPO
from tests.test_browser import BOT, TIMEOUT_MS, _ask, browser  # noqa: F401  (browser is a fixture)
from tests.test_documents_api import serve_with_documents

pytestmark = pytest.mark.e2e

# Page 3 of tests.document_files.make_pdf's report (made with reportlab's CID font STSong-Light).
QUESTION = "牦牛乳制品加工厂的年产值是多少？"
QUOTED = "二千六百万元"
TITLE = "阿里地区援藏工作报告"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Any]:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    server = serve_with_documents(corpus)
    server.corpus = corpus
    try:
        yield server
    finally:
        server.demo.close()


def _documents_tab(page: Any, url: str) -> None:
    page.goto(url, timeout=TIMEOUT_MS)
    page.get_by_role("tab", name="Documents").click(timeout=TIMEOUT_MS)
    page.locator("#qa-doc-status").wait_for(timeout=TIMEOUT_MS)


def test_upload_a_pdf_through_the_tab_then_ask(browser, app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def] # noqa: F811
    from playwright.sync_api import expect

    from tests.document_files import make_pdf

    upload = make_pdf(tmp_path / "援藏 报告.pdf")
    page = browser.new_page()
    try:
        _documents_tab(page, app.local_url)
        expect(page.locator("#qa-doc-status")).to_contain_text("5 documents", timeout=TIMEOUT_MS)
        page.locator("#qa-doc-upload input[type=file]").set_input_files(str(upload), timeout=TIMEOUT_MS)
        expect(page.locator("#qa-doc-result")).to_contain_text("1 added", timeout=TIMEOUT_MS)
        expect(page.locator("#qa-doc-status")).to_contain_text("now answers from 6 documents", timeout=TIMEOUT_MS)
        expect(page.locator("#qa-doc-table")).to_contain_text("援藏_报告.pdf", timeout=TIMEOUT_MS)
        expect(page.locator("#qa-doc-table")).to_contain_text(TITLE, timeout=TIMEOUT_MS)
        assert (app.corpus / "援藏_报告.pdf").read_bytes() == upload.read_bytes()

        page.get_by_role("tab", name="Chat").click(timeout=TIMEOUT_MS)
        reply = _ask(page, app.local_url, QUESTION, reload=False)
        expect(reply.locator("blockquote mark").first).to_contain_text(QUOTED, timeout=TIMEOUT_MS)
        text = reply.inner_text()
        # The open page's heading counts the new document (no reload), as does a page opened now.
        expect(page.locator("#qa-heading")).to_contain_text("6 documents", timeout=TIMEOUT_MS)
        page.goto(app.local_url, timeout=TIMEOUT_MS)
        expect(page.locator("#qa-heading")).to_contain_text("6 documents", timeout=TIMEOUT_MS)
        assert "[1]" in text and TITLE in text and "p. 3" in text
    finally:
        page.close()


def test_delete_through_the_tab_and_the_answer_is_gone(browser, app) -> None:  # type: ignore[no-untyped-def] # noqa: F811
    from playwright.sync_api import expect

    from tests.document_files import make_pdf

    make_pdf(app.corpus / "report.pdf")
    app.manager.reindexer.request("test set-up")
    assert app.manager.reindexer.wait(TIMEOUT_MS / 1000).documents == 6
    page = browser.new_page()
    try:
        reply = _ask(page, app.local_url, QUESTION)
        expect(reply.locator("blockquote mark").first).to_contain_text(QUOTED, timeout=TIMEOUT_MS)

        page.get_by_role("tab", name="Documents").click(timeout=TIMEOUT_MS)
        page.locator("#qa-doc-pick input").click(timeout=TIMEOUT_MS)
        page.get_by_role("option", name=re.compile(TITLE)).click(timeout=TIMEOUT_MS)
        # A cancelled confirmation deletes nothing; an accepted one deletes.
        page.once("dialog", lambda dialog: dialog.dismiss())
        page.locator("#qa-doc-delete").click(timeout=TIMEOUT_MS)
        expect(page.locator("#qa-doc-result")).to_contain_text("Nothing deleted", timeout=TIMEOUT_MS)
        assert (app.corpus / "report.pdf").exists()
        page.locator("#qa-doc-pick input").click(timeout=TIMEOUT_MS)
        page.get_by_role("option", name=re.compile(TITLE)).click(timeout=TIMEOUT_MS)
        dialogs: list[str] = []
        page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
        page.locator("#qa-doc-delete").click(timeout=TIMEOUT_MS)
        expect(page.locator("#qa-doc-result")).to_contain_text("deleted report.pdf", timeout=TIMEOUT_MS)
        assert dialogs == ["Delete document report and its file from the corpus?"]
        expect(page.locator("#qa-doc-status")).to_contain_text("now answers from 5 documents", timeout=TIMEOUT_MS)
        expect(page.locator("#qa-doc-table")).not_to_contain_text("report.pdf", timeout=TIMEOUT_MS)
        assert not (app.corpus / "report.pdf").exists()

        page.get_by_role("tab", name="Chat").click(timeout=TIMEOUT_MS)
        _ask(page, app.local_url, QUESTION, reload=False)
        expect(page.locator(BOT)).to_have_count(2, timeout=TIMEOUT_MS)
        assert QUOTED not in page.locator(BOT).last.inner_text()
        assert TITLE not in page.locator(BOT).last.inner_text()
    finally:
        page.close()


def test_share_without_login_shows_read_only(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def] # noqa: F811
    from playwright.sync_api import expect

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    server = serve_with_documents(corpus, share=True)
    page = browser.new_page()
    try:
        _documents_tab(page, server.local_url)
        expect(page.locator("#qa-doc-readonly")).to_contain_text("Read-only", timeout=TIMEOUT_MS)
        expect(page.locator("#qa-doc-readonly")).to_contain_text("--auth", timeout=TIMEOUT_MS)
        expect(page.locator("#qa-doc-delete")).to_be_disabled(timeout=TIMEOUT_MS)
        assert page.locator("#qa-doc-upload input[type=file]").count() == 0
        # A zh-CN browser gets the tab in Simplified Chinese, like the chat.
        chinese = browser.new_context(locale="zh-CN").new_page()
        chinese.goto(server.local_url, timeout=TIMEOUT_MS)
        chinese.get_by_role("tab", name="文档").click(timeout=TIMEOUT_MS)
        expect(chinese.locator("#qa-doc-readonly")).to_contain_text("只读。", timeout=TIMEOUT_MS)
        expect(chinese.locator("#qa-doc-readonly")).to_contain_text("--auth", timeout=TIMEOUT_MS)
        expect(chinese.locator("#qa-doc-status")).to_contain_text("对话现在依据 5 篇文档", timeout=TIMEOUT_MS)
        expect(chinese.locator("#qa-doc-table")).to_contain_text("标题", timeout=TIMEOUT_MS)
        expect(chinese.locator("#qa-doc-delete")).to_have_text("删除文档", timeout=TIMEOUT_MS)
        chinese.context.close()
    finally:
        page.close()
        server.demo.close()


@pytest.mark.skipif(os.environ.get("MAKE_SCREENSHOT") != "1", reason="set MAKE_SCREENSHOT=1 to refresh it")
def test_make_documents_screenshot(browser, app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def] # noqa: F811
    """docs/documents-tab.png: the tab after one upload was indexed."""
    from playwright.sync_api import expect

    from tests.document_files import make_pdf

    upload = make_pdf(tmp_path / "援藏报告.pdf")
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    try:
        _documents_tab(page, app.local_url)
        page.locator("#qa-doc-upload input[type=file]").set_input_files(str(upload), timeout=TIMEOUT_MS)
        expect(page.locator("#qa-doc-status")).to_contain_text("now answers from 6", timeout=TIMEOUT_MS)
        toast = page.locator(".toast-close")
        if toast.count():
            toast.first.click()
        expect(page.locator(".toast-body")).to_have_count(0, timeout=TIMEOUT_MS)
        expect(page.locator("#qa-heading")).to_contain_text("6 documents", timeout=TIMEOUT_MS)
        target = REPO / "docs" / "documents-tab.png"
        page.screenshot(path=str(target), full_page=True)
    finally:
        page.close()
