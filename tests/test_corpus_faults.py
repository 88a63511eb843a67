"""Awkward corpora, built through the engine and the CLI: each problem is one warning naming the file."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from qa import QA
from qa.errors import CorpusError
from qa.interface.cli import main
from tests.conftest import FakeEncoder

HEBEI = "河北省援藏工作隊工作紀實\n\n近年來，河北省已先後投入援藏資金1950萬元，用於醫療設備。\n"
SHANDONG = "山东援疆创新智力支持模式\n\n山东省投入援疆资金三千万元，建设了一所新的中学。\n"
TIBET = "西藏阿里地區教育發展\n\n阿里地區新建了十二所學校，學生人數增加到八千人。\n"


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("qa.engine.load_encoder", lambda model, **_: FakeEncoder())


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def test_messy_corpus_builds_and_warns_once_per_file(tmp_path: Path,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (corpus / "cut.txt").write_bytes(HEBEI.encode("utf-8") + "醫".encode()[:2])  # cut inside a character
    (corpus / "gb.txt").write_bytes(SHANDONG.encode("gb18030"))
    (corpus / "big5.txt").write_bytes(TIBET.encode("big5"))
    (corpus / "copy of gb.txt").write_bytes(SHANDONG.encode("utf-8"))  # same text, other name and encoding
    (corpus / "-rf.txt").write_text("刪除測試\n\n這個文件的名字以減號開頭，內容照常索引。\n", "utf-8")
    (corpus / "中文 名字.md").write_text("中文名稱\n\n文件名含有中文和空格，也能正常讀取。\n", "utf-8")
    with caplog.at_level(logging.WARNING):
        engine = QA.build(corpus, tmp_path / "index", encoder=FakeEncoder())
    warnings = _warnings(caplog)
    assert len(warnings) == 3, warnings
    assert any("binary.txt" in w and "binary" in w for w in warnings)
    assert any("cut.txt" in w and "cut-off" in w for w in warnings)
    assert any("copy of gb.txt" in w and "gb.txt" in w and "indexed once" in w for w in warnings)
    assert all("\n" not in w for w in warnings)
    ids = {d.id for d in engine.documents}
    assert ids == {"cut", "copy of gb", "big5", "-rf", "中文 名字"}  # files are read in sorted order
    assert engine.document("cut").text.endswith("醫療設備。")
    assert engine.document("copy of gb").duplicates == (str(corpus / "gb.txt"),)
    assert engine.search("山东投入援疆资金", k=1)[0].chunk.doc_id == "copy of gb"
    assert engine.search("阿里地区新建学校", k=1)[0].chunk.doc_id == "big5"
    assert engine.search("名字以減號開頭", k=1)[0].chunk.doc_id == "-rf"


def test_cli_empty_and_missing_corpus_are_one_line_errors(fake_model: None, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    for folder, expected in (("empty", "is empty"), ("missing", "does not exist")):
        assert main(["build", "--corpus", str(tmp_path / folder), "--index", str(tmp_path / "i")]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: Corpus folder") and expected in err and err.count("\n") == 1
    assert not (tmp_path / "i" / "CURRENT").exists()


def test_cli_corpus_folder_with_leading_dash(fake_model: None, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "-rf").mkdir()
    (tmp_path / "-rf" / "-rf.txt").write_text(HEBEI, encoding="utf-8")
    assert main(["build", "--corpus=-rf", "--index", "index"]) == 0
    assert "Indexed" in capsys.readouterr().out
    assert main(["build", "--corpus", "./-rf", "--index", "index"]) == 0
    assert "up to date" in capsys.readouterr().out
    with pytest.raises(SystemExit):  # "--corpus -rf" reads as an option: argparse says so in one line
        main(["build", "--corpus", "-rf"])
    assert "expected one argument" in capsys.readouterr().err


def test_file_deleted_during_build_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              caplog: pytest.LogCaptureFixture) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(HEBEI, encoding="utf-8")
    (corpus / "gone.txt").write_text(TIBET, encoding="utf-8")
    import qa.index.indexer

    real_hash = qa.index.indexer.file_sha256

    def vanishing(path: Path) -> str:
        if path.name == "gone.txt":
            path.unlink()  # deleted after the folder was listed
        return real_hash(path)

    monkeypatch.setattr(qa.index.indexer, "file_sha256", vanishing)
    with caplog.at_level(logging.WARNING):
        engine = QA.build(corpus, tmp_path / "index", encoder=FakeEncoder())
    assert [d.id for d in engine.documents] == ["a"]
    assert any("gone.txt" in w for w in _warnings(caplog))


def test_file_deleted_or_edited_between_builds(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in (("a.txt", HEBEI), ("b.txt", SHANDONG), ("c.txt", TIBET)):
        (corpus / name).write_text(text, encoding="utf-8")
    engine = QA.build(corpus, tmp_path / "index", encoder=FakeEncoder())
    (corpus / "b.txt").unlink()
    (corpus / "c.txt").write_text(TIBET.replace("十二所", "十五所"), encoding="utf-8")
    QA.build(corpus, tmp_path / "index", encoder=FakeEncoder())
    assert engine.reload_if_changed()
    assert {d.id for d in engine.documents} == {"a", "c"}
    assert "十五所" in engine.document("c").text
    assert engine.search("阿里地區學校", k=1)[0].chunk.doc_id == "c"


def test_only_unreadable_files_is_a_corpus_error(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(CorpusError, match="no readable document"):
        QA.build(tmp_path, tmp_path.parent / "idx-unreadable", encoder=FakeEncoder())


@pytest.mark.slow
def test_50mb_text_file_loads_and_chunks_in_bounded_time(tmp_path: Path) -> None:
    from qa.ingest.chunking import chunk_documents
    from qa.ingest.corpus import load_documents

    para = "在阿里地區婦幼保健院住院樓寬敞整潔的新建手術室裡，不光有無影燈、手術床、監護儀等各種醫療設備。"
    path = tmp_path / "big.txt"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("大文件標題\n\n")
        n = 0
        while handle.tell() < 50_000_000:
            handle.write(f"第{n}段。{para}\n\n")
            n += 1
    started = time.perf_counter()
    [doc] = load_documents(tmp_path)
    chunks = chunk_documents([doc])
    seconds = time.perf_counter() - started
    assert len(chunks) == n and chunks[-1].text.startswith(f"第{n - 1}段")
    assert seconds < 120, seconds
