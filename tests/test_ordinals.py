"""Enumeration markers written one way (第二点 = 二要 = 其二 = 其次), and the reader finding the point asked for."""

from __future__ import annotations

import pytest

from qa.answer.answering import answer_from
from qa.answer.ordinals import ordinal_form, ordinal_markers, ordinal_weights, point_start
from qa.answer.reader import load_reader, read
from qa.index.lexical_tokens import question_terms
from qa.settings import Settings
from qa.textnorm import search_form
from qa.types import Answer, Chunk, Hit, Retrieval


def _ordinal(text: str) -> str:
    return ordinal_form(search_form(text))


@pytest.mark.parametrize(("text", "expected"), [
    # Questions: 第N with a word counting points, in either script.
    ("鄧小剛要求的第二點是什麼？", "邓小刚要求的第二点是什么?"),
    ("邓小刚要求的第二条是什么？", "邓小刚要求的第二点是什么?"),
    ("第二項要求是什麼", "第二点要求是什么"),
    ("第二個方面是什么", "第二点是什么"),
    ("那第二個呢？", "那第二点呢?"),
    ("第2点是什么", "第二点是什么"),
    ("最後一條是什麼", "最后一点是什么"),
    # Sentences: the bare markers where a clause starts.
    ("鄧小剛要求,一要解放思想,深化改革。", "邓小刚要求,第一点解放思想,深化改革。"),
    ("二要簡政放權,激發活力。", "第二点简政放权,激发活力。"),
    ("一是加強領導；二是完善機制", "第一点加强领导;第二点完善机制"),
    ("其一，要團結；其二，要奉獻", "第一点,要团结;第二点,要奉献"),
    ("首先，我代表市委", "第一点,我代表市委"),
    ("其次，要加強管理", "第二点,要加强管理"),
    ("再次，要落实", "第三点,要落实"),
    ("最後，希望大家", "最后一点,希望大家"),
    ("第一，提高站位。", "第一点,提高站位。"),
    ("二、加強領導", "第二点、加强领导"),
    ("（三）落實責任", "第三点落实责任"),
    ("十二是完善制度", "第十二点完善制度"),
])
def test_enumeration_markers_become_one_form(text: str, expected: str) -> None:
    assert _ordinal(text) == expected


@pytest.mark.parametrize("text", [
    "河北省第十批援藏工作隊",  # a batch, not a point
    "仁增江措排名第一。",  # a rank inside a clause
    "第一個國學書院",  # 个 counting a school
    "其一生致力於教育",  # 其 = his
    "1、2月份",  # digits listing months
    "一要素",
    "統一是目標",  # 一是 inside a word
])
def test_other_uses_of_numerals_stay_as_written(text: str) -> None:
    assert _ordinal(text) == search_form(text)


def test_every_way_of_saying_second_matches_the_question() -> None:
    asked = _ordinal("鄧小剛要求的第二點是什麼？")
    for sentence in ("二要簡政放權", "二是簡政放權", "其二，簡政放權", "其次，簡政放權", "第二，簡政放權",
                     "二、簡政放權", "第二條：簡政放權"):
        assert "第二点" in _ordinal(sentence) and "第二点" in asked, sentence
    assert "第二点" not in _ordinal("一要解放思想")


def test_the_words_of_a_marker_give_their_weight_to_the_marker() -> None:
    form = search_form("鄧小剛要求的第二點是什麼？")
    weights = ordinal_weights(form, {"邓小刚": 5.0, "要求": 1.0, "第二": 3.0, "点": 1.0})
    assert weights == {"邓小刚": 5.0, "要求": 1.0, "第二点": 4.0}
    plain = {"河北": 2.0, "援藏": 3.0}
    assert ordinal_weights(search_form("河北援藏多少年"), plain) == plain


def _retrieval(question: str, text: str) -> Retrieval:
    chunk = Chunk("d#0", "d", 0, text, "日喀則會議", 0, len(text))
    weights = {t: 1.0 + len(t) for t in question_terms(question)}
    return Retrieval(question, [Hit(chunk, 1.0, 1, 0.85, 1.0)], None, None, weights)


@pytest.mark.parametrize("question", ["鄧小剛要求的第二點是什麼？", "邓小刚要求的第二条是什么？",
                                      "鄧小剛要求的第二項是什麼？"])
def test_the_reader_quotes_the_point_asked_for(question: str) -> None:
    text = ("鄧小剛主持召開會議。鄧小剛要求，一要解放思想，深化改革。二要簡政放權，激發活力。"
            "三要明確職責，建立機制。")
    settings = Settings()
    reading = read(_retrieval(question, text), load_reader(), passages=settings.answer_passages,
                   band=(settings.dense_floor, settings.dense_ceiling),
                   crosslingual_band=(settings.crosslingual_floor, settings.crosslingual_ceiling))
    best = reading.candidates.items[reading.best]
    assert text[best.start:best.end] == "二要簡政放權，激發活力。"


def test_markers_and_where_a_point_starts() -> None:
    assert ordinal_markers(search_form("鄧小剛提出的第四點要求是什麼？")) == {"第四点"}
    assert ordinal_markers(search_form("最後一條是什麼")) == {"最后一点"}
    assert ordinal_markers(search_form("河北省第十批援藏工作隊有多少人")) == frozenset()
    assert point_start(search_form("四要加強宣傳，營造氛圍。"), frozenset({"第四点"})) == 2
    assert point_start(search_form("（三）落實責任"), frozenset({"第三点"})) == 3
    assert point_start(search_form("三要明確職責"), frozenset({"第四点"})) is None


LIST = ("鄧小剛主持召開會議並講話。鄧小剛要求，一要解放思想，深化改革，鄧小剛要求各部門提高認識。"
        "二要簡政放權，激發活力。三要明確職責，建立機制。四要加強宣傳，營造氛圍。")


def _answer(question: str, texts: list[str]) -> Answer:
    chunks = [Chunk(f"d#{i}", "d", i, t, "日喀則會議", 0, len(t)) for i, t in enumerate(texts)]
    weights = {t: 1.0 + len(t) for t in question_terms(question)}
    hits = [Hit(c, 1.0 / (i + 1), i + 1, 0.85 - 0.01 * i, 1.0) for i, c in enumerate(chunks)]
    return answer_from(Retrieval(question, hits, None, None, weights), encoder=None,
                       settings=Settings(answer_threshold=0.0))


def test_the_answer_quotes_the_point_asked_for_with_its_words() -> None:
    answer = _answer("鄧小剛要求的第四點是什麼？", [LIST])
    quote = answer.quote
    assert quote is not None and quote.text == "四要加強宣傳，營造氛圍。"
    assert quote.exact == "加強宣傳，營造氛圍"
    assert quote.chunk.text[quote.exact_start:quote.exact_end] == quote.exact


def test_a_point_in_another_passage_of_the_document_leads_the_answer() -> None:
    first, rest = LIST.split("三要")
    answer = _answer("鄧小剛要求的第三點是什麼？", [first, "三要" + rest])
    assert answer.quote is not None and answer.quote.text == "三要明確職責，建立機制。"
    assert answer.passages[0].chunk.id == answer.quote.chunk.id == "d#1"
    assert [h.rank for h in answer.passages] == [1, 2]


def test_a_question_naming_no_point_keeps_the_readers_sentence() -> None:
    answer = _answer("鄧小剛要求什麼？", [LIST])
    assert answer.quote is not None and "四要" not in answer.quote.text


def test_the_last_point_of_a_list_not_called_last_is_its_highest() -> None:
    answer = _answer("鄧小剛要求的最後一條是什麼？", [LIST])
    assert answer.quote is not None and answer.quote.exact == "加強宣傳，營造氛圍"
