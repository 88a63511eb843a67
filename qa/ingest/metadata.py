"""Metadata found in scraped page text: dates, the publisher (``來源``), byline lines.

A *metadata line* is a short line whose job is to state when/where/who, such as
``2022年12月21日23:49:16 國際 1767``, ``發布時間:2023-07-27 09:34:00來源: 西藏日報``,
``Admin - admin 于2023年05月03日发表`` or ``來源:日喀則新聞中心``. Such lines give
the document its date and source and are removed from the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.charsets import SENTENCE_END

# Year, month, day with Chinese units or '-', '/', '.' separators, then an optional time.
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*(?:年|[-/.])\s*(?P<m>\d{1,2})\s*(?:月|[-/.])\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*(?P<H>\d{1,2})\s*[:：時时]\s*(?P<M>\d{2})(?:\s*[:：分]\s*(?P<S>\d{2}))?)?"
)
_SOURCE = re.compile(r"(?:來源|来源|稿源|出處|出处)\s*[:：]\s*(?P<src>[^\s|丨｜,，;；:：()（）]{2,30})")
_SOURCE_LINE_START = re.compile(r"^\s*[(（]?\s*(?:來源|来源|稿源)\s*[:：]")
# Labels that announce a date: publish / post / update time.
_DATE_LABEL = re.compile(r"發布|发布|發表|发表|時間|时间|日期|更新|[于於]\s*\d")
_META_MAX_CHARS = 80


@dataclass(frozen=True)
class LineMeta:
    """What a metadata line states. Fields are ``None`` when the line does not say.

    Example:
        >>> read_meta_line("來源: 西藏日報").source
        '西藏日報'
    """

    date: str | None = None
    source: str | None = None


def parse_date(text: str) -> str | None:
    """First full date in ``text`` as ISO (``2023-07-27`` or ``2023-07-27T09:34:00``).

    Example:
        >>> parse_date("2022年12月21日23:49:16 國際")
        '2022-12-21T23:49:16'
    """
    for match in _DATE.finditer(text):
        year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
        if not (1 <= month <= 12 and 1 <= day <= 31):
            continue
        iso = f"{year:04d}-{month:02d}-{day:02d}"
        if match["H"] is not None:
            hour, minute = int(match["H"]), int(match["M"])
            second = int(match["S"]) if match["S"] is not None else 0
            if hour < 24 and minute < 60 and second < 60:
                iso += f"T{hour:02d}:{minute:02d}:{second:02d}"
        return iso
    return None


def parse_source(text: str) -> str | None:
    """Publisher named after a ``來源:``/``来源:`` label, or ``None``."""
    match = _SOURCE.search(text)
    return match["src"] if match else None


def read_meta_line(line: str) -> LineMeta | None:
    """The date/source stated by ``line`` when it is a metadata line, else ``None``.

    A metadata line is short, has no sentence punctuation, and either starts with a
    date, labels a date (``發布時間``, ``于…发表``), or starts with a ``來源`` label.
    Body sentences that merely mention a date are not metadata lines.
    """
    text = line.strip()
    if not text or len(text) > _META_MAX_CHARS or SENTENCE_END.search(text):
        return None
    date = parse_date(text)
    source = parse_source(text)
    starts_with_date = bool(date) and _DATE.match(text) is not None
    if date and (starts_with_date or _DATE_LABEL.search(text)):
        return LineMeta(date=date, source=source)
    if source and _SOURCE_LINE_START.match(text):
        return LineMeta(date=date, source=source)
    return None
