"""Checks on uploads: safe names, traversal, content of the stated type, size, no overwrite."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from qa.ingest.loaders import SUPPORTED_SUFFIXES
from qa.interface.upload_checks import (
    UploadRefused,
    check_upload,
    content_problem,
    safe_filename,
    save_new_file,
)

ALLOWED = frozenset({".txt", ".md", ".html", ".htm", ".jsonl", ".pdf", ".docx", ".xlsx", ".csv"})
TEXT = "新能源報告\n\n青海省的光伏發電裝機容量達到了1234萬千瓦。\n"


def _zip(*parts: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in parts:
            archive.writestr(part, "<xml/>")
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "expected"), [
    ("report.txt", "report.txt"),
    ("報告 2024.TXT", "報告_2024.txt"),
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\windows\\win.ini.txt", "win.ini.txt"),
    ("/abs/path/x.md", "x.md"),
    (".hidden.txt", "hidden.txt"),
    ("...txt", "document.txt"),
    ("..", "document"),
    ("", "document"),
    ("a/b/../c.txt", "c.txt"),
    ("na\x00me\r\n.txt", "na_me.txt"),
    ("evil\u202etxt.exe.md", "evil_txt.exe.md"),
    ("<script>.html", "script.html"),
    ("x" * 300 + ".pdf", "x" * 100 + ".pdf"),
    ("ｆｕｌｌ．txt", "ｆｕｌｌ_txt"),
])
def test_safe_filename(name: str, expected: str) -> None:
    assert safe_filename(name) == expected
    safe = safe_filename(name)
    assert "/" not in safe and "\\" not in safe and not safe.startswith(".") and safe not in ("", ".", "..")


def test_safe_filename_is_idempotent_on_many_names() -> None:
    for name in ["a.txt", "../x.md", "報告（最終）.pdf", " spaced name .docx", "a..b.csv", "-x-.txt"]:
        once = safe_filename(name)
        assert safe_filename(once) == once


@pytest.mark.parametrize(("suffix", "data", "problem"), [
    (".pdf", b"%PDF-1.7\n...", None),
    (".pdf", TEXT.encode(), "its content is text, not a PDF"),
    (".docx", _zip("[Content_Types].xml", "word/document.xml"), None),
    (".docx", _zip("xl/workbook.xml"), "its content is an Excel workbook, not a Word document"),
    (".docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "encrypted or old binary Office file"),
    (".xlsx", _zip("xl/workbook.xml"), None),
    (".xlsx", b"PK\x03\x04 truncated", "damaged ZIP archive"),
    (".txt", TEXT.encode("utf-8"), None),
    (".txt", TEXT.encode("gb18030"), None),
    (".txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "not a text file"),
    (".md", b"\x7fELF\x02\x01\x01\0" + bytes(range(256)), "not a text file"),
    (".csv", "名稱,數量\n光伏,1234\n".encode("big5"), None),
    (".jsonl", b'{"id": "a", "text": "x"}\n', None),
    (".jsonl", b"not json\n", "not JSON Lines"),
    (".txt", b"", "empty file"),
    (".pdf", b"", "its content is empty, not a PDF"),
])
def test_content_must_match_its_type(tmp_path: Path, suffix: str, data: bytes, problem: str | None) -> None:
    path = tmp_path / "upload"
    path.write_bytes(data)
    found = content_problem(path, suffix)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


def test_real_office_and_pdf_files_pass(tmp_path: Path) -> None:
    from tests.document_files import make_docx, make_pdf, make_xlsx

    for make, name in ((make_pdf, "a.pdf"), (make_docx, "a.docx"), (make_xlsx, "a.xlsx")):
        path = make(tmp_path / name)
        assert check_upload(path, allowed=ALLOWED, max_bytes=10_000_000).safe_name == name
        # The same bytes under another format's name are refused.
        for other in {".pdf", ".docx", ".xlsx"} - {path.suffix}:
            with pytest.raises(UploadRefused, match=f"content does not match \\{other}"):
                check_upload(path, allowed=ALLOWED, max_bytes=10_000_000, name=f"a{other}")


def test_check_upload_accepts_text_and_names_it_safely(tmp_path: Path) -> None:
    source = tmp_path / "upload"
    source.write_text(TEXT, encoding="utf-8")
    checked = check_upload(source, allowed=ALLOWED, max_bytes=10_000, name="../../新 報告.txt")
    assert checked.safe_name == "新_報告.txt"
    assert checked.name == "新 報告.txt"
    assert checked.data == TEXT.encode("utf-8")


@pytest.mark.parametrize(("name", "data", "match"), [
    ("tool.exe", b"MZ\x90\0", r"type \.exe is not supported; use .*\.txt"),
    ("noext", b"text", "type no extension is not supported"),
    ("fake.pdf", TEXT.encode(), r"content does not match \.pdf"),
    ("fake.docx", TEXT.encode(), r"content does not match \.docx"),
    ("image.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0", r"content does not match \.txt"),
])
def test_check_upload_refuses_wrong_type_or_content(tmp_path: Path, name: str, data: bytes, match: str) -> None:
    source = tmp_path / "upload"
    source.write_bytes(data)
    with pytest.raises(UploadRefused, match=match):
        check_upload(source, allowed=ALLOWED, max_bytes=10_000, name=name)


def test_check_upload_refuses_too_big_before_reading(tmp_path: Path) -> None:
    source = tmp_path / "big.txt"
    source.write_text("長" * 400, encoding="utf-8")  # 1200 bytes
    limit = r"1,200 bytes is over the limit of 1,000 bytes \(setting max_upload_bytes\)"
    with pytest.raises(UploadRefused, match=limit):
        check_upload(source, allowed=ALLOWED, max_bytes=1000)
    assert check_upload(source, allowed=ALLOWED, max_bytes=1200).safe_name == "big.txt"


def test_allowed_types_come_from_the_loaders(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text(TEXT, encoding="utf-8")
    for suffix in SUPPORTED_SUFFIXES:
        assert suffix.startswith(".") and suffix == suffix.lower()
    with pytest.raises(UploadRefused, match="not supported"):
        check_upload(source, allowed=frozenset(), max_bytes=10_000)


def test_save_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("old", encoding="utf-8")
    first = save_new_file(tmp_path, "a.txt", b"new 1")
    second = save_new_file(tmp_path, "a.txt", b"new 2")
    assert (first.name, second.name) == ("a-2.txt", "a-3.txt")
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "old"
    assert first.read_bytes() == b"new 1" and second.read_bytes() == b"new 2"


@pytest.mark.parametrize("name", ["../escape.txt", "sub/x.txt", ".hidden.txt", "..", "/etc/passwd"])
def test_save_refuses_names_that_are_not_safe(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    with pytest.raises(UploadRefused, match="not a safe file name"):
        save_new_file(folder, name, b"x")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["corpus"]


def test_save_does_not_follow_a_planted_symlink(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_text("keep", encoding="utf-8")
    (folder / "a.txt").symlink_to(outside)
    saved = save_new_file(folder, "a.txt", b"new")
    assert saved == folder / "a-2.txt"
    assert outside.read_text(encoding="utf-8") == "keep"
