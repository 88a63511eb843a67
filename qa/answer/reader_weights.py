"""The trained reader's weights: linear models over named features, read from JSON.

``qa/answer/reader_weights.json`` is written by ``python -m training.sentence_ranker`` and
holds one :class:`LinearModel` per decision (which sentence, which passage first, how
sure, which words exactly). JSON, never pickle: it is small (a few kB), diffable, and
loading it cannot run code. A missing or damaged file is a :class:`ReaderWeightsError`
that says how to retrain.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from qa.errors import QAError

WEIGHTS_PATH = Path(__file__).with_name("reader_weights.json")
FORMAT = "qa-reader-weights"
VERSION = 1
RETRAIN = "python -m training.sentence_ranker"
MODELS = ("sentence", "passage", "confidence", "confidence_crosslingual", "span")


class ReaderWeightsError(QAError, ValueError):
    """The reader's weights file is missing, damaged, or does not fit this code."""


@dataclass(frozen=True)
class LinearModel:
    """A linear scorer over standardised named features: ``((x - mean) / scale) @ weights + bias``.

    Example:
        >>> m = LinearModel(("a",), np.zeros(1), np.ones(1), np.array([2.0]), 0.5)
        >>> float(m.score(np.array([[1.0]]))[0])
        2.5
    """

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float

    def score(self, rows: np.ndarray) -> np.ndarray:
        """Raw scores (logits) of feature rows shaped ``(n, len(features))``."""
        rows = np.asarray(rows, dtype=np.float64).reshape(-1, len(self.features))
        return ((rows - self.mean) / self.scale) @ self.weights + self.bias

    def probability(self, rows: np.ndarray) -> np.ndarray:
        """Logistic of :meth:`score`."""
        return 1.0 / (1.0 + np.exp(-np.clip(self.score(rows), -30, 30)))

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return {
            "features": list(self.features),
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "weights": [round(float(v), 6) for v in self.weights],
            "bias": round(float(self.bias), 6),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinearModel:
        """Read the form written by :meth:`to_dict`; raises ValueError/KeyError/TypeError if malformed."""
        features = tuple(str(f) for f in data["features"])
        arrays = [np.asarray(data[key], dtype=np.float64) for key in ("mean", "scale", "weights")]
        if any(a.shape != (len(features),) for a in arrays):
            raise ValueError(f"expected {len(features)} values for each of mean/scale/weights")
        bias = float(data["bias"])
        if not all(np.isfinite(a).all() for a in arrays) or not math.isfinite(bias) or (arrays[1] <= 0).any():
            raise ValueError("non-finite weights or non-positive scales")
        return cls(features, arrays[0], arrays[1], arrays[2], bias)


@dataclass(frozen=True)
class ReaderWeights:
    """All models of the reader, plus the figures of the run that trained them."""

    sentence: LinearModel
    passage: LinearModel
    confidence: LinearModel
    confidence_crosslingual: LinearModel
    span: LinearModel
    training: dict[str, Any]


def parse_weights(data: Any, *, source: str = "<data>") -> ReaderWeights:
    """Check and read a weights document; raises :class:`ReaderWeightsError` naming the problem."""
    try:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} document")
        if data.get("version") != VERSION:
            raise ValueError(f"version {data.get('version')!r}, this code reads version {VERSION}")
        models = {name: LinearModel.from_dict(data["models"][name]) for name in MODELS}
    except (ValueError, KeyError, TypeError) as exc:
        raise ReaderWeightsError(f"Reader weights '{source}' are damaged ({exc}); retrain with `{RETRAIN}`") from exc
    return ReaderWeights(**models, training=dict(data.get("training") or {}))


def check_features(model: LinearModel, expected: tuple[str, ...], *, name: str, source: str) -> None:
    """Raise :class:`ReaderWeightsError` when a model was trained on other features than the code computes."""
    if model.features != expected:
        raise ReaderWeightsError(
            f"Reader weights '{source}': the {name} model was trained on features {list(model.features)}, "
            f"this code computes {list(expected)}; retrain with `{RETRAIN}`"
        )


def read_weights(path: Path) -> ReaderWeights:
    """Read and check the weights file at ``path``."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReaderWeightsError(f"Reader weights '{path}' are missing; retrain with `{RETRAIN}`") from None
    except OSError as exc:
        raise ReaderWeightsError(f"Reader weights '{path}' cannot be read ({exc}); retrain with `{RETRAIN}`") from exc
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ReaderWeightsError(f"Reader weights '{path}' are damaged ({exc}); retrain with `{RETRAIN}`") from exc
    return parse_weights(data, source=str(path))


def write_weights(path: Path, models: dict[str, LinearModel], training: dict[str, Any]) -> None:
    """Write a weights document (used by the training script)."""
    doc = {"format": FORMAT, "version": VERSION, "models": {k: m.to_dict() for k, m in models.items()},
           "training": training}
    Path(path).write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
