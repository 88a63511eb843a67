"""From the text lines of PDF pages to paragraphs: running heads, page numbers, line joins.

A PDF has no paragraphs, only positioned lines. These rules rebuild them from the text:

* *Running heads and feet*: a line among the first or last two of a page that recurs
  (digits ignored) on at least half of the pages is the page header or footer; a line that
  is only a page number (``3``, ``- 3 -``, ``第 3 页``, ``3 / 10``, ``Page 3 of 10``) is dropped.
* *Paragraphs*: a line as wide as the page's text runs on into the next; a clearly shorter
  line (a paragraph's last line, a heading) ends its paragraph, as does a sentence end
  followed by an indented line. A paragraph may run on across a page break.
* *Joins*: Chinese lines join without a space, a word hyphenated at a line end is joined
  without its hyphen, other lines join with one space.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

from qa.charsets import CLOSERS, SENTENCE_ENDS, is_cjk
from qa.ingest.placed import Placed

_EDGE_LINES = 2
_SHORT_LINE = 0.8  # a line narrower than this share of the page's widest line ends its paragraph
_PAGE_NUMBER = re.compile(
    r"^[\s\-–—_·•|/(（\[]*(?:(?:page|p\.?)\s*)?(?:第\s*)?\d{1,4}\s*(?:页|頁)?"
    r"(?:\s*(?:/|of|共)\s*\d{1,4}\s*(?:页|頁)?)?[\s\-–—_·•|)）\]]*$",
    re.IGNORECASE,
)
_ROMAN_PAGE = re.compile(r"^[\s\-–—]*[ivxlc]{1,6}[\s\-–—]*$", re.IGNORECASE)
_ENDS = re.compile(f"[{re.escape(SENTENCE_ENDS)}.:：…][{re.escape(CLOSERS)}]*$")
# pdfium marks a hyphen it found at a line end with U+0002 (or U+FFFE) and joins the line itself.
_SOFT_HYPHEN = re.compile("[\u0002\ufffe\u00ad]")


def split_lines(page_text: str) -> list[str]:
    """Lines of one page's extracted text, hyphenation marks resolved, blank lines kept as ``""``."""
    text = _SOFT_HYPHEN.sub("", page_text)
    return [line.rstrip() for line in re.split(r"\r\n|\r|\n", text)]


def is_page_number(line: str) -> bool:
    """True for a line that only numbers the page.

    Example:
        >>> is_page_number("- 3 -"), is_page_number("第 3 页 共 10 页"), is_page_number("2024年")
        (True, True, False)
    """
    stripped = line.strip()
    if not stripped:
        return False
    return bool(_PAGE_NUMBER.match(stripped) or _ROMAN_PAGE.match(stripped))


def _key(line: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))


def _edges(lines: list[str]) -> list[int]:
    """Indices of the first and last few non-blank lines of a page."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return sorted(set(filled[:_EDGE_LINES] + filled[-_EDGE_LINES:]))


def drop_running_lines(pages: Sequence[list[str]]) -> list[list[str]]:
    """Pages without their running headers, footers and page numbers (see module doc)."""
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_key(lines[i]) for i in _edges(lines)})
    texted = sum(1 for lines in pages if any(line.strip() for line in lines))
    needed = max(2, (texted + 1) // 2)
    out: list[list[str]] = []
    for lines in pages:
        drop = {i for i in _edges(lines)
                if is_page_number(lines[i]) or (texted > 1 and counts[_key(lines[i])] >= needed)}
        out.append([line for i, line in enumerate(lines) if i not in drop])
    return out


def width(line: str) -> int:
    """Display width: two for wide (CJK) characters, one for others."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def join_lines(left: str, right: str) -> str:
    """``left`` and ``right`` as one line: no space between CJK, hyphenated words re-joined.

    Example:
        >>> join_lines("新建手术室配备了无影", "灯。"), join_lines("hyphen-", "ated")
        ('新建手术室配备了无影灯。', 'hyphenated')
    """
    left, right = left.rstrip(), right.strip()
    if not left or not right:
        return left + right
    if re.search(r"[A-Za-z]-$", left) and right[0].islower():
        return left[:-1] + right
    if is_cjk(left[-1]) or is_cjk(right[0]) or unicodedata.east_asian_width(left[-1]) in "WF" \
            or unicodedata.east_asian_width(right[0]) in "WF":
        return left + right
    return f"{left} {right}"


def paragraphs(pages: Sequence[list[str]]) -> list[Placed]:
    """Paragraphs of the pages' lines (pages 1-based), each with its first and last page."""
    out: list[Placed] = []
    text, first, last = "", 0, 0

    def close() -> None:
        nonlocal text
        if text:
            out.append(Placed(text, page=first, last_page=last))
        text = ""

    for number, lines in enumerate(pages, start=1):
        full = max((width(line.strip()) for line in lines if line.strip()), default=0)
        for line in lines:
            stripped = line.strip()
            if not stripped:  # a blank line always separates paragraphs
                close()
                continue
            if text and line[:1].isspace() and _ENDS.search(text):  # indented after a sentence end
                close()
            if not text:
                first = number
            text = join_lines(text, stripped) if text else stripped
            last = number
            if width(stripped) < _SHORT_LINE * full:
                close()
    close()
    return out
