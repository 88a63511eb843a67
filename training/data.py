"""The training sets as documents and questions, split by article with a fixed seed.

CMRC2018 trial (Cui et al., 2019, CC BY-SA 4.0; Simplified) and DRCD dev (Shao et al., 2018,
CC BY-SA 3.0; Traditional), both SQuAD-format JSON in ``shared/eval/train/``. Whole articles go
to one side of the split, so held-out questions never see a passage seen in training.
CMRC2018 dev is the validation set and is never read here.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.types import Document

TRAIN_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "train"
SOURCES = (("cmrct", "cmrc2018_trial.json"), ("drcd", "drcd_dev.json"))
# English translations of 880 of the training questions, made for this project (same licences).
TRANSLATIONS = Path(__file__).with_name("english_questions.jsonl")


@dataclass(frozen=True)
class TrainQuestion:
    """A question, the article (document) that answers it, and its answer texts."""

    id: str
    question: str
    doc_id: str
    answers: tuple[str, ...]


@dataclass(frozen=True)
class TrainingSet:
    """All training articles (one index holds them all) and the questions of each side."""

    documents: list[Document]
    train: list[TrainQuestion]
    held_out: list[TrainQuestion]


def read_articles(folder: Path = TRAIN_DIR) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every article of both sets (SQuAD-format dicts) with its document id (``cmrct-0007``)."""
    for prefix, name in SOURCES:
        path = folder / name
        if not path.exists():
            raise FileNotFoundError(f"training set {path} is missing (see shared/eval/train/README.md)")
        for n, article in enumerate(json.loads(path.read_text(encoding="utf-8"))["data"]):
            yield f"{prefix}-{n:04d}", article


def load_training_set(folder: Path = TRAIN_DIR, *, held_out_share: float = 0.2, seed: int = 0) -> TrainingSet:
    """Read both sets; a ``held_out_share`` of the articles (fixed ``seed``) is held out."""
    documents: list[Document] = []
    questions: dict[str, list[TrainQuestion]] = {}
    for doc_id, article in read_articles(folder):
        text = "\n".join(p["context"].strip() for p in article["paragraphs"])
        documents.append(Document(id=doc_id, title=article.get("title") or None, text=text,
                                  path=f"{doc_id.split('-')[0]}/{doc_id}"))
        questions[doc_id] = [
            TrainQuestion(qa["id"], qa["question"], doc_id,
                          tuple(dict.fromkeys(a["text"] for a in qa["answers"] if a["text"].strip())))
            for p in article["paragraphs"] for qa in p["qas"]
        ]
    ids = sorted(questions)
    random.Random(seed).shuffle(ids)
    held = set(ids[: round(len(ids) * held_out_share)])
    # A few questions are empty or have no answer text: nothing to learn from them.
    train = [q for d in sorted(questions) if d not in held for q in questions[d] if q.answers and q.question.strip()]
    held_out = [q for d in sorted(questions) if d in held for q in questions[d] if q.answers and q.question.strip()]
    return TrainingSet(documents, train, held_out)


def load_translations(path: Path = TRANSLATIONS) -> dict[str, str]:
    """English question by training question id."""
    out = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        row = json.loads(line)
        if not row.get("en", "").strip():
            raise ValueError(f"{path}:{n}: no English question")
        out[row["id"]] = row["en"]
    return out
