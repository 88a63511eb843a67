"""BM25Index agrees with bm25s's own scoring, works out IDF from it, and round-trips without pickle."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qa.index.bm25 import BM25Index
from qa.index.lexical_tokens import tokenize

TEXTS = ["河北省投入援藏資金1950萬元", "山东援疆资金用于学校建设", "阿里地区妇幼保健院住院楼", "援藏教师到达拉萨",
         "河北援藏工作队"]


def test_scores_are_bm25s_scores() -> None:
    import bm25s

    reference = bm25s.BM25()
    reference.index([tokenize(t) for t in TEXTS], show_progress=False)
    index = BM25Index.build(TEXTS)
    for query in ("河北援藏资金", "援藏", "學校建設", "房价"):
        tokens = [t for t in tokenize(query) if t in reference.vocab_dict]
        expected = reference.get_scores(tokens) if tokens else np.zeros(len(TEXTS))
        np.testing.assert_allclose(index.scores(query), expected, rtol=1e-6)
        if tokens:  # the ranking bm25s itself returns
            docs, scores = reference.retrieve([tokens], k=len(TEXTS), show_progress=False)
            np.testing.assert_allclose(index.scores(query)[docs[0]], scores[0], rtol=1e-6)


def test_idf_counts_the_texts_that_hold_each_term() -> None:
    index = BM25Index.build(TEXTS)
    n = len(TEXTS)
    for term in ("援藏", "河北", "学校", "房价"):
        df = sum(term in tokenize(t) for t in TEXTS)
        assert index.idf([term])[term] == pytest.approx(np.log1p((n - df + 0.5) / (df + 0.5)))
    assert index.idf(["房价"])["房价"] > index.idf(["援藏"])["援藏"]  # unseen words weigh most


def test_round_trip_and_size_check(tmp_path: Path) -> None:
    index = BM25Index.build(TEXTS)
    index.save(tmp_path / "bm25")
    loaded = BM25Index.load(tmp_path / "bm25", size=len(TEXTS))
    np.testing.assert_allclose(loaded.scores("河北援藏"), index.scores("河北援藏"))
    assert not list((tmp_path / "bm25").glob("*.pkl"))
    with pytest.raises(ValueError, match="holds 5 texts, the manifest says 4"):
        BM25Index.load(tmp_path / "bm25", size=4)


def test_empty_index() -> None:
    empty = BM25Index.build([])
    assert len(empty) == 0 and empty.scores("河北").shape == (0,)
    assert empty.idf(["河北"])["河北"] == pytest.approx(np.log1p(1.5 / 0.5))


def test_a_rebuild_tokenizes_only_new_passages(monkeypatch: pytest.MonkeyPatch) -> None:
    from qa.index import bm25

    texts = ["河北省援藏資金一千九百五十萬元用於醫院建設", "山东援疆创新智力支持和人才保障模式"]
    first = bm25.BM25Index.build(texts)
    calls: list[str] = []
    real = bm25.tokenize
    monkeypatch.setattr(bm25, "tokenize", lambda text: calls.append(text) or real(text))
    again = bm25.BM25Index.build([*texts, "青海省光伏发电装机容量一千二百万千瓦"])
    assert calls == ["青海省光伏发电装机容量一千二百万千瓦"]
    assert again.scores("援藏資金")[:2].tolist() != [0.0, 0.0]
    assert int(again.scores("援藏資金").argmax()) == int(first.scores("援藏資金").argmax()) == 0


def test_bm25_candidates_equal_a_stable_full_sort() -> None:
    # The partition that keeps a question fast at a million passages must pick exactly what
    # sorting every score did, ties (by position) and filters included.
    from qa.index.ranking import bm25_candidates

    def full_sort(scores: np.ndarray, allowed: np.ndarray | None, depth: int) -> list[int]:
        pool = np.arange(len(scores)) if allowed is None else allowed
        return [int(i) for i in pool[np.argsort(-scores[pool], kind="stable")[:depth]] if scores[i] > 0]

    rng = np.random.default_rng(0)
    for _ in range(2000):
        n = int(rng.integers(0, 60))
        scores = rng.integers(0, 4, n).astype(np.float32)  # few distinct values: many ties
        allowed = None if rng.random() < 0.5 else np.sort(rng.choice(n, int(rng.integers(0, n + 1)), replace=False))
        depth = int(rng.integers(0, 70))
        assert bm25_candidates(scores, allowed, depth) == full_sort(scores, allowed, depth)
