"""Tune how the span reader chooses and how sure it is: ``python -m training.span_confidence``.

Runs after :mod:`training.span_reader` (a few minutes), through the exported int8 reader that
answering uses:

1. Every training question and its unanswerable twin is read as ``ask`` reads it: the sentence
   model, then one span-reader call over the first passage's window.
2. The fusion weight (span score against sentence logit, :func:`qa.answer.span_choice.choose`)
   with the most right sentences on the training articles is kept.
3. Each chosen quote gives a row of :data:`~qa.answer.span_reader.SPAN_CONFIDENCE_FEATURES`
   labelled by whether it holds the answer; a logistic model is fitted on the training
   articles, and the answer threshold is chosen on the held-out articles (most correct quotes
   kept plus most unanswerable twins refused). answer@1, exact match and F1 are printed
   against the sentence model alone, and how many on-topic twins (the right article kept
   without the answer's passages; not fitted on) are refused.
4. The weight, the model and the threshold are written into the weights file's header.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.cmrc_eval import exact_match, f1_score
from qa.answer.reader import Reading, load_reader, read
from qa.answer.reader_weights import LinearModel, ReaderWeights
from qa.answer.span_choice import WindowReading, choose, read_window, span_evidence
from qa.answer.span_export import SPAN_WEIGHTS_PATH, read_meta
from qa.answer.span_loading import load_span_reader
from qa.answer.span_reader import SPAN_CONFIDENCE_FEATURES, SpanReader
from qa.engine import QA
from qa.settings import Settings
from training.data import TrainQuestion, load_training_set
from training.evaluation import BAND, choose_threshold
from training.examples import Example, collect, contains_answer
from training.fitting import fit_logistic

REPO = Path(__file__).resolve().parent.parent
SEED = 0
# Weights of the span's score against the sentence model's logit that are tried (0: the
# sentence model alone chooses; large: the span reader alone chooses).
FUSIONS = (0.0, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0, 1.5, 2.0, 4.0, 100.0)


@dataclass(frozen=True)
class Read:
    """One question (or its twin) read by both models, with what a right quote must hold."""

    reading: Reading
    window: WindowReading
    question: TrainQuestion
    answerable: bool


def read_all(examples: Sequence[Example], reader: SpanReader, weights: ReaderWeights, settings: Settings, *,
             nearby: bool = False) -> list[Read]:
    """Every question and its unanswerable twin through the sentence model and the span reader;
    with ``nearby``, instead the twins that keep the right article without the answer's passages."""
    out = []
    cross = (settings.crosslingual_floor, settings.crosslingual_ceiling)
    for ex in examples:
        pairs = [(ex.nearby, False)] if nearby else [(ex.retrieval, True), (ex.unanswerable, False)]
        for retrieval, can in pairs:
            if retrieval is None:
                continue
            reading = read(retrieval, weights, passages=settings.answer_passages, band=BAND, crosslingual_band=cross)
            if reading.best < 0:
                continue
            window = read_window(reading, retrieval.question, reader, budget=settings.reader_window_chars)
            if window is not None:
                out.append(Read(reading, window, ex.question, can))
    return out


def rows(reads: Sequence[Read], weights: ReaderWeights, *, fusion: float, confidence: LinearModel | None = None):  # type: ignore[no-untyped-def]
    """Evidence rows, labels, answerable flags, confidences and exact-answer EM/F1 at ``fusion``."""
    xs, ys, answerable, conf, em, f1 = [], [], [], [], [], []
    for r in reads:
        choice = choose(r.reading, r.window, weights, fusion=fusion, confidence=None)
        if choice is None:
            continue
        c = r.reading.candidates.items[choice.best]
        right = r.answerable and c.chunk.doc_id == r.question.doc_id and contains_answer(
            c.chunk.text[c.start:c.end], r.question)
        words = c.chunk.text[choice.exact[0]:choice.exact[1]]
        row = span_evidence(choice.confidence, choice.reading, choice.whole)[0]
        xs.append(row)
        ys.append(right)
        answerable.append(r.answerable)
        conf.append(choice.confidence if confidence is None else float(confidence.probability(row)[0]))
        em.append(exact_match(r.question.answers, words) if r.answerable else 0.0)
        f1.append(f1_score(r.question.answers, words) if r.answerable else 0.0)
    return (np.asarray(xs), np.asarray(ys, dtype=bool), np.asarray(answerable, dtype=bool), np.asarray(conf),
            np.asarray(em), np.asarray(f1))


def figures(ys: np.ndarray, answerable: np.ndarray, conf: np.ndarray, em: np.ndarray, f1: np.ndarray,
            threshold: float, questions: int) -> dict[str, float]:
    """answer@1 and exact EM/F1 over all ``questions`` (refused = wrong), and refusal rates."""
    kept = conf >= threshold
    return {
        "answer_at_1": round(float((kept & ys).sum() / questions), 4),
        "exact_em": round(float((em * kept)[answerable].sum() / questions), 4),
        "exact_f1": round(float((f1 * kept)[answerable].sum() / questions), 4),
        "refused_answerable": round(float((~kept[answerable]).mean()), 4),
        "refused_unanswerable": round(float((~kept[~answerable]).mean()), 4),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.span_confidence", description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=REPO / "benchmarks" / ".cache" / "train-index")
    parser.add_argument("--weights", type=Path, default=SPAN_WEIGHTS_PATH)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    started = time.perf_counter()
    settings = Settings()
    data = load_training_set(seed=SEED)
    engine = QA.build_from_documents(data.documents, args.cache, settings=settings)
    k = max(5, settings.answer_passages)
    train = collect(engine, data.train, k=k, cache=args.cache)
    held = collect(engine, data.held_out, k=k, cache=args.cache)
    reader = load_span_reader(args.weights, max_tokens=settings.reader_max_tokens)
    weights = load_reader()
    train_reads = read_all(train, reader, weights, settings)
    held_reads = read_all(held, reader, weights, settings)
    print(f"read {len(train_reads)} train / {len(held_reads)} held-out windows; "
          f"{time.perf_counter() - started:.0f}s", flush=True)
    # The sentence choice: the fusion weight with the most right sentences on the training articles.
    by_fusion = {w: float(rows(train_reads, weights, fusion=w)[1].sum()) for w in FUSIONS}
    fusion = max(FUSIONS, key=lambda w: (by_fusion[w], -w))
    print(f"right sentences on training articles by fusion weight: {by_fusion}; chose {fusion}", flush=True)
    x, y, _, _, _, _ = rows(train_reads, weights, fusion=fusion)
    model = fit_logistic(x, y, SPAN_CONFIDENCE_FEATURES)
    _, hy, hans, hconf, hem, hf1 = rows(held_reads, weights, fusion=fusion, confidence=model)
    threshold = choose_threshold(hconf, hy, hans)
    result = figures(hy, hans, hconf, hem, hf1, threshold, len(held))
    _, sy, sans, sconf, sem, sf1 = rows(held_reads, weights, fusion=0.0)
    sentence_only = figures(sy, sans, sconf, sem, sf1, settings.answer_threshold, len(held))
    print(f"held-out, sentence model's choice and confidence at {settings.answer_threshold}: {sentence_only}")
    # Not fitted on: on-topic questions whose answer's passages are gone (another passage of the
    # right article leads) are harder to refuse than twins without the article.
    near = read_all(held, reader, weights, settings, nearby=True)
    nconf = rows(near, weights, fusion=fusion, confidence=model)[3]
    result["refused_nearby"] = round(float((nconf < threshold).mean()), 4) if len(nconf) else 0.0
    print(f"held-out twins keeping the right article without the answer's passages: {len(nconf)}, "
          f"refused {result['refused_nearby']} at {threshold}")
    meta = read_meta(args.weights)
    meta.update({"fusion": fusion, "confidence": model.to_dict(), "answer_threshold": threshold,
                 "held_out_answers": result, "held_out_sentence_model_alone": sentence_only,
                 "confidence_command": "python -m training.span_confidence"})
    from safetensors.numpy import load_file, save_file

    save_file(load_file(str(args.weights)), str(args.weights),
              metadata={"span_reader": json.dumps(meta, ensure_ascii=False)})
    print(f"fusion {fusion}, answer threshold {threshold}; held-out {result}; {time.perf_counter() - started:.0f}s")
    print(f"wrote the confidence model into {args.weights}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
