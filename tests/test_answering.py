"""Sentence choice and the no-answer decision, on hand-made retrievals."""

from __future__ import annotations

import numpy as np
import pytest

from qa.answer.answering import answer_from, confidence, score_sentences, term_overlap
from qa.index.lexical_tokens import question_terms
from qa.settings import Settings
from qa.types import Chunk, Hit, Retrieval


def _chunk(text: str, ordinal: int = 0) -> Chunk:
    return Chunk(f"d#{ordinal}", "d", ordinal, text, "河北援藏紀實", 0, len(text), date="2023-07-27")


def _retrieval(question: str, texts: list[str], dense: float = 0.85) -> Retrieval:
    hits = [Hit(_chunk(t, i), 1.0 / (i + 1), i + 1, dense - 0.01 * i, 1.0) for i, t in enumerate(texts)]
    weights = {t: 1.0 + len(t) for t in question_terms(question)}
    return Retrieval(question, hits, None, None, weights)


PARAGRAPH = (
    "阿里地區婦幼保健院的變遷是河北省援藏工作的一個縮影。"
    "近年來，河北省已先後投入援藏資金1950萬元，用於住院樓裝修。"
    "這些投入讓醫院面貌一新。"
)


def test_term_overlap_matches_across_scripts() -> None:
    assert term_overlap({"河北": 1.0, "投入": 2.0, "资金": 1.5}, "河北省已先後投入援藏資金1950萬元") == 1.0
    assert term_overlap({"北京": 1.0, "房价": 3.0}, "河北省已先後投入援藏資金") == 0.0
    assert term_overlap({"河北": 1.0, "房价": 3.0}, "河北省") == 0.25
    assert term_overlap({}, "任何") == 0.0


def test_best_sentence_is_the_one_that_answers() -> None:
    answer = answer_from(_retrieval("河北投入多少资金", [PARAGRAPH]), encoder=None, settings=Settings())
    assert answer.found and answer.quote is not None
    assert "1950萬元" in answer.quote.text
    quote = answer.quote
    assert quote.chunk.text[quote.start:quote.end] == quote.text
    assert quote.text.startswith("近年來")


def test_leaning_sentence_keeps_its_short_predecessor() -> None:
    text = "工作隊組建了暢游阿里自駕聯盟平台。這個平台的微博點擊量已達到211萬。"
    answer = answer_from(_retrieval("平台微博点击量达到多少", [text]), encoder=None, settings=Settings())
    assert answer.quote is not None
    assert answer.quote.text == text


def test_passage_rank_breaks_ties() -> None:
    sentence = "河北省已先後投入援藏資金1950萬元。"
    scored = score_sentences(_retrieval("河北投入多少资金", [sentence, sentence]), encoder=None,
                             settings=Settings())
    assert scored[0].rank == 1


def test_unrelated_question_gets_no_quote() -> None:
    retrieval = _retrieval("北京的房价是多少", [PARAGRAPH], dense=0.72)
    answer = answer_from(retrieval, encoder=None, settings=Settings())
    assert not answer.found and answer.quote is None
    assert answer.passages == retrieval.hits


def test_confidence_is_bounded_and_threshold_is_a_setting() -> None:
    retrieval = _retrieval("河北投入多少资金", [PARAGRAPH], dense=0.80)
    scored = score_sentences(retrieval, encoder=None, settings=Settings())
    assert 0.0 <= confidence(scored[0], retrieval, settings=Settings(), scored=scored) <= 1.0
    strict = answer_from(retrieval, encoder=None, settings=Settings(answer_threshold=1.0))
    assert not strict.found


def test_encoder_similarity_is_used(fake_encoder) -> None:
    retrieval = _retrieval("阿里地區婦幼保健院的變遷", [PARAGRAPH])
    retrieval = Retrieval(retrieval.question, retrieval.hits,
                          fake_encoder.encode_queries([retrieval.question])[0], None, retrieval.term_weights)
    scored = score_sentences(retrieval, encoder=fake_encoder, settings=Settings())
    assert scored[0].similarity > 0.5
    assert "變遷" in scored[0].chunk.text[scored[0].start:scored[0].end]


def test_no_hits_no_answer() -> None:
    answer = answer_from(Retrieval("河北", [], np.zeros(4, dtype=np.float32), None), encoder=None,
                         settings=Settings())
    assert not answer.found and answer.passages == []


@pytest.mark.parametrize("threshold", [-0.1, 1.5])
def test_threshold_validated(threshold: float) -> None:
    with pytest.raises(ValueError, match="answer_threshold"):
        Settings(answer_threshold=threshold)


def test_heading_line_is_not_quoted() -> None:
    text = "項目建設:\n實現效益新躍升\n目前,48個項目已全部啟動,完成投資2.68億元。"
    answer = answer_from(_retrieval("项目完成投资多少", [text]), encoder=None, settings=Settings())
    assert answer.quote is not None and answer.quote.text.startswith("目前")


def test_english_question_is_judged_on_similarity_alone() -> None:
    retrieval = _retrieval("How much did Hebei invest?", [PARAGRAPH], dense=0.84)
    assert answer_from(retrieval, encoder=None, settings=Settings()).found
    weak = _retrieval("How do I bake bread?", [PARAGRAPH], dense=0.71)
    assert not answer_from(weak, encoder=None, settings=Settings()).found
