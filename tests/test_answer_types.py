"""Answer types of questions and the text that matches them."""

from __future__ import annotations

import pytest

from qa.answer.answer_types import AnswerType, as_who, has_kind, kind_share, money_missing, question_type, year_missing
from qa.textnorm import search_form


@pytest.mark.parametrize(("question", "kind"), [
    ("河北投入了多少援藏资金？", AnswerType.NUMBER),
    ("日喀則市委副書記是誰？", AnswerType.PERSON),
    ("会议在哪里召开？", AnswerType.PLACE),
    ("该医院何时建成？", AnswerType.TIME),
    ("這座橋是哪一年建成的？", AnswerType.TIME),
    ("会议以什么形式召开？", AnswerType.OTHER),
    ("How many people attended?", AnswerType.NUMBER),
    ("What is the population of Yingjisha county?", AnswerType.NUMBER),
    ("What was the total area of the academy?", AnswerType.NUMBER),
    ("What is the area around the square like today?", AnswerType.OTHER),
    ("What is the name of the school?", AnswerType.OTHER),
    ("塔孜洪鄉衛生院的中醫醫生叫什麼名字？", AnswerType.PERSON),
    ("麦盖提县第四中学的校长叫什么？", AnswerType.PERSON),
    ("这个平台叫什么名字？", AnswerType.OTHER),
    ("校长是什么学历？", AnswerType.OTHER),
])
def test_question_types(question: str, kind: AnswerType) -> None:
    assert question_type(search_form(question)) is kind


def test_text_kinds() -> None:
    assert has_kind("投入资金1950万元", AnswerType.NUMBER)
    assert has_kind("共有三百人参加", AnswerType.NUMBER)
    assert not has_kind("统一部署", AnswerType.NUMBER)
    assert has_kind("2019年8月9日召开", AnswerType.TIME)
    assert has_kind("副书记彭一浩讲话", AnswerType.PERSON)
    assert not has_kind("会议讲话", AnswerType.PERSON)
    assert has_kind("他来自北京", AnswerType.PLACE)
    assert not has_kind("任何文字", AnswerType.OTHER)
    assert kind_share("1950", AnswerType.NUMBER) == 1.0
    assert kind_share("", AnswerType.NUMBER) == 0.0


def test_a_name_after_a_post_is_a_person_even_when_jieba_misses_it() -> None:
    # jieba without its HMM splits 曾万明 into 曾/万/明; the post before it says it is a name.
    text = search_form("區黨委常委、組織部部長曾萬明,自治區副主席德吉出席會議。")
    assert has_kind(text, AnswerType.PERSON)
    assert not has_kind(search_form("市直有關部門負責同志參加會議。"), AnswerType.PERSON)


def test_what_the_question_already_names_is_not_the_answer() -> None:
    question = search_form("誰出席了鄧小剛的會議？")
    assert not has_kind(search_form("區黨委副書記鄧小剛主持召開會議"), AnswerType.PERSON, known=question)
    assert has_kind(search_form("自治區副主席德吉出席會議"), AnswerType.PERSON, known=question)
    assert not has_kind("第十批援藏工作队", AnswerType.NUMBER, known="第十批援藏工作队在哪里")
    assert has_kind("第十批援藏工作队有20人", AnswerType.NUMBER, known="第十批援藏工作队有多少人")


@pytest.mark.parametrize(("question", "sentence", "missing"), [
    ("这次会议是哪一年召开的", "8月9日下午,会议在拉萨召开。", True),
    ("这次会议是哪年召开的", "会议于2019年召开。", False),
    ("书院何年建成", "书院建成于光绪年间。", False),  # 年 is there: the sentence may say
    ("它建于哪一年", "它建于1898。", False),
    ("in which year was the academy founded", "书院设有12个功能区。", False),  # a number may be a year
    ("in which year was the academy founded", "书院设有明德堂。", True),
    ("他上哪一年级", "他上三年级。", False),
    ("书院是哪一年建成的", "四年级学生说书院很美。", True),  # a school grade names no year
    ("书院是哪一年建成的", "青年们在书院学习。", True),
    ("会议在哪里召开", "会议在拉萨召开。", False),  # not a year question
])
def test_a_which_year_question_needs_a_year_in_the_sentence(question: str, sentence: str, missing: bool) -> None:
    assert year_missing(question, sentence) is missing


@pytest.mark.parametrize(("question", "sentence", "missing"), [
    ("山东为改造卫生院投入了多少援疆资金？", "3148平方米的書院內設有12個功能區。", True),
    ("河北省投入了多少援藏資金？", "河北省已先後投入援藏資金1950萬元。", False),
    ("项目总投资是多少？", "项目总投资达3亿。", False),  # a sum in 亿 without 元
    ("门票多少钱", "门票每人50美元。", False),
    ("援藏教师的月薪是多少", "20名援藏教師到達學校。", True),
    ("工程花了多少时间", "工程历时三年。", False),  # time, not money
    ("投入了多少人", "投入醫務人員100人。", False),
    ("How much did the new Xingtan building cost?", "建築面積2080平方米的新杏壇。", True),
    ("How much money did Hebei invest?", "河北省投入援藏資金1950萬元。", False),
    ("What is the monthly salary of aid teachers?", "20名援藏教師到達學校。", True),
    ("How much of the land is forest?", "森林覆盖率达到40%。", False),  # a share, not money
    ("How many teachers came?", "20名援藏教師到達學校。", False),
])
def test_a_how_much_money_question_needs_a_sum_in_the_sentence(question: str, sentence: str, missing: bool) -> None:
    assert money_missing(search_form(question), search_form(sentence)) is missing


@pytest.mark.parametrize(("question", "asked"), [
    ("塔孜洪乡卫生院的中医医生叫什么名字？", "塔孜洪乡卫生院的中医医生是谁?"),
    ("麥蓋提縣第四中學校長的名字是什麼？", "麦盖提县第四中学校长是谁?"),
    ("这个平台叫什么名字？", "这个平台叫什么名字？"),  # not a person: as asked
    ("校长是谁？", "校长是谁？"),
])
def test_what_a_person_is_called_is_asked_as_who(question: str, asked: str) -> None:
    assert as_who(question) == asked
