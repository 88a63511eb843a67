"""Markdown/HTML of chat replies: the quote, its citation, and the other passages.

Everything that comes from a document (or a user) goes through :func:`escape_text`
before it is placed in a reply, so the only live markup in a reply is the markup
written here (``<mark>``, ``<details>``, ``<p>``, ``<br>``, ``<span>``, ``<a>`` to a ``#``
fragment that the page script turns into the source view). The chat widget sanitizes
HTML too, but a scraped page is untrusted input and this module does not rely on that.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from urllib.parse import quote as quote_url

from qa.charsets import has_cjk
from qa.interface.citation import cite, file_name
from qa.interface.confidence import confidence_level
from qa.interface.i18n import EN, text
from qa.textnorm import is_traditional, to_simplified, to_traditional
from qa.types import Answer, Chunk, Hit

ERROR = EN["error"]


class Script(StrEnum):
    """Which converted copy of a quote to add below it (the quote itself stays as written)."""

    ORIGINAL = "original"
    SIMPLIFIED = "simplified"
    TRADITIONAL = "traditional"
    AUTO = "auto"

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


# As they appear in a reply (escaped like all text), for tests and callers that look for them.
NOT_FOUND = escape_text(EN["not_found"])
# The reply to a question with nothing to search for (other refusals name their reason).
REPHRASE = escape_text(EN["refused"].format(reason=EN["refused_no_words"]))


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


def source_href(chunk: Chunk, start: int | None = None, end: int | None = None) -> str:
    """The link a citation carries: the page script opens the source view on it.

    Only ``href`` survives the chat's HTML sanitizer (``data-*`` attributes do not), so
    the chunk id and the quoted span travel in the fragment.
    """
    href = f"#qa-src={quote_url(chunk.id, safe='')}"
    if start is not None and end is not None:
        href += f"&s={int(start)}&e={int(end)}"
    return href


def source_link(chunk: Chunk, lang: str, *, start: int | None = None, end: int | None = None) -> str:
    """``<a>`` naming the chunk's file; clicking it opens the whole document beside the chat."""
    hint = escape_text(text(lang, "source"))
    return (f'<a class="qa-source" href="{source_href(chunk, start, end)}" title="{hint}">'
            f"{escape_text(file_name(chunk))}</a>")


def _scores(hit: Hit, lang: str) -> str:
    cosine = "—" if hit.dense_score is None else f"{hit.dense_score:.3f}"
    bm25 = "—" if hit.bm25_score is None else f"{hit.bm25_score:.2f}"
    return escape_text(text(lang, "scores_hint", score=hit.score, cosine=cosine, bm25=bm25))


def _citation(chunk: Chunk, title: str | None, lang: str, *, start: int | None = None,
              end: int | None = None) -> str:
    return f"{escape_text(cite(chunk, title=title))} · {source_link(chunk, lang, start=start, end=end)}"


def render_passages(hits: list[Hit], *, first_number: int, summary: str, show_scores: bool,
                    open_: bool = False, snippet_chars: int = 160, lang: str = "en",
                    titles: Mapping[str, str] | None = None) -> str:
    """A ``<details>`` block listing ``hits``, numbered from ``first_number``.

    The block has no blank line inside, so Markdown leaves it alone.
    """
    if not hits:
        return ""
    titles = titles or {}
    items = []
    for number, hit in enumerate(hits, start=first_number):
        head = f"<b>[{number}]</b> {_citation(hit.chunk, titles.get(hit.chunk.doc_id), lang)}"
        if show_scores:
            head += f"<br><small>{_scores(hit, lang)}</small>"
        items.append(f"<p>{head}<br>{escape_text(_clip(hit.chunk.text, snippet_chars))}</p>")
    opening = "<details open>" if open_ else "<details>"
    return "\n".join([opening, f"<summary>{escape_text(summary)}</summary>", *items, "</details>"])


def _confidence(score: float, lang: str, *, show_number: bool) -> str:
    level = confidence_level(score)
    word = text(lang, level.value)
    label = text(lang, "confidence", word=word) + (f" ({score:.2f})" if show_number else "")
    hint = escape_text(text(lang, "conf_hint", score=score))
    return f'<span class="qa-conf qa-{level.value}" title="{hint}">{escape_text(label)}</span>'


def _converted(quote_text: str, question: str, script: str, lang: str) -> str | None:
    """The quote in the other script, when asked for and different from the quote."""
    if script == Script.SIMPLIFIED or (script == Script.AUTO and not is_traditional(question)):
        converted, key = to_simplified(quote_text), "converted_simplified"
    elif script == Script.TRADITIONAL:
        converted, key = to_traditional(quote_text), "converted_traditional"
    else:
        return None
    if converted == quote_text:
        return None
    return f"{escape_text(text(lang, key))}\n\n> {escape_text(converted)}"


def plain_reply(answer: Answer, *, lang: str = "en", titles: Mapping[str, str] | None = None) -> str:
    """What the copy button copies: the quote and its citation as plain text, no markup."""
    quote = answer.quote
    if not answer.found or quote is None:
        return text(lang, "not_found")
    title = (titles or {}).get(quote.chunk.doc_id)
    return f"「{quote.text}」\n— {cite(quote.chunk, title=title)} · {file_name(quote.chunk)}"


def _plain_block(plain: str) -> str:
    # Hidden by the page's style sheet; the copy handler reads it (see page_script.py).
    return f'<span class="qa-plain">{"<br>".join(escape_text(line) for line in plain.splitlines())}</span>'


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


def render_answer(answer: Answer, *, show_scores: bool = False, show_simplified: bool = False,
                  script: str = "original", lang: str = "en", titles: Mapping[str, str] | None = None) -> str:
    """The Markdown of the chat reply for ``answer``.

    Found: the quote as a block quote (highlighted inside its paragraph), its numbered
    citation with the file name (a link that opens the whole document) and its confidence in
    words (the number on hover), optionally the quote in the other script, then the other
    passages, collapsed. Not found: the plain statement first, then the closest passages,
    collapsed and labelled as possibly related.

    Args:
        answer: What :meth:`qa.engine.QA.ask` returned.
        show_scores: Also show the confidence number and each passage's scores, explained.
        show_simplified: Older switch: the same as ``script="auto"``.
        script: ``original``; ``simplified`` or ``traditional`` to add the quote converted into
            that script when it differs; ``auto``: Simplified when the question is Simplified.
        lang: Interface language (:mod:`qa.interface.i18n`).
        titles: Display titles by document id (:func:`qa.interface.titles.display_titles`).
    """
    if show_simplified and script == Script.ORIGINAL:
        script = Script.AUTO
    titles = titles or {}
    blocks: list[str] = []
    if answer.interpreted and answer.interpreted != answer.question:  # read as asked: nothing to say
        blocks.append(f"<i>{escape_text(understood_as(answer))}</i>")
    quote = answer.quote
    if not answer.found or quote is None:
        blocks.append(f'<p class="qa-not-found"><b>{escape_text(text(lang, "not_found"))}</b> '
                      f'{escape_text(text(lang, "not_found_hint"))}</p>')
        if answer.notice:
            blocks.append(f"<i>{escape_text(text(lang, 'note', text=answer.notice))}</i>")
        blocks.append(render_passages(answer.passages, first_number=1, show_scores=show_scores, lang=lang,
                                      titles=titles,
                                      summary=text(lang, "possibly_related", n=len(answer.passages))))
        blocks.append(_plain_block(plain_reply(answer, lang=lang)))
        return "\n\n".join(b for b in blocks if b)
    if answer.notice:
        blocks.append(f"<i>{escape_text(text(lang, 'note', text=answer.notice))}</i>")
    exact = (quote.exact_start, quote.exact_end) if quote.exact_start is not None and quote.exact_end is not None \
        else None
    blocks.append("> " + highlight_in_context(quote.chunk.text, quote.start, quote.end, exact=exact))
    title = titles.get(quote.chunk.doc_id)
    citation = (f"— <b>[1]</b> {_citation(quote.chunk, title, lang, start=quote.start, end=quote.end)}"
                f"<br>{_confidence(quote.score, lang, show_number=show_scores)}")
    blocks.append(citation)
    converted = _converted(quote.text, answer.question, script, lang)
    if converted:
        blocks.append(converted)
    others = [h for h in answer.passages if h.chunk.id != quote.chunk.id]
    blocks.append(render_passages(others, first_number=2, show_scores=show_scores, lang=lang, titles=titles,
                                  summary=text(lang, "other_passages", n=len(others))))
    blocks.append(_plain_block(plain_reply(answer, lang=lang, titles=titles)))
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
