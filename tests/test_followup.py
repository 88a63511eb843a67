"""Follow-up questions: the stand-alone/follow-up decision, the reading, and the completed search."""

from __future__ import annotations

import pytest

from qa import QA
from qa.answer.conversation import previous_turn
from qa.answer.followup import Cue, Turn, follow_up_cue, read_question
from qa.answer.question_parts import narrow_subject, subject_of
from qa.errors import QuestionError
from qa.settings import Settings, SettingsError
from qa.types import Answer
from tests.conftest import CORPUS, FakeEncoder, fake_settings
from tests.store_locations import STORES, make_location

SHANDONG = "002_c5d2bf1e131ee9b2"
HEBEI = "004_83f06d399bb386d8"


@pytest.mark.parametrize(("question", "cue"), [
    ("它在哪个县？", Cue.PRONOUN),
    ("它內設多少個功能區？", Cue.PRONOUN),
    ("该院原来一周接诊多少人？", Cue.PRONOUN),
    ("這所學校的學生表演了什麼？", Cue.PRONOUN),
    ("其中多少個已竣工？", Cue.PRONOUN),
    ("她在给几名病人治疗？", Cue.PRONOUN),
    ("那国学书院呢？", Cue.ELLIPSIS),
    ("那國學書院呢", Cue.ELLIPSIS),
    ("还有呢？", Cue.ELLIPSIS),
    ("原来呢？", Cue.ELLIPSIS),
    ("那第二點呢？", Cue.ELLIPSIS),
    ("What about Shandong?", Cue.ELLIPSIS),
    ("and the budget?", Cue.ELLIPSIS),
    ("When was it built?", Cue.PRONOUN),
    ("由谁牵头？", Cue.SHORT),
    ("用於購置什麼？", Cue.SHORT),
    ("多少钱？", Cue.SHORT),
    ("国学公园占地多少亩？", None),
    ("國學公園占地多少畝？", None),
    ("河北省投入了多少援藏資金？", None),
    ("这些年塔孜洪乡中心卫生院发生了什么变化？", None),  # 这些年 is a time phrase, not a pointer
    ("国学书院在哪里呢？", None),  # 呢 closing a full question
    ("How much aid money has Hebei province invested?", None),
    ("and its budget?", Cue.PRONOUN),
    ("援疆干部说他们在做什么？", None),  # 他们 points at 援疆干部, inside the question
    ("对连续两年考核优秀的干部有什么奖励？", None),
])
def test_decision(question: str, cue: Cue | None) -> None:
    assert follow_up_cue(question) == cue


@pytest.mark.parametrize(("question", "subject"), [
    ("国学公园占地多少亩？", "国学公园"),
    ("國學公園占地多少畝？", "國學公園"),
    ("塔孜洪乡中心卫生院的中医科医生是谁？", "塔孜洪乡中心卫生院的中医科医生"),
    ("鄧小剛主持召開了什麼會議？", "鄧小剛"),
    ("自治区副主席是谁？", "自治区副主席"),
    ("How much has Hebei province invested?", "Hebei province"),
    # The noun phrase a name begins, not the name alone; "and" and an -ing word inside it.
    ("Who chaired the Shigatse leading group meeting?", "Shigatse leading group meeting"),
    ("Who heads the Ngari maternal and child health hospital?", "Ngari maternal and child health hospital"),
    ("Who is the principal of the Maigaiti No. 4 middle school?", "Maigaiti No. 4 middle school"),
    ("What did the Shigatse meeting stress?", "Shigatse meeting"),  # do-support: the last word is the verb
    ("How large is the Chinese classics academy in Yingjisha?", "Chinese classics academy"),
    ("What is the capital?", None),
    ("是谁？", None),
])
def test_subject(question: str, subject: str | None) -> None:
    assert subject_of(question) == subject


def test_narrow_subject_keeps_what_the_pointer_names() -> None:
    assert narrow_subject("塔孜洪乡中心卫生院院长", "院") == "塔孜洪乡中心卫生院"
    assert narrow_subject("日喀则会议", "会议") == "日喀则会议"
    assert narrow_subject("国学公园", "校") == "国学公园"
    # 学校 names the 中学, not the 校长 of it; 校 inside another word does not count.
    assert narrow_subject("麦盖提县第四中学的校长", "学校") == "麦盖提县第四中学"
    assert narrow_subject("山东援疆医疗队队长", "队") == "山东援疆医疗队"


def _weights(text: str) -> dict[str, float]:
    # Longer words are rarer: enough to order terms deterministically without an index.
    from qa.index.lexical_tokens import question_terms

    return {t: float(len(t)) for t in question_terms(text)}


DOCS = {SHANDONG: "山东 国学书院 国学公园 英吉沙县 塔孜洪乡中心卫生院", HEBEI: "河北省 援藏资金 阿里"}


def _read(question: str, previous: Turn | None) -> object:
    return read_question(question, previous, term_weights=_weights, document_text=DOCS.__getitem__)


def test_pronoun_takes_the_earlier_subject_and_prefers_its_document() -> None:
    reading = _read("它在哪个县？", Turn("国学公园占地多少亩？", "国学公园", SHANDONG))
    assert reading.cue is Cue.PRONOUN
    assert reading.interpreted == "国学公园在哪个县？"
    assert reading.search.startswith("国学公园在哪个县")
    assert reading.prefer_doc == SHANDONG


def test_ellipsis_asks_the_earlier_question_of_the_new_subject() -> None:
    reading = _read("那国学书院呢？", Turn("国学公园占地多少亩？", "国学公园", SHANDONG))
    assert reading.interpreted == "国学书院占地多少亩？"
    assert "国学公园" not in reading.search  # the old subject must not pull the search back
    assert reading.prefer_doc == SHANDONG  # 国学书院 is in the same document


def test_same_shaped_phrase_is_swapped() -> None:
    reading = _read("那第二點呢？", Turn("鄧小剛要求的第一點是什麼？", "鄧小剛", None))
    assert reading.interpreted == "鄧小剛要求的第二點是什麼？"
    assert reading.prefer_doc is None  # the earlier turn had no answer


def test_new_subject_elsewhere_drops_the_preference() -> None:
    earlier = Turn("山东累计引进各类急需专业技术人才多少人次？", "山东", SHANDONG)
    reading = _read("那河北省呢？", earlier)
    assert reading.interpreted == "河北省累计引进各类急需专业技术人才多少人次？"
    assert reading.prefer_doc is None
    assert _read("那國學書院呢？", earlier).prefer_doc == SHANDONG


def test_earlier_words_join_the_search_only_when_the_reading_lacks_the_subject() -> None:
    earlier = Turn("阿里地區婦幼保健院的新建手術室里有哪些醫療設備？", "阿里地區婦幼保健院的新建手術室", HEBEI)
    reading = _read("誰是該院副院長？", earlier)
    assert reading.interpreted == "誰是阿里地區婦幼保健院副院長？"
    assert reading.search == reading.interpreted  # 手术室 would pull the search back to the old sentence
    unnamed = _read("其中多少個已竣工？", Turn("规划安排了多少个项目？", None, HEBEI))
    assert unnamed.search.startswith(unnamed.interpreted + " ")  # no subject: the earlier words stand in
    assert len(unnamed.search.split()) > 1


def test_a_common_noun_takes_the_place_of_the_words_after_de() -> None:
    earlier = Turn("塔孜洪乡中心卫生院的院党支部书记是谁？", "塔孜洪乡中心卫生院的院党支部书记", SHANDONG)
    assert _read("那院长呢？", earlier).interpreted == "塔孜洪乡中心卫生院的院长是谁？"
    # A name is another subject altogether: it takes the whole subject's place.
    assert _read("那河北省呢？", earlier).interpreted == "河北省是谁？"
    plain = Turn("日喀則市委書記是誰？", "日喀則市委書記", None)  # no 的: as before
    assert _read("那院长呢？", plain).interpreted == "院长是誰？"


def test_demonstrative_names_the_part_of_the_subject_it_points_at() -> None:
    earlier = Turn("麦盖提县第四中学的校长是谁？", "麦盖提县第四中学的校长", SHANDONG)
    assert _read("这所学校成立几年了？", earlier).interpreted == "麦盖提县第四中学成立几年了？"


def test_asked_words_are_the_askers_own_that_the_reading_kept() -> None:
    earlier = Turn("鄧小剛主持召開了什麼會議？", "鄧小剛", HEBEI)
    reading = _read("誰出席了這次會議？", earlier)
    assert set(reading.asked_words) == {"出席", "会议"}  # 这次 was replaced; one-character words never count
    assert _read("它有多大？", Turn("国学公园占地多少亩？", "国学公园", SHANDONG)).asked_words == {}
    assert _read("国学公园在哪个县？", None).asked_words == {}  # standing alone: nothing to hold to


def test_short_question_is_asked_of_the_earlier_subject() -> None:
    reading = _read("由谁牵头？", Turn("援疆干部家属每季度至少走访几次？", "援疆干部家属", None))
    assert reading.cue is Cue.SHORT
    assert reading.interpreted == "援疆干部家属由谁牵头？"


def test_demonstrative_noun_phrase_and_traditional_script() -> None:
    reading = _read("這些資金用於什麼？", Turn("河北省投入了多少援藏資金？", "河北省", HEBEI))
    assert reading.interpreted == "河北省的資金用於什麼？"
    earlier = Turn("塔孜洪乡中心卫生院院长是谁？", "塔孜洪乡中心卫生院院长", SHANDONG)
    reading = _read("该院原来一周接诊多少人？", earlier)
    assert reading.interpreted == "塔孜洪乡中心卫生院原来一周接诊多少人？"


def test_english_he_after_a_who_question_is_the_person_answered() -> None:
    from qa.types import Chunk, Quote

    text = "日喀則市委書記張延清主持會議並講話。"
    chunk = Chunk(f"{SHANDONG}#0", SHANDONG, 0, text, None, 0, len(text))
    quote = Quote(text, chunk, 0.9, 0, len(text), "張延清", 6, 9)
    earlier = Turn("Who chaired the Shigatse meeting?", "Shigatse meeting", SHANDONG, (quote,))
    reading = _read("What is his position?", earlier)
    assert reading.interpreted == "What is Zhang Yanqing's position?"
    assert reading.search == reading.interpreted  # the name is context enough
    it = _read("Where was it held?", earlier)
    assert it.interpreted == "Where was Shigatse meeting held?"  # "it" is not the person
    not_who = Turn("What did the Shigatse meeting stress?", "Shigatse meeting", SHANDONG, (quote,))
    assert _read("What did he say?", not_who).interpreted == "What did Shigatse meeting say?"
    chinese = Turn("日喀則市委書記是誰？", "日喀則市委書記", SHANDONG, (quote,))
    assert _read("他在領導小組擔任什麼職務？", chinese).interpreted == "張延清在領導小組擔任什麼職務？"
    # 程策是谁 was answered with a post: its 他 is the name it asked about, the earlier subject.
    post = Quote(text, chunk, 0.9, 0, len(text), "市委書記", 0, 4)
    assert _read("他說了什麼？", Turn("張延清是誰？", "張延清", SHANDONG, (post,))).interpreted == "張延清說了什麼？"


def test_english_pronoun() -> None:
    reading = _read("What was it used for?", Turn("How much has Hebei invested?", "Hebei", HEBEI))
    assert reading.interpreted == "What was Hebei used for?"
    assert reading.prefer_doc == HEBEI
    assert _read("and its budget?", Turn("How much has Hebei invested?", "Hebei", HEBEI)).interpreted == (
        "and Hebei's budget?")
    other = _read("What about Shandong?", Turn("How much has Hebei invested?", "Hebei", HEBEI))
    assert other.interpreted == "How much has Shandong invested?" and other.prefer_doc is None
    # An English subject's words may find no Chinese word: the question as asked is tried too.
    assert reading.alternative is not None
    assert (reading.alternative.search, reading.alternative.prefer_doc) == ("What was it used for?", HEBEI)
    assert other.alternative is None  # "What about Shandong?" means nothing as asked
    chinese = _read("它在哪个县？", Turn("国学公园占地多少亩？", "国学公园", SHANDONG))
    assert chinese.alternative is None


def test_stand_alone_question_is_searched_as_asked() -> None:
    reading = _read("河北省投入了多少援藏資金？", Turn("国学公园占地多少亩？", "国学公园", SHANDONG))
    assert (reading.cue, reading.interpreted, reading.search, reading.prefer_doc) == (
        None, None, "河北省投入了多少援藏資金？", None)
    assert _read("它在哪个县？", None).interpreted is None  # nothing to follow


def test_previous_turn_from_answers_and_from_texts() -> None:
    asked: list[tuple[str, list]] = []

    def understand(question: str, before: list) -> Answer:
        asked.append((question, list(before)))
        return Answer(question, False, None, interpreted="国学公园在哪个县？" if before else None)

    turn = previous_turn(["国学公园占地多少亩？", "它在哪个县？"], understand=understand)
    assert turn == Turn("国学公园在哪个县？", "国学公园", None)
    assert asked == [("它在哪个县？", ["国学公园占地多少亩？"])]  # the chain resolves through ask
    assert previous_turn([], understand=understand) is None
    def refuse(question: str, before: list) -> Answer:
        if question == "<b></b>":
            raise QuestionError("nothing to search for")
        return understand(question, before)

    # A line with nothing to search for is no turn: the one before it is the previous turn.
    assert previous_turn(["国学公园占地多少亩？", "<b></b>"], understand=refuse).question == "国学公园占地多少亩？"
    with pytest.raises(TypeError, match="history items"):
        previous_turn([42], understand=understand)  # type: ignore[list-item]


# -- through the engine (fake encoder) ---------------------------------------------------------

@pytest.fixture(scope="module", params=STORES)
def engine(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> QA:
    return QA.build(CORPUS, make_location(request.param, tmp_path_factory.mktemp("followup")), encoder=FakeEncoder(),
                    settings=fake_settings())  # fake encoder's band


def test_follow_up_answer_comes_from_the_earlier_document(engine: QA) -> None:
    first = engine.ask("塔孜洪乡中心卫生院院长是谁？")
    assert first.interpreted is None and first.quote is not None
    second = engine.ask("该院原来一周接诊多少人？", history=[first])
    assert second.question == "该院原来一周接诊多少人？"
    assert second.interpreted == "塔孜洪乡中心卫生院原来一周接诊多少人？"
    assert second.quote is not None and "一周接诊1人" in second.quote.text


def test_history_of_texts_reads_like_history_of_answers(engine: QA) -> None:
    texts = ["国学公园占地多少亩？", "那国学书院呢？"]
    by_text = engine.ask("它内设多少个功能区？", history=texts)
    answers = [engine.ask(texts[0])]
    answers.append(engine.ask(texts[1], history=answers))
    by_answer = engine.ask("它内设多少个功能区？", history=answers)
    assert by_text.interpreted == by_answer.interpreted == "国学书院内设多少个功能区？"
    assert by_text.quote == by_answer.quote


def test_stand_alone_question_ignores_history(engine: QA) -> None:
    history = [engine.ask("国学公园占地多少亩？")]
    with_history = engine.ask("河北省投入了多少援藏資金？", history=history)
    assert with_history == engine.ask("河北省投入了多少援藏資金？")
    assert with_history.interpreted is None


def test_prefer_doc_ranks_that_document_first(engine: QA) -> None:
    plain = engine.retrieve("工作队 项目 人才", k=5)
    preferred = engine.retrieve("工作队 项目 人才", k=5, prefer_doc=SHANDONG)
    assert preferred.hits[0].chunk.doc_id == SHANDONG
    assert sum(h.chunk.doc_id == SHANDONG for h in preferred.hits) > sum(
        h.chunk.doc_id == SHANDONG for h in plain.hits)
    unknown = engine.retrieve("工作队 项目 人才", k=5, prefer_doc="no-such-doc")
    assert [h.chunk.id for h in unknown.hits] == [h.chunk.id for h in plain.hits]
    off = QA.open(engine.index_dir, encoder=FakeEncoder(), settings=Settings(prefer_doc_weight=0.0))
    assert [h.chunk.id for h in off.retrieve("工作队 项目 人才", k=5, prefer_doc=SHANDONG).hits] == [
        h.chunk.id for h in plain.hits]


@pytest.mark.parametrize("mode", ["dense", "bm25"])
def test_prefer_doc_in_single_modes(engine: QA, mode: str) -> None:
    hits = engine.retrieve("工作队 项目 人才", k=3, mode=mode, prefer_doc=HEBEI).hits
    assert hits[0].chunk.doc_id == HEBEI


def test_empty_follow_up_is_refused(engine: QA) -> None:
    with pytest.raises(QuestionError):
        engine.ask("？？", history=["国学公园占地多少亩？"])


def test_prefer_doc_weight_is_validated() -> None:
    with pytest.raises(SettingsError, match="prefer_doc_weight"):
        Settings(prefer_doc_weight=-1.0)


# -- the chat -----------------------------------------------------------------------------------

def test_chat_history_gives_the_questions_as_typed() -> None:
    from qa.interface.chat_render import render_user_message
    from qa.interface.ui import questions_in

    history = [
        {"role": "user", "content": render_user_message("国学公园(新)占地多少亩?")},
        {"role": "assistant", "content": "> …"},
        {"role": "user", "content": [{"type": "text", "text": "那国学书院呢？"}]},
        {"role": "user", "content": "   "},
    ]
    assert questions_in(history) == ["国学公园(新)占地多少亩?", "那国学书院呢？"]
    assert questions_in(None) == []


def test_chat_reply_says_how_a_follow_up_was_understood(engine: QA) -> None:
    from qa.interface.ui import respond

    history = [{"role": "user", "content": "塔孜洪乡中心卫生院院长是谁？"}, {"role": "assistant", "content": "…"}]
    reply = respond(engine, "该院原来一周接诊多少人？", history)
    assert reply.startswith("<i>理解为：塔孜洪乡中心卫生院原来一周接诊多少人？</i>")
    assert "一周接诊1人" in reply
    traditional = respond(engine, "該院原來一週接診多少人？", history)
    assert traditional.startswith("<i>理解為：")
    assert "理解" not in respond(engine, "河北省投入了多少援藏資金？", history)


def test_understood_as_in_english() -> None:
    from qa.interface.chat_render import understood_as

    answer = Answer("What was it used for?", False, None, interpreted="What was Hebei used for?")
    assert understood_as(answer) == "Understood as: What was Hebei used for?"


def test_a_follow_up_read_as_asked_gets_no_understood_as_line() -> None:
    from qa.interface.chat_render import render_answer

    as_asked = Answer("How many functional areas does it have?", False, None,
                      interpreted="How many functional areas does it have?")  # the as-asked reading won
    assert "Understood as" not in render_answer(as_asked)
    completed = Answer("What was it used for?", False, None, interpreted="What was Hebei used for?")
    assert "<i>Understood as&#58; What was Hebei used for&#63;</i>" in render_answer(completed)


def test_what_else_quotes_something_not_given_yet(engine: QA) -> None:
    first = engine.ask("河北省投入了多少援藏資金？")
    assert first.quote is not None
    more = engine.ask("还有呢？", history=[first])
    assert more.interpreted == "河北省投入了多少援藏資金？"
    assert more.quote is None or more.quote.text != first.quote.text
    by_text = engine.ask("还有呢？", history=["河北省投入了多少援藏資金？"])
    assert by_text.quote == more.quote
    if more.quote is not None:  # a third time avoids both earlier quotes
        third = engine.ask("还有呢？", history=[first, more])
        assert third.quote is None or third.quote.text not in (first.quote.text, more.quote.text)


def test_answer_from_avoids_given_quotes(engine: QA) -> None:
    from qa.answer.answering import answer_from

    retrieval = engine.retrieve("河北省投入了多少援藏資金？")
    first = answer_from(retrieval, encoder=engine.encoder, settings=engine.settings)
    assert first.quote is not None
    other = answer_from(retrieval, encoder=engine.encoder, settings=engine.settings, avoid=[first.quote])
    assert other.quote is None or (other.quote.chunk.id, other.quote.start) != (first.quote.chunk.id,
                                                                                  first.quote.start)


def test_a_follow_up_quotes_a_sentence_with_the_words_its_asker_typed() -> None:
    from qa.answer.features import build_candidates
    from qa.answer.reader import load_reader, read
    from qa.types import Chunk, Hit, Retrieval

    text = "鄧小剛主持召開自治區人民政府專題會議。曾萬明出席會議。會議要求加強援藏工作。"
    chunk = Chunk("d#0", "d", 0, text, None, 0, len(text))
    # The completed question carries the earlier turn's words, which the first sentence holds.
    retrieval = Retrieval("誰出席了自治區人民政府專題會議？", [Hit(chunk, 1.0, 1, 0.3, 5.0)], None, None,
                          {"出席": 3.3, "自治区": 2.0, "人民政府": 2.0, "专题": 2.0, "会议": 1.6})
    settings = fake_settings()
    kwargs = {"passages": 1, "band": (settings.dense_floor, settings.dense_ceiling),
              "crosslingual_band": (settings.crosslingual_floor, settings.crosslingual_ceiling)}
    weights = load_reader()
    candidates = build_candidates(retrieval, passages=1, band=kwargs["band"]).items
    chosen = read(retrieval, weights, asked_words={"出席": 3.3, "会议": 1.6}, **kwargs)
    assert candidates[0].form.startswith("邓小刚")
    assert chosen.candidates.items[chosen.best].form == "曾万明出席会议。"
    assert [c.form for c in chosen.candidates.items] == ["曾万明出席会议。"]  # the only one holding both


def test_english_its_post_is_the_organisation_the_earlier_question_named() -> None:
    earlier = Turn("How much has Hebei invested in the Ngari maternal and child health hospital?", "Hebei", HEBEI)
    reading = _read("Who is its vice president?", earlier)
    assert reading.interpreted == "Who is Ngari maternal and child health hospital's vice president?"
    assert reading.alternative is None  # the organisation is meant: no reading as asked
    # Not a post: "its" stays the earlier subject.
    assert _read("What was its budget?", earlier).interpreted == "What was Hebei's budget?"
    # No organisation named: the subject, as before.
    plain = _read("Who is its vice president?", Turn("How much has Hebei invested?", "Hebei", HEBEI))
    assert plain.interpreted == "Who is Hebei's vice president?"


def test_chinese_its_post_is_the_organisation_the_earlier_question_named() -> None:
    earlier = Turn("河北向阿里地区妇幼保健院投入了多少援藏资金？", "河北", HEBEI)
    assert _read("它的副院长是谁？", earlier).interpreted == "阿里地区妇幼保健院的副院长是谁？"
    assert _read("它投入了多少资金？", earlier).interpreted == "河北投入了多少资金？"  # not a post: the subject


def test_they_after_a_question_about_people_is_those_people() -> None:
    earlier = Turn("有多少名組團式援藏教師？", "組團式", HEBEI)
    assert _read("他們到了哪所學校？", earlier).interpreted == "教師到了哪所學校？"
    # The subject already names people: it stays, whole.
    cadres = Turn("援疆干部有哪些待遇？", "援疆干部", SHANDONG)
    assert _read("他们每月有多少津贴？", cadres).interpreted == "援疆干部每月有多少津贴？"
