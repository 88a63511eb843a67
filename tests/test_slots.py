"""The question's slot (the words around its asking word) matched against sentences."""

from __future__ import annotations

import pytest

from qa.answer.slots import Slot, question_slot, slot_match
from qa.textnorm import search_form


@pytest.mark.parametrize(("question", "left", "right"), [
    ("会议以什么形式召开？", "会议以", "形式召开"),
    ("日喀則會議強調要提高什麼站位？", "议强调要提高", "站位"),  # Traditional reads as Simplified
    ("谁出席了会议？", "", "出席了会议"),
    ("国学公园占地多少亩？", "国学公园占地", "亩"),
    ("会议在哪里召开", "会议", "召开"),  # the glue 在 before the asking word is dropped
    ("请介绍一下这个公园", "", ""),  # no asking word, no slot
])
def test_question_slot(question: str, left: str, right: str) -> None:
    assert question_slot(search_form(question)) == Slot(left, right)


def test_a_short_sentence_that_fills_the_slot_fits() -> None:
    slot = question_slot(search_form("日喀則會議強調要提高什麼站位？"))
    fits = slot_match(slot, search_form("一要提高政治站位。"))
    assert (fits.left, fits.right, fits.fits) == (pytest.approx(3 / 6), 1.0, 1.0)  # 要提高 of 议强调要提高
    # The longer sentence shares more of the question but not the slot.
    other = slot_match(slot, search_form("會議強調,日喀則全市各級各部門要認真貫徹落實黨中央關於援藏工作方針政策"))
    assert other.fits == 0.0 and other.right == 0.0


def test_both_sides_need_room_for_the_answer_between_them() -> None:
    slot = Slot("会议以", "形式召开")
    assert slot_match(slot, "会议以电视电话会议形式召开").fits == 1.0
    assert slot_match(slot, "会议以形式召开").fits == 0.0  # nothing where the answer should be
    assert slot_match(slot, "形式召开的会议以后再说").fits == 0.0  # wrong order


def test_one_sided_slot_needs_text_on_the_missing_side() -> None:
    slot = question_slot("谁出席了会议")
    assert slot_match(slot, "副主席德吉出席会议。").fits == 1.0
    assert slot_match(slot, "出席会议的人很多。").fits == 0.0
    assert slot_match(Slot("", ""), "任何句子").fits == 0.0
