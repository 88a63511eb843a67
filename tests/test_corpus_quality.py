"""Cleaning quality on the five shipped corpus documents: no boilerplate, no lost paragraph."""

from __future__ import annotations

import re

import pytest

from qa import Chunk, Document, chunk_documents, load_documents
from tests.conftest import CORPUS

DOC_IDS = [
    "000_a1365cd533979094", "001_45cdb56914e408cf", "002_c5d2bf1e131ee9b2",
    "003_74262b615c2e95cc", "004_83f06d399bb386d8",
]

BOILERPLATE = [
    "天天要聞", "天天要闻", "關於我們", "关于我们", "聯系我們", "版權", "版权", "備案", "备案", "ICP",
    "投稿郵箱", "微信號", "客服热线", "0755-8882", "Admin", "本文章内容来源", "虎林市|", "义马市",
    "1. 我市两医疗机构", "我市两医疗机构", "廊坊新春迎来首批国外游客", "劳务派遣", '");', "4627798",
    "一本久道", "青青青青", "中國西藏網 >", "中國西藏網 > 援藏", "責編", "責任編輯", "吳凱銘", "shyzllz",
    "國際分類資訊推薦", "哲古草原", "上海地鐵", "浩渺 分享", "为您整理分享", "供您参考学习", "??",
    "苯邮苡浾", "萍耙陨", "刂v", "€", "國際 1767", "郵政編碼", "法律聲明",
]
PINYIN_RUBY = re.compile(r"[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")

# One distinctive substring from every body paragraph (and the subtitle of doc 002).
PARAGRAPHS = {
    "000_a1365cd533979094": [
        "深入學習貫徹黨的二十大精神", "張延清主持會議並講話", "彭一浩", "把握髮展規律作出的重大戰略決策",
        "持續提升受援學校教育質量", "一要提高政治站位", "送教下鄉", "三要創新體制機制", "四要加強關心關愛",
        "五要壓實工作責任", "母興斌、尼瑪普赤",
    ],
    "001_45cdb56914e408cf": ["陳林", "曾萬明,自治區副主席德吉出席會議", "里程碑意義", "深化事業單位改革"],
    "002_c5d2bf1e131ee9b2": [
        "一份有温度的民生答卷", "阿曼古丽·吾布力", "一周接诊1人", "EICU(急诊重症监护室)",
        "改善民生,喀什百姓的获得感强", "均由援疆人才担任", "春风工程", "教育是民生之基", "《梨花颂》",
        "阿孜古·玉素甫", "组建山东援疆实验班", "别有一番天地", "78亩", "玉苏普艾力·热合曼", "文化润疆",
        "山东援疆喀什柔性人才工作站", "青蓝工程", "麦盖提县第四中学",
    ],
    "003_74262b615c2e95cc": [
        "同志们:", "我讲三方面意见", "一、提高政治站位", "深刻认识援疆工作的战略意义",
        "准确把握援疆工作的时代要求",
        "海拔4000米的牧区医院", "二、聚焦重点任务", "跨区域专科联盟", "先诊疗、后付费", "人人皆愿为",
        "三、强化服务保障", "24小时咨询", "民族政策、宗教政策和新疆历史", "天山脚下践初心", "凯旋归来",
        "载誉而归", "谢谢大家",
    ],
    "004_83f06d399bb386d8": [
        "為群眾義診", "開展研學活動", "無影燈", "程策", "1950萬元", "河北省援藏工作的一個縮影",
        "2022年7月13日進藏以來", "項目建設:", "實現效益新躍升", "5大領域項目建設", "路線圖行動", "2.68億元",
        "三交項目:", "見真章", "26 場次", "暢游阿里", "招商引資:", "一號工程", "13次", "26.37億元",
        "智力支援:", "精準發力取佳績", "支援一所學校、示范一個地區", "仁增江措", "醫療援藏:",
        "水平全面得提升", "污水管道與電路改造", "8名本地醫務人員",
        "旅游產業:", "高質量發展謀創新", "6條阿里精品旅游線路", "踩線布點", "接受記者", "阿里地委副書記",
    ],
}


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    return {doc.id: doc for doc in load_documents(CORPUS)}


@pytest.fixture(scope="module")
def chunks(docs: dict[str, Document]) -> list[Chunk]:
    return chunk_documents(list(docs.values()))


def test_all_documents_load(docs: dict[str, Document]) -> None:
    assert sorted(docs) == DOC_IDS


@pytest.mark.parametrize("marker", BOILERPLATE)
def test_no_chunk_contains_boilerplate(chunks: list[Chunk], marker: str) -> None:
    offenders = [c.id for c in chunks if marker in c.text]
    assert not offenders, f"{marker!r} in {offenders}"


def test_no_pinyin_ruby_or_numbered_headlines(chunks: list[Chunk]) -> None:
    for chunk in chunks:
        assert not PINYIN_RUBY.search(chunk.text), chunk.id
        assert not re.search(r"^\s*\d{1,3}\. ", chunk.text, re.MULTILINE), chunk.id


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_every_body_paragraph_is_in_some_chunk(chunks: list[Chunk], doc_id: str) -> None:
    texts = [c.text for c in chunks if c.doc_id == doc_id]
    missing = [s for s in PARAGRAPHS[doc_id] if not any(s in t for t in texts)]
    assert not missing


def test_every_kept_paragraph_is_accounted_for(docs: dict[str, Document]) -> None:
    # Each cleaned paragraph matches one expected substring: nothing unexpected was kept.
    for doc_id, doc in docs.items():
        for paragraph in doc.text.split("\n"):
            assert any(s in paragraph for s in PARAGRAPHS[doc_id]), (doc_id, paragraph[:40])


def test_titles_dates_sources(docs: dict[str, Document]) -> None:
    expected = {
        "000_a1365cd533979094": ("日喀則市醫療人才和教育人才“組團式”援藏工作領導小組會議召開",
                                 "2022-12-21T23:49:16", "日喀則新聞中心"),
        "001_45cdb56914e408cf": (None, None, None),
        "002_c5d2bf1e131ee9b2": ("山东援疆创新智力支持和人才保障模式", "2023-05-03", None),
        "003_74262b615c2e95cc": ("2025年市委书记在与援疆干部人才骨干见面会上的讲话", None, None),
        "004_83f06d399bb386d8": ("冀阿情深顯擔當——河北省第十批援藏工作隊工作紀實",
                                 "2023-07-27T09:34:00", "西藏日報"),
    }
    for doc_id, (title, date, source) in expected.items():
        doc = docs[doc_id]
        assert (doc.title, doc.date, doc.source) == (title, date, source), doc_id
        assert doc.path.endswith(doc_id + ".txt")


def test_titles_are_not_repeated_in_the_body(docs: dict[str, Document]) -> None:
    for doc in docs.values():
        if doc.title:
            assert doc.title not in doc.text.split("\n")


def test_mojibake_is_repaired_in_the_closing_quote(docs: dict[str, Document]) -> None:
    text = docs["004_83f06d399bb386d8"].text
    assert "不斷提升群眾醫療保障品質。”接受記者采訪時,阿里地委副書記" in text
    assert "提升當地講解員團隊整體水平" in text
    assert "全校及以上上線率為65.3%" in text


def test_chunks_have_valid_spans(docs: dict[str, Document], chunks: list[Chunk]) -> None:
    for chunk in chunks:
        assert docs[chunk.doc_id].text[chunk.start : chunk.end] == chunk.text
        assert chunk.text.strip() and len(chunk.text) <= 400
