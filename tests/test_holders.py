"""Who holds a post (塔孜洪乡中心卫生院院长是谁？): the sentence naming someone right after that post."""

from __future__ import annotations

import pytest

from qa.answer.answering import answer_from
from qa.answer.holders import HOLDER_CONFIDENCE, AskedPost, asked_post, holder_at
from qa.index.lexical_tokens import question_terms
from qa.settings import Settings
from qa.textnorm import search_form
from qa.types import Chunk, Hit, Retrieval

_HEAD = asked_post("Who is the head of it?")


@pytest.mark.parametrize(("question", "asked"), [
    ("塔孜洪乡中心卫生院的院长是谁？", AskedPost("院长", False, "塔孜洪乡中心卫生院")),
    ("阿里地區婦幼保健院副院長是誰？", AskedPost("院长", True, "阿里地区妇幼保健院")),
    ("请问谁是日喀则市政协主席", AskedPost("主席", False, "日喀则市政协")),
    ("麦盖提县第四中学的校长叫什么名字？", AskedPost("校长", False, "麦盖提县第四中学")),
    ("院长是谁", AskedPost("院长", False, "")),
    ("程策是谁？", None),  # asks who a named person is (qa.answer.identity)
    ("院长做了什么？", None),
    ("Who is the principal of the No. 4 middle school?", AskedPost("校长", False, "")),
    ("who is the deputy party secretary of Shigatse", AskedPost("书记", True, "")),
    ("Who is its vice-president?", AskedPost("院长|校长|主席|会长|总裁", True, "")),
    ("Who is Ngari hospital's vice president?", AskedPost("院长|校长|主席|会长|总裁", True, "")),  # "its" filled in
    ("Who is Cheng Ce?", None),
    ("Who headed the meeting?", None),
])
def test_a_question_asking_who_holds_a_post(question: str, asked: AskedPost | None) -> None:
    assert asked_post(question) == asked


@pytest.mark.parametrize(("text", "asked", "name"), [
    ("山東援疆幹部、塔孜洪鄉中心衛生院院長許多良告訴記者。", AskedPost("院长", False, ""), "许多良"),
    ("院黨支部書記溫娜介紹，從原來一週接診1人。", AskedPost("书记", False, ""), "温娜"),
    ("麦盖提县第四中学校长阿孜古·玉素甫介绍。", AskedPost("校长", False, ""), "阿孜古·玉素甫"),
    # Posts joined by 、 before the name.
    ("日喀則市委書記、領導小組組長張延清主持會議並講話。", AskedPost("书记", False, ""), "张延清"),
    ("本網拉薩訊(記者 陳林)8日下午。", AskedPost("记者", False, ""), "陈林"),
    ("現任校長為王大明，任期三年。", AskedPost("校长", False, ""), "王大明"),
    ("阿里地區婦幼保健院副院長程策告訴記者。", AskedPost("院长", True, ""), "程策"),
    ("阿里地區婦幼保健院副院長程策告訴記者。", AskedPost("院长", False, ""), None),  # not the deputy asked for
    ("日喀則市委副書記彭一浩出席。", AskedPost("书记", True, ""), "彭一浩"),
    ("日喀則市政協主席土旦次仁、日喀則市委常委巴桑出席。", AskedPost("主席", False, ""), "土旦次仁"),  # four characters
    ("該院無論是院長、業務副院長，還是主要科室主任，均由援疆人才擔任。", AskedPost("院长", False, ""), None),
    ("接受記者採訪時，阿里地委副書記表示。", AskedPost("记者", False, ""), None),  # what the reporter did
    ("院長在會上說，醫院將擴建。", AskedPost("院长", False, ""), None),  # 在会上 is no name
    ("組織部部長曾萬明出席會議。", AskedPost("部长", False, ""), "曾万明"),  # 曾 is a surname here
])
def test_the_name_after_the_asked_post(text: str, asked: AskedPost, name: str | None) -> None:
    form = search_form(text)
    found = holder_at(form, asked)
    assert (form[slice(*found)] if found else None) == name


_PASSAGES = ["塔孜洪乡中心卫生院是山东医疗援疆的缩影，该院无论是院长、业务副院长，还是主要科室主任，均由援疆人才担任。",
             "“感谢山东。”温娜说。山东援疆干部、塔孜洪乡中心卫生院院长许多良告诉记者，他们对医院进行了彻底改造。",
             "英吉沙县人民医院院长王强介绍，医院新建了门诊楼。"]


def _retrieval(question: str, texts: list[str], groups: tuple[tuple[str, ...], ...] = ()) -> Retrieval:
    chunks = [Chunk(f"d#{i}", "d", i, t, "山东援疆", 0, len(t)) for i, t in enumerate(texts)]
    weights = {t: 1.0 + len(t) for t in question_terms(question)} if not groups else {
        w: 3.0 for g in groups for w in g}
    hits = [Hit(c, 1.0 / (i + 1), i + 1, 0.85 - 0.01 * i, 1.0) for i, c in enumerate(chunks)]
    return Retrieval(question, hits, None, None, weights, groups)


def test_the_holder_is_quoted_from_the_passage_naming_the_organisation() -> None:
    answer = answer_from(_retrieval("塔孜洪乡中心卫生院院长是谁？", _PASSAGES), encoder=None, settings=Settings())
    assert answer.found and answer.quote is not None
    assert answer.quote.exact == "许多良" and answer.quote.chunk.id == "d#1"
    assert answer.quote.text[answer.quote.exact_start - answer.quote.start:][:3] == "许多良"
    assert answer.quote.score >= HOLDER_CONFIDENCE
    assert answer.passages[0].chunk.id == "d#1"


def test_another_organisations_holder_is_not_the_answer() -> None:
    # Only the third passage names a 院长, and it is another hospital's.
    answer = answer_from(_retrieval("塔孜洪乡中心卫生院院长是谁？", [_PASSAGES[0], _PASSAGES[2]]),
                         encoder=None, settings=Settings())
    assert answer.quote is None or answer.quote.exact != "王强"


def test_an_english_question_gets_the_holder_when_the_passage_holds_its_words() -> None:
    groups = (("主任", "首"), ("塔孜洪乡",), ("乡镇", "乡"), ("健康", "卫生"), ("中心",))
    retrieval = _retrieval("Who is the head of the Tazihong township central health centre?", _PASSAGES, groups)
    answer = answer_from(retrieval, encoder=None, settings=Settings())
    assert answer.found and answer.quote is not None and answer.quote.exact == "许多良"
    governor = _retrieval("Who is the governor of Hebei province?", _PASSAGES, (("河北", "河北省"),))
    answer = answer_from(governor, encoder=None, settings=Settings())
    assert answer.quote is None or answer.quote.exact not in ("许多良", "王强")


def test_a_follow_up_is_read_as_understood_not_as_its_search_string() -> None:
    # A rewritten follow-up's search carries the earlier turn's words after its question.
    retrieval = _retrieval("塔孜洪乡中心卫生院的院长是谁？ 山东 干部 援疆", _PASSAGES)
    answer = answer_from(retrieval, encoder=None, settings=Settings(), rewritten=True,
                         understood="塔孜洪乡中心卫生院的院长是谁？")
    assert answer.quote is not None and answer.quote.exact == "许多良"


def test_a_sentence_not_naming_the_asked_post_cannot_say_who_holds_it() -> None:
    from qa.answer.holders import post_missing

    assert post_missing(asked_post("Who is the mayor of Lhasa?"), search_form("區黨委副書記鄧小剛主持會議。"))
    assert not post_missing(asked_post("日喀則市委常委是誰？"), search_form("日喀則市委常委巴桑、張思出席會議。"))
    assert not post_missing(None, "任何句子")  # not a question about a post
    # Answered, the cap refuses it: the passage names people, but no mayor.
    text = "本網拉薩8月9日訊，區黨委副書記鄧小剛主持召開自治區人民政府專題會議。"
    retrieval = _retrieval("Who is the mayor of Lhasa?", [text], (("拉萨",), ("市长",)))
    assert not answer_from(retrieval, encoder=None, settings=Settings()).found


def test_a_standing_committee_member_is_a_post() -> None:
    form = search_form("日喀則市人大常委會主任楊昆、日喀則市委常委巴桑、張思出席會議。")
    found = holder_at(form, asked_post("日喀則市委常委是誰？"))
    assert found is not None and form[slice(*found)] == "巴桑"
