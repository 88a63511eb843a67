"""The CMRC2018 exact-answer rules: punctuation dropped, Chinese by character, best over answers."""

from __future__ import annotations

import pytest

from benchmarks.cmrc_eval import exact_match, f1_score, mixed_segmentation


def test_segmentation_splits_chinese_by_character_and_keeps_numbers_whole() -> None:
    assert mixed_segmentation("投入1950萬元") == ["投", "入", "1950", "萬", "元"]
    assert mixed_segmentation("《紅樓夢》", drop_punctuation=True) == ["紅", "樓", "夢"]
    assert mixed_segmentation("New York市") == ["new", "york", "市"]


@pytest.mark.parametrize(("answers", "prediction", "em", "f1"), [
    (["1950萬元"], "1950萬元", 1.0, 1.0),
    (["1950萬元"], "《1950萬元》", 1.0, 1.0),
    (["1950萬元"], "1950萬", 0.0, 0.8),
    (["彭一浩", "副書記彭一浩"], "彭一浩", 1.0, 1.0),
    (["拉薩"], "北京", 0.0, 0.0),
    (["abc"], "", 0.0, 0.0),
])
def test_scores_against_hand_computed_references(answers: list[str], prediction: str, em: float, f1: float) -> None:
    assert exact_match(answers, prediction) == em
    assert f1_score(answers, prediction) == pytest.approx(f1)


def test_f1_uses_the_longest_common_run() -> None:
    # "援藏資金" shares the run 援藏資金 (4 of 6 predicted, 4 of 4 reference characters)
    assert f1_score(["援藏資金"], "投入援藏資金") == pytest.approx(2 * (4 / 6) * 1 / (4 / 6 + 1))
