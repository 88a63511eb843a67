"""Faults lose nothing: killed builds, two builds at once, and rebuilding under a serving app.

The subprocess tests run ``python -m qa build`` with the small shipped model and kill it
with SIGKILL at several moments; the previous index must open and answer exactly as
before, and the next build must complete and clean up what the killed one left.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from qa import QA
from qa.index.store import CURRENT, LOCK, current_version
from tests.conftest import CORPUS, REPO, FakeEncoder

QUERIES = ["河北省先后投入了多少援藏资金？", "阿里地區學校的學生人數", "援藏醫療設備"]
PARA = "第{n}號報告：阿里地區第{n}所學校的學生人數為{m}人，教師{k}名，援藏資金投入{m}萬元。"
# Launcher that makes every fsync take 20 ms, so the write of a version lasts long enough
# to be caught; everything else is the real command line.
SLOW_FSYNC = ("import os, sys, time; real = os.fsync\n"
              "def slow(fd):\n    time.sleep(0.02); real(fd)\n"
              "os.fsync = slow\nfrom qa.interface.cli import main\nsys.exit(main())")


# Launcher whose first fsync (inside the build, under its lock) waits until the test creates
# the gate file named in QA_TEST_GATE, so a second build is sure to meet a running one.
GATED_FSYNC = ("import os, sys, time; from pathlib import Path; real = os.fsync\n"
               "gate = Path(os.environ['QA_TEST_GATE'])\n"
               "def gated(fd):\n"
               "    Path(str(gate) + '.waiting').touch()\n"
               "    while not gate.exists(): time.sleep(0.02)\n"
               "    real(fd)\n"
               "os.fsync = gated\nfrom qa.interface.cli import main\nsys.exit(main())")


def _add_report(corpus: Path, name: str, count: int) -> None:
    paragraphs = [PARA.format(n=n, m=n * 7 + 100, k=n % 50 + 3) for n in range(count)]
    lines = ["援藏報告彙編 " + name, "", *paragraphs]
    (corpus / f"{name}.txt").write_text("\n\n".join(lines), encoding="utf-8")


def _build_cmd(corpus: Path, index: Path, *, slow_fsync: bool = False, gated: bool = False) -> list[str]:
    from tests.fakes import shipped_minilm_path

    launcher = ["-c", SLOW_FSYNC] if slow_fsync else ["-c", GATED_FSYNC] if gated else ["-m", "qa"]
    return [sys.executable, *launcher, "-v", "build", "--corpus", str(corpus), "--index", str(index),
            "--model", str(shipped_minilm_path())]


def _start(cmd: list[str], log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as out:
        return subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=30)


def _wait_for(condition, proc: subprocess.Popen[bytes], timeout: float, poll: float = 0.001) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if proc.poll() is not None:
            return False
        time.sleep(poll)
    return False


def _answers(engine: QA) -> list[list[tuple[str, float]]]:
    return [[(h.chunk.id, round(h.score, 6)) for h in engine.search(q, k=5)] for q in QUERIES]


@pytest.mark.slow
def test_killed_builds_leave_the_previous_index(tmp_path: Path) -> None:
    from qa.engine import load_encoder
    from tests.fakes import shipped_minilm_path

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(CORPUS, corpus)
    first = subprocess.run(_build_cmd(corpus, index), cwd=REPO, capture_output=True, timeout=300)
    assert first.returncode == 0, first.stderr.decode(errors="replace")[-2000:]
    encoder = load_encoder(str(shipped_minilm_path()))
    before = _answers(QA.open(index, encoder=encoder))
    version = current_version(index).name
    _add_report(corpus, "new-report", 4000)  # ~10 s of embedding even with the fast backend

    def tmp_dirs() -> list[str]:
        return [p.name for p in index.iterdir() if p.name.startswith(".tmp-")]

    moments: list[str] = []
    for moment in ("0.5s", "1s", "2s", "4s", "embedding", "writing"):
        log = tmp_path / f"build-{moment}.log"
        proc = _start(_build_cmd(corpus, index, slow_fsync=moment == "writing"), log)
        try:
            if moment.endswith("s"):
                time.sleep(float(moment[:-1]))
            elif moment == "embedding":
                embedding = _wait_for(lambda log=log: b"Analysing" in log.read_bytes(), proc, 300, poll=0.05)
                assert embedding, log.read_text()
                time.sleep(1.0)
            else:
                assert _wait_for(lambda: bool(tmp_dirs()), proc, 300), log.read_text()
            assert proc.poll() is None, f"build finished before the kill at {moment}"
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        finally:
            _stop(proc)
        moments.append(moment)
        assert current_version(index).name == version, moment
        assert _answers(QA.open(index, encoder=encoder)) == before, moment
    assert tmp_dirs(), "the kill while writing left a .tmp- folder for the next build to clean"
    done = subprocess.run(_build_cmd(corpus, index), cwd=REPO, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    assert tmp_dirs() == [] and [p.name for p in index.glob("v-*")] == [current_version(index).name]
    engine = QA.open(index, encoder=encoder)
    assert engine.document("new-report") and engine.search("第7號報告", k=3)


def test_leftovers_of_a_killed_build_are_removed_by_the_next(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index = tmp_path / "index"
    engine = QA.build(corpus, index, encoder=FakeEncoder())
    before = _answers(engine)
    live = current_version(index)
    # A kill after the rename but before CURRENT moved; one in the middle of writing; a pointer draft.
    shutil.copytree(live, index / "v-20990101-000000-1-000001")
    shutil.copytree(live, index / ".tmp-v-20990101-000000-2-000002")
    (index / f".{CURRENT}.tmp").write_text("v-20990101-000000-1-000001\n", encoding="utf-8")
    assert _answers(QA.open(index, encoder=FakeEncoder())) == before
    (corpus / "extra.txt").write_text("新文件\n\n一段新的內容。\n", encoding="utf-8")
    QA.build(corpus, index, encoder=FakeEncoder())
    names = sorted(p.name for p in index.iterdir())
    assert names == sorted([LOCK, CURRENT, current_version(index).name])


def _lock_held(path: Path) -> bool:
    """Whether some process holds a flock on ``path`` (read from /proc/locks, without taking it)."""
    if not path.exists():
        return False
    inode = path.stat().st_ino
    with open("/proc/locks", encoding="ascii") as handle:
        return any(line.split()[5].endswith(f":{inode}") for line in handle if "FLOCK" in line)


@pytest.mark.slow
def test_two_builds_at_once_one_is_refused_clearly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(CORPUS, corpus)
    _add_report(corpus, "report", 30)
    gate = tmp_path / "gate"
    waiting = Path(f"{gate}.waiting")
    monkeypatch.setenv("QA_TEST_GATE", str(gate))
    first = _start(_build_cmd(corpus, index, gated=True), tmp_path / "first.log")
    try:
        held = _wait_for(lambda: waiting.exists() and _lock_held(index / LOCK), first, 300, poll=0.05)
        assert held, (tmp_path / "first.log").read_text()
        second = subprocess.run(_build_cmd(corpus, index), cwd=REPO, capture_output=True, timeout=300)
        assert first.poll() is None, "the first build ended before the second one asked for the lock"
        last_line = second.stderr.decode().rstrip("\n").rsplit("\n", 1)[-1]
        assert second.returncode == 2
        assert last_line == (f"error: Another build of '{index}' is running; "
                             "wait for it to finish and try again")
        assert b"Traceback" not in second.stderr
        gate.touch()
        assert first.wait(timeout=300) == 0, (tmp_path / "first.log").read_text()
    finally:
        gate.touch()
        _stop(first)
    assert QA.open(index, encoder=_minilm()).document("report")


def _minilm():  # type: ignore[no-untyped-def]
    from qa.engine import load_encoder
    from tests.fakes import shipped_minilm_path

    return load_encoder(str(shipped_minilm_path()))


class _GatedEncoder(FakeEncoder):
    """Fake encoder whose passage encoding waits for a gate, so a build can be held mid-way."""

    def __init__(self) -> None:
        super().__init__()
        self.started, self.gate = threading.Event(), threading.Event()

    def encode_passages(self, texts, *, batch_size=16, show_progress_bar=False):  # type: ignore[no-untyped-def, override]
        self.started.set()
        assert self.gate.wait(60)
        return super().encode_passages(texts)


@pytest.mark.e2e
def test_app_serves_old_index_during_rebuild_and_new_after(tmp_path: Path) -> None:
    from gradio_client import Client

    from qa.interface import serving as app
    from qa.interface.ui import build_ui
    from tests.test_app import free_port

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(CORPUS, corpus)
    engine = QA.build(corpus, index, encoder=FakeEncoder())
    server = app.serve(build_ui(engine), host="127.0.0.1", port=free_port(), block=False)
    encoder = _GatedEncoder()
    (corpus / "everest.txt").write_text("珠峰測量\n\n珠穆朗瑪峰的最新高度是八千八百四十八點八六米。\n",
                                        encoding="utf-8")
    builder = threading.Thread(target=QA.build, args=(corpus, index), kwargs={"encoder": encoder},
                               daemon=True)
    try:
        client = Client(server.local_url, verbose=False, analytics_enabled=False, download_files=False)
        builder.start()
        assert encoder.started.wait(60)
        during = client.submit("珠穆朗瑪峰的高度是多少？", api_name="/ask_json").result(timeout=60)
        assert all(p["doc_id"] != "everest" for p in during["passages"])
        assert "1950" in client.submit("河北省投入了多少援藏資金？", api_name="/ask").result(timeout=60)
        encoder.gate.set()
        builder.join(timeout=60)
        assert not builder.is_alive()
        after = client.submit("珠穆朗瑪峰的高度是多少？", api_name="/ask_json").result(timeout=60)
        assert after["passages"][0]["doc_id"] == "everest"
        assert "八千八百四十八" in after["passages"][0]["text"]
    finally:
        encoder.gate.set()
        builder.join(timeout=60)
        server.demo.close()
