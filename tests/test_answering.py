"""Sentence choice, exact words, passage order and the no-answer decision, with the shipped weights."""

from __future__ import annotations

import numpy as np
import pytest

from qa.answer.answering import answer_from
from qa.answer.crosslingual import KIND_MISSING_CAP
from qa.answer.features import FEATURE_NAMES, build_candidates, term_overlap
from qa.answer.reader import crosslingual_row, load_reader
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
    assert term_overlap({"河北": 1.0, "投入": 2.0, "资金": 1.5}, "河北省已先后投入援藏资金1950万元") == 1.0
    assert term_overlap({"北京": 1.0, "房价": 3.0}, "河北省已先后投入援藏资金") == 0.0
    assert term_overlap({"河北": 1.0, "房价": 3.0}, "河北省") == 0.25
    assert term_overlap({}, "任何") == 0.0


def test_best_sentence_answers_and_exact_words_sit_inside_it() -> None:
    answer = answer_from(_retrieval("河北投入了多少援藏资金？", [PARAGRAPH]), encoder=None, settings=Settings())
    assert answer.found and answer.quote is not None
    quote = answer.quote
    assert quote.text.startswith("近年來") and "1950萬元" in quote.text
    assert quote.chunk.text[quote.start:quote.end] == quote.text
    assert quote.exact is not None and quote.exact_start is not None and quote.exact_end is not None
    assert quote.chunk.text[quote.exact_start:quote.exact_end] == quote.exact
    assert quote.start <= quote.exact_start < quote.exact_end <= quote.end
    assert "1950" in quote.exact


def test_features_are_one_row_per_sentence() -> None:
    cands = build_candidates(_retrieval("河北投入多少资金", [PARAGRAPH, "另一段。第二句。"]), passages=3,
                             band=(0.75, 0.9))
    assert cands.features.shape == (5, len(FEATURE_NAMES))
    assert np.isfinite(cands.features).all()
    assert [c.index for c in cands.items] == [0, 1, 2, 0, 1]


def test_leaning_sentence_keeps_its_short_predecessor() -> None:
    text = "工作隊組建了暢游阿里自駕聯盟平台。這個平台的微博點擊量已達到211萬。"
    answer = answer_from(_retrieval("平台微博点击量达到多少", [text]), encoder=None, settings=Settings())
    assert answer.quote is not None
    assert answer.quote.text == text


def test_answering_passage_moves_first() -> None:
    other = "阿里地區位於西藏西部。當地海拔很高，氣候寒冷。"
    answer = answer_from(_retrieval("河北投入了多少援藏资金？", [other, PARAGRAPH]), encoder=None,
                         settings=Settings())
    assert answer.passages[0].chunk.text == PARAGRAPH
    assert [h.rank for h in answer.passages] == [1, 2]
    assert answer.quote is not None and answer.quote.chunk.text == PARAGRAPH


def test_unrelated_question_gets_no_quote() -> None:
    retrieval = _retrieval("北京的房价是多少", [PARAGRAPH], dense=0.72)
    answer = answer_from(retrieval, encoder=None, settings=Settings())
    assert not answer.found and answer.quote is None
    assert [h.chunk.id for h in answer.passages] == [h.chunk.id for h in retrieval.hits]


def test_confidence_is_a_probability_and_the_threshold_decides() -> None:
    retrieval = _retrieval("河北投入了多少援藏资金？", [PARAGRAPH])
    sure = answer_from(retrieval, encoder=None, settings=Settings(answer_threshold=0.0))
    assert sure.quote is not None and 0.0 <= sure.quote.score <= 1.0
    strict = answer_from(retrieval, encoder=None, settings=Settings(answer_threshold=1.0))
    assert not strict.found and strict.quote is None
    # Quote.score is rounded to 4 decimals; a threshold just below it lets the quote through.
    at = answer_from(retrieval, encoder=None, settings=Settings(answer_threshold=max(sure.quote.score - 1e-4, 0.0)))
    assert at.found


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


def _spread(question: str, dense: list[float]) -> Retrieval:
    hits = [Hit(_chunk(PARAGRAPH, i), 1.0 / (i + 1), i + 1, d, 0.0) for i, d in enumerate(dense)]
    return Retrieval(question, hits, None, None, {})


def test_english_question_is_judged_on_similarity_alone() -> None:
    # A first passage that stands out from the others answers; the level of the cosines does not matter.
    found = answer_from(_spread("How much did Hebei put in?", [0.80, 0.70, 0.69]), encoder=None, settings=Settings())
    assert found.found and found.quote is not None and found.quote.exact is None
    lower = answer_from(_spread("How much did Hebei put in?", [0.70, 0.60, 0.59]), encoder=None, settings=Settings())
    assert lower.found and lower.quote is not None and lower.quote.score == found.quote.score
    flat = _spread("How do I bake bread?", [0.80, 0.79, 0.79])
    assert not answer_from(flat, encoder=None, settings=Settings()).found


def test_english_question_picks_the_sentence_closest_by_the_encoder(fake_encoder) -> None:
    question = "阿里地區婦幼保健院的變遷"  # what the fake encoder can match; asked as "English" below
    retrieval = _retrieval("What changed?", [PARAGRAPH], dense=0.84)
    retrieval = Retrieval(retrieval.question, retrieval.hits, fake_encoder.encode_queries([question])[0], None, {})
    answer = answer_from(retrieval, encoder=fake_encoder, settings=Settings(answer_threshold=0.0))
    assert answer.quote is not None and "變遷" in answer.quote.text


def test_shipped_weights_are_used_once_loaded() -> None:
    assert load_reader() is load_reader()


def test_crosslingual_evidence_does_not_move_with_the_languages_cosine_shift() -> None:
    def hits(dense: list[float]) -> list[Hit]:
        return [Hit(_chunk("文", n), 1.0, n + 1, d, 0.0) for n, d in enumerate(dense)]

    chinese = crosslingual_row(hits([0.90, 0.86, 0.85]), 0.70, 0.85, 0.1)
    english = crosslingual_row(hits([0.78, 0.74, 0.73]), 0.70, 0.85, 0.1)  # the same spread, 0.12 lower
    assert np.allclose(chinese, english)
    assert np.allclose(chinese, [(0.90 - 0.855) / 0.15, 0.04 / 0.15, 0.1])
    assert np.allclose(crosslingual_row(hits([0.8]), 0.70, 0.85, 0.2), [0.0, 0.0, 0.2])


def test_which_year_is_not_answered_by_a_sentence_without_a_year() -> None:
    question = "邓小刚主持的专题会议是哪一年召开的？"
    passage = "8日下午，鄧小剛主持召開自治區人民政府專題會議。曾萬明出席會議。"
    answer = answer_from(_retrieval(question, [passage]), encoder=None, settings=Settings())
    assert not answer.found
    shown = answer_from(_retrieval(question, [passage]), encoder=None, settings=Settings(answer_threshold=0.0))
    assert shown.quote is not None and shown.quote.score <= KIND_MISSING_CAP
    dated = answer_from(_retrieval(question, ["2016年8月8日下午，" + passage[5:]]), encoder=None,
                        settings=Settings(answer_threshold=0.0))
    assert dated.quote is not None and "2016年" in dated.quote.text
    assert dated.quote.score > KIND_MISSING_CAP  # the same sentence with its year is not capped
