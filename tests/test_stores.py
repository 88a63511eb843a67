"""The engine's behaviour on both stores: a local folder and Milvus Lite (``milvus:PATH.db``).

Each test runs once per store through the ``location`` fixture; the last tests build both
and compare them answer for answer.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from qa import QA
from qa.errors import BuildLockedError, IndexNotFoundError, ModelMismatchError
from qa.index.bm25 import BM25Index
from qa.index.indexer import embed_text, lexical_text
from qa.index.milvus_connection import disconnect
from qa.index.stores import open_store
from qa.settings import Settings
from tests.conftest import FakeEncoder
from tests.store_locations import STORES, make_location

QUESTION = "河北省先后投入了多少援藏资金？"
SEED_DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "seed_qa_dev.jsonl"


@pytest.fixture(params=STORES)
def location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An index location on each store; a Milvus Lite file is let go afterwards."""
    found = make_location(request.param, tmp_path)
    yield found
    if request.param == "milvus":
        disconnect(found[len("milvus:"):])


@pytest.fixture
def corpus_copy(tmp_path: Path, corpus_dir: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(corpus_dir, target)
    return target


@pytest.fixture
def built(corpus_copy: Path, location: str) -> QA:
    return QA.build(corpus_copy, location, encoder=FakeEncoder())


class CountingEncoder(FakeEncoder):
    def __init__(self) -> None:
        super().__init__()
        self.passages_seen = 0

    def encode_passages(self, texts, *, batch_size=16, show_progress_bar=False):  # type: ignore[override]
        self.passages_seen += len(texts)
        return super().encode_passages(texts)


def test_search_finds_the_paragraph_across_scripts(built: QA) -> None:
    hits = built.search(QUESTION, k=5)
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert any("1950" in h.chunk.text for h in hits[:3])


def test_open_without_corpus_gives_same_results(built: QA, corpus_copy: Path, location: str) -> None:
    shutil.rmtree(corpus_copy)
    reopened = QA.open(location, encoder=FakeEncoder())
    assert reopened.version == built.version
    assert [h.chunk.id for h in reopened.search(QUESTION)] == [h.chunk.id for h in built.search(QUESTION)]
    assert len(reopened.documents) == len(built.documents) and reopened.manifest["chunk_count"] == len(built.chunks)


def test_dense_mode_matches_bruteforce(built: QA) -> None:
    encoder = FakeEncoder()
    vectors = encoder.encode_passages([embed_text(c) for c in built.chunks])
    qvec = encoder.encode_queries([QUESTION])[0]
    expected = [built.chunks[i].id for i in np.argsort(-(vectors @ qvec), kind="stable")[:5]]
    hits = built.search(QUESTION, k=5, mode="dense")
    assert [h.chunk.id for h in hits] == expected
    assert [h.score for h in hits] == pytest.approx(sorted((vectors @ qvec).tolist(), reverse=True)[:5], abs=1e-5)


def test_bm25_mode_ranks_and_scores_like_bm25s(built: QA) -> None:
    reference = BM25Index.build([lexical_text(c) for c in built.chunks])
    for question in (QUESTION, "國學公園在哪裡", "山东援疆"):
        scores = reference.scores(question)
        order = np.argsort(-scores, kind="stable")[:10]
        hits = built.search(question, k=10, mode="bm25")
        assert {h.chunk.id for h in hits} == {built.chunks[i].id for i in order if scores[i] > 0}
        assert [h.score for h in hits] == pytest.approx(sorted(scores[order].tolist(), reverse=True)[: len(hits)],
                                                        rel=0.01)
        assert built.term_weights(question) == pytest.approx(reference.idf(list(built.term_weights(question))))


def test_rebuild_reuses_vectors_and_drops_removed_files(corpus_copy: Path, location: str) -> None:
    encoder = CountingEncoder()
    first = QA.build(corpus_copy, location, encoder=encoder)
    total = encoder.passages_seen
    assert total == len(first.chunks)
    removed = sorted(corpus_copy.iterdir())[0]
    removed.unlink()
    (corpus_copy / "new.txt").write_text("新增的段落。\n\n另一段新的內容，講述援藏。", encoding="utf-8")
    second = QA.build(corpus_copy, location, encoder=encoder)
    assert 0 < encoder.passages_seen - total <= 2
    assert second.version != first.version
    assert removed.stem not in {d.id for d in second.documents} and "new" in {d.id for d in second.documents}
    assert first.reload_if_changed() and first.version == second.version
    seen = encoder.passages_seen
    QA.build(corpus_copy, location, encoder=encoder)
    assert encoder.passages_seen == seen  # up to date: nothing embedded, nothing written


def test_open_with_another_model_is_an_error(built: QA, location: str) -> None:
    with pytest.raises(ModelMismatchError):
        QA.open(location, encoder=FakeEncoder(model_id="other/model"))


def test_missing_index(location: str) -> None:
    with pytest.raises(IndexNotFoundError, match="build one"):
        QA.open(location, encoder=FakeEncoder())


def test_failed_build_leaves_previous_index(built: QA, corpus_copy: Path, location: str, monkeypatch) -> None:
    before = [h.chunk.id for h in built.search(QUESTION)]
    (corpus_copy / "new.txt").write_text("新的文件。內容很短。", encoding="utf-8")
    calls = []

    def boom(*args, **kwargs):
        calls.append(1)
        raise RuntimeError("killed")

    # Local: while building BM25; Milvus: while writing the rows of the new collection.
    monkeypatch.setattr("qa.index.bm25.BM25Index.build", boom)
    monkeypatch.setattr("qa.index.milvus_store.chunk_row", boom)
    with pytest.raises(RuntimeError):
        QA.build(corpus_copy, location, encoder=FakeEncoder())
    assert calls
    monkeypatch.undo()
    reopened = QA.open(location, encoder=FakeEncoder())
    assert reopened.version == built.version
    assert [h.chunk.id for h in reopened.search(QUESTION)] == before
    assert QA.build(corpus_copy, location, encoder=FakeEncoder()).document("new")


def test_second_build_is_refused_while_one_runs(corpus_copy: Path, location: str) -> None:
    with open_store(location).build_lock(), pytest.raises(BuildLockedError, match="Another build"):
        QA.build(corpus_copy, location, encoder=FakeEncoder())
    QA.build(corpus_copy, location, encoder=FakeEncoder())  # released afterwards


def test_filters_restrict_before_ranking(built: QA) -> None:
    docs = built.documents
    target = docs[0].id
    hits = built.search(QUESTION, k=5, filters={"doc_id": [target]})
    assert hits and {h.chunk.doc_id for h in hits} == {target}
    dated = [d for d in docs if d.date]
    day = dated[0].date[:10]
    hits = built.search(QUESTION, k=50, filters={"date": {"gte": day, "lte": day}})
    assert {h.chunk.doc_id for h in hits} == {d.id for d in docs if d.date and d.date[:10] == day} & {
        h.chunk.doc_id for h in hits}
    assert all(h.chunk.date and h.chunk.date[:10] == day for h in hits)
    assert built.search(QUESTION, filters={"source": ["没有这个来源"]}) == []


def test_query_settings_override_on_open(built: QA, location: str) -> None:
    reopened = QA.open(location, encoder=FakeEncoder(), settings=Settings(mode="bm25", candidates=7))
    assert reopened.settings.mode == "bm25" and reopened.settings.candidates == 7


def _answers(engine: QA, questions: list[str]) -> list[tuple]:
    out = []
    for question in questions:
        answer = engine.ask(question)
        quote = answer.quote.text if answer.quote else None
        out.append((question, answer.found, quote, [h.chunk.id for h in answer.passages][:3]))
    return out


def _seed_questions() -> list[str]:
    if not SEED_DEV.is_file():
        return [QUESTION, "國學公園在哪裡？", "山东援疆投入多少？"]
    return [json.loads(line)["q"] for line in SEED_DEV.read_text(encoding="utf-8").splitlines() if line]


def test_both_stores_answer_alike(corpus_dir: Path, tmp_path: Path) -> None:
    local = QA.build(corpus_dir, make_location("local", tmp_path), encoder=FakeEncoder())
    milvus = QA.build(corpus_dir, make_location("milvus", tmp_path), encoder=FakeEncoder())
    questions = _seed_questions()
    assert _answers(local, questions) == _answers(milvus, questions)
    filters = {"date": {"gte": "2020"}}
    assert [h.chunk.id for h in local.search(QUESTION, filters=filters)] == [
        h.chunk.id for h in milvus.search(QUESTION, filters=filters)]
    first = local.ask(questions[0])
    follow = "它在哪里？"
    assert local.ask(follow, history=[first]).interpreted == milvus.ask(follow, history=[first]).interpreted
    assert [h.chunk.id for h in local.ask(follow, history=[first]).passages] == [
        h.chunk.id for h in milvus.ask(follow, history=[first]).passages]
