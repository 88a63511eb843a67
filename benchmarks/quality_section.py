"""The ``quality`` section: hit@1/hit@5/MRR and answer@1 per mode on the seed set and CMRC2018."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from benchmarks.caching import CachingEncoder
from benchmarks.config import BenchConfig
from benchmarks.datasets import load_cmrc, load_seed
from benchmarks.hash_encoder import get_encoder
from benchmarks.quality import MODES, evaluate_answers, evaluate_retrieval
from benchmarks.smoke_data import smoke_set
from benchmarks.timing import REPO
from qa.answer.reader import load_reader
from qa.answer.span_export import SPAN_WEIGHTS_PATH, read_meta
from qa.engine import QA
from qa.settings import Settings
from qa.textnorm import to_traditional

ENGLISH = REPO / "tests" / "data" / "english_questions.jsonl"
# English questions on other facts of the same documents, written before the bridge was tuned,
# and English questions the documents do not answer (most on their own subjects).
ENGLISH_VAL = REPO / "tests" / "data" / "english_questions_val.jsonl"
ENGLISH_UNANSWERABLE = REPO / "tests" / "data" / "english_unanswerable.jsonl"
# English questions written after all English tuning and never tuned on (5 of 28 unanswerable).
ENGLISH_TEST = REPO / "tests" / "data" / "english_questions_test.jsonl"
# Chinese questions written after the reader was trained, by someone who read only the documents
# (half in the other script than their passage), and on-topic questions the documents do not answer.
CHINESE = REPO / "tests" / "data" / "chinese_questions.jsonl"
CHINESE_UNANSWERABLE = REPO / "tests" / "data" / "chinese_unanswerable.jsonl"
# Questions in all three ways of asking (Simplified, Traditional, English; 8 unanswerable),
# written at the start of a later round, before its changes, to find what they then fixed.
MIXED = REPO / "tests" / "data" / "questions_mixed.jsonl"
# CMRC2018 dev questions asked in Traditional characters of the Simplified articles (the first ones).
TRADITIONAL_QUESTIONS = 1000


def evaluate(engine: QA, questions: list, encoder: Any) -> dict[str, Any]:
    """Retrieval scores per mode, and answer scores with the engine opened in each mode."""
    retrieval = {s.mode: asdict(s) for s in evaluate_retrieval(engine, questions)}
    answers = {}
    for mode in MODES:
        moded = QA.open(engine.index_dir, encoder=encoder, settings=Settings(mode=mode))
        answers[mode] = asdict(evaluate_answers(moded, questions))
    return {"questions": len(questions), "retrieval": retrieval, "answers": answers}


def evaluate_question_set(engine: QA, questions: list, *, modes: tuple[str, ...] = MODES) -> dict[str, Any]:
    """Retrieval scores per mode in ``modes`` and answer scores as the engine is set (hybrid), for a
    question set of our own or a variant of one."""
    return {
        "documents": len(engine.documents),
        "chunks": len(engine.chunks),
        "questions": len(questions),
        "retrieval": {s.mode: asdict(s) for s in evaluate_retrieval(engine, questions, modes=modes)},
        "answers": {"hybrid": asdict(evaluate_answers(engine, questions))},
    }


def run_section(config: BenchConfig) -> dict[str, Any]:
    base = get_encoder(config.model)
    encoder = CachingEncoder(base)
    out: dict[str, Any] = {
        "model": base.model_id,
        "fingerprint": base.fingerprint,
        "settings": Settings().to_dict(),
        "reader_training": load_reader().training,
        "span_reader_training": read_meta(SPAN_WEIGHTS_PATH),
        "datasets": {},
    }
    if config.smoke:
        docs, questions = smoke_set()
        engine = QA.build_from_documents(docs, config.cache / "smoke-quality", encoder=encoder)
        out["datasets"]["smoke"] = {
            "documents": len(docs),
            "chunks": len(engine.chunks),
            **evaluate(engine, questions, encoder),
        }
        return out
    seed = QA.build(REPO / "corpus", config.cache / "seed", encoder=encoder)
    seed_questions = load_seed(doc_ids=[d.id for d in seed.documents])
    out["datasets"]["seed"] = {
        "documents": len(seed.documents),
        "chunks": len(seed.chunks),
        **evaluate(seed, seed_questions, encoder),
    }
    own = 0
    for name, path in (("chinese", CHINESE), ("chinese_unanswerable", CHINESE_UNANSWERABLE),
                       ("english", ENGLISH), ("english_val", ENGLISH_VAL),
                       ("english_unanswerable", ENGLISH_UNANSWERABLE), ("english_test", ENGLISH_TEST),
                       ("mixed", MIXED)):
        questions = load_seed(path, doc_ids=[d.id for d in seed.documents])
        own += len(questions)
        out["datasets"][name] = evaluate_question_set(seed, questions)
    print(f"quality: seed done ({len(seed_questions)} questions, {own} of our own)", flush=True)
    articles = 200 if config.quick else None
    docs, questions = load_cmrc(articles=articles)
    cmrc = QA.build_from_documents(docs, config.cache / f"cmrc-{articles or 'all'}", encoder=encoder)
    out["datasets"]["cmrc2018"] = {
        "documents": len(docs),
        "chunks": len(cmrc.chunks),
        **evaluate(cmrc, questions, encoder),
    }
    traditional = [replace(q, question=to_traditional(q.question)) for q in questions[:TRADITIONAL_QUESTIONS]]
    out["datasets"]["cmrc2018_traditional"] = evaluate_question_set(cmrc, traditional, modes=("hybrid",))
    print(f"quality: CMRC2018 done ({len(questions)} questions, {len(traditional)} also in Traditional)", flush=True)
    return out
