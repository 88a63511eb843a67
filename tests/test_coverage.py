"""English questions' passages ordered by how many of the question's words they hold (qa.index.coverage)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa import QA
from qa.index.bridge import bridged
from qa.index.coverage import by_coverage, word_coverage
from qa.types import Chunk, Hit
from tests.conftest import FakeEncoder, fake_settings


@pytest.mark.parametrize(("groups", "form", "share"), [
    ([("阿里",), ("医院", "保健院"), ()], "阿里地区妇幼保健院", 2 / 3),  # any word of a group counts
    ([("阿里",), ()], "河北省", 0.0),
    ([], "阿里地区", 0.0),  # nothing bridged: no evidence
])
def test_word_coverage(groups: list[tuple[str, ...]], form: str, share: float) -> None:
    assert word_coverage(groups, form) == pytest.approx(share)


def _hits(*rows: tuple[str, float]) -> list[Hit]:
    return [Hit(Chunk(f"d#{n}", "d", n, text, None, 0, len(text)), score, n + 1)
            for n, (text, score) in enumerate(rows)]


GROUPS = [("阿里",), ("医院", "保健院"), ("资金",)]


@pytest.mark.parametrize(("rows", "weight", "order"), [
    # score/best + 1.5 * coverage: 1 + 0.5 = 1.5, 0.5 + 1.5 = 2.0, 0.8 + 0 = 0.8
    ([("援藏资金", 0.30), ("阿里醫院資金", 0.15), ("河北", 0.24)], 1.5, [1, 0, 2]),
    # a small weight leaves the order to the score: 1.1, then 0.9 (no word) before 0.5 + 0.3
    ([("援藏资金", 0.30), ("阿里醫院資金", 0.15), ("河北", 0.27)], 0.3, [0, 2, 1]),
    ([("阿里", 0.2), ("医院", 0.2)], 1.5, [0, 1]),  # a tie keeps the old order
    ([("河北", 0.2), ("阿里资金", 0.1)], 0.0, [0, 1]),  # weight 0: unchanged
])
def test_by_coverage_orders_as_computed_by_hand(rows: list[tuple[str, float]], weight: float,
                                                order: list[int]) -> None:
    hits = _hits(*rows)
    ranked = by_coverage(hits, GROUPS, weight=weight)
    assert [h.chunk.id for h in ranked] == [f"d#{n}" for n in order]
    assert [h.rank for h in ranked] == list(range(1, len(hits) + 1))
    assert [h.score for h in ranked] == [rows[n][1] for n in order]  # scores stay the ranking's own


def test_by_coverage_without_words_or_hits_changes_nothing() -> None:
    hits = _hits(("河北", 0.2), ("阿里资金", 0.1))
    assert by_coverage(hits, [], weight=1.5) == hits
    assert by_coverage([], GROUPS, weight=1.5) == []


def _engine(tmp_path: Path) -> QA:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    texts = {
        "a": "鄧小剛，鄧小剛！鄧小剛。",  # one name three times: BM25 and the fusion put it first
        "b": "區黨委副書記鄧小剛主持召開自治區人民政府專題會議，研究援藏工作。",
        "c": "河北省投入援藏資金1950萬元，用于婦幼保健院建設。",
        "d": "拉薩召開會議。",
    }
    for name, text in texts.items():
        (corpus / f"{name}.txt").write_text(text, encoding="utf-8")
    return QA.build(corpus, tmp_path / "index", encoder=FakeEncoder(), settings=fake_settings())


QUESTION = "What did Deng Xiaogang preside over?"


def test_an_english_question_is_reordered_among_the_first_passages(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    plain = QA(engine.index_dir, engine.encoder, engine.settings.with_(crosslingual_coverage_weight=0.0))
    depth = engine.settings.crosslingual_rerank_depth
    groups = bridged(engine._view, QUESTION).word_groups
    assert groups  # the question was bridged, so its passages can be reordered
    fused = plain.search(QUESTION, k=depth)
    assert fused[0].chunk.doc_id == "a"
    expected = by_coverage(fused, groups, weight=engine.settings.crosslingual_coverage_weight)
    assert engine.search(QUESTION, k=2) == expected[:2]  # reordered before the cut to k
    assert engine.search(QUESTION, k=1)[0].chunk.doc_id == "b"  # holds 主持 as well as the name


@pytest.mark.parametrize(("question", "mode"), [
    (QUESTION, "bm25"),  # a single ranking the caller chose stays as it ranks
    (QUESTION, "dense"),
    ("邓小刚主持的会议研究什么？", "hybrid"),  # Chinese questions share their own words
])
def test_other_modes_and_chinese_questions_keep_their_order(tmp_path: Path, question: str, mode: str) -> None:
    engine = _engine(tmp_path)
    plain = QA(engine.index_dir, engine.encoder, engine.settings.with_(crosslingual_coverage_weight=0.0))
    assert engine.search(question, k=3, mode=mode) == plain.search(question, k=3, mode=mode)
