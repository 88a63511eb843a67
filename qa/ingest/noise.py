"""Patterns for page furniture in scraped Chinese news text, one line (paragraph) at a time.

Each rule describes a *kind* of line found on Chinese news sites, not a line of a
particular file: footers, contact lines, breadcrumbs, keyword-spam headers, link lists,
disclaimers, stray code and counters. Rules look at short lines only where a body
paragraph could contain the same words, so real sentences are not removed.
"""

from __future__ import annotations

import re
from enum import Enum

from qa.charsets import CJK, CJK_CLASS, SENTENCE_END


class LineKind(Enum):
    """How the cleaner treats a line.

    ``JUNK`` lines are dropped. ``FOOTER`` lines are dropped and mark the end of the
    article body (editor, copyright, disclaimer). ``RELATED`` lines are dropped and
    everything after them too (``相關閱讀``, ``XX分類資訊推薦``). ``TEXT`` is anything else.
    """

    TEXT = "text"
    JUNK = "junk"
    FOOTER = "footer"
    RELATED = "related"


# Footer lines: editor, copyright, registration numbers, submission/contact channels.
_FOOTER = re.compile(
    r"版[權权]所有|版[權权][聲声]明|copyright|all rights reserved|©|"
    r"ICP[备備证證]|[备備]案[号號编編]|公安[备備]案|"
    r"^[(（]?\s*(?:本期)?(?:[責责]任[編编][輯辑]|[責责][編编]|[編编][輯辑]|[审審][核校]|[校]對|[校]对)\s*[:：]|"
    r"^(?:投稿[郵邮]箱|[郵邮]箱|微信[號号]?|微信公[众眾][号號]|QQ群?|[联聯][系繫]方式|[传傳]真)\s*[:：]|"
    r"免[责責][声聲]明|如有侵[权權]",
    re.IGNORECASE,
)
# Disclaimers; words a body sentence may use, so only on short lines.
_DISCLAIMER = re.compile(
    r"本文(?:章)?(?:[内內]容)?[来來]源[于於]|[来來]源[于於][网網][络絡]|[仅僅]供[参參]考|不[对對]文章[内內]容|"
    r"[转轉][载載][请請]注明|[观觀][点點]不代表本[站网網]"
)
# Phone / service lines: a label and a number, nothing else of substance.
_CONTACT = re.compile(
    r"^.{0,12}(?:客服|[热熱][线線]|[电電][话話]|[热熱][线線]|[咨諮][询詢]|手机|手機|[联聯][系繫]人?)\s*[:：]?"
    r"\s*[\d\-+()（） ]{7,}.{0,10}$"
)
# Site navigation words; two of them on one line, or one on a short line, is a nav bar.
_NAV_WORD = re.compile(
    r"[关關][于於]我[们們]|[联聯][系繫]我[们們]|加入我[们們]|[网網]站地[图圖]|法律[声聲]明|隐私|隱私|"
    r"广告服务|廣告服務|服[务務][协協][议議]|[网網]站[导導][航]|返回首[页頁]|[设設][为為]首[页頁]|"
    r"加入收藏|[集][团團]招聘|[人][才]招聘"
)
# Section headers that introduce related / recommended links at the end of a page.
_RELATED = re.compile(
    r"^(?:.{0,12}(?:分[类類])?[资資][讯訊]推[荐薦]|[相][关關][阅閱][读讀]|[相][关關]新[闻聞]|[相][关關]文章|"
    r"推[荐薦][阅閱][读讀]|延伸[阅閱][读讀]|[热熱][点點门門]推[荐薦]|猜你喜[欢歡]|更多新[闻聞]|[热熱][门門]文章|"
    r"上一篇|下一篇|精彩推[荐薦]|[热熱][门門][资資][讯訊]|相[关關][链鏈]接)\s*[:：]?\s*$"
)
# "Headline - SiteName": a page title with a short site suffix is a link, not prose.
_TITLE_WITH_SITE = re.compile(rf"^[^。]{{4,80}}?\s+[-–—_|]\s+[{CJK_CLASS}A-Za-z]{{2,10}}$")
_EMPTY_LABEL = re.compile(
    r"^.{0,20}(?:[时時][间間]|日期|[来來]源|作者|[编編][辑輯]|[阅閱][读讀])\s*[:：]\s*$"
)
_BLURB = re.compile(r"[为為]您整理|整理分享的|供您[参參]考|相[关關][资資]料[,，]?供|[点點][击擊][查査]看更多")
_NUMBERED = re.compile(r"^\d{1,3}\s*[.、．]\s*\S")
_SEPARATORS = re.compile(r"\s*[|丨｜]\s*")
_CRUMB = re.compile(r"\s*(?:>|›|»|＞|→)\s*")


def _items(line: str, splitter: re.Pattern[str]) -> list[str]:
    return [item for item in splitter.split(line) if item.strip()]


def is_link_list(line: str) -> bool:
    """Many short items split by ``|``/``丨`` (place lists, nav bars)."""
    items = _items(line, _SEPARATORS)
    return len(items) >= 3 and max(len(i) for i in items) <= 20 and not SENTENCE_END.search(line)


def is_breadcrumb(line: str) -> bool:
    """``站名 > 欄目 > 子欄目``: two or more ``>`` separators between short items."""
    items = _items(line, _CRUMB)
    return len(items) >= 3 and max(len(i) for i in items) <= 16 and not SENTENCE_END.search(line)


def is_keyword_spam(line: str) -> bool:
    """Six or more short comma-separated phrases and no sentence punctuation at all."""
    if SENTENCE_END.search(line) or re.search(r"[:：、“”\"]", line):
        return False
    items = [i for i in re.split(r"[,，]", line) if i.strip()]
    if len(items) < 6:
        return False
    lengths = [len(i.strip()) for i in items]
    return max(lengths) <= 18 and sum(lengths) / len(lengths) <= 12


def is_stray_code(line: str) -> bool:
    """A line without letters of any script (``");``, ``47 4627798``) or code-like markup."""
    if not any(c.isalpha() for c in line):
        return True
    if CJK.search(line) or len(line) > 80:
        return False
    return bool(re.search(r"[{}<>;=]|\bfunction\b|\bvar\b", line))


def is_numbered_item(line: str) -> bool:
    """``12. 某某新闻标题`` style list item."""
    return bool(_NUMBERED.match(line))


def is_headline_like(line: str, max_chars: int = 40) -> bool:
    """Short line with no sentence punctuation inside or at the end (a link text)."""
    return len(line) <= max_chars and not SENTENCE_END.search(line)


def has_title_with_site(line: str) -> bool:
    """``標題 - 站名`` lines, as copied from ``<title>`` tags of linked pages."""
    return bool(_TITLE_WITH_SITE.match(line))


def classify(line: str) -> LineKind:
    """Classify one stripped, non-empty line of page text."""
    if _RELATED.match(line):
        return LineKind.RELATED
    short = len(line) <= 200
    if short and _FOOTER.search(line):
        return LineKind.FOOTER
    if len(line) <= 80 and _DISCLAIMER.search(line):
        return LineKind.FOOTER
    if len(line) <= 60 and _CONTACT.match(line):
        return LineKind.FOOTER
    nav_words = len(_NAV_WORD.findall(line))
    if nav_words >= 2 or (nav_words == 1 and len(line) <= 40):
        return LineKind.FOOTER
    if (
        is_link_list(line)
        or is_breadcrumb(line)
        or is_keyword_spam(line)
        or is_stray_code(line)
        or _EMPTY_LABEL.match(line)
        or (len(line) <= 300 and _BLURB.search(line))
    ):
        return LineKind.JUNK
    return LineKind.TEXT
