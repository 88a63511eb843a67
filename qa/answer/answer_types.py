"""What kind of answer a question asks for, and where text holds that kind of thing.

多少/几 ask for numbers, 谁 for people, 哪里 for places, 何时/哪年 for times. The sentence
ranker and the exact-answer scorer both reward text of the asked-for kind. Numbers and
times are found with regular expressions; people and places with ``jieba.posseg`` without
its HMM (the HMM costs ~250 ms per question), and only when the question asks for them.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from qa.charsets import CJK_CLASS, SENTENCE_ENDS
from qa.index.lexical_tokens import tagged_words
from qa.textnorm import search_form

logger = logging.getLogger(__name__)


class AnswerType(StrEnum):
    """The kind of answer a question asks for."""

    NUMBER = "number"
    PERSON = "person"
    PLACE = "place"
    TIME = "time"
    OTHER = "other"


# "What is the doctor called?" asks for a person when the one it names is a person.
_NAMED_PERSON = re.compile(
    r"(?P<noun>医生|大夫|护士|老师|教师|校长|院长|书记|主任|主席|部长|局长|厅长|市长|县长|乡长|镇长|村长|队长|组长|领队|"
    r"记者|编辑|通讯员|学生|作者|导演|演员|歌手|球员|教练|总统|总理|皇帝|皇后|国王|儿子|女儿|妻子|丈夫|父亲|母亲|"
    r"创始人|董事长|经理|负责人|主人公)的?(?:叫(?:做|作)?什么(?:名字)?|(?:名字|姓名)(?:是|叫)什么|是什么名字)"
)

# Checked in this order on the question's search form (Simplified, lower case).
_QUESTION_PATTERNS: tuple[tuple[AnswerType, re.Pattern[str]], ...] = (
    (AnswerType.TIME, re.compile(
        r"何时|什么时候|什么时间|哪一?年|哪一?天|何年|几月|哪个月|几号|哪个朝代|哪个时期|when")),
    (AnswerType.PERSON, re.compile(rf"谁|哪一?位|什么人|何人|哪个人|who|{_NAMED_PERSON.pattern}")),
    (AnswerType.PLACE, re.compile(
        r"哪里|哪儿|何处|何地|什么地方|哪个国家|哪国|哪个城市|哪座|哪个省|在哪|where")),
    (AnswerType.NUMBER, re.compile(
        r"多少|几|多大|多长|多高|多重|多远|多久|多宽|多深|第几|比例|how (?:many|much|long|large|big|old)"
        # "What is the population of X?" asks for a number as "how many" does ("... like?" does not).
        r"|\bwhat (?:is|was|are|were) (?:the|its|their) (?:[\w'-]+ ){0,2}(?:population|number|area|size|height|"
        r"length|width|depth|total|percentage|proportion|rate|amount|altitude|elevation|distance|weight|"
        r"capacity)\b(?!.*\blike\b)")),
)

# Characters that write numbers (Arabic, full-width and Chinese numerals).
NUMERAL_CHARS = frozenset("0123456789０１２３４５６７８９零〇一二两三四五六七八九十百千万亿萬億兩")
_DIGITS = "".join(sorted(NUMERAL_CHARS))
NUMBER = re.compile(
    rf"[0-9０-９][0-9０-９,.，]*[%％]?|[{_DIGITS}]{{2,}}"
    rf"|[一二两三四五六七八九十][{_DIGITS}]*(?=[个名位年月日天次岁元人座条项种家所倍])"
)
TIME = re.compile(
    rf"[{_DIGITS}]+\s*(?:年代?|月|日|号|世纪|时|点|分)|(?:春|夏|秋|冬)季|(?:上|下)午|凌晨|早上|晚上|"
    r"(?:汉|唐|宋|元|明|清)(?:朝|代)"
)
# News text names people after their post (副主席德吉出席, 部长曾万明,); jieba without its HMM
# misses most such names, so a post followed by two or three characters and a break counts too.
POSTS = (r"(?:书记|部长|主席|主任|局长|市长|县长|省长|区长|院长|校长|队长|组长|总理|记者|教授|经理|董事长|常委|厅长|"
         r"处长|科长|所长|团长|会长|社长|总裁|主编|委员|医生|老师|通讯员|乡长|镇长|村长|站长|馆长|总监|主管|领导)")
TITLED_NAME = re.compile(
    rf"{POSTS}([{CJK_CLASS}]{{2,3}})(?=[,，、:：()（）\s]|[{SENTENCE_ENDS}]|出席|主持|表示|指出|说|告诉|称|认为|介绍|强调|参加|讲话|"
    r"等|和|与|在|带领|率)"
)
PERSON_TAGS = frozenset({"nr", "nrfg", "nrt"})
PLACE_TAGS = frozenset({"ns", "nt"})


def as_who(question: str) -> str:
    """``question`` asked with 是谁 when it asks what a person is called (医生叫什么名字 -> 医生是谁),
    in search form; else unchanged.

    The span reader learnt "who" questions from thousands of 谁; "what is the doctor called" it
    answered with the doctor's whole sentence.

    Example:
        >>> as_who("塔孜洪乡卫生院的中医医生叫什么名字？"), as_who("这个平台叫什么名字？")
        ('塔孜洪乡卫生院的中医医生是谁?', '这个平台叫什么名字？')
    """
    form = search_form(question)
    match = _NAMED_PERSON.search(form)
    return question if match is None else f"{form[:match.start()]}{match['noun']}是谁{form[match.end():]}"


def question_type(form: str) -> AnswerType:
    """The kind of answer a question (in search form) asks for.

    Example:
        >>> question_type("河北投入了多少援藏资金")
        <AnswerType.NUMBER: 'number'>
    """
    for kind, pattern in _QUESTION_PATTERNS:
        if pattern.search(form):
            return kind
    return AnswerType.OTHER


@dataclass(frozen=True)
class TaggedWord:
    """A word of a text with its offsets and jieba part-of-speech tag."""

    word: str
    start: int
    end: int
    tag: str


@lru_cache(maxsize=4096)
def tag_words(text: str) -> tuple[TaggedWord, ...]:
    """Words of ``text`` (in its own script) with their offsets and tags, no HMM.

    Cached because the same passages come back for related questions.
    """
    out: list[TaggedWord] = []
    offset = 0
    for word, tag in tagged_words(text, hmm=False):
        out.append(TaggedWord(word, offset, offset + len(word), tag))
        offset += len(word)
    return tuple(out)


def has_kind(text: str, kind: AnswerType, *, known: str = "") -> bool:
    """True when ``text`` holds something of ``kind`` that ``known`` does not (always False for OTHER).

    ``known`` is the question: a sentence does not hold the asked-for kind just because it
    repeats the question's own name, place or number (谁出席了邓小刚的会议 is not answered by 邓小刚).
    """
    if kind in (AnswerType.NUMBER, AnswerType.TIME):
        pattern = NUMBER if kind is AnswerType.NUMBER else TIME
        return any(m.group() not in known for m in pattern.finditer(text))
    if kind is AnswerType.PERSON:
        if any(not _named_in(m.group(1), known) for m in TITLED_NAME.finditer(text)):
            return True
        return any(w.tag in PERSON_TAGS and not _named_in(w.word, known) for w in tag_words(text))
    if kind is AnswerType.PLACE:
        return any(w.tag in PLACE_TAGS and not _named_in(w.word, known) for w in tag_words(text))
    return False


def _named_in(word: str, known: str) -> bool:
    """True when ``known`` names ``word``, whole or in part (日喀则 names 日喀则市)."""
    return word in known or any(word[i:i + 2] in known for i in range(len(word) - 1))


def kind_share(text: str, kind: AnswerType) -> float:
    """Share of the characters of ``text`` that are of ``kind`` (0 for OTHER), for spans."""
    if not text or kind is AnswerType.OTHER:
        return 0.0
    if kind in (AnswerType.NUMBER, AnswerType.TIME):
        pattern = NUMBER if kind is AnswerType.NUMBER else TIME
        return min(sum(m.end() - m.start() for m in pattern.finditer(text)) / len(text), 1.0)
    tags = PERSON_TAGS if kind is AnswerType.PERSON else PLACE_TAGS
    return sum(w.end - w.start for w in tag_words(text) if w.tag in tags) / len(text)


# "Which year" questions (search form). Of the 457 in CMRC2018 trial and dev and DRCD dev, all
# but one answer holds 年 or a number of two to four digits (the other: 二次大戰).
_ASKS_YEAR = re.compile(r"哪一?年(?![级級])|何年|什么年份|哪个年份|\b(?:which|what) year\b")
_YEAR = re.compile(r"年|[0-9０-９]{2,4}")
# Words holding 年 that never name a year (四年级 is a school grade, 青年 young people).
_NOT_YEAR = re.compile(r"年[级級龄齡纪紀轻輕]|[青少]年")


def year_missing(question: str, sentence: str) -> bool:
    """True when ``question`` asks which year and ``sentence`` holds neither 年 nor a number of
    two to four digits, so it cannot say which year (both in search form).

    Example:
        >>> year_missing("这次会议是哪一年召开的", "8月9日下午召开会议。")
        True
        >>> year_missing("这次会议是哪一年召开的", "会议于2019年召开。")
        False
        >>> year_missing("书院是哪一年建成的", "四年级学生说书院很美。")
        True
    """
    return bool(_ASKS_YEAR.search(question)) and not _YEAR.search(_NOT_YEAR.sub("", sentence))


# Questions asking for a sum of money (search form), and money in a sentence: a currency, or a
# number in 万/亿 (总投资3亿). Of the 23 such questions in CMRC2018 trial and dev and DRCD dev,
# every answering sentence holds one; the documents users ask about (aid funds, investment)
# hold many more, so an unanswerable "how much was invested in X" otherwise gets another sum's
# sentence, or an area's.
_MONEY_WORDS = (r"钱|资金|经费|费用|投资|款|奖金|薪|工资|预算|资本|成本|收入|利润|营收|营业额|市值|票价|价格|价钱|"
                r"金额|军费|赔款|赔偿|造价|售价|估值|身价")
_ASKS_MONEY = re.compile(
    rf"多少(?:[美日港欧]?元|美金|{_MONEY_WORDS})"
    rf"|(?:花费?|耗资|投入|资助|拨款|捐款?|{_MONEY_WORDS})额?(?:了|是|为|有|达到?)?(?:约|大约|共|总共|一共|达)?多少"
    r"(?!时间|天|年|个?月|小时|分钟|人|名|位|个|次|项|家|所|座|条|亩|平方|公里|米)"
    r"|\bhow much (?:money|funding|funds?|investment|capital)\b"
    r"|\bhow much (?:[\w'-]+ ){0,8}(?:cost|costs|spend|spent|invest|invested|pay|paid|earn|earned|raise|raised|"
    r"donate|donated|fund|funded|allocate|allocated|worth)\b"
    r"|\bwhat (?:is|was|are|were) the (?:[\w'-]+ ){0,3}(?:salary|salaries|wages?|price|cost|budget|fees?|"
    r"investment|funding|income|revenue)\b"
)
MONEY = re.compile(
    r"[元圆镑币円$€£¥￥]|美金|块钱|法郎|卢布|马克|比索|里拉|先令|便士|卢比|dollar|yuan"
    rf"|[{_DIGITS}]\s*[万亿]"
)


def asks_money(question: str) -> bool:
    """True when ``question`` (search form) asks how much money (多少资金, how much did it cost)."""
    return bool(_ASKS_MONEY.search(question))


def money_missing(question: str, sentence: str) -> bool:
    """True when ``question`` asks how much money and ``sentence`` names no sum (both in search form).

    Example:
        >>> money_missing("山东投入了多少援疆资金", "3148平方米的书院内设有12个功能区。")
        True
        >>> money_missing("河北投入了多少援藏资金", "河北省已先后投入援藏资金1950万元。")
        False
        >>> money_missing("how much did the new building cost", "建筑面积2080平方米的新杏坛。")
        True
        >>> money_missing("援藏资金投入了多少年", "已投入十年。")
        False
    """
    return asks_money(question) and not MONEY.search(sentence)
