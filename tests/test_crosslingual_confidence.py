"""The confidence of answers to English questions (qa.answer.crosslingual_confidence) and its inputs."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest

from qa import QA
from qa.answer import crosslingual_confidence as cc
from qa.answer.reader_weights import LinearModel, ReaderWeightsError
from qa.answer.span_export import SPAN_WEIGHTS_PATH, weights_digest
from qa.charsets import has_cjk
from qa.index.bridge import LexicalBridge
from tests.conftest import FakeEncoder, fake_settings

TRANSLATIONS = Path(__file__).resolve().parent.parent / "training" / "english_questions.jsonl"


def test_words_the_documents_never_use_are_missed_and_count_as_groups_without_words() -> None:
    bridged = LexicalBridge(["河北", "首都"]).translate("What is the capital of France in Hebei?")
    assert bridged.words == ("首都", "河北")
    assert bridged.missed == ("France",)
    # Each group leads with its index words; one-character words of the meaning follow them.
    assert [group[:1] for group in bridged.word_groups] == [("首都",), ("河北",), ()]
    assert all(len(w) == 1 for w in bridged.word_groups[0][1:])


def test_evidence_row_orders_the_features_and_falls_back_to_the_windows_margin() -> None:
    row = cc.evidence_row(np.array([0.2, 0.1, 0.05]), -8.0, -9.5, 0.5, 1.0)
    assert row.shape == (1, len(cc.FEATURES))
    assert row[0].tolist() == [0.2, 0.1, 0.05, -8.0, -9.5, 0.5, 1.0]
    assert cc.evidence_row(np.array([0.2, 0.1, 0.05]), -8.0, None, 0.5, 0.0)[0, 4] == -8.0


def test_kind_present_ignores_what_the_question_names_itself() -> None:
    from qa.answer.answer_types import AnswerType

    assert cc.kind_present(AnswerType.PERSON, "院长许多良告诉记者。", [("院长",)]) == 1.0
    assert cc.kind_present(AnswerType.PERSON, "院长许多良告诉记者。", [("许多良",), ("院长",)]) == 0.0  # named
    assert cc.kind_present(AnswerType.TIME, "会议于2023年8月召开。", [("会议",)]) == 1.0
    assert cc.kind_present(AnswerType.TIME, "会议召开。", [("会议",)]) == 0.0


def test_english_retrievals_carry_their_word_groups_and_chinese_ones_none(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("區黨委副書記鄧小剛主持召開自治區人民政府專題會議。", encoding="utf-8")
    engine = QA.build(corpus, tmp_path / "index", encoder=FakeEncoder(), settings=fake_settings())
    english = engine.retrieve("Who did Deng Xiaogang meet in Paris?")
    assert ("邓小刚",) in english.word_groups and () in english.word_groups  # Paris: no index word
    assert engine.retrieve("鄧小剛主持了什麼會議？").word_groups == ()


def _model(features: tuple[str, ...] = cc.FEATURES) -> LinearModel:
    n = len(features)
    return LinearModel(features, np.zeros(n), np.ones(n), np.ones(n), -1.0)


def test_no_confidence_without_bridged_words() -> None:
    # english_bridge off: no word groups, so the caller keeps the cosine-only confidence.
    assert cc.confidence(_model(), object(), object(), ()) is None  # type: ignore[arg-type]


def test_a_model_round_trips_when_fitted_with_these_span_weights(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    cc.write_model(path, _model(), span_weights="abc", meta={"seed": 0})
    loaded = cc.load_model("abc", path)
    assert loaded is not None and loaded.features == cc.FEATURES and loaded.bias == -1.0


def test_a_model_fitted_with_other_span_weights_is_not_used(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "m.json"
    cc.write_model(path, _model(), span_weights="abc", meta={})
    with caplog.at_level(logging.WARNING):
        assert cc.load_model("def", path) is None
    assert "python -m training.crosslingual_confidence" in caplog.text


@pytest.mark.parametrize(("content", "says"), [
    (None, "missing"),
    ("{not json", "damaged"),
    (json.dumps({"model": {"features": ["a"]}, "span_weights": "abc"}), "damaged"),
    (json.dumps({"model": _model(("dense_lead",)).to_dict(), "span_weights": "abc"}), "fitted on features"),
])
def test_missing_or_damaged_models_say_how_to_retrain(tmp_path: Path, content: str | None, says: str) -> None:
    path = tmp_path / "m.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ReaderWeightsError, match=says) as err:
        cc.load_model("abc", path)
    assert "python -m training.crosslingual_confidence" in str(err.value)


def test_the_shipped_model_was_fitted_with_the_shipped_span_reader() -> None:
    # Retraining the span reader without refitting this model would silently drop it (warning only).
    assert cc.load_model(weights_digest(SPAN_WEIGHTS_PATH)) is not None


def test_the_translated_training_questions_are_english_and_complete() -> None:
    rows = [json.loads(line) for line in TRANSLATIONS.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len({r["id"] for r in rows}) >= 800
    for r in rows:
        assert has_cjk(r["zh"]) and r["en"].endswith("?") and not has_cjk(r["en"]), r


def test_english_questions_fuse_with_their_own_dense_weight(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import qa.engine

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("區黨委副書記鄧小剛主持召開自治區人民政府專題會議。", encoding="utf-8")
    engine = QA.build(corpus, tmp_path / "index", encoder=FakeEncoder(),
                      settings=fake_settings(dense_weight=0.3, crosslingual_dense_weight=0.5))
    used: list[float] = []
    real = qa.engine.rank_hits

    def spy(*args, settings, **kwargs):  # type: ignore[no-untyped-def]
        used.append(settings.dense_weight)
        return real(*args, settings=settings, **kwargs)

    monkeypatch.setattr(qa.engine, "rank_hits", spy)
    engine.retrieve("Who presided over the meeting?")
    engine.retrieve("誰主持了會議？")
    assert used == [0.5, 0.3]
