"""The chat's filter settings in Chromium: a date range in Settings restricts the answer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import FakeEncoder, fake_settings
from tests.test_browser import TIMEOUT_MS, _ask, _served, browser  # noqa: F401  (browser is a fixture)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    from qa.engine import QA

    root = tmp_path_factory.mktemp("filters-browser")
    for folder, name, date, text in (("2023", "a", "2023-05-01", "阿里地区援藏资金投入三千万元，用于修建医院。"),
                                     ("2024", "b", "2024-02-10", "噶尔县援藏资金投入五千万元，用于修建学校。")):
        path = root / "corpus" / folder / f"{name}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"报道{name}\n\n发布时间：{date}\n\n{text}\n", encoding="utf-8")
    engine = QA.build(root / "corpus", root / "index", encoder=FakeEncoder(), settings=fake_settings())
    server = _served(engine)
    try:
        yield server
    finally:
        server.demo.close()


def test_a_date_range_in_settings_restricts_the_answer(browser, app) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from playwright.sync_api import expect

    page = browser.new_page()
    try:
        page.goto(app.local_url, timeout=TIMEOUT_MS)
        page.get_by_text("Settings").first.click(timeout=TIMEOUT_MS)
        page.locator("#qa-filter-from textarea, #qa-filter-from input").first.fill("2024")
        expect(page.locator("#qa-filter-summary")).to_contain_text("dated 2024 to", timeout=TIMEOUT_MS)
        reply = _ask(page, app.local_url, "援藏资金投入了多少？", reload=False)
        expect(reply).to_contain_text("五千万元", timeout=TIMEOUT_MS)
        assert "三千万元" not in reply.inner_text(timeout=TIMEOUT_MS)
        page.locator("#qa-filter-from textarea, #qa-filter-from input").first.fill("2030")
        expect(page.locator("#qa-filter-summary")).to_contain_text("dated 2030 to", timeout=TIMEOUT_MS)
        reply = _ask(page, app.local_url, "援藏资金投入了多少？", reload=False)
        expect(page.locator("#qa-chat [data-testid='bot']").last).to_contain_text(
            "No indexed document matches the filters", timeout=TIMEOUT_MS)
    finally:
        page.close()

