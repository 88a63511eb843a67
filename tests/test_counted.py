"""The number that answers an English how-many question, and its unit."""

from __future__ import annotations

import pytest

from qa.answer.counted import counted_number
from qa.textnorm import search_form


def _counted(sentence: str, groups: list[tuple[str, ...]], *, money: bool = False) -> str | None:
    form = search_form(sentence)
    found = counted_number(form, groups, money=money)
    return None if found is None else sentence[found[0]:found[1]]


@pytest.mark.parametrize(("sentence", "groups", "expected"), [
    # the counted noun right after the number
    ("規劃安排的48個項目已全部啟動，其中10個項目已竣工，38個正在加緊實施。", [("项目",), ("竣工",)], "10個"),
    # the verb before the count wins a tie with the text between two numbers
    ("從原來一週接診1人到現在單日最多接診300人。", [("病人",), ("现在",), ("最多",), ("单", "一")], "300人"),
    # dates and school grades are not counts
    ("20名“組團式”援藏教師自2022年7月中旬到達學校。", [("教师",), ("学校",)], "20名"),
    ("萨汗镇第二小学四年级学生说,书院有12个功能区。", [("学生",), ("功能",)], "12个"),
    # the question's own number (three sessions) is not the answer
    ("分3期組織共計100餘名醫務人員參加培訓。", [("3", "三"), ("医务人员",), ("培训",)], "100餘名"),
    # units kept with the number
    ("累計引進各類急需專業技術人才5565人次。", [("人才",), ("引进",)], "5565人次"),
    ("配備健康管家提供24小時諮詢。", [("咨询",), ("健康",)], "24小時"),
    ("先後赴多個城市開展調研考察13次，積極對接40餘家企業。", [("城市",), ("调研", "考察")], "13次"),
])
def test_the_number_the_question_words_surround(sentence: str, groups: list[tuple[str, ...]], expected: str) -> None:
    assert _counted(sentence, groups) == expected


def test_a_money_question_takes_only_a_sum() -> None:
    sentence = "48個項目已全部啟動，完成投資2.68億元。"
    assert _counted(sentence, [("项目",), ("投资",)], money=True) == "2.68億元"
    assert _counted("書院占地3148平方米。", [("书院",)], money=True) is None


def test_no_number_no_answer() -> None:
    assert _counted("學生們表演了一曲《梨花頌》。", [("学生",)]) is None


def test_an_english_how_many_answer_marks_the_counted_number() -> None:
    from qa.answer.answering import answer_from
    from qa.settings import Settings
    from qa.types import Chunk, Hit, Retrieval

    text = "目前，規劃安排的48個項目已全部啟動，其中10個項目已竣工，38個正在加緊實施，完成投資2.68億元。"
    chunk = Chunk("d#0", "d", 0, text, "河北援藏紀實", 0, len(text))
    retrieval = Retrieval("How many projects have been completed?", [Hit(chunk, 1.0, 1, 0.8, 1.0)], None, None,
                          {"项目": 2.0, "竣工": 3.0}, word_groups=(("项目",), ("竣工", "完成")))
    answer = answer_from(retrieval, encoder=None, settings=Settings(answer_threshold=0.0))
    assert answer.quote is not None and answer.quote.exact == "10個"
    assert text[answer.quote.exact_start:answer.quote.exact_end] == "10個"
