"""Repair of mojibake: text that an earlier scraper decoded with the wrong codec.

Two kinds are common on Chinese pages: GBK text read one byte out of step after a lost
byte (shown as ``?``), e.g. ``品質?!苯邮苡浾卟稍L時`` for ``品質。”接受記者採訪時``; and UTF-8
bytes read as GBK/Big5 (``銆傗€濇帴鍙楄``). Both are found by character statistics
(:func:`qa.ingest.decoding.is_rare`) and by whether realigned text reads as dictionary words;
what cannot be repaired is dropped so it is never indexed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from qa.charsets import CJK
from qa.ingest.decoding import common_chars, is_rare, rare_share


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


# A '?' left by a scraper for bytes it could not decode; the characters after it are
# often the following GBK bytes read one byte out of step.
_QMARK_RUN = re.compile(r"\?+")
_WINDOW = 16
_CJK_PUNCT = "。，、“”：；！？"
_RUN_STOPS = frozenset("。，、“”：；！？（）《》")
_COMMON_WORD = 100  # jieba frequency of an everyday word (当地 7272, 质保 5)
# ASCII punctuation in mojibake was full-width before NFKC-style folding by the scraper.
_FULLWIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F) if not chr(c).isalnum()}


@lru_cache(maxsize=1)
def _words() -> dict[str, int]:
    """Words of 2-4 characters from jieba's dictionary with their corpus frequencies."""
    try:
        import jieba
    except ImportError:  # the repair then trusts punctuation only; detection still works
        return {}
    words: dict[str, int] = {}
    with Path(jieba.__file__).with_name("dict.txt").open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split(" ", 2)
            if 2 <= len(parts[0]) <= 4 and len(parts) > 1 and parts[1].isdigit():
                words[parts[0]] = int(parts[1])
    return words


def _coverage(text: str, min_freq: int = 1) -> int:
    """How many characters of ``text`` belong to a dictionary word (Simplified form)."""
    from qa.textnorm import to_simplified

    simple, words = to_simplified(text), _words()
    covered = [False] * len(simple)
    for i in range(len(simple)):
        for size in (2, 3, 4):
            if words.get(simple[i : i + size], 0) >= min_freq:
                covered[i : i + size] = [True] * size
    return sum(covered)


def _gbk(text: str) -> bytes | None:
    try:  # '€' is byte 0x80 in Windows code page 936, which Python's gbk codec lacks
        return b"".join(b"\x80" if c == "\u20ac" else c.encode("gbk") for c in text)
    except UnicodeEncodeError:
        return None


def _variants(window: str) -> list[str]:
    """The window with each ASCII punctuation mark either as is or full-width (max 8)."""
    spots = [i for i, c in enumerate(window) if c in _FULLWIDTH][:3]
    out = []
    for mask in range(1 << len(spots)):
        chars = list(window)
        for bit, index in enumerate(spots):
            if mask >> bit & 1:
                chars[index] = _FULLWIDTH[chars[index]]
        out.append("".join(chars))
    return out


def _first_char(prev: str, raw: bytes, rest: str) -> str:
    """The character whose lead byte was lost: one that forms a common word with a
    neighbour, else a common punctuation mark, else nothing (unknown, so left out)."""
    best, best_score = "", 0
    for lead in range(0x81, 0xFF):
        char = _strict(bytes((lead,)) + raw[:1], "gbk")
        if not char or not CJK.match(char) or is_rare(char):
            if char and char in _CJK_PUNCT and not best:
                best = char
            continue
        # Only frequent words count: rare ones (质保, 校牌) fit almost any character.
        score = _coverage(prev + char, _COMMON_WORD) + _coverage(char + rest[:1], _COMMON_WORD)
        if score > best_score:
            best, best_score = char, score
    return best


def _shift_repair(prev: str, after: str, lost: int) -> tuple[str, int] | None:
    """Realign ``after`` (text that follows lost bytes) by dropping its first GBK byte.

    Returns the repaired text and how many characters of ``after`` it replaces, for
    the shortest window that gains the most dictionary words; ``None`` when realigning
    does not make the text read better.
    """
    best: tuple[int, bytes, str, int] | None = None
    for end in range(1, len(after) + 1):
        if best is not None and end - best[3] > 3:
            break  # past the point where the bytes fell back into step: no more gain
        window = after[:end]
        before = _coverage(window)
        for variant in _variants(window):
            raw = _gbk(variant)
            rest = _strict(raw[1:], "gbk") if raw else None
            if not raw or not rest or "?" in rest or _rare_positions(rest):
                continue
            gain = _coverage(rest) - before
            if gain >= 2 and (best is None or gain > best[0]):
                best = (gain, raw, rest, end)
    if best is None:
        return None
    _gain, raw, rest, end = best
    # With several '?' more than one byte is lost: the first character is unknowable.
    first = _first_char(prev, raw, rest) if lost == 1 else ""
    return first + rest, end


def _rare_positions(text: str) -> list[int]:
    common = common_chars()
    # Set difference first: almost every paragraph has no rare character at all.
    rare = {c for c in set(text).difference(common) if CJK.match(c)}
    return [i for i, c in enumerate(text) if c in rare] if rare else []


def _fix_qmark(text: str, match: re.Match[str]) -> tuple[str, int]:
    """Replacement for the '?' run at ``match`` and the end of the text it replaces."""
    start, end = match.span()
    prev = text[start - 1] if start else ""
    after = text[end : end + _WINDOW]
    if not (CJK.match(prev or " ") or CJK.match(after[:1] or " ")):
        return match.group(), end
    rare = _rare_positions(after)
    # Realigning is only worth trying where something looks lost: several '?' or rare
    # characters right after (a plain question mark before ordinary text is left alone).
    if len(match.group()) > 1 or (rare and rare[0] < 8):
        repaired = _shift_repair(prev, after, len(match.group()))
        if repaired is not None:
            return repaired[0], end + repaired[1]
    if rare:  # unrepairable garbage: drop the '?' and the rare characters close after it
        last = rare[0]
        for pos in rare[1:]:
            if pos - last > 3:
                break
            last = pos
        return "", end + last + 1
    # Without garbage after it a single '?' is a question mark; '??' between CJK
    # characters stands for a lost character.
    inside = len(match.group()) > 1 and CJK.match(prev or " ") and CJK.match(after[:1] or " ")
    return ("" if inside else match.group()), end


def _fix_qmarks(text: str) -> str:
    out: list[str] = []
    pos = 0
    for match in _QMARK_RUN.finditer(text):
        if match.start() < pos:
            continue
        replacement, end = _fix_qmark(text, match)
        out.append(text[pos : match.start()])
        out.append(replacement)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _garbage_spans(text: str) -> list[tuple[int, int]]:
    """Spans of dense rare characters (gaps of at most 3), with 5+ rare and 50%+ density.

    Five rare characters keep real rare-character words (``魑魅魍魉``) out.
    """
    bad = {c for c in set(text) if c == "\ufffd" or is_rare(c)}
    marks = [i for i, c in enumerate(text) if c in bad]
    spans: list[tuple[int, int]] = []
    first = 0
    for k in range(1, len(marks) + 1):
        if k == len(marks) or marks[k] - marks[k - 1] > 4:
            start, end = marks[first], marks[k - 1] + 1
            if k - first >= 5 and (k - first) / (end - start) >= 0.5:
                spans.append((start, end))
            first = k
    return spans


def _in_run(char: str) -> bool:
    """Part of a mojibake run: not ASCII, not space, not ordinary Chinese punctuation."""
    return not char.isascii() and not char.isspace() and char not in _RUN_STOPS


def _recode(run: str) -> str | None:
    for codec in ("gb18030", "gbk", "big5"):
        try:
            fixed = run.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if rare_share(fixed) < 0.1:
            return fixed
    return None


def _recode_runs(text: str) -> str:
    """Repair runs of UTF-8 bytes read as GBK or Big5; drop them when bytes were lost."""
    out: list[str] = []
    pos = 0
    for start, end in _garbage_spans(text):
        if start < pos:
            continue
        # The candidate is the whole non-ASCII run around the dense part: mojibake of
        # UTF-8 also yields common characters, which must be recoded with the rest.
        run_start, run_end = start, end
        while run_start > pos and _in_run(text[run_start - 1]):
            run_start -= 1
        while run_end < len(text) and _in_run(text[run_end]):
            run_end += 1
        fixed = _recode(text[run_start:run_end])
        out.append(text[pos:run_start] + fixed if fixed is not None else text[pos:start])
        pos = run_end if fixed is not None else end
    out.append(text[pos:])
    return "".join(out)


@lru_cache(maxsize=4096)  # pure; scraped dumps repeat the same broken lines page after page
def repair_mojibake(text: str) -> str:
    """Repair or remove mojibake in one paragraph; clean text comes back unchanged.

    Handles (1) a ``?`` left for lost bytes followed by characters read one byte out of
    step: realigned when that makes the text read as Chinese words, else the ``?`` run
    and the rare characters right after it are dropped, keeping the rest of the
    sentence; (2) runs of UTF-8 bytes decoded as GBK/Big5: decoded again, or dropped.

    Example:
        >>> repair_mojibake("質?!苯邮苡浾卟稍L時")
        '質。”接受記者采訪時'
    """
    if "?" in text:
        text = _fix_qmarks(text)
    if len(_rare_positions(text)) >= 5 or "\ufffd" in text:
        text = _recode_runs(text)
    return text
