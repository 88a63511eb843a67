"""The question files under ``tests/data`` are well formed and their answers are in the documents.

A benchmark figure is only as good as its questions: an answer that is not in the cleaned text
of its document (a typo, pinyin ruby left in) would count every quote as wrong.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.ingest.corpus import load_documents
from qa.textnorm import search_form

DATA = Path(__file__).parent / "data"
CORPUS = Path(__file__).parent.parent / "corpus"
FILES = sorted(p.name for p in DATA.glob("*questions*.jsonl")) + sorted(
    p.name for p in DATA.glob("*unanswerable*.jsonl"))


def _rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def documents() -> dict[str, str]:
    return {d.id: search_form(d.text) for d in load_documents(CORPUS)}


@pytest.mark.parametrize("name", FILES)
def test_answers_occur_in_their_document(name: str, documents: dict[str, str]) -> None:
    rows = _rows(name)
    assert rows, name
    ids = [row["id"] for row in rows]
    assert len(set(ids)) == len(ids), f"{name}: repeated ids"
    for row in rows:
        assert row["q"].strip(), row
        if row["doc"] is None:
            assert not row.get("answers"), row
            continue
        text = next((t for doc_id, t in documents.items() if doc_id.startswith(row["doc"])), None)
        assert text is not None, f"{name}: no document {row['doc']!r}"
        assert row["answers"], row
        missing = [a for a in row["answers"] if search_form(a) not in text]
        assert not missing, f"{name} {row['id']}: {missing} not in document {row['doc']}"


def test_every_english_test_question_is_english() -> None:
    rows = _rows("english_questions_test.jsonl")
    assert all(row["q"].isascii() for row in rows)
    assert sum(row["doc"] is None for row in rows) == 5


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("conversations*.jsonl")))
def test_conversation_answers_occur_in_their_document(name: str, documents: dict[str, str]) -> None:
    rows = _rows(name)
    assert rows and len({r["id"] for r in rows}) == len(rows), name
    for row in rows:
        assert row["turns"] and not row["turns"][0].get("follow_up"), row["id"]  # a first turn stands alone
        for turn in row["turns"]:
            text = next((t for doc_id, t in documents.items() if doc_id.startswith(turn["doc"])), None)
            assert text is not None and turn["answers"], f"{name} {row['id']}: {turn['q']}"
            missing = [a for a in turn["answers"] if search_form(a) not in text]
            assert not missing, f"{name} {row['id']}: {missing} not in document {turn['doc']}"
