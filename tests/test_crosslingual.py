"""Answers to English questions must hold the kind of thing asked for (qa.answer.crosslingual)."""

from __future__ import annotations

import pytest

from qa.answer.crosslingual import KIND_MISSING_CAP, asked_kind_missing, checked_confidence


@pytest.mark.parametrize(("question", "sentence", "missing"), [
    ("How many students attend the school?", "學生們表演了一曲《梨花頌》。", True),
    ("How many patients a day?", "現在單日最多接診300人。", False),
    ("When did the team enter Tibet?", "自2022年7月13日進藏以來，工作隊充分發揮優勢。", False),
    ("When did the team enter Tibet?", "工作隊充分發揮援藏優勢。", True),
    ("Who is the deputy director of the hospital?", "阿里地區婦幼保健院副院長程策告訴記者。", False),
    ("What form did the meeting take?", "會議以電視電話會議形式召開。", False),  # "what" asks for no kind
])
def test_asked_kind_missing(question: str, sentence: str, missing: bool) -> None:
    assert asked_kind_missing(question, sentence) is missing


def test_a_name_the_question_already_gives_is_not_the_answer() -> None:
    sentence = "區黨委副書記鄧小剛主持召開專題會議。"
    assert not asked_kind_missing("Who presided over the meeting?", sentence)
    assert asked_kind_missing("Who did Deng Xiaogang meet?", sentence, known=["邓小刚", "会议"])


def test_checked_confidence_caps_only_when_the_kind_is_missing() -> None:
    assert checked_confidence(0.9, "How many students?", "學生們表演了節目。") == KIND_MISSING_CAP
    assert checked_confidence(0.9, "How many students?", "學生1200名。") == 0.9
    assert checked_confidence(0.1, "How many students?", "學生們表演了節目。") == 0.1
