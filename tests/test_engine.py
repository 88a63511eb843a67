"""Engine behaviour with the fake encoder: build, open, update, errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from qa import QA
from qa.errors import (
    BuildLockedError,
    IndexCorruptError,
    IndexNotFoundError,
    ModelMismatchError,
    QuestionError,
)
from qa.index.store import build_lock, current_version
from qa.settings import Settings
from tests.conftest import FakeEncoder

QUESTION = "河北省先后投入了多少援藏资金？"


class CountingEncoder(FakeEncoder):
    def __init__(self) -> None:
        super().__init__()
        self.passages_seen = 0

    def encode_passages(self, texts, *, batch_size=16, show_progress_bar=False):  # type: ignore[override]
        self.passages_seen += len(texts)
        return super().encode_passages(texts)


@pytest.fixture
def corpus_copy(tmp_path: Path, corpus_dir: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(corpus_dir, target)
    return target


@pytest.fixture
def built(corpus_copy: Path, tmp_path: Path) -> QA:
    return QA.build(corpus_copy, tmp_path / "index", encoder=FakeEncoder())


def test_search_finds_the_paragraph_across_scripts(built: QA) -> None:
    hits = built.search(QUESTION, k=5)
    assert 1 <= len(hits) <= 5
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert any("1950" in h.chunk.text for h in hits[:3])
    assert all(h.chunk.doc_id for h in hits)


def test_open_without_corpus_gives_same_results(built: QA, corpus_copy: Path, tmp_path: Path) -> None:
    shutil.rmtree(corpus_copy)
    reopened = QA.open(tmp_path / "index", encoder=FakeEncoder())
    assert [h.chunk.id for h in reopened.search(QUESTION)] == [h.chunk.id for h in built.search(QUESTION)]
    assert len(reopened.chunks) == len(built.chunks)


def test_dense_mode_matches_bruteforce(built: QA) -> None:
    encoder = FakeEncoder()
    hits = built.search(QUESTION, k=5, mode="dense")
    texts = [c for c in built.chunks]
    from qa.index.indexer import embed_text

    vectors = encoder.encode_passages([embed_text(c) for c in texts])
    scores = vectors @ encoder.encode_queries([QUESTION])[0]
    expected = [texts[i].id for i in np.argsort(-scores, kind="stable")[:5]]
    assert [h.chunk.id for h in hits] == expected
    assert hits[0].dense_score == pytest.approx(float(scores.max()), rel=1e-5)


def test_bm25_mode_ranks_by_bm25(built: QA) -> None:
    hits = built.search(QUESTION, k=5, mode="bm25")
    assert [h.bm25_score for h in hits] == sorted([h.bm25_score for h in hits], reverse=True)
    assert "1950" in hits[0].chunk.text


def test_rebuild_reuses_vectors_and_drops_removed_files(corpus_copy: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    encoder = CountingEncoder()
    first, report = QA.build_with_report(corpus_copy, index, encoder=encoder)
    assert report.embedded == len(first.chunks) and not report.up_to_date
    _, again = QA.build_with_report(corpus_copy, index, encoder=encoder)
    assert again.up_to_date and again.embedded == 0
    target = sorted(corpus_copy.glob("*.txt"))[1]
    target.write_text(target.read_text(encoding="utf-8") + "\n新增的一段落，用於測試增量更新。\n", encoding="utf-8")
    removed = sorted(corpus_copy.glob("*.txt"))[0]
    removed.unlink()
    encoder.passages_seen = 0
    engine, changed = QA.build_with_report(corpus_copy, index, encoder=encoder)
    assert 1 <= changed.embedded <= 3, changed
    assert changed.reused == changed.chunks - changed.embedded
    assert removed.stem not in {c.doc_id for c in engine.chunks}
    assert any("增量更新" in c.text for c in engine.chunks)


def test_open_with_another_model_is_an_error(built: QA, tmp_path: Path) -> None:
    with pytest.raises(ModelMismatchError, match="python -m qa build"):
        QA.open(tmp_path / "index", encoder=FakeEncoder(dim=32, model_id="fake/other"))
    with pytest.raises(ModelMismatchError, match="BAAI/bge-m3"):
        QA.open(tmp_path / "index", model="BAAI/bge-m3")


def test_missing_index(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFoundError, match="python -m qa build"):
        QA.open(tmp_path / "nothing", encoder=FakeEncoder())


@pytest.mark.parametrize("victim", ["vectors.npy", "chunks.jsonl", "vectors.faiss", "documents.jsonl"])
def test_corrupted_or_missing_file_is_detected(built: QA, tmp_path: Path, victim: str) -> None:
    path = current_version(tmp_path / "index") / victim
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexCorruptError, match=f"{victim}.*python -m qa build"):
        QA.open(tmp_path / "index", encoder=FakeEncoder())
    path.unlink()
    with pytest.raises(IndexCorruptError, match=f"missing {victim}"):
        QA.open(tmp_path / "index", encoder=FakeEncoder())


def test_newer_manifest_format_is_refused(built: QA, tmp_path: Path) -> None:
    path = current_version(tmp_path / "index") / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["format_version"] = 99
    path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="newer"):
        QA.open(tmp_path / "index", encoder=FakeEncoder())


def test_failed_build_leaves_previous_index(built: QA, corpus_copy: Path, tmp_path: Path, monkeypatch) -> None:
    before = [h.chunk.id for h in built.search(QUESTION)]
    (corpus_copy / "new.txt").write_text("新的文件。內容很短。", encoding="utf-8")

    def boom(*args, **kwargs):
        raise RuntimeError("killed")

    monkeypatch.setattr("qa.index.bm25.BM25Index.build", boom)
    with pytest.raises(RuntimeError):
        QA.build(corpus_copy, tmp_path / "index", encoder=FakeEncoder())
    monkeypatch.undo()
    reopened = QA.open(tmp_path / "index", encoder=FakeEncoder())
    assert [h.chunk.id for h in reopened.search(QUESTION)] == before
    assert QA.build(corpus_copy, tmp_path / "index", encoder=FakeEncoder()).document("new")


def test_second_build_is_refused_while_one_runs(corpus_copy: Path, tmp_path: Path) -> None:
    with build_lock(tmp_path / "index"), pytest.raises(BuildLockedError, match="Another build"):
        QA.build(corpus_copy, tmp_path / "index", encoder=FakeEncoder())


def test_reload_if_changed_picks_up_new_version(built: QA, corpus_copy: Path, tmp_path: Path) -> None:
    assert built.reload_if_changed() is False
    (corpus_copy / "extra.txt").write_text("全新的段落：珠穆朗瑪峰的高度是八千八百四十八米。", encoding="utf-8")
    QA.build(corpus_copy, tmp_path / "index", encoder=FakeEncoder())
    assert built.reload_if_changed() is True
    assert any(c.doc_id == "extra" for c in built.chunks)


@pytest.mark.parametrize("question", ["", "   ", "？！。", "\x00\x01"])
def test_unsearchable_questions_raise(built: QA, question: str) -> None:
    with pytest.raises(QuestionError, match="no words"):
        built.search(question)


def test_bad_k_and_mode(built: QA) -> None:
    with pytest.raises(ValueError, match="k=0"):
        built.search(QUESTION, k=0)
    with pytest.raises(ValueError, match="mode"):
        built.search(QUESTION, mode="magic")


def test_long_question_is_truncated_with_notice(built: QA) -> None:
    answer = built.ask("河北" * 60_000)
    assert answer.notice and "2,000" in answer.notice


def test_query_settings_override_on_open(built: QA, tmp_path: Path) -> None:
    engine = QA.open(tmp_path / "index", encoder=FakeEncoder(), settings=Settings(mode="bm25"))
    assert engine.settings.mode == "bm25"
    assert engine.search(QUESTION)[0].dense_score is None
