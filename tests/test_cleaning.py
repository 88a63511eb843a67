"""Cleaning rules on small hand-made pages, each rule in isolation where possible."""

from __future__ import annotations

import pytest

from qa.ingest.cleaning import clean_text, normalize_text
from qa.ingest.metadata import parse_date, parse_source, read_meta_line

BODY = "會議強調,要持續提升受援學校教育質量。"
BODY2 = "近年來,工作隊投入援藏資金1950萬元,用於醫院建設。"


def page(*lines: str) -> str:
    return "\n\n".join(lines)


def test_pinyin_ruby_is_removed_but_real_parentheticals_stay() -> None:
    raw = "本網(wǎng)拉薩8月9日訊(記者 陳林)區(qū)黨委副書(shū)記在EICU(急诊重症监护室)和DR(DR)講話。"
    expected = "本網拉薩8月9日訊(記者 陳林)區黨委副書記在EICU(急诊重症监护室)和DR(DR)講話。"
    assert normalize_text(raw) == expected


def test_ruby_without_tone_mark_needs_a_syllable_shape() -> None:
    assert normalize_text("我們(men)好") == "我們好"
    assert normalize_text("微信(wechat)號") == "微信(wechat)號"


def test_title_repeated_is_kept_once_and_date_byline_removed() -> None:
    result = clean_text(page(
        "客服热线:0755-8882 8155", "援疆模式", "Admin - admin 于2023年05月03日发表", "援疆模式",
        "一份有温度的答卷", BODY,
    ))
    assert result.title == "援疆模式"
    assert result.date == "2023-05-03"
    assert result.text == "一份有温度的答卷\n" + BODY
    assert result.dropped == 3


def test_document_without_title() -> None:
    result = clean_text("本網拉薩8月9日訊(記者 陳林)8日下午,副主席主持召開專題會議。\n區黨委常委出席會議。")
    assert result.title is None
    assert result.paragraphs == 2


def test_date_and_source_lines() -> None:
    result = clean_text(page("標題", "發布時間:2023-07-27 09:34:00來源: 西藏日報", BODY))
    found = (result.title, result.date, result.source, result.text)
    assert found == ("標題", "2023-07-27T09:34:00", "西藏日報", BODY)
    result = clean_text(page("標題", "2022年12月21日23:49:16 國際 1767", BODY, "來源:日喀則新聞中心"))
    assert (result.date, result.source, result.text) == ("2022-12-21T23:49:16", "日喀則新聞中心", BODY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022年12月21日23:49:16", "2022-12-21T23:49:16"),
        ("發布時間:2023-07-27 09:34:00", "2023-07-27T09:34:00"),
        ("于2023年05月03日发表", "2023-05-03"),
        ("2023/7/5", "2023-07-05"),
        ("8月9日", None),
        ("2023年13月40日", None),
    ],
)
def test_parse_date(text: str, expected: str | None) -> None:
    assert parse_date(text) == expected


def test_sentences_with_dates_are_not_metadata_lines() -> None:
    assert read_meta_line("自2022年7月13日進藏以來,工作隊認真落實援藏政策。") is None
    assert parse_source("來源: 西藏日報") == "西藏日報"


def test_keyword_spam_header_is_dropped() -> None:
    spam = "一本久道综合精品,青青手机在线观看,国产香蕉一区精品,国产精品久久,九九艳阳天电影免费,天天操天天干"
    assert clean_text(page(spam, "標題", BODY)).text == BODY


def test_breadcrumb_and_link_list_are_dropped() -> None:
    places = "虎林市| 义马市| 甘孜县| 张家口市| 宣武区|"
    result = clean_text(page("中國西藏網 > 援藏 > 資訊", "標題", BODY, places))
    assert result.text == BODY


@pytest.mark.parametrize(
    "footer",
    [
        "關於我們 丨聯系我們 丨集團招聘丨 法律聲明 丨 隱私保護",
        "中國西藏新聞網版權所有,未經協議授權,禁止建立鏡像",
        "備案號:藏ICP備09000733號丨公安備案:54010202000003號",
        "投稿郵箱:[email protected]",
        "微信號:shyzllz",
        "本期責任編輯:吳凱銘",
        "(責編:常邦麗)",
        "本文章内容来源于网络公开内容,仅供参考!不对文章内容时效、真实性负责",
        "版权声明:凡注明“来源:某网”的所有作品,版权归某公司。任何媒体转载须注明来源。",
        "客服热线:0755-8882 8155",
    ],
)
def test_footer_lines_are_dropped(footer: str) -> None:
    result = clean_text(page("標題", BODY, footer, BODY2))
    assert footer not in result.text
    assert BODY in result.text and BODY2 in result.text


def test_related_stories_and_everything_after_are_dropped() -> None:
    result = clean_text(page(
        "標題", BODY, "來源:日喀則新聞中心", "本期責任編輯:吳凱銘", "標題 - 天天要聞", "國際分類資訊推薦",
        "春天的精靈喚醒草原 - 天天要聞", "天剛蒙蒙亮,牧民曲扎來到羊圈。",
    ))
    assert result.text == BODY
    assert result.source == "日喀則新聞中心"
    result = clean_text(page("標題", BODY, "相关阅读", "另一篇文章的第一段。"))
    assert result.text == BODY


def test_numbered_headline_list_after_the_article_is_dropped() -> None:
    items = [f"  {n}. 某地开展第{n}次安全检查工作" for n in range(1, 30)]
    disclaimer = "本文章内容来源于网络公开内容,仅供参考"
    result = clean_text(page("標題", BODY, disclaimer, "劳务派遣 深圳劳务派遣公司 2", "\n".join(items)))
    assert result.text == BODY


def test_trailing_headline_run_is_dropped_even_without_footer() -> None:
    headlines = ["我市两医疗机构成功整合重组", "廊坊新春迎来首批国外游客", "学党史绘党情", "看望抗战老兵",
                 "市委召开常委扩大会议", "垃圾分类从娃娃抓起"]
    assert clean_text(page("標題", BODY, BODY2, *headlines)).text == BODY + "\n" + BODY2


def test_stray_code_counters_and_site_blurb_are_dropped() -> None:
    result = clean_text(page(
        "講話標題", "浩渺 分享 时间:",
        "强调援疆干部人才的重要性。下面由网友为您整理分享的“講話標題”相关资料,供您参考学习。",
        "講話標題", "同志們:", BODY, "謝謝大家!", "47 4627798", '");',
    ))
    assert result.title == "講話標題"
    assert result.text == "同志們:\n" + BODY + "\n謝謝大家!"


def test_whitespace_indentation_and_blank_lines_are_normalised() -> None:
    raw = "標題\r\n\r\n\u3000\u3000" + BODY + "\u3000 \r\n\n\n\n  " + BODY2 + "\xa0\n\u200b"
    assert clean_text(raw).text == BODY + "\n" + BODY2


def test_image_captions_and_headings_are_kept() -> None:
    caption = "圖為河北省援藏醫療隊在為群眾義診。河北省援藏工作隊 提供"
    result = clean_text(page("標題", caption, "項目建設:", "實現效益新躍升", BODY))
    assert result.text == "\n".join([caption, "項目建設:", "實現效益新躍升", BODY])


def test_mojibake_is_repaired_inside_cleaning() -> None:
    raw = page("標題", "不斷提升群眾醫療保障品質(zhì)?!苯邮苡浾卟稍L時,阿里地委副書記表示。")
    assert clean_text(raw).text == "不斷提升群眾醫療保障品質。”接受記者采訪時,阿里地委副書記表示。"


def test_given_title_wins_and_its_repeats_are_dropped() -> None:
    result = clean_text(page("頁面標題", BODY), title="頁面標題")
    assert (result.title, result.text) == ("頁面標題", BODY)
    assert clean_text(BODY, detect_title=False).title is None


def test_nothing_but_noise_gives_empty_text() -> None:
    assert clean_text(page("版權所有", "", "   ", '");')).text == ""
    assert clean_text("").paragraphs == 0
