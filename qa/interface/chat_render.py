"""Markdown/HTML of chat replies: the quote, its citation, and the other passages.

Everything that comes from a document (or a user) goes through :func:`escape_text`
before it is placed in a reply, so the only live markup in a reply is the markup
written here (``<mark>``, ``<details>``, ``<p>``, ``<br>``). The chat widget sanitizes
HTML too, but a scraped page is untrusted input and this module does not rely on that.
"""

from __future__ import annotations

import re

from qa.charsets import has_cjk
from qa.interface.citation import cite
from qa.textnorm import to_simplified
from qa.types import Answer, Hit

NOT_FOUND = "The documents don't seem to answer this."
REPHRASE = "I couldn't find any words to search for in that. Please rephrase your question."
ERROR = "Sorry, something went wrong while answering. The error was logged; please try again."

# Every ASCII punctuation character becomes a numeric entity. That covers what
# ``html.escape`` covers (& < > " ') and also every character Markdown gives meaning
# to ([ ] ( ) * _ ` # > | ~ ! $ ...), so ``[x](javascript:...)`` or ``**`` in a document
# render as the characters themselves, never as links, emphasis or LaTeX. Colons and
# dots are included so bare URLs are not auto-linked either.
_PUNCT = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_ENTITIES = str.maketrans({c: f"&#{ord(c)};" for c in _PUNCT})
_SPACE_RUN = re.compile(r"\s+")


def escape_text(text: str, *, strip: bool = True) -> str:
    """Make ``text`` inert in both HTML and Markdown: it displays as itself.

    Runs of white space (line breaks included) fold into one space so the text can sit
    inside one HTML block or block-quote line: a blank line would end the block and
    re-enable Markdown.

    Args:
        text: Any text.
        strip: Also drop white space at both ends.

    Example:
        >>> escape_text("<b>[x](javascript:alert(1))</b>")[:10]
        '&#60;b&#62'
    """
    folded = _SPACE_RUN.sub(" ", text)
    return (folded.strip() if strip else folded).translate(_ENTITIES)


def is_traditional(text: str) -> bool:
    """True when ``text`` has characters that OpenCC changes into Simplified ones."""
    return to_simplified(text) != text


def _clip(text: str, limit: int) -> str:
    text = _SPACE_RUN.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def highlight_in_context(text: str, start: int, end: int, *, context: int = 150,
                         exact: tuple[int, int] | None = None) -> str:
    """Escaped ``text`` with ``text[start:end]`` wrapped in ``<mark>``.

    At most ``context`` characters are kept on each side of the highlighted part
    (cut with an ellipsis), so a long paragraph still reads as the quote's setting.
    ``exact`` (offsets into ``text``, inside the highlighted part) marks the words that
    answer in bold inside the highlight; offsets outside the highlight are ignored.

    Example:
        >>> highlight_in_context("共計1950萬元。", 0, 9, exact=(2, 8))
        '<mark>共計<b>1950萬元</b>。</mark>'
    """
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    before, quoted, after = text[:start], text[start:end], text[end:]
    if len(before) > context:
        before = "…" + before[-context:].lstrip()
    if len(after) > context:
        after = after[:context].rstrip() + "…"
    marked = escape_text(quoted)
    if exact is not None and start <= exact[0] < exact[1] <= end:
        lead, words, tail = text[start:exact[0]], text[exact[0]:exact[1]], text[exact[1]:end]
        marked = (escape_text(lead.lstrip(), strip=False) + f"<b>{escape_text(words)}</b>"
                  + escape_text(tail.rstrip(), strip=False))
    return (escape_text(before.lstrip(), strip=False) + f"<mark>{marked}</mark>"
            + escape_text(after.rstrip(), strip=False))


def _scores(hit: Hit) -> str:
    parts = [f"score {hit.score:.4f}"]
    if hit.dense_score is not None:
        parts.append(f"cosine {hit.dense_score:.3f}")
    if hit.bm25_score is not None:
        parts.append(f"BM25 {hit.bm25_score:.2f}")
    return " · ".join(parts)


def render_passages(hits: list[Hit], *, first_number: int, summary: str, show_scores: bool,
                    open_: bool = False, snippet_chars: int = 160) -> str:
    """A ``<details>`` block listing ``hits``, numbered from ``first_number``.

    The block has no blank line inside, so Markdown leaves it alone.
    """
    if not hits:
        return ""
    items = []
    for number, hit in enumerate(hits, start=first_number):
        head = f"<b>[{number}]</b> {escape_text(cite(hit.chunk))}"
        if show_scores:
            head += f" <small>({_scores(hit)})</small>"
        items.append(f"<p>{head}<br>{escape_text(_clip(hit.chunk.text, snippet_chars))}</p>")
    opening = "<details open>" if open_ else "<details>"
    return "\n".join([opening, f"<summary>{escape_text(summary)}</summary>", *items, "</details>"])


def understood_as(answer: Answer) -> str:
    """The line saying how a follow-up was read, in the question's language and script.

    Example:
        >>> understood_as(Answer("它在哪个县？", False, None, interpreted="国学公园在哪个县？"))
        '理解为：国学公园在哪个县？'
    """
    if not has_cjk(answer.question):
        return f"Understood as: {answer.interpreted}"
    label = "理解為：" if is_traditional(answer.question + (answer.interpreted or "")) else "理解为："
    return f"{label}{answer.interpreted}"


def render_answer(answer: Answer, *, show_scores: bool = True, show_simplified: bool = False) -> str:
    """The Markdown of the chat reply for ``answer``.

    Found: the quote as a block quote (highlighted inside its paragraph), its numbered
    citation, optionally its Simplified form, then the other passages, collapsed.
    Not found: says so plainly and lists the closest passages as possibly related.

    Args:
        answer: What :meth:`qa.engine.QA.ask` returned.
        show_scores: Show the quote's confidence and each passage's scores.
        show_simplified: When the question is in Simplified and the quote in Traditional
            script, also show the quote converted to Simplified.
    """
    blocks: list[str] = []
    if answer.interpreted:
        blocks.append(f"<i>{escape_text(understood_as(answer))}</i>")
    if answer.notice:
        blocks.append(f"<i>Note: {escape_text(answer.notice)}</i>")
    quote = answer.quote
    if not answer.found or quote is None:
        blocks.append(NOT_FOUND)
        blocks.append(render_passages(answer.passages, first_number=1, show_scores=show_scores, open_=True,
                                      summary=f"Possibly related passages ({len(answer.passages)})"))
        return "\n\n".join(b for b in blocks if b)
    exact = (quote.exact_start, quote.exact_end) if quote.exact_start is not None and quote.exact_end is not None \
        else None
    blocks.append("> " + highlight_in_context(quote.chunk.text, quote.start, quote.end, exact=exact))
    citation = f"— <b>[1]</b> {escape_text(cite(quote.chunk))}"
    if show_scores:
        citation += f" <small>(confidence {quote.score:.2f})</small>"
    blocks.append(citation)
    if show_simplified and not is_traditional(answer.question) and is_traditional(quote.text):
        blocks.append("Simplified:\n\n> " + escape_text(to_simplified(quote.text)))
    others = [h for h in answer.passages if h.chunk.id != quote.chunk.id]
    blocks.append(render_passages(others, first_number=2, show_scores=show_scores,
                                  summary=f"Other passages ({len(others)})"))
    return "\n\n".join(b for b in blocks if b)


USER_MESSAGE_CHARS = 2000
_UNSHOWABLE = re.compile(r"[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def render_user_message(message: str, *, limit: int = USER_MESSAGE_CHARS) -> str:
    """The user's question as shown in the chat: escaped like document text.

    Lone surrogates and control characters are dropped (they cannot be sent as JSON to
    the browser) and a very long question is shown cut to ``limit`` characters.
    """
    if not isinstance(message, str):
        return ""
    return escape_text(_clip(_UNSHOWABLE.sub("", message), limit))
