"""Training examples: the two unanswerable twins built from one retrieval."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.types import Chunk, Hit, Retrieval
from tests.fakes import char_tokenizer
from training.data import TrainQuestion
from training.examples import collect


def _chunk(doc: str, n: int, text: str) -> Chunk:
    return Chunk(f"{doc}#{n}", doc, n, text, None, 0, len(text))


class _Engine:
    """Just what ``collect`` asks of the engine: its chunks, its manifest and ``retrieve``."""

    def __init__(self, order: list[Chunk]) -> None:
        self.chunks = order
        self.manifest = {"created": "test"}
        self.order = order

    def retrieve(self, question: str, *, k: int) -> Retrieval:
        hits = [Hit(c, 1.0 / n, n, None, None) for n, c in enumerate(self.order[:k], start=1)]
        return Retrieval(question, hits, None, None, {"资金": 1.0})


ANSWER = _chunk("a", 0, "援藏资金1950万元。")
SAME = _chunk("a", 1, "工作队还开展了培训。")
OTHER = _chunk("b", 0, "另一篇文章。")
QUESTION = TrainQuestion("q1", "援藏资金是多少？", "a", ("1950万元",))


def test_twins_drop_the_article_or_only_the_answers_passages(tmp_path: Path) -> None:
    [ex] = collect(_Engine([ANSWER, SAME, OTHER]), [QUESTION], k=5, cache=tmp_path)
    assert [h.chunk.id for h in ex.retrieval.hits] == ["a#0", "a#1", "b#0"]
    assert [(h.chunk.id, h.rank) for h in ex.unanswerable.hits] == [("b#0", 1)]
    assert ex.nearby is not None
    assert [(h.chunk.id, h.rank) for h in ex.nearby.hits] == [("a#1", 1), ("b#0", 2)]


def test_no_nearby_twin_when_another_article_would_lead(tmp_path: Path) -> None:
    [ex] = collect(_Engine([ANSWER, OTHER, SAME]), [QUESTION], k=5, cache=tmp_path)
    assert ex.nearby is None
    assert [h.chunk.id for h in ex.unanswerable.hits] == ["b#0"]


def test_span_windows_of_the_on_topic_twin_say_no_answer(tmp_path: Path) -> None:
    from qa.answer.reader import load_reader
    from qa.settings import Settings
    from training.span_data import build_span_examples

    [ex] = collect(_Engine([ANSWER, SAME, OTHER]), [QUESTION], k=5, cache=tmp_path)
    tokenizer = char_tokenizer([c.text for c in (ANSWER, SAME, OTHER)] + [QUESTION.question])
    by_doc = {"a": [ANSWER, SAME], "b": [OTHER]}
    args = ([ex], load_reader(), Settings(), tokenizer, by_doc)
    plain = build_span_examples(*args)
    assert [i.kind for i in plain] == ["pipeline", "twin"]
    with_nearby = build_span_examples(*args, nearby=True)
    assert [i.kind for i in with_nearby] == ["pipeline", "twin", "nearby"]
    pipeline, _, nearby = with_nearby
    labelled = pipeline.window.text[pipeline.offsets[pipeline.start][0]:pipeline.offsets[pipeline.end][1]]
    assert labelled == "1950万元"
    assert nearby.window.chunk.id == "a#1"
    assert (nearby.start, nearby.end) == (0, 0)  # "no answer"


def test_english_windows_keep_the_window_and_its_label(tmp_path: Path) -> None:
    from qa.answer.reader import load_reader
    from qa.settings import Settings
    from training.span_data import build_span_examples, in_english

    [ex] = collect(_Engine([ANSWER, SAME, OTHER]), [QUESTION], k=5, cache=tmp_path)
    english = "How much aid money was there?"
    tokenizer = char_tokenizer([c.text for c in (ANSWER, SAME, OTHER)] + [QUESTION.question, english])
    items = build_span_examples([ex], load_reader(), Settings(), tokenizer, {"a": [ANSWER, SAME], "b": [OTHER]},
                                nearby=True)
    asked = in_english(items, {"q1": english}, tokenizer, max_tokens=128)
    assert [i.kind for i in asked] == [i.kind for i in items] == ["pipeline", "twin", "nearby"]
    for chinese, item in zip(items, asked, strict=True):
        assert item.window == chinese.window
        assert len(item.ids) == len(chinese.ids) + len(english) - len(QUESTION.question)
    pipeline = asked[0]
    assert pipeline.window.text[pipeline.offsets[pipeline.start][0]:pipeline.offsets[pipeline.end][1]] == "1950万元"
    assert [(i.start, i.end) for i in asked[1:]] == [(0, 0), (0, 0)]
    assert in_english(items, {"other": english}, tokenizer, max_tokens=128) == []  # no translation: no window


def test_translations_load_by_question_id(tmp_path: Path) -> None:
    from training.data import load_translations

    path = tmp_path / "t.jsonl"
    path.write_text('{"id": "q1", "zh": "援藏资金是多少？", "en": "How much aid money?"}\n', encoding="utf-8")
    assert load_translations(path) == {"q1": "How much aid money?"}
    path.write_text('{"id": "q1", "zh": "援藏资金是多少？", "en": " "}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="t.jsonl:1: no English question"):
        load_translations(path)


@pytest.mark.parametrize(("args", "says"), [
    (["--chinese", "-1"], "--chinese -1 is not allowed"),
    (["--init", "no-such-weights.safetensors"], "--init: span reader weights no-such-weights.safetensors are missing"),
])
def test_span_reader_training_rejects_bad_options_before_reading_data(
        args: list[str], says: str, capsys: pytest.CaptureFixture[str]) -> None:
    from training.span_reader import main

    with pytest.raises(SystemExit) as stop:
        main(args)
    assert stop.value.code == 2 and says in capsys.readouterr().err
