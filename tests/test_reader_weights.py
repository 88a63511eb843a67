"""Loading the reader's weights: the shipped file works, a missing or damaged one says how to retrain."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from qa.answer.reader import load_reader
from qa.answer.reader_weights import RETRAIN, WEIGHTS_PATH, LinearModel, ReaderWeightsError, parse_weights

MAX_BYTES = 20 * 1024 * 1024


def test_shipped_weights_load_and_are_small() -> None:
    weights = load_reader()
    assert WEIGHTS_PATH.stat().st_size < MAX_BYTES
    assert weights.training["questions"]["train"] > 1000
    assert 0.0 < weights.training["answer_threshold"] < 1.0


def _copy(tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    data = json.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "weights.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_missing_file_says_how_to_retrain(tmp_path: Path) -> None:
    with pytest.raises(ReaderWeightsError, match="missing; retrain with `python -m training.sentence_ranker`"):
        load_reader(tmp_path / "nowhere.json")


def test_truncated_file_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "weights.json"
    path.write_text(WEIGHTS_PATH.read_text(encoding="utf-8")[:200], encoding="utf-8")
    with pytest.raises(ReaderWeightsError, match=f"damaged .*{RETRAIN}"):
        load_reader(path)


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.update(version=99), "version 99"),
    (lambda d: d.update(format="something"), "not a qa-reader-weights document"),
    (lambda d: d["models"].pop("span"), "span"),
    (lambda d: d["models"]["sentence"]["weights"].pop(), "expected"),
    (lambda d: d["models"]["passage"].update(bias="NaN"), "non-finite"),
    (lambda d: d["models"]["sentence"]["scale"].__setitem__(0, 0.0), "non-positive"),
])
def test_damaged_contents_are_named(tmp_path: Path, change, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ReaderWeightsError, match=message):
        load_reader(_copy(tmp_path, change))


def test_weights_for_other_features_are_refused(tmp_path: Path) -> None:
    def rename(data: dict) -> None:
        data["models"]["sentence"]["features"][0] = "a_feature_this_code_lacks"

    with pytest.raises(ReaderWeightsError, match="trained on features .* retrain with"):
        load_reader(_copy(tmp_path, rename))


def test_linear_model_round_trips() -> None:
    model = LinearModel(("a", "b"), np.array([1.0, 2.0]), np.array([0.5, 1.0]), np.array([1.0, -1.0]), 0.25)
    again = LinearModel.from_dict(json.loads(json.dumps(model.to_dict())))
    rows = np.array([[1.0, 2.0], [2.0, 0.0]])
    assert np.allclose(again.score(rows), model.score(rows))
    assert np.allclose(model.score(rows), [0.25, 2.0 + 2.0 + 0.25])
    with pytest.raises(ReaderWeightsError, match="damaged"):
        parse_weights([1, 2, 3])
