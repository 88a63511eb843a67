from __future__ import annotations

import pytest

from qa.index.fusion import reciprocal_rank_fusion


def test_rrf_matches_hand_computed_scores() -> None:
    fused = reciprocal_rank_fusion([[10, 20, 30], [30, 10]], k=60)
    expected = {10: 1 / 61 + 1 / 62, 20: 1 / 62, 30: 1 / 63 + 1 / 61}
    assert [f.id for f in fused] == [10, 30, 20]
    for item in fused:
        assert item.score == pytest.approx(expected[item.id])


def test_rrf_weights_can_silence_a_list() -> None:
    fused = reciprocal_rank_fusion([[1, 2], [2, 1]], weights=[0.0, 1.0], k=1)
    assert [f.id for f in fused] == [2, 1]


def test_rrf_ties_break_by_first_rank_then_list_order() -> None:
    # 1 and 2 both get 1/(k+1); 1 is ranked first by the first list.
    fused = reciprocal_rank_fusion([[1], [2]], k=5)
    assert [f.id for f in fused] == [1, 2]


def test_rrf_empty_lists() -> None:
    assert reciprocal_rank_fusion([[], []]) == []


@pytest.mark.parametrize("kwargs", [{"k": 0}, {"weights": [1.0]}])
def test_rrf_rejects_bad_arguments(kwargs: dict) -> None:
    with pytest.raises(ValueError, match="allowed|weights"):
        reciprocal_rank_fusion([[1], [2]], **kwargs)
