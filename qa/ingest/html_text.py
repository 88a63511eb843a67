"""Main text of an HTML page: paragraphs of the article, without page furniture.

Uses BeautifulSoup with the standard-library ``html.parser`` (no native parser to
install). Script, style, navigation, header, footer and aside elements are removed;
block elements and ``<br>`` become line breaks so paragraphs survive; when the page
has an ``<article>`` or ``<main>`` element only that part is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_REMOVED_TAGS = (
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside",
    "iframe", "svg", "form", "button", "select", "head", "title",
)
_BLOCK_TAGS = (
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "section", "article", "main", "blockquote", "pre", "dd", "dt", "dl", "figcaption",
    "figure", "address", "hr", "td", "th",
)
# "Headline - Site" / "Headline_Site" / "Headline | Site" in <title>: keep the headline.
_SITE_SUFFIX = re.compile(r"\s*(?:[-–—_|｜]\s*[^-–—_|｜]{1,20})$")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class HtmlText:
    """Text and title extracted from an HTML page.

    Example:
        >>> page = extract_html("<title>T</title><nav>首頁</nav><h1>標題</h1><p>第一段。</p>")
        >>> (page.title, page.text.splitlines())
        ('標題', ['標題', '第一段。'])
    """

    title: str | None
    text: str


def declared_charset(data: bytes) -> str | None:
    """Charset named in a ``<meta charset>`` tag in the first 4 KB, if any."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def _clean_inline(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def extract_html(html: str) -> HtmlText:
    """Extract the title (``<h1>``, else ``<title>`` minus a site suffix) and main text.

    Args:
        html: Decoded HTML source.

    Returns:
        The title (``None`` when the page has neither tag) and the text, one paragraph
        per line.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    title_tag = soup.find("title")
    page_title = _clean_inline(title_tag.get_text()) if title_tag else ""
    for tag in soup.find_all(_REMOVED_TAGS):
        tag.decompose()
    h1 = soup.find("h1")
    title = _clean_inline(h1.get_text()) if h1 else ""
    if not title and page_title:
        title = _SITE_SUFFIX.sub("", page_title) or page_title
    root = soup.find("article") or soup.find("main") or soup.body or soup
    for br in root.find_all("br"):
        br.replace_with("\n")
    for block in root.find_all(_BLOCK_TAGS):
        block.insert_before("\n")
        block.insert_after("\n")
    lines = (_clean_inline(line) for line in root.get_text().split("\n"))
    text = "\n".join(line for line in lines if line)
    return HtmlText(title=title or None, text=text)
