"""Filters restrict documents before ranking: checked against brute-force filter-then-rank references."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from embeddings.faiss_index import FaissIndex
from qa import QA
from qa.errors import FilterError
from qa.index.bm25 import BM25Index
from qa.index.filters import DateRange, parse_filter_args, parse_filters
from qa.index.indexer import embed_text, lexical_text
from qa.interface.cli import main
from qa.types import Chunk
from tests.conftest import FakeEncoder
from tests.store_locations import STORES, make_location

TOPICS = ("援藏资金投入医疗设备", "牧民子女双语教育课堂", "牦牛乳制品加工产业", "高原公路建设与养护",
          "草场生态保护补偿", "边境口岸贸易往来")
SOURCES = ("新华社", "西藏日报", "人民网")
FOLDERS = ("2023", "2024/q1", "2024/q2", "misc")


def _text(n: int) -> tuple[str, str, str]:
    folder = FOLDERS[n % len(FOLDERS)]
    year = "2023" if folder == "2023" else "2024"
    month = 1 + n % 12 if folder in ("2023", "misc") else (1 + n % 3 if folder == "2024/q1" else 4 + n % 3)
    date = f"{year}-{month:02d}-{1 + n % 28:02d}"
    topic, other = TOPICS[n % len(TOPICS)], TOPICS[(n * 5 + 2) % len(TOPICS)]
    body = (f"第{n}号报道：{topic}工作取得进展，累计完成{n * 7 + 3}个项目。\n\n"
            f"同时在{other}方面投入{n * 13 + 11}万元，惠及{n * 3 + 2}户家庭。")
    return folder, date, f"报道{n}\n\n发布时间：{date} 来源：{SOURCES[n % len(SOURCES)]}\n\n{body}\n"


@pytest.fixture(scope="module", params=STORES)
def engine(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> QA:
    root = tmp_path_factory.mktemp("filters")
    for n in range(40):
        folder, _, text = _text(n)
        path = root / "corpus" / folder / f"doc{n:02d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return QA.build(root / "corpus", make_location(request.param, root), encoder=FakeEncoder())


def _allowed_reference(engine: QA, filters: dict) -> set[str]:
    """Documents a filter keeps, computed directly from each document's fields and file path."""
    corpus = Path(engine.manifest["corpus"]["dir"])
    kept = set()
    for doc in engine.documents:
        folder = Path(doc.path).parent.relative_to(corpus).as_posix()
        if "doc_id" in filters and doc.id not in filters["doc_id"]:
            continue
        if "source" in filters and doc.source not in filters["source"]:
            continue
        if "folder" in filters and not (folder + "/").startswith(filters["folder"].rstrip("/") + "/"):
            continue
        if "date" in filters:
            low, high = filters["date"].get("gte"), filters["date"].get("lte")
            if doc.date is None or (low and doc.date[: len(low)] < low) or (high and doc.date[: len(high)] > high):
                continue
        kept.add(doc.id)
    return kept


FILTERS = [
    {"folder": "2024"},
    {"folder": "2024/q2"},
    {"source": ["西藏日报"]},
    {"doc_id": ["2023/doc04", "misc/doc07", "2024/q1/doc01"]},
    {"date": {"gte": "2024-02", "lte": "2024-05-15"}},
    {"folder": "2024", "source": ["新华社", "人民网"], "date": {"gte": "2024-03-01"}},
]
QUESTIONS = ("牦牛乳制品加工投入了多少万元？", "双语教育课堂惠及多少户家庭", "高原公路项目进展")


def _top(scores: dict[str, float], k: int) -> list[tuple[str, float]]:
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:k]


@pytest.mark.parametrize("filters", FILTERS)
@pytest.mark.parametrize("question", QUESTIONS)
def test_dense_search_equals_brute_force_over_the_allowed_chunks(engine: QA, filters: dict, question: str) -> None:
    kept = _allowed_reference(engine, filters)
    assert kept, "each filter keeps some documents"
    chunks: list[Chunk] = [c for c in engine.chunks if c.doc_id in kept]
    encoder = FakeEncoder()
    vectors = encoder.encode_passages([embed_text(c) for c in chunks])
    query = encoder.encode_queries([question])[0]
    reference = {c.id: float(v @ query) for c, v in zip(chunks, vectors, strict=True)}
    expected = _top(reference, 5)
    hits = engine.search(question, k=5, mode="dense", filters=filters)
    # The same best scores, each hit an allowed chunk with its own score (ties may swap ids).
    np.testing.assert_allclose([h.score for h in hits], [s for _, s in expected], rtol=1e-5)
    np.testing.assert_allclose([h.score for h in hits], [reference[h.chunk.id] for h in hits], rtol=1e-5)


@pytest.mark.parametrize("filters", FILTERS)
def test_bm25_search_ranks_only_the_allowed_chunks(engine: QA, filters: dict) -> None:
    kept = _allowed_reference(engine, filters)
    everything = BM25Index.build([lexical_text(c) for c in engine.chunks])
    scores = everything.scores(QUESTIONS[0])
    expected = _top({c.id: float(s) for c, s in zip(engine.chunks, scores, strict=True)
                     if c.doc_id in kept and s > 0}, 5)
    hits = engine.search(QUESTIONS[0], k=5, mode="bm25", filters=filters)
    assert [(h.chunk.id, pytest.approx(h.score, rel=1e-5)) for h in hits] == expected


def test_a_filter_keeping_few_documents_returns_their_best_passages(engine: QA) -> None:
    # Documents far down the unfiltered ranking still fill the k results once they are all that is allowed.
    unfiltered = engine.search(QUESTIONS[0], k=len(engine.chunks), mode="hybrid")
    last_three = []
    for hit in reversed(unfiltered):
        if hit.chunk.doc_id not in last_three:
            last_three.append(hit.chunk.doc_id)
        if len(last_three) == 3:
            break
    hits = engine.search(QUESTIONS[0], k=5, filters={"doc_id": last_three})
    assert len(hits) == 5 and {h.chunk.doc_id for h in hits} <= set(last_three)
    answer = engine.ask(QUESTIONS[0], filters={"doc_id": last_three})
    assert answer.passages and {h.chunk.doc_id for h in answer.passages} <= set(last_three)


@pytest.mark.parametrize("filters", [
    {"doc_id": []}, {"doc_id": ["no-such-document"]}, {"folder": "2025"}, {"date": {"gte": "2030"}},
    {"folder": "2023", "source": ["人民网"], "date": {"lte": "2023-01"}},
])
def test_a_filter_keeping_nothing_returns_nothing_and_says_so(engine: QA, filters: dict) -> None:
    assert _allowed_reference(engine, filters) == set()
    assert engine.search(QUESTIONS[0], filters=filters) == []
    answer = engine.ask(QUESTIONS[0], filters=filters)
    assert not answer.found and answer.quote is None and answer.passages == []
    assert answer.notice and "No indexed document matches the filters" in answer.notice


@pytest.mark.parametrize(("filters", "message"), [
    ({"folders": "2024"}, r"unknown filter key\(s\) \['folders'\]; allowed keys: doc_id"),
    ({"doc_id": 3}, "filter doc_id=3 is not allowed: use a string or a list of strings"),
    ({"folder": "../etc"}, "name a folder inside the corpus"),
    ({"date": "2024"}, "use {'gte': 'YYYY-MM-DD'"),
    ({"date": {"after": "2024"}}, "use {'gte': 'YYYY-MM-DD'"),
    ({"date": {"gte": "2024/01/01"}}, "date bound '2024/01/01' is not allowed"),
    (["doc_id"], "use a dict"),
])
def test_bad_filters_are_a_clear_error(engine: QA, filters: object, message: str) -> None:
    with pytest.raises(FilterError, match=message):
        engine.search(QUESTIONS[0], filters=filters)  # type: ignore[arg-type]


def test_folder_filter_takes_sub_folders_and_engine_lists_folders(engine: QA) -> None:
    assert engine.folders() == ["2023", "2024/q1", "2024/q2", "misc"]
    docs = {h.chunk.doc_id.split("/doc")[0] for h in engine.search(QUESTIONS[1], k=40, filters={"folder": "2024/"})}
    assert docs == {"2024/q1", "2024/q2"}


def test_date_range_compares_iso_prefixes() -> None:
    within = DateRange(gte="2024-03", lte="2024")
    assert [within.contains(d) for d in ("2024-02-29", "2024-03-01T08:00:00", "2024-12-31", "2025-01-01", None)] \
        == [False, True, True, False, False]
    assert parse_filters({}) is None and parse_filters(None) is None


def test_cli_filter_arguments(engine: QA, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("qa.engine.load_encoder", lambda model, **_: FakeEncoder())
    assert parse_filter_args(["folder=2024", "date=2024-01.."]) == {"folder": "2024",
                                                                      "date": {"gte": "2024-01", "lte": None}}
    index = str(engine.index_dir)
    assert main(["search", QUESTIONS[0], "--index", index, "--json", "--filter", "source=西藏日报",
                 "--filter", "folder=2024"]) == 0
    passages = json.loads(capsys.readouterr().out)["passages"]
    kept = _allowed_reference(engine, {"source": ["西藏日报"], "folder": "2024"})
    assert passages and {p["doc_id"] for p in passages} <= kept
    assert main(["ask", QUESTIONS[0], "--index", index, "--filter", "date=2031"]) == 0
    assert "No indexed document matches the filters" in capsys.readouterr().out
    assert main(["search", QUESTIONS[0], "--index", index, "--filter", "year=2024"]) == 2
    assert "unknown filter key 'year'" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["flat", "ivf", "hnsw"])
def test_faiss_id_selector_equals_numpy_over_the_subset(kind: str) -> None:
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(2000, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = FaissIndex.create(dim=32, kind=kind, ef_search=256, n_vectors=len(vectors))
    index.add(vectors)
    for size in (3, 40, 700):
        subset = np.sort(rng.choice(len(vectors), size=size, replace=False)).astype(np.int64)
        query = rng.normal(size=32).astype(np.float32)
        found = index.search(query, k=10, ids=subset)
        exact = vectors[subset] @ query
        brute = subset[np.argsort(-exact, kind="stable")[:10]]
        assert [int(i) for i in found.ids[0] if i >= 0] == brute.tolist()
        np.testing.assert_allclose(found.scores[0], np.sort(exact)[::-1][:10], rtol=1e-5)
    assert index.search(vectors[0], k=5, ids=np.array([], dtype=np.int64)).ids.shape == (1, 0)


@pytest.mark.parametrize("kind", ["ivf", "hnsw"])
def test_subset_above_the_exact_limit_goes_through_the_selector(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("embeddings.faiss_index.EXACT_SUBSET", 10)
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(3000, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = FaissIndex.create(dim=16, kind=kind, ef_search=256, n_vectors=len(vectors), nprobe=32)
    index.add(vectors)
    subset = np.arange(0, 3000, 3, dtype=np.int64)
    found = index.search(vectors[1], k=10, ids=subset)
    brute = subset[np.argsort(-(vectors[subset] @ vectors[1]), kind="stable")[:10]]
    ids = [int(i) for i in found.ids[0] if i >= 0]
    # approximate: nothing outside the subset, most of the true neighbours
    assert set(ids) <= set(subset.tolist()) and len(set(ids) & set(brute.tolist())) >= 8


def test_follow_up_questions_keep_the_filter(engine: QA) -> None:
    first = engine.ask(QUESTIONS[0], filters={"folder": "2024/q1"})
    follow = engine.ask("它投入了多少万元？", history=[first], filters={"folder": "2024/q1"})
    assert follow.passages and all(h.chunk.doc_id.startswith("2024/q1/") for h in follow.passages)
    empty = engine.ask("它投入了多少万元？", history=[first], filters={"folder": "2030"})
    assert empty.passages == [] and "No indexed document matches the filters" in (empty.notice or "")
