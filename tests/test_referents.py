"""Follow-ups that point at what the previous answer named (它有多大？ after 建了什么书院？)."""

from __future__ import annotations

import pytest

from qa import QA
from qa.answer.conversation import surer_other
from qa.answer.followup import Cue, Reading, Turn, read_question
from qa.answer.referents import Pointed, answered_name, asked_head, point_at_answer
from qa.types import Answer, Chunk, Quote
from tests.conftest import CORPUS, FakeEncoder, fake_settings

SHANDONG = "002_c5d2bf1e131ee9b2"


@pytest.mark.parametrize(("question", "head"), [
    ("山东援疆在英吉沙县建了什么书院？", "书院"),
    ("鄧小剛主持召開了什麼會議？", "会议"),  # Traditional reads as Simplified
    ("国学公园占地多少亩？", None),  # asks a quantity, not which thing
    ("谁主持了会议？", None),
    ("What was built?", None),
])
def test_asked_head(question: str, head: str | None) -> None:
    assert asked_head(question) == head


@pytest.mark.parametrize(("question", "quote", "named"), [
    ("山東援疆在英吉沙縣建了什麼書院？", "在英吉沙縣，環境優美、古色古香的國學書院，別有一番天地。", "國學書院"),
    ("山东援疆在英吉沙县建了什么书院？", "在英吉沙县,环境优美、古色古香的国学书院,别有一番天地。", "国学书院"),
    ("鄧小剛主持召開了什麼會議？", "區黨委政法委書記鄧小剛主持召開自治區人民政府專題會議,傳達中央精神",
     "自治區人民政府專題會議"),
    ("山东援疆在英吉沙县建了什么书院？", "书院别有一番天地。", None),  # the bare head names nothing new
    ("国学公园占地多少亩？", "国学公园占地78亩。", None),
])
def test_answered_name(question: str, quote: str, named: str | None) -> None:
    assert answered_name(question, quote) == named


@pytest.mark.parametrize(("asked", "named", "expected"), [
    ("誰出席了這次會議", "自治區人民政府專題會議", Pointed("誰出席了自治區人民政府專題會議", True)),
    ("该院有多大", "国学书院", Pointed("国学书院有多大", True)),
    ("它有多大", "国学书院", Pointed("国学书院有多大", False)),  # 它 may also mean the earlier subject
    ("该会议在哪些县设了分会场", "电视电话会议形式", None),  # names another thing than the answer
    ("他是哪一年进藏的", "国学书院", None),  # 他 is a person
    ("国学书院有多大", "国学书院", None),  # nothing points back
    ("它有多大", None, None),
])
def test_point_at_answer(asked: str, named: str | None, expected: Pointed | None) -> None:
    assert point_at_answer(asked, named) == expected


def _weights(text: str) -> dict[str, float]:
    return {"山东": 2.0, "援疆": 3.0, "英吉沙县": 5.0, "书院": 4.0}


def _read(question: str, previous: Turn) -> Reading:
    return read_question(question, previous, term_weights=_weights, document_text=lambda _: "")


def test_it_reads_as_the_earlier_subject_with_the_answer_as_alternative() -> None:
    earlier = Turn("山东援疆在英吉沙县建了什么书院？", "山东援疆", SHANDONG, named="国学书院")
    reading = _read("它有多大？", earlier)
    assert reading.cue is Cue.PRONOUN and reading.interpreted == "山东援疆有多大？"
    assert reading.alternative is not None and reading.alternative.interpreted == "国学书院有多大？"
    assert "援疆" in reading.alternative.search  # the earlier subject's words keep the search in context
    assert _read("它有多大？", Turn("山东援疆在英吉沙县建了什么书院？", "山东援疆", SHANDONG)).alternative is None


def test_a_phrase_naming_the_answer_reads_as_the_answer() -> None:
    earlier = Turn("邓小刚主持召开了什么会议？", "邓小刚", None, named="自治区人民政府专题会议")
    reading = _read("谁出席了这次会议？", earlier)
    assert reading.interpreted == "谁出席了自治区人民政府专题会议？" and reading.alternative is None


def _answer(start: int, score: float, found: bool = True) -> Answer:
    chunk = Chunk("d#0", "d", 0, "甲句。乙句。", None, 0, 6)
    quote = Quote(chunk.text[start:start + 3], chunk, score, start, start + 3)
    return Answer("问", found, quote if found else None, [])


def test_the_alternative_answer_replaces_only_with_another_surer_quote() -> None:
    assert surer_other(_answer(0, 0.5), _answer(3, 0.9))
    assert not surer_other(_answer(0, 0.9), _answer(3, 0.5))
    assert not surer_other(_answer(0, 0.5), _answer(0, 0.9))  # same sentence: the first reading stays
    assert surer_other(_answer(0, 0.0, found=False), _answer(3, 0.5))
    assert not surer_other(_answer(0, 0.5), _answer(3, 0.9, found=False))


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> QA:
    return QA.build(CORPUS, tmp_path_factory.mktemp("referents") / "index", encoder=FakeEncoder(),
                    settings=fake_settings())


def test_engine_reads_a_follow_up_about_the_answer(engine: QA) -> None:
    first = engine.ask("鄧小剛主持召開了什麼會議？")
    second = engine.ask("誰出席了這次會議？", history=[first])
    assert second.interpreted == "誰出席了自治區人民政府專題會議？"
    book = engine.ask("山東援疆在英吉沙縣建了什麼書院？")
    size = engine.ask("它有多大？", history=[book])
    assert size.interpreted in ("山東援疆有多大？", "国学书院有多大？")
    # Found or not (the passages read may give no size), the reading searched the right document.
    assert size.passages[0].chunk.doc_id == SHANDONG
    assert size.quote is None or size.quote.chunk.doc_id == SHANDONG
