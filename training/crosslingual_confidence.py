"""Fit the confidence of answers to English questions: ``python -m training.crosslingual_confidence``.

Runs after :mod:`training.span_reader` and takes about 3 minutes on 2 cores, through the exported
int8 reader that answering uses:

1. ``training/english_questions.jsonl``: 880 CMRC2018 trial and DRCD dev questions translated
   into English (as a user would ask them, names in pinyin) for this project. They keep the
   training split by article (:mod:`training.data`): 640 of them on training articles, 240 on
   held-out articles.
2. Each English question is asked of the training articles' index as ``ask`` asks it (bridged
   BM25 words, the encoder's sentence choice, one span-reader call), and again with its right
   article removed (its unanswerable twin); on held-out articles also with only the answer's
   passages removed (an on-topic question the documents do not answer, reported, not fitted).
3. A logistic model over :data:`~qa.answer.crosslingual_confidence.FEATURES` is fitted on the
   training articles (label: the chosen sentence holds the answer), and compared on the held-out
   articles with the cosine-only confidence at the engine's answer threshold (the caps of
   :mod:`qa.answer.crosslingual` applied to both).
4. The model is written to ``qa/answer/crosslingual_confidence.json`` with the digest of the
   span-reader weights it was fitted with, its figures and the time taken.
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.answer import crosslingual_confidence as model_file
from qa.answer.answer_types import year_missing
from qa.answer.crosslingual import asked_kind_missing
from qa.answer.reader import load_reader, read
from qa.answer.span_choice import read_window
from qa.answer.span_export import SPAN_WEIGHTS_PATH, weights_digest
from qa.answer.span_loading import load_span_reader
from qa.engine import QA
from qa.settings import Settings
from qa.textnorm import search_form
from qa.types import Retrieval
from training.data import TrainQuestion, load_training_set, load_translations
from training.evaluation import is_correct
from training.examples import Example, contains_answer, example
from training.fitting import fit_logistic

REPO = Path(__file__).resolve().parent.parent
SEED = 0


@dataclass(frozen=True)
class Row:
    """One English question (or a twin) read as ``ask`` reads it."""

    kind: str  # "answerable", "twin" (right article removed) or "nearby" (answer's passages removed)
    evidence: np.ndarray
    right: bool  # the chosen sentence holds the answer
    cosine_only: float  # today's confidence without the span reader's and the bridge's evidence
    capped: bool  # the sentence lacks what the question asks for: capped below any threshold


def variants(ex: Example, *, nearby: bool) -> list[tuple[str, Retrieval]]:
    """The question's retrieval and its twin without the right article; with ``nearby`` also the
    one without the answer's passages, when the right article still leads."""
    out = [("answerable", ex.retrieval), ("twin", ex.unanswerable)]
    return out + [("nearby", ex.nearby)] if nearby and ex.nearby is not None else out


def read_rows(engine: QA, questions: Sequence[TrainQuestion], english: dict[str, str], settings: Settings, *,
              nearby: bool) -> list[Row]:
    """Every translated question of ``questions`` and its twins, read as ``ask`` reads them."""
    weights = load_reader()
    reader = load_span_reader(SPAN_WEIGHTS_PATH, max_tokens=settings.reader_max_tokens, crosslingual=False)
    k = max(5, settings.answer_passages)
    band = (settings.dense_floor, settings.dense_ceiling)
    cross = (settings.crosslingual_floor, settings.crosslingual_ceiling)

    def embed(texts: list[str]) -> np.ndarray:
        return engine.encoder.encode_passages(texts, batch_size=32)

    rows = []
    for q in questions:
        if q.id not in english:
            continue
        ex = example(q, engine.retrieve(english[q.id], k=2 * k), k)
        for kind, retrieval in variants(ex, nearby=nearby):
            if not retrieval.hits:
                continue
            reading = read(retrieval, weights, passages=settings.answer_passages, band=band, crosslingual_band=cross,
                           embed=embed, max_embedded=settings.max_encoded_sentences)
            window = read_window(reading, retrieval.question, reader, budget=settings.reader_window_chars) \
                if reading.best >= 0 else None
            if window is None:
                continue
            chosen = reading.candidates.items[reading.best].form
            right = kind == "answerable" and is_correct(reading.hits, reading.best, reading.candidates, q)
            # The caps answering puts on a sentence without the asked-for kind of thing or year.
            capped = asked_kind_missing(retrieval.question, chosen, known=retrieval.term_weights) \
                or year_missing(search_form(retrieval.question), chosen)
            rows.append(Row(kind, model_file.evidence(reading, window, retrieval.word_groups)[0], right,
                            reading.confidence, capped))
    return rows


def first_passages_right(engine: QA, questions: Sequence[TrainQuestion], english: dict[str, str]) -> dict[str, int]:
    """How many translated questions get a first passage holding the answer, with the dense weight
    English questions fuse with (``crosslingual_dense_weight``) and with Chinese questions' one."""
    asked = [q for q in questions if q.id in english]
    out = {}
    for name in ("crosslingual_dense_weight", "dense_weight"):
        weight = getattr(engine.settings, name)
        asking = QA(engine.index_dir, engine.encoder, engine.settings.with_(crosslingual_dense_weight=weight))
        right = 0
        for q in asked:
            first = asking.retrieve(english[q.id], k=1).hits[:1]
            right += any(h.chunk.doc_id == q.doc_id and contains_answer(h.chunk.text, q) for h in first)
        out[f"{name} {weight}"] = right
    return out


def figures(rows: Sequence[Row], confidence: np.ndarray, threshold: float) -> dict[str, float]:
    """answer@1 over the answerable questions and the share of twins answered, at ``threshold``."""
    kept = (confidence >= threshold) & ~np.asarray([r.capped for r in rows])
    out = {}
    for kind in ("answerable", "twin", "nearby"):
        mask = np.asarray([r.kind == kind for r in rows])
        if not mask.any():
            continue
        if kind == "answerable":
            right = np.asarray([r.right for r in rows])
            out["answer_at_1"] = round(float((kept & right & mask).sum() / mask.sum()), 4)
            out["right_refused"] = int((~kept & right & mask).sum())
        else:
            out[f"{kind}s_answered"] = round(float((kept & mask).sum() / mask.sum()), 4)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.crosslingual_confidence",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=REPO / "benchmarks" / ".cache" / "train-index")
    parser.add_argument("--out", type=Path, default=model_file.WEIGHTS_PATH)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    started = time.perf_counter()
    settings = Settings()
    data = load_training_set(seed=SEED)
    english = load_translations()
    engine = QA.build_from_documents(data.documents, args.cache, settings=settings)
    train = read_rows(engine, data.train, english, settings, nearby=False)
    held = read_rows(engine, data.held_out, english, settings, nearby=True)
    print(f"read {len(train)} training / {len(held)} held-out rows; {time.perf_counter() - started:.0f}s", flush=True)
    model = fit_logistic(np.asarray([r.evidence for r in train]), np.asarray([r.right for r in train]),
                         model_file.FEATURES)
    threshold = settings.answer_threshold
    fitted = figures(held, model.probability(np.asarray([r.evidence for r in held])), threshold)
    before = figures(held, np.asarray([r.cosine_only for r in held]), threshold)
    print(f"held-out English questions at threshold {threshold}: this model {fitted}; cosine-only {before}")
    passages = first_passages_right(engine, [*data.train, *data.held_out], english)
    print(f"first passage right, of {len(english)} translated questions: {passages}")
    meta = {"command": "python -m training.crosslingual_confidence", "seed": SEED,
            "data": "CMRC2018 trial (CC BY-SA 4.0) + DRCD dev (CC BY-SA 3.0) questions translated into English "
                    "(training/english_questions.jsonl), split by article as training.data splits them",
            "rows": {"train": len(train), "held_out": len(held)}, "threshold": threshold,
            "held_out": fitted, "held_out_cosine_only": before, "first_passage_right": passages,
            "seconds": round(time.perf_counter() - started, 1)}
    model_file.write_model(args.out, model, span_weights=weights_digest(SPAN_WEIGHTS_PATH), meta=meta)
    print(f"wrote {args.out} in {time.perf_counter() - started:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
