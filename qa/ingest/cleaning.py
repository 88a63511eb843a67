"""Turn scraped page text into a title, metadata and a clean body of paragraphs.

The cleaner works line by line (one line = one paragraph) in three passes:

1. *Normalise*: line breaks, odd spaces, zero-width characters, pinyin ruby left inline
   (``本網(wǎng)`` -> ``本網``), mojibake (:func:`qa.ingest.decoding.repair_mojibake`).
2. *Head*: metadata lines give the date and source; the first heading-like line before
   the body is the title, and its repeats are dropped.
3. *Body end*: the article ends at its footer (source/editor/copyright/disclaimer line)
   or at a "related stories" header. After a footer only prose survives; after a
   related-stories header nothing does. A trailing run of headline-like lines or
   numbered items (a list of links) is dropped even without a footer.

Every rule is about a kind of line (see :mod:`qa.ingest.noise`), never about one site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.charsets import CJK_CLASS, SENTENCE_END
from qa.ingest import noise
from qa.ingest.metadata import read_meta_line
from qa.ingest.mojibake import repair_mojibake
from qa.ingest.noise import LineKind

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_RUBY = re.compile(rf"(?<=[{CJK_CLASS}])[(（]([a-z{_TONED}üê]{{1,12}}[1-5]?)[)）]")
# Ruby whose character was lost to a '?' by a wrong decoding: ``當?shù)刂v`` -> ``當?刂v``.
_ORPHAN_RUBY = re.compile(rf"(?<=\?)[a-z{_TONED}ü]*[{_TONED}][a-z{_TONED}ü]*\)")
_SYLLABLE = re.compile(
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|üan|ai|ei|ao|ou|an|en|in|un|ün|"
    r"ia|ie|iu|ua|uo|ui|üe|ue|er|a|o|e|i|u|ü)[1-5]?"
)
_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_INVISIBLE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\u200b-\u200f\u2060\ufeff\ufffe]")
_SPACES = re.compile(r"[^\S\n]+")
_TITLE_MAX_CHARS = 80
_TRAILING_LIST_RUN = 5


@dataclass(frozen=True)
class CleanResult:
    """Outcome of :func:`clean_text`.

    Attributes:
        title: Page title, or ``None`` when the text starts with its body.
        date: ISO date from a metadata line, when stated.
        source: Publisher from a ``來源`` line, when stated.
        text: Cleaned body: paragraphs separated by one ``\\n``, without the title.
        dropped: Number of non-empty lines removed (metadata, repeats and noise), not
            counting the title line itself.
        kept: For each body paragraph, the number of the input line it came from (0-based,
            counting the lines of :func:`normalize_text` of the input), so loaders that know
            where each input line was (a PDF page, a Word section) can say where each
            paragraph is.

    Example:
        >>> clean_text("標題\\n\\n來源:新華社\\n\\n正文第一段。").source
        '新華社'
    """

    title: str | None
    date: str | None
    source: str | None
    text: str
    dropped: int
    kept: tuple[int, ...] = ()

    @property
    def paragraphs(self) -> int:
        """Number of body paragraphs kept."""
        return self.text.count("\n") + 1 if self.text else 0


def _drop_ruby(match: re.Match[str]) -> str:
    letters = match.group(1)
    if any(c in _TONED for c in letters) or _SYLLABLE.fullmatch(letters):
        return ""
    return match.group(0)


def normalize_text(raw: str) -> str:
    """Unify line breaks and spaces, drop invisible characters and inline pinyin ruby."""
    text = _LINE_BREAKS.sub("\n", raw)
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text)
    return _ORPHAN_RUBY.sub("", _RUBY.sub(_drop_ruby, text))


def _key(line: str) -> str:
    """Comparison form of a line: no spaces, so re-flowed repeats still match."""
    return re.sub(r"\s+", "", line)


def _is_title_candidate(line: str) -> bool:
    return len(line) <= _TITLE_MAX_CHARS and not SENTENCE_END.search(line)


@dataclass
class _State:
    """Mutable bookkeeping of one :func:`clean_text` run (never leaves this module)."""

    title: str | None
    date: str | None = None
    source: str | None = None
    seen_body: bool = False
    ended: bool = False


def clean_text(raw: str, *, title: str | None = None, detect_title: bool = True,
               verbatim: frozenset[int] = frozenset()) -> CleanResult:
    """Clean scraped page text.

    Args:
        raw: Decoded page text (plain text, or text extracted from HTML).
        title: Title known from elsewhere (HTML ``<h1>``, JSONL ``title``); lines
            repeating it are dropped from the body.
        detect_title: Look for a title line when ``title`` is not given (off for
            records whose title field is simply absent).
        verbatim: Input line numbers (as in :attr:`CleanResult.kept`) that are data, not
            page text (table rows): normalised but never dropped, and never the title.

    Returns:
        Title, date, source, body and the count of dropped lines.
    """
    numbered = [(number, repair_mojibake(line.strip()).strip())
                for number, line in enumerate(normalize_text(raw).split("\n"))]
    numbered = [(number, line) for number, line in numbered if line]
    lines = [line for _, line in numbered]
    state = _State(title=title.strip() if title and title.strip() else None)
    title_index = _find_title(lines) if state.title is None and detect_title else None
    if title_index is not None and numbered[title_index][0] in verbatim:
        title_index = None
    if title_index is not None:
        state.title = lines[title_index]
    title_key = _key(state.title) if state.title else None
    kept: list[int] = []
    for index, line in enumerate(lines):
        if index == title_index:
            continue
        if numbered[index][0] in verbatim:
            kept.append(index)
            state.seen_body = True
            continue
        if title_key and (_key(line) == title_key or _is_title_with_site(line, title_key)):
            continue
        meta = read_meta_line(line)
        if meta is not None:
            state.date = state.date or meta.date
            state.source = state.source or meta.source
            state.ended = state.ended or state.seen_body
            continue
        kind = noise.classify(line)
        if kind is LineKind.RELATED or (state.seen_body and noise.has_title_with_site(line)):
            break
        if kind is LineKind.FOOTER:
            state.ended = state.ended or state.seen_body
            continue
        if kind is LineKind.JUNK:
            continue
        # After the footer only prose (a line with sentence punctuation) can be article text.
        if state.ended and (not SENTENCE_END.search(line) or noise.is_numbered_item(line)):
            continue
        kept.append(index)
        state.seen_body = True
    kept = _drop_trailing_list(lines, kept, {i for i, (number, _) in enumerate(numbered) if number in verbatim})
    dropped = len(lines) - len(kept) - (1 if title_index is not None else 0)
    return CleanResult(state.title, state.date, state.source, "\n".join(lines[i] for i in kept), dropped,
                       tuple(numbered[i][0] for i in kept))


def _is_title_with_site(line: str, title_key: str) -> bool:
    return noise.has_title_with_site(line) and _key(line).startswith(title_key)


def _find_title(lines: list[str]) -> int | None:
    """Index of the title: the first heading-like text line before any body line.

    It is only a title when some body remains after it; a page whose first text line is
    a sentence (``本網拉薩8月9日訊...``) has no title.
    """
    for index, line in enumerate(lines):
        if read_meta_line(line) is not None or noise.classify(line) is not LineKind.TEXT:
            continue
        if not _is_title_candidate(line):
            return None
        key = _key(line)
        rest = [other for other in lines[index + 1 :] if _key(other) != key]
        has_body = any(
            noise.classify(other) is LineKind.TEXT and read_meta_line(other) is None for other in rest
        )
        return index if has_body else None
    return None


def _drop_trailing_list(lines: list[str], kept: list[int], verbatim: set[int]) -> list[int]:
    """Drop a final run of headline-like lines or numbered items (appended link lists)."""
    run = 0
    for index in reversed(kept):
        line = lines[index]
        if index not in verbatim and (noise.is_numbered_item(line) or noise.is_headline_like(line, max_chars=30)):
            run += 1
        else:
            break
    return kept[: len(kept) - run] if run >= _TRAILING_LIST_RUN else kept
