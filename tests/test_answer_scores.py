"""benchmarks.quality.evaluate_answers: refused questions score 0, "none refused" keeps every span."""

from __future__ import annotations

from pathlib import Path

from benchmarks.datasets import EvalQuestion
from benchmarks.quality import evaluate_answers
from qa import QA
from tests.conftest import FakeEncoder, fake_settings

QUESTIONS = [
    EvalQuestion("q1", "河北省投入了多少援藏資金？", "004_83f06d399bb386d8", ("1950萬元",)),
    EvalQuestion("q2", "日喀則市委副書記是誰？", "000_a1365cd533979094", ("彭一浩",)),
]


def test_refused_questions_score_zero_while_none_refused_keeps_their_spans(tmp_path: Path,
                                                                             corpus_dir: Path) -> None:
    engine = QA.build(corpus_dir, tmp_path / "index", encoder=FakeEncoder(), settings=fake_settings(),
                      show_progress=False)
    questions = QUESTIONS
    lenient = evaluate_answers(QA(engine.index_dir, engine.encoder, engine.settings.with_(answer_threshold=0.0)),
                               questions)
    strict = evaluate_answers(QA(engine.index_dir, engine.encoder, engine.settings.with_(answer_threshold=1.0)),
                              questions)
    # nothing refused: both ways of scoring agree
    assert (lenient.exact_em, lenient.exact_f1) == (lenient.best_em, lenient.best_f1)
    assert lenient.best_f1 > 0
    # everything refused: the CMRC2018 figure as ask answers is 0, the reader's spans still score
    assert strict.answerable_not_found == len(questions) and strict.exact_f1 == 0.0 and strict.answer_at_1 == 0.0
    assert (strict.best_em, strict.best_f1) == (lenient.best_em, lenient.best_f1)
