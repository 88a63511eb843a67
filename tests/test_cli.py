from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qa.interface.cli import main
from tests.conftest import REPO, FakeEncoder


@pytest.fixture
def fake_model(monkeypatch) -> None:
    monkeypatch.setattr("qa.engine.load_encoder", lambda model, **_: FakeEncoder())


def test_help_is_instant_and_imports_no_heavy_library() -> None:
    code = (
        "import sys, time; t=time.perf_counter(); from qa.interface.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy=[m for m in ('torch','gradio','sentence_transformers','faiss','jieba') if m in sys.modules]\n"
        "print(heavy, time.perf_counter()-t, file=sys.stderr)\n"
        "sys.exit(1 if heavy else 0)"
    )
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "build" in done.stdout and "ask" in done.stdout
    assert time.perf_counter() - started < 5


def test_build_search_ask_json(fake_model, tmp_path: Path, corpus_dir: Path, capsys) -> None:
    index = str(tmp_path / "index")
    assert main(["build", "--corpus", str(corpus_dir), "--index", index]) == 0
    assert "Indexed" in capsys.readouterr().out
    assert main(["build", "--corpus", str(corpus_dir), "--index", index]) == 0
    assert "up to date" in capsys.readouterr().out

    assert main(["search", "河北省投入援藏資金", "--index", index, "--k", "3", "--json"]) == 0
    searched = json.loads(capsys.readouterr().out)
    assert set(searched) == {"question", "passages", "notice"}
    assert len(searched["passages"]) == 3 and searched["passages"][0]["rank"] == 1

    assert main(["ask", "河北省先后投入了多少援藏资金？", "--index", index, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"question", "found", "quote", "passages"}
    assert data["passages"] and {"rank", "text", "doc_id", "chunk_id", "title", "score"} <= set(data["passages"][0])
    assert (data["quote"] is None) == (not data["found"])

    # An index whose threshold lets the fake encoder answer: the found form of the JSON.
    from qa.engine import QA
    from qa.settings import Settings

    found_index = tmp_path / "found-index"
    QA.build(corpus_dir, found_index, encoder=FakeEncoder(), settings=Settings(answer_threshold=0.0))
    assert main(["ask", "河北省先后投入了多少援藏资金？", "--index", str(found_index), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["found"] is True
    # search --json and ask --json describe a passage with the same fields, and a quote with
    # the same fields as a passage (minus the ranking scores).
    assert set(searched["passages"][0]) == set(data["passages"][0])
    assert set(data["quote"]) - {"start", "end", "exact", "exact_start", "exact_end"} <= set(data["passages"][0])
    quote = data["quote"]
    if quote["exact"] is not None:  # the exact answer's offsets are into the passage, inside the quote
        passage = next(p["text"] for p in data["passages"] if p["chunk_id"] == quote["chunk_id"])
        assert passage[quote["exact_start"]:quote["exact_end"]] == quote["exact"]
        assert quote["start"] <= quote["exact_start"] < quote["exact_end"] <= quote["end"]
    assert {"source", "file", "citation"} <= set(data["quote"])
    assert data["quote"]["file"].endswith((".txt", ".html", ".htm", ".md", ".jsonl"))
    assert {"text", "doc_id", "chunk_id", "title", "date", "score"} <= set(data["quote"])
    assert data["quote"]["chunk_id"] in {p["chunk_id"] for p in data["passages"]}

    assert main(["ask", "河北省先后投入了多少援藏资金？", "--index", index]) == 0
    assert "¶" in capsys.readouterr().out


def test_errors_are_one_line_not_tracebacks(fake_model, tmp_path: Path, capsys) -> None:
    assert main(["ask", "問題", "--index", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: No index") and "python -m qa build" in err and "Traceback" not in err
    assert main(["build", "--corpus", str(tmp_path / "nope"), "--index", str(tmp_path / "i")]) == 2
    assert "nope" in capsys.readouterr().err


def test_unsearchable_question_is_a_clear_error(fake_model, tmp_path: Path, corpus_dir: Path, capsys) -> None:
    index = str(tmp_path / "index")
    main(["build", "--corpus", str(corpus_dir), "--index", index])
    capsys.readouterr()
    assert main(["ask", "？？？", "--index", index]) == 2
    assert "no words" in capsys.readouterr().err


def test_bad_k_is_rejected_by_the_parser(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["search", "x", "--k", "0"])
    assert "whole number" in capsys.readouterr().err


def test_plain_answer_lists_each_passage_once() -> None:
    from qa.interface.cli import _answer_text
    from qa.types import Answer, Chunk, Hit, Quote

    chunks = [Chunk(id=f"d#{i}", doc_id="d", ordinal=i, text=f"第{i}段。", title="標題", start=0, end=3)
              for i in range(3)]
    hits = [Hit(chunk=c, score=1.0 - c.ordinal / 10, rank=c.ordinal + 1) for c in chunks]
    found = Answer(question="?", found=True, passages=hits,
                   quote=Quote(text="第1段。", chunk=chunks[1], score=0.9, start=0, end=4))
    text = _answer_text(found)
    assert text.count("¶2") == 1 and text.startswith("「第1段。」")
    assert "(confidence: high, 0.90)" in text
    assert "Other passages:" in text and "[1]" in text and "[3]" in text and "[2]" not in text
    refused = _answer_text(Answer(question="?", found=False, quote=None, passages=hits))
    assert "do not seem to answer" in refused and all(f"[{i}]" in refused for i in (1, 2, 3))
    assert "Other passages" not in refused


def test_serve_takes_the_apps_options(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = {}
    monkeypatch.setattr("qa.interface.serving.run", lambda args: seen.update(vars(args)) or 0)
    monkeypatch.delenv("QA_AUTH", raising=False)
    assert main(["serve", "--corpus", "docs", "--port", "0", "--k", "3", "--auth", "a:b"]) == 0
    assert seen["corpus"] == "docs" and seen["k"] == 3 and seen["auth"] == ("a", "b") and seen["port"] > 0
    assert seen["verbose"] is False and seen["index"] == "index" and seen["share"] is False


def test_global_flags_work_after_the_command() -> None:
    from qa.interface.cli import _parser

    assert _parser().parse_args(["ask", "問題", "-v"]).verbose is True
    assert _parser().parse_args(["-v", "ask", "問題"]).verbose is True
    assert _parser().parse_args(["ask", "問題"]).verbose is False
    assert _parser().parse_args(["build", "--verbose"]).verbose is True
    assert _parser().parse_args(["serve", "-v"]).verbose is True


def test_untitled_documents_are_cited_by_their_first_sentence(fake_model, tmp_path: Path, corpus_dir: Path,
                                                              capsys) -> None:  # type: ignore[no-untyped-def]
    index = str(tmp_path / "index")
    assert main(["build", "--corpus", str(corpus_dir), "--index", index]) == 0
    capsys.readouterr()
    assert main(["search", "鄧小剛主持召開自治區人民政府專題會議", "--index", index, "--k", "10", "--json"]) == 0
    passages = json.loads(capsys.readouterr().out)["passages"]
    untitled = [p for p in passages if p["title"] is None]
    assert untitled, "the seed corpus has one page without a title"
    for passage in untitled:
        assert passage["citation"].startswith("本網拉薩8月9日訊"), passage["citation"]
        assert passage["file"].startswith(passage["doc_id"][:3])  # the file name is still given, apart
