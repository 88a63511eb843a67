"""Bytes to text for scraped Chinese files, and repair of text that was decoded wrongly.

Decoding order: a BOM wins; then strict UTF-8 (most files); then candidates from
charset-normalizer plus GB18030 and Big5, ranked by how *ordinary* the decoded Chinese
looks. Ordinary means made of the 3,755 level-1 GB2312 characters (the most frequent
characters of modern Chinese) or their Traditional forms: a wrong decoding of Chinese
bytes produces rare characters, so the share of rare characters separates right from
wrong far better than byte statistics on short files.

The same statistic finds *mojibake* left in text by an earlier wrong decoding (see
:mod:`qa.ingest.mojibake`).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import lru_cache

from qa.charsets import CJK
from qa.errors import QAError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Detection looks at a prefix only, so a 50 MB file costs the same as a small one.
_SAMPLE_BYTES = 256 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


class DecodingError(QAError, ValueError):
    """The bytes are binary or in no encoding we can read."""


@dataclass(frozen=True)
class DecodedText:
    """Text decoded from bytes, with the encoding that was used.

    Example:
        >>> decode_bytes("中文".encode("utf-8")).encoding
        'utf-8'
    """

    text: str
    encoding: str
    truncated: bool = False


@lru_cache(maxsize=1)
def common_chars() -> frozenset[str]:
    """Level-1 GB2312 characters and every CJK character whose Simplified form is one."""
    from qa.textnorm import to_simplified

    level1: set[str] = set()
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF):
            try:
                level1.add(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    every = [chr(code) for code in range(0x4E00, 0xA000)]
    # One character per line so OpenCC converts characters, not phrases.
    simplified = to_simplified("\n".join(every)).split("\n")
    extra = {c for c, s in zip(every, simplified, strict=False) if s in level1}
    return frozenset(level1 | extra)


def is_rare(char: str) -> bool:
    """True for a CJK ideograph outside the common set (a sign of a wrong decoding)."""
    return bool(CJK.match(char)) and char not in common_chars()


def rare_share(text: str) -> float:
    """Share of CJK characters in ``text`` that are rare; 0.0 when there is no CJK."""
    cjk = CJK.findall(text)
    if not cjk:
        return 0.0
    common = common_chars()
    return sum(1 for c in cjk if c not in common) / len(cjk)


def _looks_binary(data: bytes) -> bool:
    sample = data[:_SAMPLE_BYTES]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32 or b == 127)
    return controls > max(4, len(sample) // 100)


def _badness(text: str) -> float:
    """Lower is better: rare CJK share plus penalties for controls and replacement chars."""
    sample = text[:20000]
    if not sample:
        return 1.0
    controls = len(_CONTROL.findall(sample)) + sample.count("\ufffd") * 2
    cjk = len(CJK.findall(sample))
    latin_ext = sum(1 for c in sample if "\u0080" <= c < "\u3000" and not c.isspace())
    return rare_share(sample) + (controls + latin_ext) / len(sample) - 0.05 * (cjk > 0)


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_bytes(data: bytes, *, declared: str | None = None) -> DecodedText:
    """Decode file bytes: BOM, strict UTF-8, declared charset, then ranked detection.

    Args:
        data: Raw file content.
        declared: Charset named by the file itself (HTML ``<meta charset>``), tried
            after UTF-8.

    Returns:
        The text (without BOM) and the encoding used.

    Raises:
        DecodingError: The data looks binary or no candidate decodes it.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _strict(data, encoding)
            if text is not None:
                return DecodedText(text.lstrip("\ufeff"), encoding)
    if _looks_binary(data):
        raise DecodingError("looks like a binary file (NUL or control bytes)")
    text = _strict(data, "utf-8")
    if text is not None:
        return DecodedText(text, "utf-8")
    text = _truncated_utf8(data)
    if text is not None:
        return DecodedText(text, "utf-8", truncated=True)
    if declared:
        text = _strict(data, declared)
        if text is not None and _badness(text) < 0.1:
            return DecodedText(text, declared.lower())
    return _detect(data)


def _detect(data: bytes) -> DecodedText:
    from charset_normalizer import from_bytes

    sample = data[:_SAMPLE_BYTES]
    names: list[str] = ["gb18030", "big5"]
    best = from_bytes(sample).best()
    if best is not None and best.encoding not in names:
        names.insert(0, best.encoding)
    ranked: list[tuple[float, str]] = []
    for name in names:
        # The sample (or a cut-off file) may end inside a multi-byte character: ignore only that tail.
        piece = _strict_prefix(sample, name)
        if piece is not None:
            ranked.append((_badness(piece), name))
    for _score, name in sorted(ranked):
        text = _strict(data, name)
        truncated = text is None
        if truncated:
            text = _strict_prefix(data, name)  # a file cut inside its last character
        if text is not None and not _looks_binary(text.encode("utf-8", "replace")[:_SAMPLE_BYTES]):
            return DecodedText(text, name, truncated=truncated)
    raise DecodingError("cannot be decoded as UTF-8, UTF-16, GB18030, Big5 or a detected charset")


def _strict_prefix(data: bytes, encoding: str) -> str | None:
    for cut in range(4):
        text = _strict(data[: len(data) - cut], encoding)
        if text is not None:
            return text
    return None


def _truncated_utf8(data: bytes) -> str | None:
    """UTF-8 text whose only fault is a multi-byte character cut off at the very end."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason != "unexpected end of data" or len(data) - exc.start > 3:
            return None
        return _strict(data[: exc.start], "utf-8")
    return None
