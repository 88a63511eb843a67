"""Bad questions get a clear answer in the API, the chat (``qa.interface.ui``) and the CLI, never a traceback.

The API raises :class:`~qa.errors.QuestionError` when nothing is searchable; the chat
asks to rephrase; the CLI prints one ``error:`` line and exits with status 2. The
subprocess tests (``slow``) run ``python -m qa`` with the small shipped model to cover
what only a real process shows: undecodable argv bytes and terminals that are not UTF-8.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qa import QA
from qa.errors import QuestionError
from qa.interface.chat_render import NOT_FOUND, REPHRASE
from qa.interface.cli import main
from qa.interface.ui import ask_json, respond
from tests.conftest import REPO, FakeEncoder

QUESTION = "河北省先后投入了多少援藏资金？"
UNSEARCHABLE = ["", "   \t\n ", "？！。……", "?!.,;", "\x00\x01\x1b", "\ud800\udfff", "😀🎉👍", "😀 ？ \u200b"]
# Searchable, though the corpus is Chinese: a normal (probably "not found") answer.
OTHER_SCRIPTS = ["日本の援助資金はいくらですか", "Сколько денег выделила провинция Хэбэй?",
                 "كم أنفقت مقاطعة خبي على المساعدات؟", "How much did Hebei invest?", "河北 💰 援藏資金 😀"]
DIRTY = "河北省\x00先后\ud800投入了\x1b多少\udcff援藏\u200b资金？"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> QA:
    from tests.conftest import CORPUS

    return QA.build(CORPUS, tmp_path_factory.mktemp("bad-q") / "index", encoder=FakeEncoder())


@pytest.mark.parametrize("question", UNSEARCHABLE)
def test_api_refuses_unsearchable_with_question_error(engine: QA, question: str) -> None:
    with pytest.raises(QuestionError, match="no words to search for"):
        engine.ask(question)


@pytest.mark.parametrize("question", [None, 42, b"bytes", ["list"]])
def test_api_refuses_non_text(engine: QA, question: object) -> None:
    with pytest.raises(QuestionError, match="must be text"):
        engine.ask(question)  # type: ignore[arg-type]


@pytest.mark.parametrize("question", OTHER_SCRIPTS)
def test_api_searches_other_languages_normally(engine: QA, question: str) -> None:
    answer = engine.ask(question)
    assert answer.passages, "a normal search returns passages"
    assert answer.notice is None


def test_api_drops_control_characters_and_lone_surrogates(engine: QA) -> None:
    answer = engine.ask(DIRTY)
    assert answer.question == "河北省先后投入了多少援藏资金？"
    answer.question.encode("utf-8")  # printable and sendable as JSON
    assert any("1950" in h.chunk.text for h in answer.passages)


def test_api_truncates_a_100k_question_with_notice(engine: QA) -> None:
    answer = engine.ask(("河北省援藏资金" * 15_000)[:100_000])
    assert answer.notice == ("The question was 100,000 characters long; only the first 2,000 were used.")
    assert len(answer.question) == 2000


@pytest.mark.parametrize("question", UNSEARCHABLE)
def test_chat_asks_to_rephrase(engine: QA, question: str) -> None:
    assert respond(engine, question) == REPHRASE
    data = ask_json(engine, question)
    assert data["error"] == "question" and "no words" in data["message"]


@pytest.mark.parametrize("question", [*OTHER_SCRIPTS, DIRTY])
def test_chat_answers_other_languages_and_dirty_text(engine: QA, question: str) -> None:
    reply = respond(engine, question)
    assert reply not in (REPHRASE,) and "went wrong" not in reply
    assert NOT_FOUND in reply or "<mark>" in reply
    reply.encode("utf-8")
    json.dumps(ask_json(engine, question), ensure_ascii=False).encode("utf-8")


def test_chat_shows_truncation_notice(engine: QA) -> None:
    import html

    reply = html.unescape(respond(engine, "河北援藏资金" * 20_000))
    # The notice comes first, or right after the "not found" statement, which always leads.
    head = reply.split("</p>", 1)[1].lstrip() if reply.startswith('<p class="qa-not-found">') else reply
    assert head.startswith("<i>Note: The question was 120,000 characters long; only the first 2,000")
    assert ask_json(engine, "河北" * 50_000)["question"] == "河北" * 1000


def test_chat_user_message_is_sendable() -> None:
    from qa.interface.chat_render import render_user_message

    shown = render_user_message(DIRTY + "x" * 100_000)
    shown.encode("utf-8")
    assert len(shown) < 2100 and shown.endswith("…")


# CLI in-process ------------------------------------------------------------------------------

@pytest.fixture
def index_dir(engine: QA, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr("qa.engine.load_encoder", lambda model, **_: FakeEncoder())
    return str(engine.index_dir)


@pytest.mark.parametrize("question", UNSEARCHABLE[1:])  # "" is tested below: argparse accepts it too
@pytest.mark.parametrize("command", ["ask", "search"])
def test_cli_one_line_error(index_dir: str, capsys: pytest.CaptureFixture[str], question: str,
                            command: str) -> None:
    assert main([command, question, "--index", index_dir]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: question") and captured.err.count("\n") == 1
    assert "no words to search for" in captured.err


def test_cli_empty_question(index_dir: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "", "--index", index_dir]) == 2
    assert "no words" in capsys.readouterr().err


@pytest.mark.parametrize("question", [*OTHER_SCRIPTS, DIRTY])
def test_cli_answers_other_languages(index_dir: str, capsys: pytest.CaptureFixture[str],
                                     question: str) -> None:
    assert main(["ask", question, "--index", index_dir, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["passages"]
    assert main(["search", question, "--index", index_dir, "--json"]) == 0
    assert "\ud800" not in json.loads(capsys.readouterr().out)["question"]


def test_cli_long_question_from_stdin(index_dir: str, capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    stdin = io.TextIOWrapper(io.BytesIO(("河北援藏资金" * 20_000).encode("utf-8")), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    assert main(["ask", "-", "--index", index_dir]) == 0
    assert "Note: The question was 120,000 characters long" in capsys.readouterr().out


# CLI in a real process -------------------------------------------------------------------
# Real argv decoding and real stdout encodings. Most runs use the fake encoder (loaded by a
# one-line launcher) to stay fast; one runs the shipped small model end to end.

_FAKE_LAUNCHER = ("import sys, qa.engine; from tests.conftest import FakeEncoder; "
                  "qa.engine.load_encoder = lambda model, **_: FakeEncoder(); "
                  "from qa.interface.cli import main; sys.exit(main())")


def _run(args: list[str | bytes], env: dict[str, str] | None = None, stdin: bytes | None = None,
         fake: bool = True) -> subprocess.CompletedProcess[bytes]:
    full_env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", **(env or {})}
    launcher = ["-c", _FAKE_LAUNCHER] if fake else ["-m", "qa"]
    return subprocess.run([sys.executable, *launcher, *args], cwd=REPO, env=full_env, input=stdin,
                          capture_output=True, timeout=180)


@pytest.mark.slow
@pytest.mark.parametrize("env", [{}, {"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "C", "LANG": "C"},
                                 {"PYTHONIOENCODING": "latin-1"}])
def test_cli_process_survives_bad_bytes_and_other_terminals(engine: QA, env: dict[str, str]) -> None:
    index = str(engine.index_dir).encode()
    # Undecodable argv bytes reach Python as lone surrogates; an ASCII terminal cannot show Chinese.
    question = b"\xed\xa0\x80\xff \xe6\xb2\xb3\xe5\x8c\x97\xe6\x8f\xb4\xe8\x97\x8f \xff"
    for extra in ([], [b"--json"]):
        for command in (b"ask", b"search"):
            done = _run([command, question, b"--index", index, *extra], env=env)
            assert done.returncode == 0, (env, done.stderr.decode(errors="replace"))
            assert done.stderr == b"" and done.stdout
            if extra:
                data = json.loads(done.stdout)
                assert "\ufffd" in data.get("question", data.get("query"))
    done = _run([b"ask", b"\xff\xfe \xf0\x9f\x98\x80", b"--index", index], env=env)
    assert done.returncode == 2 and done.stdout == b""
    assert done.stderr.decode("ascii", "replace").startswith("error: question")
    assert done.stderr.endswith(b"it has no words to search for (only punctuation or symbols)\n")
    assert done.stderr.count(b"\n") == 1, "one error line"


@pytest.mark.slow
def test_cli_process_long_question_argv_and_stdin(engine: QA) -> None:
    long_ascii = ("Hebei aid " * 10_000)[:99_999] + "x"  # argv allows 128 KiB per argument
    done = _run(["ask", long_ascii, "--index", str(engine.index_dir)])
    assert done.returncode == 0 and b"100,000 characters long" in done.stdout, done.stderr
    done = _run(["ask", "-", "--index", str(engine.index_dir)], stdin=("河北援藏" * 25_000).encode())
    assert done.returncode == 0 and b"100,000 characters long" in done.stdout, done.stderr


@pytest.mark.slow
def test_cli_process_with_real_model(tmp_path: Path) -> None:
    from tests.fakes import shipped_minilm_path

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "-rf.txt").write_text("河北援藏\n\n河北省已先後投入援藏資金1950萬元。\n", encoding="utf-8")
    index = tmp_path / "index"
    done = _run(["build", f"--corpus={corpus}", "--index", str(index), "--model", str(shipped_minilm_path())],
                fake=False)
    assert done.returncode == 0, done.stderr
    done = _run([b"ask", b"\xff\xe6\xb2\xb3\xe5\x8c\x97\xe6\x8f\xb4\xe8\x97\x8f\xe8\xb3\x87\xe9\x87\x91",
                 b"--index", str(index).encode(), b"--json"], env={"PYTHONIOENCODING": "ascii"}, fake=False)
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    data = json.loads(done.stdout)
    assert "1950" in data["passages"][0]["text"] and data["passages"][0]["doc_id"] == "-rf"
