"""The chat in a real browser: headless Debian Chromium driven by Playwright.

Needs ``/usr/bin/chromium`` (``apt-get install -y chromium``). Without it these tests skip
on a developer machine and fail in CI (``CI`` set), so CI cannot pass by skipping.

Screenshots of the chat are made by ``tests/test_browser_trust.py`` (``MAKE_SCREENSHOT=1``).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import CORPUS, FakeEncoder, fake_settings

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 60_000
QUESTION = "河北省投入了多少援藏資金？"
BOT = "#qa-chat [data-testid='bot']"
EVIL = ("測試段落說明援藏資金的用途<script>alert(1)</script>，"
        "圖片<img src=x onerror=alert(1)>與連結[x](javascript:alert(1))都只是文字。")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def browser() -> Iterator:
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing; apt-get install -y chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def _served(engine, **kwargs):  # type: ignore[no-untyped-def]
    from qa.interface import serving as app
    from qa.interface.ui import build_ui

    return app.serve(build_ui(engine, **kwargs), host="127.0.0.1", port=_free_port(), block=False)


@pytest.fixture(scope="module")
def corpus_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    from qa.engine import QA

    # The fake encoder's cosines lie far below a real model's: its own band and a low threshold.
    engine = QA.build(CORPUS, tmp_path_factory.mktemp("browser") / "index", encoder=FakeEncoder(),
                      settings=fake_settings())
    server = _served(engine)
    try:
        yield server
    finally:
        server.demo.close()


def _ask(page, url: str, question: str, *, reload: bool = True, open_page=None):  # type: ignore[no-untyped-def]
    """Open the app (unless already open), type ``question``, press Enter; the bot's reply element.

    ``open_page(page, url)`` opens the app when the caller must wait for more than the page itself.
    """
    if reload:
        (open_page or (lambda pg, u: pg.goto(u, timeout=TIMEOUT_MS)))(page, url)
    box = page.locator("#qa-question textarea")
    box.wait_for(timeout=TIMEOUT_MS)
    before = page.locator(BOT).count()
    box.fill(question)
    box.press("Enter")
    wait_for_replies(page, before + 1)
    return page.locator(BOT).last


def wait_for_replies(page, count: int) -> None:  # type: ignore[no-untyped-def]
    """Wait until the chat shows ``count`` replies, none of them still a placeholder."""
    page.wait_for_function(
        """(count) => {
            const bots = document.querySelectorAll("#qa-chat [data-testid='bot']");
            return bots.length >= count && ![...bots].some(b => b.querySelector('.qa-pending'));
        }""", arg=count, timeout=TIMEOUT_MS)


def test_question_shows_quote_and_citation(browser, corpus_app) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    try:
        reply = _ask(page, corpus_app.local_url, QUESTION)
        text = reply.inner_text(timeout=TIMEOUT_MS)
        assert "1950" in text
        assert "[1]" in text and "援藏工作隊工作紀實" in text and "¶" in text
        assert reply.locator("blockquote mark").first.is_visible()
        assert "1950" in reply.locator("blockquote mark").first.inner_text()
        assert page.locator("#qa-chat [data-testid='user']").last.inner_text() == QUESTION
    finally:
        page.close()


def test_question_typed_while_the_page_loads_is_answered(browser, corpus_app) -> None:  # type: ignore[no-untyped-def]
    # The page's load event and the first question arrive together for a new session; Gradio
    # creates session state without a lock, so the chat must not keep its turns there.
    for _ in range(4):
        page = browser.new_page()
        try:
            page.goto(corpus_app.local_url, timeout=TIMEOUT_MS, wait_until="commit")
            box = page.locator("#qa-question textarea")
            box.wait_for(timeout=TIMEOUT_MS)
            box.fill(QUESTION)
            box.press("Enter")
            wait_for_replies(page, 1)
            assert page.locator("#qa-chat [data-testid='user']").count() == 1
            assert "1950" in page.locator(BOT).last.inner_text(timeout=TIMEOUT_MS)
        finally:
            page.close()


# Example questions are checked with the real model (the fake encoder is never confident):
# tests/test_browser_trust.py::test_example_question_fills_the_box.


def test_document_markup_renders_inert(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from qa.engine import QA

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "evil.txt").write_text(f"惡意測試頁面[t](javascript:alert(2))\n\n{EVIL}\n", encoding="utf-8")
    (corpus / "plain.txt").write_text("普通頁面\n\n今天天氣很好，適合出門散步。\n", encoding="utf-8")
    # The fake encoder's cosines lie far below a real model's: its own band and a low threshold.
    engine = QA.build(corpus, tmp_path / "index", encoder=FakeEncoder(),
                      settings=fake_settings())
    server = _served(engine)
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        reply = _ask(page, server.local_url, "援藏資金的用途是什麼？")
        reply.locator("blockquote").first.wait_for(timeout=TIMEOUT_MS)
        reply.locator("summary").first.wait_for(timeout=TIMEOUT_MS)
        # Open every collapsed passage so nothing stays unrendered.
        reply.evaluate("node => node.querySelectorAll('details').forEach(d => { d.open = true; })")
        page.wait_for_timeout(300)
        text = reply.inner_text(timeout=TIMEOUT_MS)
        assert "援藏資金" in text and "[1]" in text
        # The markup shows as the characters the document holds.
        for literal in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                        "[x](javascript:alert(1))"):
            assert literal in text
        assert dialogs == []
        chat = page.locator("#qa-chat")
        assert chat.locator("script").count() == 0
        assert chat.locator("img[onerror], img[src='x']").count() == 0
        assert chat.locator("a[href^='javascript' i]").count() == 0
        assert page.evaluate("document.querySelectorAll('[onerror],[onmouseover],[onclick]').length") == 0
    finally:
        page.close()
        server.demo.close()
