"""The English -> Chinese lexical bridge: names by pinyin, words by CC-CEDICT, the vocabulary filter."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest

from qa import QA
from qa.index.bridge import MAX_PER_WORD, LexicalBridge, bridge_for, warm_english
from qa.index.cedict import definition_key, definition_keys, english_to_chinese
from qa.index.english_forms import lemmas, word_forms
from qa.index.lexical_tokens import tokenize
from qa.index.pinyin_names import PinyinNames, pinyin_key
from tests.conftest import FakeEncoder, fake_settings
from tests.store_locations import STORES, make_location

TRADITIONAL = "區黨委副書記鄧小剛主持召開自治區人民政府專題會議。塔孜洪鄉中心衛生院院長許多良介紹。"


def _bridge(text: str) -> LexicalBridge:
    """A bridge over the words BM25 would index for ``text``."""
    return LexicalBridge(tokenize(text))


def test_a_name_written_in_traditional_characters_is_found_by_its_pinyin() -> None:
    bridged = _bridge(TRADITIONAL).translate("What did Deng Xiaogang say?")
    assert [(t.english, t.chinese, t.how) for t in bridged.terms] == [("Deng Xiaogang", ("邓小刚",), "pinyin")]


def test_the_same_name_in_simplified_characters_gives_the_same_word() -> None:
    assert _bridge("邓小刚主持会议").translate("Deng Xiaogang").words == ("邓小刚",)


def test_a_place_is_found_without_its_administrative_suffix() -> None:
    assert "塔孜洪乡" in _bridge(TRADITIONAL).translate("the Tazihong township health centre").words


def test_a_name_jieba_cut_in_two_is_found_in_the_text() -> None:
    vocabulary = tokenize(TRADITIONAL)
    assert "许多良" not in vocabulary and {"许多", "良"} <= set(vocabulary)
    bridge = LexicalBridge(vocabulary, texts=lambda: [TRADITIONAL])
    assert bridge.translate("What did Xu Duoliang say?").words == ("许多良",)
    assert LexicalBridge(vocabulary).translate("What did Xu Duoliang say?").terms == ()  # no text to check


def test_pieces_that_never_stand_together_in_the_text_are_not_a_name() -> None:
    names = PinyinNames.from_terms(["许多", "良", "两"])
    assert names.find_split("Xu Duoliang", lambda s: s in "许多人，良好") == ()
    assert names.find_split("Xu Duoliang", lambda s: s in "有许多两") == ("许多两",)


def test_pinyin_needs_two_characters_and_ignores_case_and_spaces() -> None:
    names = PinyinNames.from_terms(["邓", "等", "邓小刚", "绿色"])
    assert names.find("deng") == ()
    assert names.find("DENG xiao gang") == ("邓小刚",)
    assert names.find("Lüse") == names.find("lvse") == ("绿色",)
    assert pinyin_key("Xi'an") == "xian"


def test_dictionary_words_and_phrases_become_index_words() -> None:
    bridged = _bridge(TRADITIONAL).translate("Who presided over the meeting of the people's government?")
    assert bridged.words == ("主持", "会议", "人民", "政府")
    assert {t.how for t in bridged.terms} == {"dictionary"}


def test_translations_the_documents_never_use_are_dropped() -> None:
    with_meeting = LexicalBridge(["会议", "会面"]).translate("meeting").words
    without = LexicalBridge(["会面"]).translate("meeting").words
    assert with_meeting[0] == "会议" and without == ("会面",)
    assert LexicalBridge(["河北"]).translate("How do I bake sourdough bread?").terms == ()


def test_one_character_words_give_way_to_longer_ones_and_each_word_is_capped() -> None:
    assert LexicalBridge(["会", "会议"]).translate("meeting").words == ("会议",)
    assert LexicalBridge(["会"]).translate("meeting").words == ("会",)
    many = LexicalBridge(english_to_chinese()["route"]).translate("route").words
    assert len(many) == MAX_PER_WORD


def test_numbers_and_latin_words_the_documents_contain_are_kept() -> None:
    bridged = _bridge("2021年建立EICU").translate("Which unit was set up in 2021, the EICU?")
    assert {"2021", "eicu"} <= set(bridged.words)


@pytest.mark.parametrize("question", ["河北投入了多少援藏资金？", "河北 investment", "？！", "12", ""])
def test_no_bridge_without_latin_words_or_with_chinese_ones(question: str) -> None:
    assert _bridge(TRADITIONAL + "河北投资").translate(question).text == ""


def test_question_words_are_not_translated() -> None:
    assert LexicalBridge(["什么", "多少", "谁", "有"]).translate("Who has what, and how much?").terms == ()


def test_definition_keys() -> None:
    assert definition_key("to invest") == "invest"
    assert definition_key("CL:個|个[ge4]") is None
    assert definition_key("a very long explanation of a word in many words") is None
    assert definition_keys("Lhasa, capital city of Tibet") == ["lhasa"]
    assert "shigatse" in definition_keys("Shigatse or Xigazê, Tibetan: Gzhis ka rtse, second city of Tibet")


def test_a_hyphenated_meaning_is_also_a_key_with_a_space() -> None:
    """CC-CEDICT writes "vice-president" (副院长); people type "vice president"."""
    assert definition_keys("vice-president (of a university etc)") == ["vice-president", "vice president"]
    assert "副院长" in english_to_chinese({"副院长"})["vice president"]


def test_a_meaning_followed_by_examples_is_a_key() -> None:
    """CC-CEDICT defines 自治区 as "autonomous region, namely: Inner Mongolia ..."."""
    assert definition_key("autonomous region, namely: Inner Mongolia 内蒙古自治区[...]") == "autonomous region"
    assert definition_key("fish, e.g. carp") == "fish"
    assert definition_key("used in place names, esp. in 浙江[Zhe4 jiang1]") is None


def test_a_plural_meaning_is_found_by_its_singular_after_exact_meanings() -> None:
    """财政 is defined as "finances (public)"; a question says "finance"."""
    found = english_to_chinese({"财政", "金融"})
    assert found["finance"] == ("金融", "财政")  # 金融 is defined as "finance" itself
    assert found["finances"] == ("财政",)


def test_one_character_words_count_for_coverage_but_are_not_searched() -> None:
    """卫 ("health") is in 卫生院 where 健康 and 卫生 are not; BM25 would match 会 everywhere."""
    query = LexicalBridge(["卫", "卫生", "健康", "会", "会议", "县"]).translate("Which county had the health meeting?")
    assert query.words == ("县", "健康", "卫生", "会议")
    assert query.word_groups[1:] == (("健康", "卫生", "卫"), ("会议", "会"))
    aid = LexicalBridge(["援藏", "干部", "援助"]).translate("How many aid cadres?")
    assert aid.words == ("援助", "干部")
    assert "援" in aid.word_groups[0]  # in 援藏 and 援疆, although no index word is 援 alone


def test_word_forms() -> None:
    assert "project" in word_forms("projects") and "city" in word_forms("cities")
    assert "invest" in word_forms("invested") and "plan" in word_forms("planned")
    assert "center" in word_forms("centre") and "check-up" in word_forms("check-ups")


def test_word_forms_undo_irregular_inflections() -> None:
    """Suffix rules cannot undo held, took, children or largest; the lemma tables can."""
    assert word_forms("held")[:2] == ["held", "hold"]
    assert "take" in word_forms("took") and "child" in word_forms("children")
    assert "large" in word_forms("largest") and "build" in word_forms("built")
    assert lemmas("Yingjisha") == () and lemmas("hospital") == ()


def test_irregular_words_find_their_chinese_words() -> None:
    bridge = LexicalBridge(["举行", "会议", "儿童", "参加"])
    assert set(bridge.translate("Where was the meeting held?").words) == {"会议", "举行"}
    assert bridge.translate("How many children took part?").words == ("儿童", "参加")


@pytest.mark.parametrize("store", STORES)
def test_the_engine_searches_bm25_with_the_bridged_words(tmp_path: Path, store: str) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("區黨委副書記鄧小剛主持召開自治區人民政府專題會議。", encoding="utf-8")
    (corpus / "b.txt").write_text("河北省投入援藏資金1950萬元，用于婦幼保健院建設。", encoding="utf-8")
    engine = QA.build(corpus, make_location(store, tmp_path), encoder=FakeEncoder(),
                      settings=fake_settings(mode="bm25"))
    assert {"邓小刚", "主持", "会议"} <= set(engine._view.terms())
    hits = engine.search("What did Deng Xiaogang preside over?", k=2)
    assert hits and hits[0].chunk.text.startswith("區黨委")
    off = QA(engine.index_dir, engine.encoder, engine.settings.with_(english_bridge=False))
    assert off.search("What did Deng Xiaogang preside over?", k=2) == []


def test_warm_english_prepares_the_bridge_of_the_open_version(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("鄧小剛主持召開專題會議。", encoding="utf-8")
    engine = QA.build(corpus, tmp_path / "index", encoder=FakeEncoder(), settings=fake_settings())
    bridge = bridge_for(engine._view)
    assert bridge._names is None and bridge._dictionary is None
    warm_english(engine)
    assert bridge._names is not None and bridge._dictionary is not None
    assert bridge_for(engine._view) is bridge


def test_a_bridge_does_not_keep_its_index_version_alive(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("鄧小剛主持召開專題會議。", encoding="utf-8")
    engine = QA.build(corpus, tmp_path / "index", encoder=FakeEncoder(), settings=fake_settings())
    engine.search("What did Deng Xiaogang preside over?", k=1)
    version = weakref.ref(engine._view)
    assert bridge_for(engine._view) is not None
    engine._load_version()  # what a reload does: the engine lets go of the old version
    gc.collect()
    assert version() is None


def test_the_dictionary_is_parsed_once_when_first_questions_arrive_together(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import threading
    import time
    from functools import lru_cache

    from qa.index import cedict

    parses = []

    @lru_cache(maxsize=1)
    def slow_parse() -> tuple:
        parses.append(1)
        time.sleep(0.2)  # long enough for the second thread to arrive while the first parses
        return (("会议", ("meeting",)),)

    monkeypatch.setattr(cedict, "_parsed", slow_parse)
    threads = [threading.Thread(target=cedict.cedict_entries) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(parses) == 1


def test_a_word_after_a_determiner_is_looked_up_as_a_noun() -> None:
    bridge = LexicalBridge(["形成", "形式", "会议"])
    assert bridge.translate("In what form was the meeting held?").terms[0].chinese[0] == "形式"
    assert bridge.translate("How did they form the team?").terms[0].chinese[0] == "形成"  # a verb
