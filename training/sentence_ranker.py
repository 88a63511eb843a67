"""Train the answer reader: ``python -m training.sentence_ranker`` (fixed seed, a few minutes on 2 cores).

1. Index every training article (CMRC2018 trial + DRCD dev, see :mod:`training.data`) with
   the project's own engine and encoder; the index is cached under ``--cache``.
2. Ask each question through the real retrieval; every sentence of the top passages becomes a
   candidate (positive when it contains an answer text and is from the right article). An
   unanswerable twin of each question is its retrieval with the right article removed.
3. Fit on the training articles: the sentence model (softmax over a question's sentences),
   the passage model (softmax over its passages), the confidence models (logistic: Chinese
   with lexical evidence; cross-lingual with cosine evidence only).
4. On the held-out articles: answer@1 against the hand-set formula, hit@1 before/after
   reranking, the calibration table and the answer threshold; all printed and stored in the
   weights file with the time the run took.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from benchmarks.cmrc_eval import exact_match, f1_score, remove_punctuation
from qa.answer.answering import exact_words
from qa.answer.features import SENTENCE_INPUTS, build_candidates, sentence_inputs
from qa.answer.reader import (
    CONFIDENCE_FEATURES,
    CROSSLINGUAL_FEATURES,
    PASSAGE_FEATURES,
    closest_sentence,
    confidence_row,
    crosslingual_row,
    passage_rows,
    read,
    sentence_scores,
)
from qa.answer.reader_weights import WEIGHTS_PATH, LinearModel, ReaderWeights, write_weights
from qa.answer.spans import SPAN_FEATURES, span_candidates
from qa.engine import QA
from qa.settings import Settings
from qa.textnorm import search_form
from training.data import load_training_set
from training.evaluation import BAND, calibration, choose_threshold, evaluate, hand_set_answer_at_1, is_correct
from training.examples import Example, collect, contains_answer
from training.fitting import fit_listwise, fit_logistic

REPO = Path(__file__).resolve().parent.parent
SEED = 0










def sentence_data(examples: Sequence[Example], passages: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    xs, ys, gs = [], [], []
    for n, ex in enumerate(examples):
        cands = build_candidates(ex.retrieval, passages=passages, band=BAND)
        for c, row in zip(cands.items, sentence_inputs(cands.features), strict=True):
            xs.append(row)
            ys.append(c.chunk.doc_id == ex.question.doc_id and contains_answer(c.chunk.text[c.start:c.end],
                                                                               ex.question))
            gs.append(n)
    return np.asarray(xs), np.asarray(ys), np.asarray(gs)


def passage_data(examples: Sequence[Example], sentence: LinearModel,
                 passages: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    xs, ys, gs = [], [], []
    for n, ex in enumerate(examples):
        cands = build_candidates(ex.retrieval, passages=passages, band=BAND)
        if not cands.items:
            continue
        scores = sentence_scores(cands, sentence.score(sentence_inputs(cands.features)))
        ids, rows = passage_rows(cands, scores, ex.retrieval.hits)
        by_id = {h.chunk.id: h for h in ex.retrieval.hits}
        for cid, row in zip(ids, rows, strict=True):
            chunk = by_id[cid].chunk
            xs.append(row)
            ys.append(chunk.doc_id == ex.question.doc_id and contains_answer(chunk.text, ex.question))
            gs.append(n)
    return np.asarray(xs), np.asarray(ys), np.asarray(gs)


def span_data(examples: Sequence[Example], passages: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Spans of the first sentence that contains the answer; positive when a span is an answer text
    once punctuation is dropped (the CMRC2018 rule: 《书名》 and 书名 both match).

    Also returns the share of those sentences where some candidate span is exactly an answer.
    """
    xs, ys, gs = [], [], []
    covered = seen = 0
    for n, ex in enumerate(examples):
        cands = build_candidates(ex.retrieval, passages=passages, band=BAND)
        positive = next((c for c in cands.items if c.chunk.doc_id == ex.question.doc_id
                         and contains_answer(c.chunk.text[c.start:c.end], ex.question)), None)
        if positive is None:
            continue
        spans = span_candidates(positive.form, search_form(ex.question.question),
                                frozenset(ex.retrieval.term_weights), cands.kind)
        answers = {remove_punctuation(search_form(a)) for a in ex.question.answers}
        labels = [remove_punctuation(positive.form[s.start:s.end]) in answers for s in spans.spans]
        seen += 1
        covered += any(labels)
        xs.extend(spans.features)
        ys.extend(labels)
        gs.extend([n] * len(labels))
    return np.asarray(xs), np.asarray(ys), np.asarray(gs), covered / max(seen, 1)


def exact_scores(examples: Sequence[Example], weights: ReaderWeights, settings: Settings) -> dict[str, float]:
    """EM and F1 (CMRC2018 rules) of the exact answer in the reader's chosen sentence."""
    em = f1 = 0.0
    for ex in examples:
        r = read(ex.retrieval, weights, passages=settings.answer_passages, band=BAND,
                 crosslingual_band=(settings.crosslingual_floor, settings.crosslingual_ceiling))
        if r.best < 0:
            continue
        c = r.candidates.items[r.best]
        span = exact_words(c, ex.question.question, set(ex.retrieval.term_weights), r.candidates.kind, weights.span)
        prediction = c.chunk.text[span[0]:span[1]] if span else c.chunk.text[c.start:c.end]
        em += exact_match(ex.question.answers, prediction)
        f1 += f1_score(ex.question.answers, prediction)
    n = max(len(examples), 1)
    return {"exact_em": em / n, "exact_f1": f1 / n}


def _unfitted(names: tuple[str, ...]) -> LinearModel:
    return LinearModel(names, np.zeros(len(names)), np.ones(len(names)), np.zeros(len(names)), 0.0)




def confidence_data(examples: Sequence[Example], weights: ReaderWeights, settings: Settings,
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows for the confidence model: each question (label: quote correct) and its twin (label 0)."""
    rows, ys, answerable = [], [], []
    for ex in examples:
        for retrieval, can_answer in ((ex.retrieval, True), (ex.unanswerable, False)):
            r = read(retrieval, weights, passages=settings.answer_passages, band=BAND,
                     crosslingual_band=(settings.crosslingual_floor, settings.crosslingual_ceiling))
            if r.best < 0:
                continue
            rows.append(confidence_row(r.candidates, r.scores, r.best))
            ys.append(can_answer and is_correct(r.hits, r.best, r.candidates, ex.question))
            answerable.append(can_answer)
    return np.asarray(rows), np.asarray(ys), np.asarray(answerable)


def crosslingual_data(engine: QA, examples: Sequence[Example], settings: Settings, *, cache: Path,
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows for the cross-lingual confidence model, from Chinese questions with their words ignored.

    What a question in another language has: its cosines with the passages (only their
    differences enter, see :func:`~qa.answer.reader.crosslingual_row`) and the gain of the first
    passage's closest sentence. Label: that sentence contains the answer (0 for every twin). The
    gains and labels are cached, as each needs model calls.
    """
    path = cache / f"crosslingual-gains-{engine.manifest.get('created', '')}.json".replace(":", "")
    stored = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    def embed(texts: list[str]) -> np.ndarray:
        return engine.encoder.encode_passages(texts, batch_size=32)

    rows, ys, answerable = [], [], []
    for ex in examples:
        pairs = [(r, a) for r, a in ((ex.retrieval, True), (ex.unanswerable, False)) if r.hits]
        if ex.question.id not in stored:
            qvec = engine.encoder.encode_queries([ex.retrieval.question])[0]
            measured = []
            for retrieval, can_answer in pairs:
                cands = build_candidates(retrieval, passages=settings.answer_passages, band=BAND)
                best, gain = closest_sentence(cands, retrieval.hits[0], qvec, embed,
                                              limit=settings.max_encoded_sentences, band=BAND)
                measured.append([gain, bool(can_answer and is_correct(retrieval.hits, best, cands, ex.question))])
            stored[ex.question.id] = measured
        for (retrieval, can_answer), (gain, label) in zip(pairs, stored[ex.question.id], strict=True):
            rows.append(crosslingual_row(retrieval.hits, *BAND, gain))
            ys.append(label)
            answerable.append(can_answer)
    path.write_text(json.dumps(stored), encoding="utf-8")
    return np.asarray(rows), np.asarray(ys), np.asarray(answerable)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.sentence_ranker", description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=REPO / "benchmarks" / ".cache" / "train-index",
                        help="where the training articles' index is built (reused when up to date)")
    parser.add_argument("--out", type=Path, default=WEIGHTS_PATH, help="weights file to write")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    started = time.perf_counter()
    np.random.seed(SEED)
    settings = Settings()
    data = load_training_set(seed=SEED)
    print(f"training set: {len(data.documents)} articles, {len(data.train)} train / {len(data.held_out)} held-out "
          "questions", flush=True)
    engine = QA.build_from_documents(data.documents, args.cache, settings=settings)
    k = max(5, settings.answer_passages)
    train = collect(engine, data.train, k=k, cache=args.cache)
    held = collect(engine, data.held_out, k=k, cache=args.cache)
    print(f"retrieved in {time.perf_counter() - started:.0f}s", flush=True)
    p = settings.answer_passages
    sentence = fit_listwise(*sentence_data(train, p), SENTENCE_INPUTS)
    passage = fit_listwise(*passage_data(train, sentence, p), PASSAGE_FEATURES)
    xs, ys, gs, coverage = span_data(train, p)
    span = fit_listwise(xs, ys, gs, SPAN_FEATURES)
    weights = ReaderWeights(sentence, passage, _unfitted(CONFIDENCE_FEATURES), _unfitted(CROSSLINGUAL_FEATURES),
                            span, {})
    zh, ys, _ = confidence_data(train, weights, settings)
    # Cross-lingual rows need model calls: a fixed sample of the questions is enough for 3 weights.
    cross_train = crosslingual_data(engine, train[::4], settings, cache=args.cache)
    weights = replace(weights, confidence=fit_logistic(zh, ys, CONFIDENCE_FEATURES),
                      confidence_crosslingual=fit_logistic(cross_train[0], cross_train[1], CROSSLINGUAL_FEATURES))
    figures = evaluate(held, weights, settings)
    print(f"held-out: {figures}", flush=True)
    figures["hand_set_answer_at_1"] = hand_set_answer_at_1(held, settings)
    figures.update(exact_scores(held, weights, settings))
    figures["span_coverage_train"] = coverage
    zh_h, ys_h, ans_h = confidence_data(held, weights, settings)
    cross_h, cross_ys, cross_ans = crosslingual_data(engine, held[::3], settings, cache=args.cache)
    probs = weights.confidence.probability(zh_h)
    threshold = choose_threshold(probs, ys_h, ans_h)
    cross_probs = weights.confidence_crosslingual.probability(cross_h)
    training = {
        "command": "python -m training.sentence_ranker", "seed": SEED,
        "data": "CMRC2018 trial (CC BY-SA 4.0) + DRCD dev (CC BY-SA 3.0), split by article 80/20",
        "questions": {"train": len(train), "held_out": len(held)},
        "held_out": {k: round(v, 4) for k, v in figures.items()},
        "answer_threshold": threshold,
        "calibration": calibration(probs, ys_h),
        "calibration_crosslingual": calibration(cross_probs, cross_ys),
        "crosslingual_refused_at_threshold": {
            "answerable": round(float((cross_probs[cross_ans] < threshold).mean()), 4),
            "unanswerable": round(float((cross_probs[~cross_ans] < threshold).mean()), 4),
        },
        "refused_at_threshold": {
            "answerable": round(float((probs[ans_h] < threshold).mean()), 4),
            "unanswerable": round(float((probs[~ans_h] < threshold).mean()), 4),
        },
        "seconds": round(time.perf_counter() - started, 1),
    }
    models = {"sentence": weights.sentence, "passage": weights.passage, "confidence": weights.confidence,
              "confidence_crosslingual": weights.confidence_crosslingual, "span": weights.span}
    write_weights(args.out, models, training)
    for key, value in training.items():
        print(f"{key}: {value}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
