"""Questions asking for a measure (有多大, how high): the passage and sentence that give one."""

from __future__ import annotations

import pytest

from qa.answer.answering import answer_from
from qa.answer.measures import asked_units, measure_passage
from qa.index.lexical_tokens import question_terms
from qa.settings import Settings
from qa.textnorm import search_form
from qa.types import Chunk, Hit, Retrieval


@pytest.mark.parametrize(("question", "text", "gives"), [
    ("英吉沙县国学书院有多大？", "3148平方米的书院内设有12个功能区", True),
    ("國學公園占地面積是多少？", "占地78畝的國學公園", True),
    ("国学公园占地多少亩？", "建筑面积2080平方米", True),
    ("有的援疆同志坚守在海拔多高的牧区医院？", "坚守在海拔4000米的牧区医院", True),
    ("How high is the pastoral hospital?", "海拔4000米", True),
    ("What is the total area of the park?", "占地78亩", True),
    ("这条鱼的体长是多少？", "体长可达15公分", True),
    ("这条鱼有多重？", "体重可达3公斤", True),
    ("How big is the school?", "学校有1200名学生", False),  # a number, but no measure
])
def test_a_measure_question_and_the_units_that_answer_it(question: str, text: str, gives: bool) -> None:
    units = asked_units(question)
    assert units is not None
    assert (units.search(search_form(text)) is not None) == gives  # matched in search form


@pytest.mark.parametrize("question", [
    "张延清今年多大？",  # an age
    "毛利幸松丸被拥立为下任当主时多大？",
    "马特从科罗拉多大学获得了什么学位？",  # 多大 inside a name
    "阿拉巴马州州内面积最大的郡是哪一个？",  # asks a name
    "粮食作物播种面积约占全省总播种面积约多少比例？",  # asks a share
    "许多高校为什么迁出北京？",
    "How many students does the school have?",
])
def test_questions_that_ask_no_measure(question: str) -> None:
    assert asked_units(question) is None


def _hit(n: int, text: str) -> Hit:
    return Hit(Chunk(f"d#{n}", "d", n, text, "国学书院", 0, len(text)), 1.0 / (n + 1), n + 1, 0.85 - 0.01 * n, 1.0)


def test_the_passage_giving_the_measure_is_read_when_the_first_ones_give_none() -> None:
    hits = [_hit(0, "在英吉沙县，古色古香的国学书院别有一番天地。"), _hit(1, "国学书院成为新疆和山东的文化纽带。"),
            _hit(2, "学生们在国学书院体验了扎染。"), _hit(3, "3148平方米的书院内设有12个功能区。")]
    assert measure_passage("英吉沙县国学书院有多大？", hits, 3) == hits[3]
    assert measure_passage("英吉沙县国学书院有多大？", hits[:3], 3) is None  # no further passage
    assert measure_passage("国学书院是什么？", hits, 3) is None  # asks no measure
    assert measure_passage("英吉沙县国学书院有多大？", [hits[3], *hits[:3]], 3) is None  # already read


def test_the_quote_is_the_sentence_giving_the_measure() -> None:
    question = "国学书院有多大？"
    hits = [_hit(0, "英吉沙县的国学书院有多大的魅力？国学书院成为新疆和山东的文化纽带，影响很大。"),
            _hit(1, "3148平方米的书院内设有明德堂、大学堂等12个功能区。")]
    retrieval = Retrieval(question, hits, None, None, {t: 1.0 + len(t) for t in question_terms(question)})
    answer = answer_from(retrieval, encoder=None, settings=Settings().with_(answer_threshold=0.0))
    assert answer.quote is not None and answer.quote.exact == "3148平方米"
    assert answer.quote.chunk.id == "d#1" and answer.passages[0].chunk.id == "d#1"


def test_a_sentence_giving_no_measure_is_capped() -> None:
    from qa.answer.measures import measure_missing

    assert measure_missing("英吉沙县国学书院有多大？", "四年级学生说,在国学书院体验了扎染。")
    assert not measure_missing("英吉沙县国学书院有多大？", "3148平方米的书院内设有12个功能区。")
    assert not measure_missing("刘燕卿的任期是多长？", "任期五年。")  # a time, not a length
    assert not measure_missing("书院在哪里？", "书院")
    # The exact words may run on past the sentence with the measure.
    assert not measure_missing("鸡毛松有多高？", "是纽西兰的特有种。", "纽西兰的特有种。树高可达55米")
    question = "国学书院有多大？"
    hits = [_hit(0, "国学书院有多大的魅力？四年级学生在国学书院体验了扎染。")]
    retrieval = Retrieval(question, hits, None, None, {t: 1.0 + len(t) for t in question_terms(question)})
    assert not answer_from(retrieval, encoder=None, settings=Settings()).found
