"""Evaluation sets: the seed questions on the corpus, and CMRC2018 dev (SQuAD format).

CMRC2018 (Cui et al., 2019, "A Span-Extraction Dataset for Chinese Machine Reading
Comprehension", CC BY-SA 4.0): each article becomes one document, each of its
questions is asked against the whole collection.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from qa.types import Document

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"


@dataclass(frozen=True)
class EvalQuestion:
    """A question with the document and answer texts that count as correct (doc None: unanswerable)."""

    id: str
    question: str
    doc_id: str | None
    answers: tuple[str, ...]


def load_seed(path: Path = SHARED / "seed_qa_dev.jsonl", *, doc_ids: list[str] | None = None) -> list[EvalQuestion]:
    """Seed questions; a short ``doc`` like ``004`` is mapped to the corpus id that starts with it."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        doc = row.get("doc")
        if doc is not None and doc_ids is not None:
            doc = next((d for d in doc_ids if d.startswith(doc)), doc)
        out.append(EvalQuestion(row["id"], row["q"], doc, tuple(row.get("answers", ()))))
    return out


def load_cmrc(path: Path = SHARED / "cmrc2018_dev.json", *, articles: int | None = None,
              seed: int = 0) -> tuple[list[Document], list[EvalQuestion]]:
    """CMRC2018 articles as documents and their questions; ``articles`` samples that many."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    if articles is not None and articles < len(data):
        data = random.Random(seed).sample(data, articles)
    docs, questions = [], []
    for n, article in enumerate(data):
        doc_id = f"cmrc-{n:04d}"
        context = "\n".join(p["context"].strip() for p in article["paragraphs"])
        docs.append(Document(id=doc_id, title=article.get("title") or None, text=context,
                             path=f"cmrc2018/{doc_id}"))
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                answers = tuple(dict.fromkeys(a["text"] for a in qa["answers"] if a["text"].strip()))
                questions.append(EvalQuestion(qa["id"], qa["question"], doc_id, answers))
    return docs, questions
