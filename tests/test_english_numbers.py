"""English number words to the Chinese forms documents use (qa.index.english_numbers)."""

from __future__ import annotations

import pytest

from qa.index.bridge import LexicalBridge
from qa.index.english_numbers import chinese_numeral, number_forms, with_numbers


@pytest.mark.parametrize(("n", "numeral"), [(1, "一"), (2, "二"), (10, "十"), (11, "十一"), (20, "二十"),
                                            (38, "三十八"), (90, "九十"), (100, "一百")])
def test_chinese_numerals(n: int, numeral: str) -> None:
    assert chinese_numeral(n) == numeral


@pytest.mark.parametrize("n", [0, 101, -3])
def test_numbers_out_of_range_are_refused_with_the_range(n: int) -> None:
    with pytest.raises(ValueError, match=f"1 to 100, not {n}"):
        chinese_numeral(n)


def test_number_forms() -> None:
    assert number_forms("two") == ("2", "二", "两")
    assert number_forms("fifteen") == ("15", "十五")
    assert number_forms("third") == ("第三",) and number_forms("twentieth") == ("第二十",)
    assert number_forms("batch") == ()


def test_number_forms_come_before_the_dictionary_s() -> None:
    merged = with_numbers({"third": ("三世", "其三"), "meeting": ("会议",)})
    assert merged["third"] == ("第三", "三世", "其三") and merged["meeting"] == ("会议",)
    assert merged["tenth"] == ("第十",)


def test_an_ordinal_finds_the_chinese_ordinal_the_documents_use() -> None:
    bridge = LexicalBridge(["第十", "三世", "援藏", "干部"])
    assert bridge.translate("Who led the tenth batch?").words[:1] == ("第十",)
    assert "第十" not in bridge.translate("Who led the batch?").words
