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


def test_bridged_words_pick_between_sentences_about_as_close() -> None:
    import numpy as np

    from qa.answer.features import build_candidates
    from qa.answer.reader import closest_sentence
    from qa.types import Chunk, Hit, Retrieval

    text = "河北省第十批援藏工作隊充分發揮優勢。協調阿里地區財政籌措資金560萬元。"
    chunk = Chunk("d#0", "d", 0, text, None, 0, len(text))
    hit = Hit(chunk, 1.0, 1, 0.8, 1.0)
    query = np.asarray([1.0, 0.0])
    retrieval = Retrieval("How much did Ngari finance raise?", [hit], query, None, {"筹措": 3.0, "财政": 2.0})
    cands = build_candidates(retrieval, passages=1, band=(0.7, 0.85))

    def embed(texts: list[str]) -> np.ndarray:  # the first sentence a little closer by cosine
        return np.asarray([[0.83, 0.0], [0.80, 0.0]][: len(texts)])

    first, _ = closest_sentence(cands, hit, query, embed, limit=8, band=(0.7, 0.85))
    chosen, gain = closest_sentence(cands, hit, query, embed, limit=8, band=(0.7, 0.85),
                                    words=retrieval.term_weights)
    assert cands.items[first].start == 0
    assert "560" in text[cands.items[chosen].start:cands.items[chosen].end]
    assert gain == pytest.approx((0.80 - 0.8) / 0.15)
