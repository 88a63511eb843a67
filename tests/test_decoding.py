"""Decoding of file bytes and repair of mojibake."""

from __future__ import annotations

import pytest

from qa.ingest.decoding import DecodingError, decode_bytes, is_rare, rare_share
from qa.ingest.mojibake import repair_mojibake

SIMPLIFIED = (
    "日喀则市医疗人才和教育人才组团式援藏工作领导小组会议召开。会议强调,要认真贯彻落实党中央关于援藏工作"
    "的方针政策,坚持民生导向,持续提升受援学校教育质量。各级各部门要牢固树立一盘棋思想,形成工作合力。"
)
TRADITIONAL = (
    "日喀則市醫療人才和教育人才組團式援藏工作領導小組會議召開。會議強調,要認真貫徹落實黨中央關於援藏工作"
    "的方針政策,堅持民生導向,持續提升受援學校教育質量。各級各部門要牢固樹立一盤棋思想,形成工作合力。"
)


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (SIMPLIFIED, "utf-8"),
        (SIMPLIFIED, "utf-8-sig"),
        (SIMPLIFIED, "utf-16"),
        (SIMPLIFIED, "gb18030"),
        (TRADITIONAL, "big5"),
        (TRADITIONAL, "utf-16"),
    ],
)
def test_each_encoding_round_trips(text: str, encoding: str) -> None:
    decoded = decode_bytes(text.encode(encoding))
    assert decoded.text == text


def test_utf8_is_tried_first() -> None:
    assert decode_bytes("中文 text".encode()).encoding == "utf-8"


def test_declared_charset_is_used_when_it_decodes() -> None:
    assert decode_bytes(SIMPLIFIED.encode("gbk"), declared="gbk").text == SIMPLIFIED


@pytest.mark.parametrize("data", [b"\x00\x01\x02PNG\x00\x00binary", bytes(range(256)) * 4])
def test_binary_data_is_refused(data: bytes) -> None:
    with pytest.raises(DecodingError):
        decode_bytes(data)


def test_rarity_statistics() -> None:
    assert not is_rare("醫") and not is_rare("医") and not is_rare("a")
    assert is_rare("苡") and is_rare("浾")
    assert rare_share(TRADITIONAL) == 0.0
    assert rare_share("銆傗€濇帴鍙楄") > 0.5


def test_misaligned_gbk_after_lost_byte_is_realigned() -> None:
    text = "不斷提升群眾醫療保障品質?!苯邮苡浾卟稍L時,阿里地委副書記表示。"
    assert repair_mojibake(text) == "不斷提升群眾醫療保障品質。”接受記者采訪時,阿里地委副書記表示。"


def test_question_marks_for_lost_characters_are_dropped_and_the_rest_realigned() -> None:
    # "本科及以上上線" lost its first bytes; the rest was read one byte out of step.
    assert repair_mojibake("全校??萍耙陨仙暇€率為65.3%") == "全校及以上上線率為65.3%"


def test_lost_lead_byte_is_guessed_from_a_common_word() -> None:
    assert repair_mojibake("不斷提升當?刂v解員團隊整體水平") == "不斷提升當地講解員團隊整體水平"


def test_utf8_read_as_gbk_is_recoded() -> None:
    original = "醫療人才和教育人才組團式援藏工作領導小組會議召開"
    garbled = original.encode("utf-8").decode("gb18030")
    assert rare_share(garbled) > 0.4
    assert repair_mojibake("近日," + garbled + "。") == "近日," + original + "。"


def test_lossy_mojibake_is_dropped_not_indexed() -> None:
    garbled = "。”接受记者采访时阿里地委副书记表示".encode().decode("gbk", errors="replace")
    repaired = repair_mojibake("品質" + garbled + "!")
    assert repaired == "品質!"


@pytest.mark.parametrize(
    "text",
    ["真的沒事嗎?這輛車被查處", "什么??", "why? ok", "魑魅魍魉是成语。", "蕲春浠水的锂产业", "?", ""],
)
def test_clean_text_is_left_alone(text: str) -> None:
    assert repair_mojibake(text) == text
