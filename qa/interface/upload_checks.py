"""Checks on an uploaded file before it joins the corpus: type, size, content, a safe name.

An upload is refused unless its extension is one the loaders read, it is no larger than
``Settings.max_upload_bytes``, and its bytes really are of that type (a PDF starts with
``%PDF-``, a ``.docx``/``.xlsx`` is a zip holding the Word/Excel part, as
:func:`qa.ingest.sniff.describe` tells; text decodes). The
name it is saved under is rebuilt from letters, digits and ``-_.()`` only, so it cannot
name a folder, a hidden file or a device, and it never replaces a file already there.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from qa.ingest.decoding import DecodingError, decode_bytes
from qa.ingest.sniff import describe

MAX_STEM_CHARS = 100
DEFAULT_STEM = "document"
_SEPARATORS = re.compile(r"[/\\]")
_RUNS = re.compile(r"_+")
_KEEP = frozenset("-_.()")


class UploadRefused(ValueError):
    """An uploaded file that must not join the corpus; the message says why."""


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed the checks.

    Attributes:
        source: The uploaded file (a temporary copy).
        name: The name it was uploaded as (only its last path part).
        safe_name: The name to save it under (without ``-2``... added on a clash).
        data: Its bytes.
    """

    source: Path
    name: str
    safe_name: str
    data: bytes


def safe_filename(name: str) -> str:
    """A file name that is safe to create inside a folder, built from ``name``.

    Only the last path part is kept (``/`` and ``\\`` both separate), Unicode is NFC
    normalised, any character other than a letter, digit or ``-_.()`` becomes ``_``,
    leading dots go (no hidden files) and the stem is at most 100 characters. The
    extension is lower-cased.

    Example:
        >>> safe_filename("../../etc/報告 2024?.PDF")
        '報告_2024.pdf'
    """
    base = _SEPARATORS.split(unicodedata.normalize("NFC", name))[-1]
    stem, dot, suffix = base.rpartition(".")
    if not dot or not suffix.isalnum():
        stem, suffix = base, ""
    cleaned = "".join(ch if ch.isalnum() or ch in _KEEP else "_" for ch in stem)
    cleaned = _RUNS.sub("_", cleaned).strip(" ._-")[:MAX_STEM_CHARS].rstrip(" ._-") or DEFAULT_STEM
    return f"{cleaned}.{suffix.lower()}" if suffix else cleaned


def suffix_of(name: str) -> str:
    """The lower-cased extension of the last part of ``name`` (``""`` when it has none)."""
    return Path(_SEPARATORS.split(name)[-1]).suffix.lower()


def _is_text(data: bytes) -> str | None:
    try:
        decode_bytes(data)
    except DecodingError as exc:
        return f"not a text file ({exc})"
    return None


def _is_jsonl(data: bytes) -> str | None:
    problem = _is_text(data)
    if problem:
        return problem
    for line in decode_bytes(data).text.splitlines():
        if line.strip():
            try:
                return None if isinstance(json.loads(line), dict) else "not JSON Lines (first line is no object)"
            except json.JSONDecodeError as exc:
                return f"not JSON Lines (first line: {exc.msg})"
    return "not JSON Lines (no record)"


# What a binary format's content must be, in the words of qa.ingest.sniff.describe (which
# the loaders use too); every other supported extension must decode as text.
BINARY_CONTENT = {".pdf": "a PDF", ".docx": "a Word document", ".xlsx": "an Excel workbook"}


def content_problem(path: Path, suffix: str) -> str | None:
    """Why the file at ``path`` is not a file of type ``suffix``, or ``None`` when it is."""
    expected = BINARY_CONTENT.get(suffix)
    if expected is not None:
        found = describe(path)
        return None if found == expected else f"its content is {found}, not {expected}"
    data = path.read_bytes()
    if not data:
        return "empty file"
    return _is_jsonl(data) if suffix == ".jsonl" else _is_text(data)


def check_upload(source: str | Path, *, allowed: frozenset[str], max_bytes: int,
                 name: str | None = None) -> CheckedUpload:
    """Check one uploaded file; its bytes and the name to save it under.

    Args:
        source: The uploaded file.
        allowed: Extensions the corpus loaders read (``{".txt", ".pdf", ...}``).
        max_bytes: Largest size accepted.
        name: The name it was uploaded as; defaults to the name of ``source``.

    Raises:
        UploadRefused: The type is not allowed, the file is too big, or its content is
            not of its type.
    """
    source = Path(source)
    name = _SEPARATORS.split(name if name is not None else source.name)[-1]
    suffix = suffix_of(name)
    if suffix not in allowed:
        shown = suffix or "no extension"
        raise UploadRefused(f"type {shown} is not supported; use {', '.join(sorted(allowed))}")
    size = source.stat().st_size
    if size > max_bytes:
        raise UploadRefused(f"{size:,} bytes is over the limit of {max_bytes:,} bytes (setting max_upload_bytes)")
    problem = content_problem(source, suffix)
    if problem:
        raise UploadRefused(f"content does not match {suffix}: {problem}")
    return CheckedUpload(source, name, safe_filename(name), source.read_bytes())


def save_new_file(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` as a new file in ``folder`` named ``name`` (``name-2``... on a clash).

    The file is created exclusively, so an existing file is never replaced even by a
    concurrent save, and a name that would resolve outside ``folder`` is refused.

    Raises:
        UploadRefused: ``name`` is not a plain file name inside ``folder``.
    """
    if name != safe_filename(name):
        raise UploadRefused(f"{name!r} is not a safe file name; use safe_filename() first")
    root = folder.resolve()
    stem, suffix = Path(name).stem, Path(name).suffix
    for n in range(1, 10_000):
        target = folder / (name if n == 1 else f"{stem}-{n}{suffix}")
        if target.is_symlink() or target.exists():
            continue
        if target.resolve().parent != root:
            raise UploadRefused(f"{target.name!r} would be saved outside '{folder}'")
        try:
            with target.open("xb") as handle:
                handle.write(data)
        except FileExistsError:
            continue
        return target
    raise UploadRefused(f"too many files named like {name!r} in '{folder}'")
