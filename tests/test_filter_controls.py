"""The chat's filter settings: controls to filter dict, replies under a filter, the controls on the page."""

from __future__ import annotations

import pytest

from qa import QA
from qa.interface.filter_controls import document_choices, filter_summary, filters_from_controls
from qa.interface.ui import build_ui, respond
from tests.conftest import FakeEncoder


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> QA:
    root = tmp_path_factory.mktemp("ui-filters")
    for folder, name, date, text in (
        ("2023", "a", "2023-05-01", "阿里地区援藏资金投入三千万元，用于修建医院。"),
        ("2024/q1", "b", "2024-02-10", "噶尔县援藏资金投入五千万元，用于修建学校。"),
        ("misc", "c", "2024-07-01", "普兰县牧民收入增长百分之十二。"),
    ):
        path = root / "corpus" / folder / f"{name}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"报道{name}\n\n发布时间：{date}\n\n{text}\n", encoding="utf-8")
    return QA.build(root / "corpus", root / "index", encoder=FakeEncoder())


def test_controls_become_the_engine_filter_dict() -> None:
    assert filters_from_controls() is None and filters_from_controls([], [], " ", "") is None
    assert filters_from_controls(["2023/a"], ["misc"], "2024", "2024-06") == {
        "doc_id": ["2023/a"], "folder": ["misc"], "date": {"gte": "2024", "lte": "2024-06"}}


def test_choices_and_summary(engine: QA) -> None:
    assert document_choices(engine) == [("报道a (a.txt)", "2023/a"), ("报道b (b.txt)", "2024/q1/b"),
                                        ("报道c (c.txt)", "misc/c")]
    assert engine.folders() == ["2023", "2024/q1", "misc"]
    assert filter_summary(None, engine) == "Searching all 3 documents."
    assert filter_summary(filters_from_controls(["2023/a"], None, "", "2024"), engine) == \
        "Searching only: 1 chosen document(s); dated … to 2024."
    assert filter_summary(filters_from_controls(None, ["2023", "misc"]), engine, lang="zh-Hans") == \
        "只检索：文件夹 2023 或 misc。"
    assert filter_summary(None, engine, lang="zh-Hant") == "檢索全部 3 篇文件。"


def test_replies_follow_the_filters(engine: QA) -> None:
    everywhere = respond(engine, "援藏资金投入了多少？", [], 5, True, False)
    assert "三千万元" in everywhere and "五千万元" in everywhere
    only_2024 = respond(engine, "援藏资金投入了多少？", [], 5, True, False, {"date": {"gte": "2024"}})
    assert "五千万元" in only_2024 and "三千万元" not in only_2024
    nothing = respond(engine, "援藏资金投入了多少？", [], 5, True, False, {"folder": ["2030"]})
    assert "No indexed document matches the filters" in nothing and "万元" not in nothing
    bad = respond(engine, "援藏资金投入了多少？", [], 5, True, False, {"date": {"gte": "last year"}})
    assert "Check the filters in Settings" in bad and "YYYY" in bad


def test_the_page_has_the_filter_controls(engine: QA) -> None:
    demo = build_ui(engine)
    by_id = {getattr(block, "elem_id", None): block for block in demo.blocks.values()}
    docs, folders = by_id["qa-filter-docs"], by_id["qa-filter-folders"]
    assert docs.multiselect and [value for _, value in docs.choices] == ["2023/a", "2024/q1/b", "misc/c"]
    assert [value for _, value in folders.choices] == ["2023", "2024/q1", "misc"]
    assert {"qa-filter-from", "qa-filter-to", "qa-filter-summary"} <= set(by_id)
