"""The shipped reader weights on ``corpus/`` with the real model: quotes, exact words, refusals.

Marked slow: it converts the shipped model on first use and embeds the five documents. The
questions come from the seed dev set (which was never used to train or tune the reader).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from qa import QA
from tests.conftest import CORPUS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[QA]:
    yield QA.build(CORPUS, tmp_path_factory.mktemp("reader") / "index", show_progress=False)


@pytest.mark.parametrize(("question", "exact"), [
    ("日喀則市委副書記是誰？", {"彭一浩"}),
    # 什么改革: the reform's name, with or without the verb before it (深化)
    ("推动医疗人才组团式援藏被作为什么改革的突破口？", {"深化事業單位改革", "事業單位改革"}),
    ("国学公园占地多少亩？", {"78亩"}),
    ("河北援藏工作队赴多个城市开展调研考察了几次？", {"13次"}),
])
def test_exact_answers(engine: QA, question: str, exact: set[str]) -> None:
    answer = engine.ask(question)
    assert answer.found and answer.quote is not None
    quote = answer.quote
    assert quote.exact in exact, quote.text
    assert quote.chunk.text[quote.exact_start:quote.exact_end] == quote.exact
    assert quote.start <= quote.exact_start < quote.exact_end <= quote.end


def test_the_number_is_marked_in_the_funds_sentence(engine: QA) -> None:
    quote = engine.ask("河北省投入了多少援藏資金？").quote
    assert quote is not None and "1950萬元" in quote.text
    assert quote.exact is not None and "1950" in quote.exact


@pytest.mark.parametrize("question", ["北京的房价是多少？", "How do I bake sourdough bread?", "劳务派遣公司哪家好？"])
def test_unanswerable_seed_questions_are_refused(engine: QA, question: str) -> None:
    assert not engine.ask(question).found


def test_the_span_reader_is_exported_once_and_reused(engine: QA) -> None:
    from qa.answer.span_loading import load_span_reader, reader_folder
    from qa.answer.span_reader import MODEL_FILE

    reader = load_span_reader(max_tokens=engine.settings.reader_max_tokens)
    assert (reader_folder() / MODEL_FILE).is_file()
    assert load_span_reader(max_tokens=engine.settings.reader_max_tokens) is reader


def test_without_the_span_reader_the_sentence_model_still_answers(engine: QA) -> None:
    plain = QA(engine.index_dir, engine.encoder, engine.settings.with_(span_reader=False))
    quote = plain.ask("河北省投入了多少援藏資金？").quote
    assert quote is not None and "1950萬元" in quote.text


def test_only_the_span_reader_spins_between_calls(engine: QA) -> None:
    # Measured: the reader's call is ~4 ms faster spinning; both sessions spinning slowed ask by half.
    from qa.answer.span_loading import load_span_reader

    reader = load_span_reader(max_tokens=engine.settings.reader_max_tokens)
    key = "session.intra_op.allow_spinning"
    assert reader.session.get_session_options().get_session_config_entry(key) == "1"
    assert engine.encoder._session.get_session_options().get_session_config_entry(key) == "0"
