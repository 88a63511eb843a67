"""PDF, Word, Excel and CSV files made in the test: text, places, cleaning, warnings."""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path

import pytest

from qa.errors import FileFormatError
from qa.ingest.chunking import chunk_documents
from qa.ingest.corpus import load_corpus
from qa.ingest.loaders import load_file
from qa.ingest.pdf_layout import drop_running_lines, is_page_number, join_lines, paragraphs
from qa.ingest.sniff import check_content
from qa.interface.citation import cite
from qa.types import Document
from tests.document_files import (
    REPORT_HEADER,
    make_csv,
    make_docx,
    make_encrypted_pdf,
    make_image_pdf,
    make_pdf,
    make_xlsx,
)


def _only(path: Path) -> Document:
    [doc] = load_file(path)
    return doc


def test_pdf_text_in_paragraphs_without_running_lines(tmp_path: Path) -> None:
    doc = _only(make_pdf(tmp_path / "report.pdf"))
    assert (doc.format, doc.pages, doc.title) == ("pdf", 3, "阿里地区援藏工作报告")
    assert REPORT_HEADER not in doc.text and "- 1 -" not in doc.text and "年度工作报告" not in doc.text
    lines = doc.text.split("\n")
    # wrapped lines joined without a space; the paragraph cut by the page break is whole
    assert "配备了无影灯、手术床和监护仪等各种医疗设备，还有先进的手术消毒和空气净化系统。" in lines[1]
    assert lines[4].endswith("每周开放六天，并由援藏教师轮流管理。")
    assert lines == [line.strip() for line in lines] and " " not in doc.text


def test_pdf_chunks_know_their_pages(tmp_path: Path) -> None:
    chunks = chunk_documents([_only(make_pdf(tmp_path / "report.pdf"))])
    pages = {c.text.split("\n")[-1][:6]: (c.page, c.last_page) for c in chunks}
    assert pages == {"河北省援藏工": (1, 1), "全年共培训当": (1, 1), "援藏教师在噶": (2, 3), "工作队帮助当": (3, 3)}
    assert cite(chunks[0]).endswith("· p. 1") and cite(chunks[2]).endswith("· pp. 2–3")


def test_image_only_pdf_is_one_warning_not_an_empty_document(tmp_path: Path) -> None:
    make_pdf(tmp_path / "report.pdf")
    make_image_pdf(tmp_path / "scan.pdf")
    loaded = load_corpus(tmp_path)
    assert [d.id for d in loaded.documents] == ["report"]
    [warning] = loaded.warnings
    assert "scan.pdf" in warning and "no text layer" in warning


def test_docx_headings_become_sections_and_tables_rows(tmp_path: Path) -> None:
    doc = _only(make_docx(tmp_path / "summary.docx"))
    assert (doc.format, doc.title) == ("docx", "援藏干部年度总结")
    chunks = chunk_documents([doc])
    by_text = {c.text.split("\n")[-1]: c for c in chunks}
    trained = by_text["通过师带徒方式培养了本地骨干医生十八名，其中五名已能独立完成剖宫产手术。"]
    assert trained.section == "第一章 医疗 > 1.1 人才培养"
    row = by_text["项目: 医院改造 | 金额: 680万元 | 负责单位: 阿里地区卫健委"]
    assert row.section == "第二章 资金"
    assert "项目: 学校食堂 | 金额: 240万元 | 负责单位: 噶尔县教育局" in by_text
    assert cite(trained) == "援藏干部年度总结 · 2024-03-01 · 第一章 医疗 > 1.1 人才培养 · ¶2"


def test_xlsx_rows_keep_their_header_sheet_and_row(tmp_path: Path) -> None:
    doc = _only(make_xlsx(tmp_path / "book.xlsx"))
    assert (doc.format, doc.sheets) == ("xlsx", ("预算", "人员"))
    chunks = chunk_documents([doc])
    assert [(c.sheet, c.row, c.text) for c in chunks][:3] == [
        ("预算", 2, "部门: 财务部 | 年份: 2024 | 预算: 300万元"),
        ("预算", 3, "部门: 人事部 | 年份: 2024 | 预算: 120万元"),
        ("人员", 2, "姓名: 张明 | 职务: 队长 | 电话: 0897-2821234"),
    ]
    assert len(chunks) == 5 and cite(chunks[4]) == "book.xlsx · 2024-01-15 · sheet 人员, row 4"


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-16"])
def test_csv_encoding_is_detected_like_txt(tmp_path: Path, encoding: str) -> None:
    doc = _only(make_csv(tmp_path / "stations.csv", encoding))
    rows = doc.text.split("\n")
    assert rows[0] == "站点: 狮泉河镇 | 海拔: 4280米 | 年均气温: 零上0.3摄氏度"
    assert [loc.row for loc in doc.locations] == [2, 3] and doc.locations[0].sheet is None
    assert cite(chunk_documents([doc])[1]).endswith("· row 3")


def test_csv_quoted_cell_with_line_break_stays_in_its_row(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text('名称,说明\n甲,"第一行\n第二行"\n乙,简单\n', encoding="utf-8")
    doc = _only(path)
    assert doc.text.split("\n") == ["名称: 甲 | 说明: 第一行 第二行", "名称: 乙 | 说明: 简单"]


def test_table_rows_are_not_cleaned_away(tmp_path: Path) -> None:
    # A row that looks like a page's metadata line ("来源: ...") is data in a table.
    path = tmp_path / "sources.csv"
    path.write_text("来源,日期\n新华社,2024-01-02\n", encoding="utf-8")
    assert _only(path).text == "来源: 新华社 | 日期: 2024-01-02"


def _broken_files(folder: Path) -> dict[str, str]:
    """Each bad file and a phrase its warning must contain."""
    make_encrypted_pdf(folder / "locked.pdf")
    (folder / "notes.pdf").write_text("其实是一个文本文件。", encoding="utf-8")
    (folder / "cut.pdf").write_bytes(make_pdf(folder / "whole.tmp").read_bytes()[:300])
    (folder / "whole.tmp").unlink()
    with zipfile.ZipFile(folder / "wrong.docx", "w") as archive:
        archive.writestr("hello.txt", "not a document")
    (folder / "old.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    (folder / "picture.docx").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    make_image_pdf(folder / "scan.pdf", pages=1)
    return {"locked.pdf": "encrypted", "notes.pdf": "content is text", "cut.pdf": "not a readable PDF",
            "wrong.docx": "a ZIP archive, not a Word document", "old.xlsx": "encrypted or old binary Office",
            "picture.docx": "a PNG image", "scan.pdf": "no text layer"}


def test_broken_encrypted_and_mislabelled_files_give_one_warning_each(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    expected = _broken_files(tmp_path)
    make_xlsx(tmp_path / "good.xlsx")
    with caplog.at_level(logging.WARNING):
        loaded = load_corpus(tmp_path)
    assert [d.id for d in loaded.documents] == ["good"]
    assert len(loaded.warnings) == len(expected)
    for name, phrase in expected.items():
        [warning] = [w for w in loaded.warnings if f"{name}'" in w]
        assert phrase in warning, warning
        assert [r.path for r in loaded.files if r.warning == warning] == [name]


def test_check_content_for_uploads(tmp_path: Path) -> None:
    check_content(make_pdf(tmp_path / "ok.pdf"))
    check_content(make_docx(tmp_path / "ok.docx"))
    renamed = tmp_path / "renamed.xlsx"
    renamed.write_bytes((tmp_path / "ok.docx").read_bytes())
    with pytest.raises(FileFormatError, match="content is a Word document, not an Excel workbook"):
        check_content(renamed)


@pytest.mark.parametrize(("line", "expected"), [
    ("3", True), ("- 12 -", True), ("第 3 页", True), ("第3页 共10页", True), ("3 / 10", True),
    ("Page 3 of 10", True), ("iv", True), ("2024年", False), ("300万元", False), ("第三章", False),
])
def test_page_number_lines(line: str, expected: bool) -> None:
    assert is_page_number(line) is expected


def test_running_header_needs_to_repeat_on_half_the_pages() -> None:
    pages = [["机密文件", f"第{n}段正文内容。"] for n in range(1, 5)] + [["另一个开头", "最后一段。"]]
    kept = drop_running_lines(pages)
    assert all("机密文件" not in lines for lines in kept) and kept[4] == ["另一个开头", "最后一段。"]
    assert drop_running_lines([["只有一页的标题", "正文。"]]) == [["只有一页的标题", "正文。"]]


@pytest.mark.parametrize(("left", "right", "joined"), [
    ("新建了手术", "室。", "新建了手术室。"),
    ("援藏资金", "USD 3 million", "援藏资金USD 3 million"),
    ("a hyphen-", "ated word", "a hyphenated word"),
    ("self-", "Reliance", "self- Reliance"),
    ("two English", "lines", "two English lines"),
])
def test_join_lines(left: str, right: str, joined: str) -> None:
    assert join_lines(left, right) == joined


def test_short_line_ends_a_paragraph_and_indent_after_sentence_end_starts_one() -> None:
    wide = "很" * 30
    placed = paragraphs([[wide, "短行。", wide + "。", "  新段落开始" + "很" * 24, "结束。"]])
    assert [p.text for p in placed] == [wide + "短行。", wide + "。", "新段落开始" + "很" * 24 + "结束。"]


def test_inspect_lists_each_file_with_format_pages_sheets_paragraphs_and_chunks(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from qa.interface.cli import main

    make_pdf(tmp_path / "report.pdf")
    make_xlsx(tmp_path / "book.xlsx")
    make_image_pdf(tmp_path / "scan.pdf")
    assert main(["inspect", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:4] == [
        "files:",
        "  book.xlsx  xlsx  sheets 预算, 人员  5 paragraphs  5 chunks",
        "  report.pdf  pdf  3 pages  7 paragraphs  4 chunks",
        f"  scan.pdf  pdf  skipped: '{tmp_path / 'scan.pdf'}' has no text layer (a scan or images only, "
        "2 page(s)): not indexed; run OCR on it to make its text searchable",
    ]
