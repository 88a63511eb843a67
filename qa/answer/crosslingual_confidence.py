"""How sure an answer to a question in another language is: cosines, span reader and bridged words.

An English question asked of Chinese text shares no characters with it, so the Chinese
confidence models do not apply to it. This model, fitted by
``python -m training.crosslingual_confidence`` on CMRC2018 trial and DRCD questions translated
into English, weighs three kinds of evidence about the chosen sentence:

* the cosines (:func:`qa.answer.reader.crosslingual_row`: how far the first passage stands out,
  how much closer its best sentence is);
* the span reader's margins over "no answer", in the whole window and in the chosen sentence;
* :func:`~qa.index.coverage.word_coverage`: the share of the question's content words whose Chinese words
  (:mod:`qa.index.bridge`, with the one-character ones BM25 leaves out: 援 for "aid") occur in
  the sentence; a word the documents never translate ("France" asked of a corpus about Tibet)
  counts as missing;
* :func:`kind_present`: whether the sentence holds the kind of thing asked for (a number for "how
  many", a person for "who"); a sentence lacking it is capped anyway (:mod:`qa.answer.crosslingual`).

Its probability is compared with the same ``Settings.answer_threshold`` as a Chinese answer's.
The model is tied to the span reader's weights it was fitted with: after retraining the span
reader, a stale model is not used (a warning says so) and the cosine-only confidence applies.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from qa.answer.answer_types import AnswerType, has_kind
from qa.answer.reader import Reading
from qa.answer.reader_weights import LinearModel, ReaderWeightsError
from qa.answer.span_choice import WindowReading
from qa.index.coverage import word_coverage

logger = logging.getLogger(__name__)

WEIGHTS_PATH = Path(__file__).with_name("crosslingual_confidence.json")
FEATURES: tuple[str, ...] = ("dense_lead", "dense_gap", "sentence_gain", "best_margin", "span_margin",
                             "word_coverage", "kind_present")
RETRAIN = "retrain it with `python -m training.crosslingual_confidence` (about 3 minutes on 2 cores)"


def evidence_row(cosines: np.ndarray, best_margin: float, span_margin: float | None, coverage: float,
                 kind_present: float) -> np.ndarray:
    """Row of :data:`FEATURES`: the cosine row, the span margins (the chosen sentence's margin is
    the window's when the reader found no span in it), the word coverage and :func:`kind_present`."""
    own = best_margin if span_margin is None else span_margin
    return np.asarray([[*np.asarray(cosines, dtype=np.float64).ravel(), best_margin, own, coverage, kind_present]],
                      dtype=np.float64)


def evidence(reading: Reading, window: WindowReading, groups: Sequence[Sequence[str]]) -> np.ndarray:
    """The row of :data:`FEATURES` for the sentence ``reading`` chose (``reading.cosines`` set),
    read by the span reader in ``window``; ``groups`` as for :func:`word_coverage`."""
    if reading.cosines is None or reading.best < 0:
        raise ValueError("evidence needs the reading of a question without shared words, with a chosen sentence")
    own = next((found.margin for best, _, found in window.options if best == reading.best), None)
    chosen = reading.candidates.items[reading.best]
    return evidence_row(reading.cosines, window.whole.margin, own, word_coverage(groups, chosen.form),
                        kind_present(reading.candidates.kind, chosen.form, groups))


def kind_present(kind: AnswerType, form: str, groups: Sequence[Sequence[str]]) -> float:
    """1.0 when the question asks for a number, time, person or place and the sentence (search form)
    holds one that the question's bridged words ``groups`` do not name, else 0.0.

    Example:
        >>> kind_present(AnswerType.NUMBER, "全校共有学生1200名。", [("学生",)])
        1.0
        >>> kind_present(AnswerType.NUMBER, "学生们表演了一曲。", [("学生",)])
        0.0
    """
    known = " ".join(w for group in groups for w in group)
    return float(kind is not AnswerType.OTHER and has_kind(form, kind, known=known))


def confidence(model: LinearModel, reading: Reading, window: WindowReading,
               groups: Sequence[Sequence[str]]) -> float | None:
    """The model's probability that the sentence ``reading`` chose answers, or None when the
    question was not bridged (``Settings.english_bridge`` off): with no words to look for, every
    sentence's :func:`word_coverage` would read 0 and every answer would be refused."""
    if not groups:
        return None
    return float(model.probability(evidence(reading, window, groups))[0])


def write_model(path: Path, model: LinearModel, *, span_weights: str, meta: dict) -> None:
    """Write ``model`` as JSON with the digest of the span weights it was fitted with."""
    data = {"model": model.to_dict(), "span_weights": span_weights, **meta}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


@lru_cache(maxsize=4)
def load_model(span_weights: str, path: Path = WEIGHTS_PATH) -> LinearModel | None:
    """The model at ``path`` when it was fitted with the span weights of digest ``span_weights``,
    else None (with a warning).

    Raises:
        ReaderWeightsError: If the file is missing or damaged (the message says how to retrain).
    """
    if not path.is_file():
        raise ReaderWeightsError(f"cross-lingual confidence {path} is missing; {RETRAIN}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        model = LinearModel.from_dict(data["model"])
        fitted_with = str(data["span_weights"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ReaderWeightsError(f"cross-lingual confidence {path} is damaged ({exc}); {RETRAIN}") from None
    if model.features != FEATURES:
        raise ReaderWeightsError(f"cross-lingual confidence {path} was fitted on features {list(model.features)}, "
                                 f"this code computes {list(FEATURES)}; {RETRAIN}")
    if fitted_with != span_weights:
        logger.warning("%s was fitted with other span-reader weights (%s, not %s): English answers use the "
                       "cosine-only confidence until you %s", path, fitted_with, span_weights, RETRAIN)
        return None
    return model
