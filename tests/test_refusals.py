"""Questions without content words are refused before retrieval, each with its reason."""

from __future__ import annotations

import pytest

from qa import QA
from qa.answer.content import Refusal, refusal, strip_markup
from qa.answer.questions import prepare_question
from qa.errors import QuestionError
from tests.conftest import CORPUS, FakeEncoder

REFUSED = {
    "<script>alert(1)</script>": Refusal.MARKUP_ONLY,
    "<b></b><br/>": Refusal.MARKUP_ONLY,
    "<!-- hi --><p>x</p>": Refusal.MARKUP_ONLY,
    "1": Refusal.DIGITS_ONLY,
    "2023 ? 12.5%": Refusal.DIGITS_ONLY,
    "１２３": Refusal.DIGITS_ONLY,
    "alert(1)": Refusal.SINGLE_TOKEN,
    "Tibet?": Refusal.SINGLE_TOKEN,
    "  hello  ": Refusal.SINGLE_TOKEN,
    "？！。": Refusal.NO_WORDS,
    "😀🎉": Refusal.NO_WORDS,
}
KEPT = ["谁？", "水", "河北投入了多少援藏资金？", "<b>河北</b>投入了多少？", "How to bake bread?",
        "BM25 score?", "What is GDP", "2023年", "Москва", "日本の援助", "援藏 1950", "e5 模型"]


@pytest.mark.parametrize(("question", "reason"), REFUSED.items())
def test_contentless_questions_are_refused_with_their_reason(question: str, reason: Refusal) -> None:
    assert refusal(question) is reason
    with pytest.raises(QuestionError, match="was not searched") as caught:
        prepare_question(question)
    assert caught.value.reason is reason


@pytest.mark.parametrize("question", KEPT)
def test_real_short_questions_are_kept(question: str) -> None:
    assert refusal(question) is None
    assert prepare_question(question).text


def test_markup_is_stripped_but_its_contents_stay() -> None:
    assert strip_markup("<p class='x'>河北</p> a<b").split() == ["河北", "a<b"]


def test_engine_refuses_before_retrieval() -> None:
    class Counting(FakeEncoder):
        calls = 0

        def encode_queries(self, texts, **kwargs):  # type: ignore[no-untyped-def,override]
            Counting.calls += 1
            return super().encode_queries(texts, **kwargs)

    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        engine = QA.build(CORPUS, f"{tmp}/index", encoder=Counting())
        before = Counting.calls
        for question in REFUSED:
            with pytest.raises(QuestionError):
                engine.ask(question)
        assert Counting.calls == before
        assert engine.ask("河北投入了多少援藏资金？").passages
        assert Counting.calls == before + 1
