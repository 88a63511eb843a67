"""Who a named person is (程策是谁？): the sentence giving the name a post, and the post."""

from __future__ import annotations

import pytest

from qa.answer.answering import answer_from
from qa.answer.identity import IDENTITY_CONFIDENCE, asked_names, asked_person, described_person, post_before
from qa.answer.reader import load_reader, read
from qa.index.lexical_tokens import question_terms
from qa.settings import Settings
from qa.textnorm import search_form
from qa.types import Chunk, Hit, Retrieval


@pytest.mark.parametrize(("question", "name"), [
    ("程策是誰？", "程策"),
    ("请问谁是张延清", "张延清"),
    ("阿孜古·玉素甫是什么人?", "阿孜古·玉素甫"),
    ("许多良是做什么的？", "许多良"),
    ("副院長是誰？", None),  # asks for the holder of a post
    ("阿里地区妇幼保健院的副院长是谁？", None),
    ("程策在哪里工作？", None),  # asks something else about him
    ("巴桑在日喀則擔任什麼職務？", "巴桑"),
    ("邓小刚担任什么职务", "邓小刚"),
    ("程策的职务是什么？", "程策"),
    ("援疆干部担任什么职务？", None),  # a kind of person, not a name
])
def test_a_question_asking_who_a_named_person_is(question: str, name: str | None) -> None:
    assert asked_person(search_form(question)) == name


def test_an_english_question_names_the_person_by_the_words_the_bridge_found() -> None:
    assert asked_names("Who is Cheng Ce?", [("程策",)]) == ("程策",)
    assert asked_names("who was Xu Duoliang", [("许多良",)]) == ("许多良",)
    assert asked_names("Who is the vice president?", [("副院长",)]) == ()  # a post, not a name
    assert asked_names("Who is Cheng Ce and what does he do?", [("程策",), ("做",)]) == ()
    assert asked_names("程策是谁？") == ("程策",)
    groups = [("职务",), ("巴桑",), ("举办", "把握")]
    assert asked_names("What post does Basang hold?", groups) == ("巴桑",)
    assert asked_names("What is Basang's position?", groups) == ("巴桑",)
    assert asked_names("What post does the team hold?", [("职务",), ("队",)]) == ()


def test_the_post_before_a_name_runs_back_to_a_break_over_joined_posts_and_quotes() -> None:
    form = search_form("本網拉薩訊(記者 陳林)8日下午,區黨委副書記、自治區常務副主席鄧小剛主持召開會議。")
    assert form[slice(*post_before(form, "邓小刚"))] == "区党委副书记、自治区常务副主席"
    assert form[slice(*post_before(form, "陈林"))] == "记者"
    quoted = search_form("日喀則市“組團式”援藏工作領導小組組長張延清主持會議。")
    assert quoted[slice(*post_before(quoted, "张延清"))] == "日喀则市“组团式”援藏工作领导小组组长"
    assert post_before(search_form("程策告訴記者。"), "程策") is None  # no post before the name
    listed = search_form("日喀則市政協主席土旦次仁、日喀則市委常委巴桑、張思出席會議。")
    assert listed[slice(*post_before(listed, "巴桑"))] == "日喀则市委常委"  # not the person before
    comma = search_form("接受記者採訪時，阿里地委副書記、行署常務副專員，河北省援藏幹部人才領隊謝志強表示。")
    assert comma[slice(*post_before(comma, "谢志强"))] == "阿里地委副书记、行署常务副专员,河北省援藏干部人才领队"


def _retrieval(question: str, texts: list[str]) -> Retrieval:
    chunks = [Chunk(f"d#{i}", "d", i, t, "河北援藏紀實", 0, len(t)) for i, t in enumerate(texts)]
    weights = {t: 1.0 + len(t) for t in question_terms(question)}
    hits = [Hit(c, 1.0 / (i + 1), i + 1, 0.85 - 0.01 * i, 1.0) for i, c in enumerate(chunks)]
    return Retrieval(question, hits, None, None, weights)


def test_who_a_named_person_is_is_answered_with_the_post() -> None:
    texts = ["程策說，手術室的感染風險降至最低。",
             "河北省第十批援藏幹部、阿里地區婦幼保健院副院長程策告訴記者。"]
    answer = answer_from(_retrieval("程策是誰？", texts), encoder=None, settings=Settings())
    assert answer.found and answer.quote is not None
    assert answer.quote.exact == "河北省第十批援藏幹部、阿里地區婦幼保健院副院長"
    assert answer.quote.score >= IDENTITY_CONFIDENCE
    assert answer.passages[0].chunk.id == answer.quote.chunk.id == "d#1"


def test_a_name_the_text_gives_no_post_is_left_to_the_readers() -> None:
    settings = Settings()
    retrieval = _retrieval("程策是誰？", ["程策說，手術室的感染風險降至最低。"])
    reading = read(retrieval, load_reader(), passages=settings.answer_passages,
                   band=(settings.dense_floor, settings.dense_ceiling),
                   crosslingual_band=(settings.crosslingual_floor, settings.crosslingual_ceiling))
    assert described_person(reading, asked_names(retrieval.question)) is None


def test_an_english_question_who_someone_is_gets_the_post() -> None:
    text = "河北省第十批援藏幹部、阿里地區婦幼保健院副院長程策告訴記者。"
    chunk = Chunk("d#0", "d", 0, text, "河北援藏紀實", 0, len(text))
    retrieval = Retrieval("Who is Cheng Ce?", [Hit(chunk, 1.0, 1, 0.8, 1.0)], None, None, {"程策": 3.8},
                          word_groups=(("程策",),))
    answer = answer_from(retrieval, encoder=None, settings=Settings())
    assert answer.found and answer.quote is not None
    assert answer.quote.exact == "河北省第十批援藏幹部、阿里地區婦幼保健院副院長"


def test_an_english_post_question_is_searched_as_who_the_person_is(tmp_path) -> None:
    from qa.engine import QA
    from qa.types import Document
    from tests.conftest import FakeEncoder, fake_settings

    docs = [Document(id="a", title="河北援藏紀實", text="河北省第十批援藏幹部、阿里地區婦幼保健院副院長程策告訴記者。"),
            Document(id="b", title="會議", text="會議要求各部門提出舉辦活動的方案，把握工作方向。")]
    engine = QA.build_from_documents(docs, tmp_path / "index", encoder=FakeEncoder(), settings=fake_settings())
    answer = engine.ask("What post does Cheng Ce hold?")
    assert answer.question == "What post does Cheng Ce hold?"
    assert answer.quote is not None and answer.quote.exact == "河北省第十批援藏幹部、阿里地區婦幼保健院副院長"
