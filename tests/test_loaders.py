"""Loading a corpus folder: file types, encodings, skipping, ids, duplicates, errors."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest

from qa import load_documents
from qa.errors import CorpusError
from qa.ingest.loaders import load_file

SIMPLIFIED = (
    "山东援疆创新智力支持和人才保障模式\n\n新疆喀什地区疏勒县塔孜洪乡中心卫生院的中医科很热闹。整洁的诊室里,"
    "医生正在对六名病人进行针灸、艾灸等治疗。教育是民生之基,让孩子们在家门口上好学,山东开展全链条帮扶。"
)
TRADITIONAL = (
    "河北省援藏工作隊工作紀實\n\n在阿里地區婦幼保健院住院樓寬敞整潔的新建手術室裡,不光有無影燈、手術床、"
    "監護儀等各種醫療設備,還有先進的手術消毒和空氣淨化系統。近年來,河北省已先後投入援藏資金。"
)


def write(folder: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_bytes(content.encode(encoding))
    else:
        path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (SIMPLIFIED, "utf-8"),
        (SIMPLIFIED, "utf-8-sig"),
        (SIMPLIFIED, "utf-16"),
        (SIMPLIFIED, "gb18030"),
        (TRADITIONAL, "big5"),
    ],
)
def test_text_files_in_each_encoding(tmp_path: Path, text: str, encoding: str) -> None:
    write(tmp_path, "doc.txt", text, encoding)
    [doc] = load_documents(tmp_path)
    title, body = text.split("\n\n")
    assert (doc.id, doc.title, doc.text) == ("doc", title, body)
    assert doc.path == str(tmp_path / "doc.txt")


def test_markdown_and_string_folder(tmp_path: Path) -> None:
    write(tmp_path, "note.md", SIMPLIFIED)
    [doc] = load_documents(str(tmp_path))
    assert doc.id == "note"


def test_html_main_text_only(tmp_path: Path) -> None:
    html = (
        "<html><head><title>新闻标题 - 某网</title><style>p{color:red}</style>"
        "<script>var spam='广告';</script></head><body><header>网站头部</header>"
        "<nav><a href='/'>首页</a> | <a>新闻</a></nav><h1>新闻标题</h1>"
        "<p>第一段正文内容。</p><p>第二段<b>加粗</b>正文。<br>同段换行。</p>"
        "<aside>热门推荐</aside><footer>版权所有</footer></body></html>"
    )
    write(tmp_path, "page.html", html)
    [doc] = load_documents(tmp_path)
    assert doc.title == "新闻标题"
    assert doc.text == "第一段正文内容。\n第二段加粗正文。\n同段换行。"


def test_html_title_from_title_tag_without_h1(tmp_path: Path) -> None:
    write(tmp_path, "p.htm", "<title>新闻标题 - 某网</title><p>正文第一段。</p>", "gb18030")
    [doc] = load_documents(tmp_path)
    assert (doc.title, doc.text) == ("新闻标题", "正文第一段。")


def test_jsonl_records_and_bad_lines(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    lines = [
        json.dumps({"id": "r1", "text": "第一條記錄的正文。", "title": "記錄一", "date": "2024-01-02",
                    "source": "新華社", "url": "https://example.com/1"}, ensure_ascii=False),
        "{not json",
        json.dumps({"id": "r2"}),
        "",
        json.dumps({"id": "r3", "text": "第三條記錄,沒有標題。"}, ensure_ascii=False),
    ]
    write(tmp_path, "records.jsonl", "\n".join(lines))
    with caplog.at_level(logging.WARNING, logger="qa.ingest.loaders"):
        docs = load_documents(tmp_path)
    assert [d.id for d in docs] == ["r1", "r3"]
    assert (docs[0].title, docs[0].date, docs[0].source, docs[0].url) == (
        "記錄一", "2024-01-02", "新華社", "https://example.com/1")
    assert docs[1].title is None
    assert "line 2" in caplog.text and "line 3" in caplog.text


def test_binary_file_is_skipped_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    write(tmp_path, "a.txt", SIMPLIFIED)
    write(tmp_path, "broken.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with caplog.at_level(logging.WARNING, logger="qa.ingest.corpus"):
        docs = load_documents(tmp_path)
    assert [d.id for d in docs] == ["a"]
    assert "broken.txt" in caplog.text


def test_unsupported_files_are_listed_in_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write(tmp_path, "a.txt", SIMPLIFIED)
    for name in ("image.png", "slides.pptx", "old.doc"):
        write(tmp_path, name, b"x")
    with caplog.at_level(logging.WARNING, logger="qa.ingest.corpus"):
        load_documents(tmp_path)
    unsupported = [r for r in caplog.records if "unsupported file" in r.getMessage()]
    assert len(unsupported) == 1
    assert all(name in unsupported[0].getMessage() for name in ("image.png", "slides.pptx", "old.doc"))


def test_hidden_files_and_folders_are_skipped(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", SIMPLIFIED)
    write(tmp_path, ".hidden.txt", TRADITIONAL)
    write(tmp_path, ".git/b.txt", TRADITIONAL)
    assert [d.id for d in load_documents(tmp_path)] == ["a"]


def test_nested_ids_odd_names_and_sorting(tmp_path: Path) -> None:
    write(tmp_path, "sub/深层 文件.txt", TRADITIONAL)
    write(tmp_path, "-leading dash.txt", SIMPLIFIED)
    write(tmp_path, "b.txt", SIMPLIFIED.replace("热闹", "安静"))
    write(tmp_path, "b.md", SIMPLIFIED.replace("热闹", "忙碌"))
    ids = [d.id for d in load_documents(tmp_path)]
    # b.md sorts first and takes the id "b"; b.txt then keeps its suffix to stay unique.
    assert ids == ["-leading dash", "b", "b.txt", "sub/深层 文件"]


def test_duplicate_texts_are_indexed_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    write(tmp_path, "a.txt", SIMPLIFIED)
    write(tmp_path, "copy.txt", SIMPLIFIED, "gb18030")
    with caplog.at_level(logging.WARNING, logger="qa.ingest.loaders"):
        [doc] = load_documents(tmp_path)
    assert doc.id == "a"
    assert doc.duplicates == (str(tmp_path / "copy.txt"),)
    assert len([r for r in caplog.records if "Same text" in r.getMessage()]) == 1


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist"):
        load_documents(tmp_path / "nope")


def test_not_a_folder(tmp_path: Path) -> None:
    file = write(tmp_path, "a.txt", SIMPLIFIED)
    with pytest.raises(CorpusError, match="not a folder"):
        load_documents(file)


def test_empty_folder_names_folder_and_expectation(tmp_path: Path) -> None:
    expected = r"is empty: put \.txt, \.md, \.html, \.htm, \.jsonl, \.pdf, \.docx, \.xlsx or \.csv"
    with pytest.raises(CorpusError, match=expected):
        load_documents(tmp_path)


def test_folder_without_readable_document(tmp_path: Path) -> None:
    write(tmp_path, "x.bin", b"\x00\x01")
    write(tmp_path, "y.txt", b"\x00\x01\x02\x03")
    with pytest.raises(CorpusError, match="no readable document"):
        load_documents(tmp_path)


def test_load_file_refuses_unknown_type(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="unsupported"):
        load_file(write(tmp_path, "a.pptx", "x"))


def test_large_file_is_linear(tmp_path: Path) -> None:
    paragraph = TRADITIONAL.split("\n\n")[1]
    write(tmp_path, "big.txt", "標題\n\n" + "\n\n".join(f"{n}{paragraph}" for n in range(20000)))
    started = time.perf_counter()
    [doc] = load_documents(tmp_path)
    assert time.perf_counter() - started < 20
    assert doc.text.count("\n") == 19999
