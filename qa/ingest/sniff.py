"""What a file's bytes really are, so a mislabelled file gets a clear message.

A ``.pdf`` must start like a PDF and a ``.docx``/``.xlsx`` must be a ZIP package holding a
Word document or a workbook; Office files that are encrypted (or in the old binary
``.doc``/``.xls`` format) are OLE compound files instead. Used by the loaders and by
anything that accepts uploads.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from qa.errors import FileFormatError

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEAD = 1024
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF"),
    (b"PK\x03\x04", "a ZIP archive"),
    (_OLE, "an encrypted or old binary Office file (.doc/.xls)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
)
# The part a ZIP package must hold to be of each format.
_PACKAGE_PARTS = {".docx": ("word/document.xml", "a Word document"), ".xlsx": ("xl/workbook.xml", "an Excel workbook")}


def describe(path: Path) -> str:
    """A short description of what the file's content is (``"a PDF"``, ``"text"``...)."""
    with path.open("rb") as handle:
        head = handle.read(_HEAD)
    if not head:
        return "empty"
    if b"%PDF-" in head:
        return "a PDF"
    for magic, name in _MAGIC:
        if head.startswith(magic):
            if magic == b"PK\x03\x04":
                return _package(path)
            return name
    return "binary data" if b"\x00" in head else "text"


def _package(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return "a damaged ZIP archive"
    for part, name in _PACKAGE_PARTS.values():
        if part in names:
            return name
    return "a ZIP archive"


_EXPECTED = {".pdf": "a PDF", ".docx": "a Word document", ".xlsx": "an Excel workbook"}


def check_content(path: str | Path) -> None:
    """Raise :class:`FileFormatError` when the content does not match the file's extension.

    Only ``.pdf``, ``.docx`` and ``.xlsx`` have a signature to check; text formats are
    checked when they are decoded.

    Example:
        >>> check_content("corpus/000_a1365cd533979094.txt")  # doctest: +SKIP
    """
    path = Path(path)
    expected = _EXPECTED.get(path.suffix.lower())
    if expected is None:
        return
    found = describe(path)
    if found != expected:
        raise FileFormatError(f"'{path}' is named {path.suffix.lower()} but its content is {found}, "
                              f"not {expected}: skipped")
