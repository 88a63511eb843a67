"""The source view: a whole cleaned document beside the chat, the cited paragraph marked.

A citation link (:func:`qa.interface.chat_render.source_href`) names a chunk and the quoted
span; the page script asks :func:`render_source` for the document and scrolls to the mark.
Each paragraph carries its number (``¶N``, as in citations). Document text goes through
:func:`~qa.interface.chat_render.escape_text` like every reply.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote

from qa.interface.chat_render import escape_text
from qa.interface.citation import file_name
from qa.interface.i18n import text
from qa.interface.titles import display_title
from qa.types import Chunk, Document


@dataclass(frozen=True)
class SourceRequest:
    """What a citation link asks to show: a chunk, and optionally a span inside its text."""

    chunk_id: str
    start: int | None = None
    end: int | None = None


def parse_source_href(href: str) -> SourceRequest | None:
    """Read ``#qa-src=<chunk id>&s=<start>&e=<end>`` (the link's fragment); None if it is not one.

    Example:
        >>> parse_source_href("#qa-src=doc%233&s=4&e=9")
        SourceRequest(chunk_id='doc#3', start=4, end=9)
    """
    fragment = href.split("#", 1)[1] if "#" in href else href
    if not fragment.startswith("qa-src="):
        return None
    head, _, rest = fragment.partition("&")
    chunk_id = unquote(head[len("qa-src="):])
    params = parse_qs(rest)
    try:
        start = int(params["s"][0]) if "s" in params else None
        end = int(params["e"][0]) if "e" in params else None
    except ValueError:
        start = end = None
    return SourceRequest(chunk_id, start, end) if chunk_id else None


def _paragraph(chunk: Chunk, body: str, offset: int, request: SourceRequest) -> str:
    """One paragraph; ``body`` is ``chunk.text[offset:]`` (overlap with the previous chunk cut)."""
    number = f'<span class="qa-pn">¶{chunk.paragraph}</span> '
    if chunk.id != request.chunk_id:
        return f'<p id="qa-p{chunk.paragraph}">{number}{escape_text(body)}</p>'
    start = request.start if request.start is not None else 0
    end = request.end if request.end is not None else len(chunk.text)
    start, end = max(start - offset, 0), max(min(end - offset, len(body)), 0)
    marked = (escape_text(body[:start], strip=False) + f"<mark>{escape_text(body[start:end])}</mark>"
              + escape_text(body[end:], strip=False))
    return f'<p id="qa-p{chunk.paragraph}" class="qa-cited">{number}{marked}</p>'


def render_source(document: Document, chunks: Sequence[Chunk], request: SourceRequest, *, lang: str = "en") -> str:
    """HTML of ``document`` for the side view, the requested chunk's span in ``<mark>``.

    Args:
        document: The document the cited chunk belongs to.
        chunks: Its chunks in order (paragraph numbers and boundaries).
        request: The cited chunk and span.
        lang: Interface language.
    """
    head = [f"<h3>{escape_text(display_title(document))}</h3>"]
    facts = [escape_text(file_name(chunks[0])) if chunks else escape_text(document.id)]
    facts += [escape_text(v) for v in ((document.date or "")[:10], document.source or "") if v]
    head.append(f'<p class="qa-source-facts">{" · ".join(facts)}</p>')
    body = []
    previous_end = 0
    for chunk in chunks:
        # A long paragraph is split with one sentence of overlap; show each character once.
        offset = max(previous_end - chunk.start, 0)
        body.append(_paragraph(chunk, chunk.text[offset:], offset, request))
        previous_end = max(previous_end, chunk.end)
    close = f'<button class="qa-close" type="button">{escape_text(text(lang, "close"))}</button>'
    return f'<div class="qa-source-doc">{close}{"".join(head)}{"".join(body)}</div>'


def missing_source(lang: str = "en") -> str:
    """What the side view shows when the cited passage is not in the open index any more."""
    close = f'<button class="qa-close" type="button">{escape_text(text(lang, "close"))}</button>'
    return f'<div class="qa-source-doc">{close}<p>{escape_text(text(lang, "source_gone"))}</p></div>'
