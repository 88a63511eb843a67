"""Managing the corpus from the app: upload, skip duplicates, delete, background re-index."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from qa.engine import QA
from qa.interface.documents import (
    SHARE_WITHOUT_LOGIN,
    DocumentManager,
    Permission,
    management_permission,
    manager_for,
)
from qa.settings import Settings
from tests.conftest import CORPUS, FakeEncoder

NEW_TEXT = "新能源報告\n\n青海省的光伏發電裝機容量達到了1234萬千瓦。\n"
QUESTION = "青海省的光伏發電裝機容量是多少？"
WAIT = 60


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    return folder


def _engine(corpus: Path, encoder: FakeEncoder | None = None, **settings: object) -> QA:
    return QA.build(corpus, corpus.parent / "index", encoder=encoder or FakeEncoder(),
                    settings=Settings(answer_threshold=0.2, dense_floor=0.1, dense_ceiling=0.5,  # fake encoder's band
                                      **settings))  # type: ignore[arg-type]


def _file(folder: Path, name: str, data: str | bytes) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_permission_rule() -> None:
    here = Path(".")
    assert management_permission(share=False, auth=False, corpus=here).allowed
    assert management_permission(share=False, auth=True, corpus=here).allowed
    assert management_permission(share=True, auth=True, corpus=here).allowed
    refused = management_permission(share=True, auth=False, corpus=here)
    assert not refused.allowed and "--auth" in refused.reason and "--share" in refused.reason
    missing = management_permission(share=False, auth=False, corpus=Path("/nonexistent/corpus"))
    assert not missing.allowed and "/nonexistent/corpus" in missing.reason


def test_upload_is_indexed_in_the_background(corpus: Path) -> None:
    engine = _engine(corpus)
    before = len(engine.documents)
    manager = DocumentManager(engine, corpus, permission=Permission(True))
    summary = manager.upload([_file(corpus.parent / "up", "能源 報告.txt", NEW_TEXT)])
    assert summary.message == "1 added, 0 skipped, 0 refused; indexing in the background."
    assert summary.to_dict()["added"] == [{"file": "能源 報告.txt", "saved_as": "能源_報告.txt",
                                           "reason": "saved as '能源_報告.txt' (name made safe)"}]
    assert (corpus / "能源_報告.txt").read_text(encoding="utf-8") == NEW_TEXT
    status = manager.reindexer.wait(WAIT)
    assert status.state == "done" and status.documents == before + 1
    assert f"now answers from {before + 1} documents" in status.message
    rows = {r.id: r for r in manager.list_documents()}
    assert rows["能源_報告"].title == "新能源報告"
    assert (rows["能源_報告"].file, rows["能源_報告"].format, rows["能源_報告"].chunks) == ("能源_報告.txt", "txt", 1)
    assert "1234萬千瓦" in engine.ask(QUESTION).quote.text


def test_the_list_reads_one_version_of_the_index(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = _engine(corpus)
    manager = DocumentManager(engine, corpus, permission=Permission(True))
    old = engine.view
    _file(corpus, "能源_報告.txt", NEW_TEXT)
    new = QA.build(corpus, corpus.parent / "index-new", encoder=engine.encoder, settings=engine.settings).view
    # A re-index swaps the version right after the list's first read of it: reading the chunks
    # and the documents separately listed the new document with 0 chunks.
    versions = iter([old])
    monkeypatch.setattr(QA, "_view", property(lambda self: next(versions, new)), raising=False)
    rows = {r.id: r.chunks for r in manager.list_documents()}
    assert "能源_報告" not in rows and all(rows.values())


def test_duplicates_and_bad_files_are_not_saved(corpus: Path) -> None:
    engine = _engine(corpus)
    existing = sorted(corpus.glob("*.txt"))[0]
    limit = existing.stat().st_size
    manager = DocumentManager(engine, corpus, permission=Permission(True), max_bytes=limit)
    up = corpus.parent / "up"
    files = [_file(up, "copy.txt", existing.read_bytes()), _file(up, "new.txt", NEW_TEXT),
             _file(up / "again", "new.txt", NEW_TEXT), _file(up, "fake.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
             _file(up, "big.txt", "長" * (limit // 3 + 1)), _file(up, "tool.exe", b"MZ")]
    before = sorted(p.name for p in corpus.iterdir())
    summary = manager.upload(files).to_dict()
    assert [a["file"] for a in summary["added"]] == ["new.txt"]
    assert [(s["file"], s["reason"]) for s in summary["skipped"]] == [
        ("copy.txt", f"same content as '{existing.name}', already in the corpus"),
        ("new.txt", "same content as 'new.txt', already in the corpus")]
    refused = {r["file"]: r["reason"] for r in summary["refused"]}
    assert set(refused) == {"fake.txt", "big.txt", "tool.exe"}
    assert "not a text file" in refused["fake.txt"] and "over the limit" in refused["big.txt"]
    assert "not supported" in refused["tool.exe"]
    assert sorted(p.name for p in corpus.iterdir()) == sorted([*before, "new.txt"])
    manager.reindexer.wait(WAIT)


def test_a_clashing_name_gets_a_new_one(corpus: Path) -> None:
    engine = _engine(corpus)
    manager = DocumentManager(engine, corpus, permission=Permission(True))
    existing = sorted(corpus.glob("*.txt"))[0]
    original = existing.read_bytes()
    summary = manager.upload([_file(corpus.parent / "up", existing.name, NEW_TEXT)])
    assert summary.files[0].saved_as == f"{existing.stem}-2.txt"
    assert summary.files[0].reason == f"saved as '{existing.stem}-2.txt' ('{existing.name}' already exists)"
    assert existing.read_bytes() == original
    manager.reindexer.wait(WAIT)


def test_delete_removes_the_file_and_the_answer(corpus: Path) -> None:
    _file(corpus, "energy.txt", NEW_TEXT)
    engine = _engine(corpus)
    manager = DocumentManager(engine, corpus, permission=Permission(True))
    assert "1234萬千瓦" in engine.ask(QUESTION).quote.text
    summary = manager.delete("energy")
    assert summary.message == "Deleted energy.txt; indexing in the background."
    assert not (corpus / "energy.txt").exists()
    status = manager.reindexer.wait(WAIT)
    assert status.state == "done"
    assert "energy" not in {d.id for d in engine.documents}
    answer = engine.ask(QUESTION)
    assert answer.quote is None or "1234" not in answer.quote.text


@pytest.mark.parametrize(("doc_id", "reason"), [
    ("nope", "no document with id 'nope'"),
    ("", "no document with id ''"),
    ("../000", "no document with id '../000'"),
])
def test_delete_refuses_unknown_ids(corpus: Path, doc_id: str, reason: str) -> None:
    manager = DocumentManager(_engine(corpus), corpus, permission=Permission(True))
    summary = manager.delete(doc_id)
    assert not summary.indexing and reason in summary.files[0].reason
    assert sorted(p.name for p in corpus.iterdir()) == sorted(p.name for p in CORPUS.iterdir())


def test_delete_refuses_the_last_document_and_shared_files(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    records = '{"id": "a", "text": "第一條記錄的內容。"}\n{"id": "b", "text": "第二條記錄的內容。"}\n'
    _file(corpus, "records.jsonl", records)
    manager = DocumentManager(_engine(corpus), corpus, permission=Permission(True))
    assert "also holds 1 other document(s) (b)" in manager.delete("a").files[0].reason
    (corpus / "records.jsonl").write_text('{"id": "a", "text": "第一條記錄的內容。"}\n', encoding="utf-8")
    manager.reindexer.request("test")
    manager.reindexer.wait(WAIT)
    assert "only document" in manager.delete("a").files[0].reason
    assert (corpus / "records.jsonl").exists()


def test_share_without_login_is_read_only(corpus: Path) -> None:
    engine = _engine(corpus)
    manager = manager_for(engine, corpus, share=True, auth=False)
    before = sorted(p.name for p in corpus.iterdir())
    summary = manager.upload([_file(corpus.parent / "up", "new.txt", NEW_TEXT)])
    assert summary.to_dict()["refused"] == [{"file": "new.txt", "reason": SHARE_WITHOUT_LOGIN}]
    assert manager.delete(engine.documents[0].id).files[0].reason == SHARE_WITHOUT_LOGIN
    assert sorted(p.name for p in corpus.iterdir()) == before
    assert manager.reindexer.status().state == "idle"
    assert len(manager.list_documents()) == len(before)


class _GatedEncoder(FakeEncoder):
    """Blocks passage embedding until released, so a test sees the build half-way."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.release = threading.Event()
        self.gated = False

    def encode_passages(self, texts: Sequence[str], *, batch_size: int = 16,
                        show_progress_bar: bool = False) -> np.ndarray:
        if self.gated:
            self.entered.set()
            assert self.release.wait(WAIT)
        return super().encode_passages(texts, batch_size=batch_size, show_progress_bar=show_progress_bar)


def test_chat_answers_from_the_old_index_until_the_swap(corpus: Path) -> None:
    encoder = _GatedEncoder()
    engine = _engine(corpus, encoder)
    n_before, version = len(engine.documents), engine.manifest["created"]
    manager = DocumentManager(engine, corpus, permission=Permission(True))
    encoder.gated = True
    manager.upload([_file(corpus.parent / "up", "new.txt", NEW_TEXT)])
    assert encoder.entered.wait(WAIT)
    status = manager.reindexer.status()
    assert status.running and status.to_embed == 1 and status.embedded == 0
    assert "Embedding new passages: 0 of 1" in status.message
    # Mid-build, questions are answered from the loaded version.
    engine.reload_if_changed()
    assert len(engine.documents) == n_before and engine.manifest["created"] == version
    assert engine.ask("河北省投入了多少援藏資金？").quote is not None
    encoder.release.set()
    assert manager.reindexer.wait(WAIT).documents == n_before + 1


def test_a_failed_build_keeps_the_old_index(corpus: Path) -> None:
    engine = _engine(corpus)
    manager = DocumentManager(engine, corpus, permission=Permission(True))
    for path in list(corpus.iterdir()):
        path.unlink()
    (corpus / "empty.txt").write_text("  \n", encoding="utf-8")
    manager.reindexer.request("test")
    status = manager.reindexer.wait(WAIT)
    assert status.state == "failed" and "still answers from the previous index" in status.message
    assert status.documents == 5 and engine.ask("河北省投入了多少援藏資金？").quote is not None


def test_a_scanned_pdf_is_added_and_the_status_says_it_was_skipped(corpus: Path) -> None:
    from tests.document_files import make_image_pdf

    engine = _engine(corpus)
    manager = DocumentManager(engine, corpus, permission=Permission(True))
    summary = manager.upload([make_image_pdf(corpus.parent / "scan.pdf")])
    assert summary.count("added") == 1
    status = manager.reindexer.wait(WAIT)
    assert status.state == "done" and status.documents == 5 and "1 file(s) skipped" in status.message
    assert len(status.warnings) == 1 and "scan.pdf" in status.warnings[0] and "no text layer" in status.warnings[0]


def test_build_reports_progress_at_each_checkpoint(tmp_path: Path) -> None:
    from qa.index.indexer import CHECKPOINT_BATCHES, build_index

    calls: list[tuple[int, int]] = []
    report = build_index(CORPUS, tmp_path / "index", encoder=FakeEncoder(), settings=Settings(batch_size=2),
                         progress=lambda done, total: calls.append((done, total)))
    n, step = report.embedded, 2 * CHECKPOINT_BATCHES
    assert n > step
    assert calls == [(0, n)] + [(min(done, n), n) for done in range(step, n + step, step)]


def test_tab_text_shows_file_names_as_text() -> None:
    import html

    from qa.interface.documents_tab import status_markdown, summary_markdown
    from qa.interface.reindexing import IndexStatus

    evil = "<img src=x onerror=alert(1)>[x](javascript:alert(1)).txt"
    shown = summary_markdown({"message": "0 added, 0 skipped, 1 refused.", "added": [], "skipped": [], "refused": [
        {"file": evil, "reason": "type .txt<script> is not supported"}], "indexing": False})
    assert "<" not in shown and "](" not in shown
    assert html.unescape(shown) == f"1 refused.\n- **refused** {evil}: type .txt<script> is not supported"
    status = status_markdown(IndexStatus("done", "Index updated.", 0, 0, 5, 69, "v", ("<b>scan.pdf</b>: no text",)))
    assert "<b>" not in status
    assert html.unescape(status) == ("**Ready.** The chat now answers from 5 documents (69 passages).\n\n"
                                     "- skipped: <b>scan.pdf</b>: no text")


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ("**Ready.** The chat now answers from 5 documents", "1 added, 1 skipped; indexing in the background.",
            "- **added** a.pdf", "Embedding new passages: 3 of 4 (75%)…", "Title")),
    ("zh-Hans", ("**就绪。** 对话现在依据 5 篇文档", "添加 1 个，跳过 1 个；正在后台建立索引。", "- **已添加** a.pdf",
                 "正在嵌入新段落：3 / 4（75%）……", "标题")),
    ("zh-Hant", ("**就緒。** 對話現在依據 5 篇文件", "新增 1 個，跳過 1 個；正在後臺建立索引。", "- **已新增** a.pdf",
                 "正在嵌入新段落：3 / 4（75%）……", "標題")),
])
def test_tab_words_follow_the_page_language(lang: str, words: tuple[str, ...]) -> None:
    import html

    from qa.interface.documents_tab import columns, status_markdown, summary_markdown
    from qa.interface.reindexing import IndexStatus

    done = IndexStatus("done", "Index updated.", 0, 0, 5, 69, "v")
    running = IndexStatus("running", "Embedding new passages: 3 of 4…", 3, 4, 5, 69, "v")
    summary = {"added": [{"file": "a.pdf", "reason": "saved as 'a.pdf'"}], "skipped": [
        {"file": "b.txt", "reason": "same content"}], "refused": [], "indexing": True}
    assert html.unescape(status_markdown(done, lang)).startswith(words[0])
    shown = html.unescape(summary_markdown(summary, lang)).splitlines()
    assert shown[:2] == [words[1], f"{words[2]}: saved as 'a.pdf'"]
    assert words[3] in html.unescape(status_markdown(running, lang))
    assert columns(lang)[0] == words[4] and len(columns(lang)) == 7
    assert summary_markdown({"added": [], "skipped": [], "refused": [], "indexing": False}, lang) != ""


def test_the_tab_builds_without_gradio_layout_warnings(corpus: Path) -> None:
    # Gradio warns at build time when anything but a gr.Tab sits directly in gr.Tabs (the
    # tab's hidden API components must stay inside the tab).
    import warnings

    from qa.interface.documents import manager_for
    from qa.interface.documents_tab import documents_tab
    from qa.interface.ui import build_ui

    manager = manager_for(_engine(corpus), corpus, share=False, auth=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        demo = build_ui(manager.engine, extra_tabs=[documents_tab(manager)])
    layout = [str(w.message) for w in caught if "gr.Tabs()" in str(w.message)]
    assert layout == []
    assert demo.fns  # the page and its endpoints were built
