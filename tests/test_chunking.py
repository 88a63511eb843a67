"""Paragraph chunking: headings, long paragraphs, spans, and a property test."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qa import Document, chunk_documents
from qa.ingest.chunking import is_heading
from qa.ingest.cleaning import clean_text
from qa.textnorm import split_sentences


def doc(text: str, **extra: str) -> Document:
    return Document(id="d", title="標題", text=text, path="c/d.txt", **extra)


def check_spans(document: Document, chunks: list) -> None:
    for chunk in chunks:
        assert document.text[chunk.start : chunk.end] == chunk.text
        assert chunk.text.strip()


def test_one_chunk_per_paragraph_with_ids_and_metadata() -> None:
    document = doc("第一段。\n第二段正文。", date="2023-07-27", source="西藏日報")
    chunks = chunk_documents([document])
    assert [c.text for c in chunks] == ["第一段。", "第二段正文。"]
    assert [(c.id, c.ordinal, c.doc_id) for c in chunks] == [("d#0", 0, "d"), ("d#1", 1, "d")]
    expected = ("標題", "2023-07-27", "西藏日報", "c/d.txt")
    assert all((c.title, c.date, c.source, c.path) == expected for c in chunks)
    check_spans(document, chunks)


def test_headings_join_the_paragraph_they_introduce() -> None:
    document = doc("項目建設:\n實現效益新躍升\n完成投資2.68億元。\n謝謝大家!")
    chunks = chunk_documents([document])
    assert [c.text for c in chunks] == ["項目建設:\n實現效益新躍升\n完成投資2.68億元。", "謝謝大家!"]
    check_spans(document, chunks)


def test_heading_limit_and_trailing_heading() -> None:
    assert is_heading("項目建設:", 24) and not is_heading("謝謝大家!", 24)
    assert not is_heading("一、提高政治站位,扛牢使命擔當,以國之大者的胸懷踐行援疆初心", 24)
    chunks = chunk_documents([doc("正文一句。\n結尾標題")])
    assert [c.text for c in chunks] == ["正文一句。", "結尾標題"]


def test_long_paragraph_splits_at_sentences_with_one_sentence_overlap() -> None:
    sentences = [f"這是第{n}句話,內容說明了一些事情。" for n in range(10)]
    document = doc("".join(sentences))
    chunks = chunk_documents([document], max_chars=60)
    assert len(chunks) > 1
    assert all(len(c.text) <= 60 for c in chunks)
    for before, after in zip(chunks, chunks[1:], strict=False):
        start, end = split_sentences(before.text)[-1]
        assert after.text.startswith(before.text[start:end])
    covered = "".join(c.text for c in chunks)
    assert all(s in covered for s in sentences)
    check_spans(document, chunks)


def test_decimal_numbers_do_not_end_sentences() -> None:
    document = doc("完成投資2.68億元,項目進展順利。" * 3)
    chunks = chunk_documents([document], max_chars=20)
    assert all("2.68億元" in c.text for c in chunks)


def test_sentence_longer_than_limit_is_hard_split() -> None:
    document = doc("長" * 95)
    chunks = chunk_documents([document], max_chars=40)
    assert [len(c.text) for c in chunks] == [40, 40, 15]
    check_spans(document, chunks)


def test_blank_and_whitespace_only_text_gives_no_chunks() -> None:
    assert chunk_documents([doc(""), doc(" \n\u3000\n\t")]) == []


def test_defaults_come_from_settings() -> None:
    assert len(chunk_documents([doc("句。" * 300)])) > 1


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_cleaning_and_chunking_never_crash_or_make_empty_chunks(raw: str) -> None:
    result = clean_text(raw)
    document = Document(id="x", title=result.title, text=result.text)
    chunks = chunk_documents([document], max_chars=30, heading_max_chars=8)
    for chunk in chunks:
        assert chunk.text.strip()
        assert document.text[chunk.start : chunk.end] == chunk.text
        assert len(chunk.text) <= 30 or "\n" in chunk.text


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="援藏工作。!?;,\n 2.6a\u3000", min_size=0, max_size=80), max_size=8))
def test_chunk_spans_on_sentence_heavy_text(parts: list[str]) -> None:
    document = Document(id="y", title=None, text="\n".join(parts))
    chunks = chunk_documents([document], max_chars=12, heading_max_chars=4)
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    for chunk in chunks:
        assert chunk.text.strip() and document.text[chunk.start : chunk.end] == chunk.text
        assert len(chunk.text) <= 12
