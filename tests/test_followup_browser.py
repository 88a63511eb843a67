"""A follow-up question in the chat, in headless Chromium: two turns, the second read in context.

Starts the app and drives the browser as tests/test_browser.py does (same fixture and helpers).
"""

from __future__ import annotations

import pytest

from tests.test_browser import BOT, TIMEOUT_MS, _ask, browser, corpus_app  # noqa: F401  (fixtures)

pytestmark = pytest.mark.e2e


def test_second_turn_is_read_as_a_follow_up(browser, corpus_app) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from playwright.sync_api import expect

    page = browser.new_page()
    try:
        first = _ask(page, corpus_app.local_url, "塔孜洪乡中心卫生院院长是谁？")
        expect(first).to_contain_text("许多良", timeout=TIMEOUT_MS)
        assert "理解" not in first.inner_text()  # the first question stood alone
        _ask(page, corpus_app.local_url, "该院原来一周接诊多少人？", reload=False)
        replies = page.locator(BOT)
        expect(replies).to_have_count(2, timeout=TIMEOUT_MS)
        second = replies.nth(1)
        expect(second).to_contain_text("理解为：塔孜洪乡中心卫生院原来一周接诊多少人？", timeout=TIMEOUT_MS)
        expect(second.locator("blockquote mark").first).to_contain_text("一周接诊1人", timeout=TIMEOUT_MS)
        # "Clear chat" forgets the conversation: the same words now stand alone.
        page.get_by_role("button", name="Clear chat").click(timeout=TIMEOUT_MS)
        expect(replies).to_have_count(0, timeout=TIMEOUT_MS)
        _ask(page, corpus_app.local_url, "该院原来一周接诊多少人？", reload=False)
        expect(replies).to_have_count(1, timeout=TIMEOUT_MS)
        expect(replies.first).not_to_contain_text("理解", timeout=TIMEOUT_MS)
    finally:
        page.close()
