"""An interrupted build resumes from the vectors it already wrote (the on-disk embedding cache)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from qa import QA
from qa.index.embed_cache import CACHE_DIR, EmbeddingCache
from qa.index.indexer import CHECKPOINT_BATCHES
from qa.index.store import read_version
from qa.settings import Settings
from tests.conftest import REPO, FakeEncoder

SETTINGS = Settings(batch_size=2)  # segments of 2 * CHECKPOINT_BATCHES passages
SEGMENT = 2 * CHECKPOINT_BATCHES


class Interrupted(RuntimeError):
    pass


class FlakyEncoder(FakeEncoder):
    """Counts the passages it embeds; raises on call number ``fail_on`` (1-based), like a killed build."""

    def __init__(self, fail_on: int | None = None) -> None:
        super().__init__()
        self.fail_on = fail_on
        self.calls = 0
        self.embedded: list[str] = []

    def encode_passages(self, texts: Sequence[str], *, batch_size: int = 16,
                        show_progress_bar: bool = False) -> np.ndarray:
        self.calls += 1
        if self.calls == self.fail_on:
            raise Interrupted(f"stopped at call {self.calls}")
        self.embedded.extend(texts)
        return super().encode_passages(texts)


def make_corpus(folder: Path, files: int = 12) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(files):
        paragraphs = [f"第{n}份文件的第{p}段：援藏工作队在第{p}个乡完成了{n * 10 + p}个项目。" for p in range(5)]
        (folder / f"file{n:02d}.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
    return folder


def test_an_interrupted_build_resumes_and_embeds_only_the_rest(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus")
    first = FlakyEncoder(fail_on=3)
    with pytest.raises(Interrupted):
        QA.build(corpus, tmp_path / "index", encoder=first, settings=SETTINGS)
    assert len(first.embedded) == 2 * SEGMENT and (tmp_path / "index" / CACHE_DIR).is_dir()

    second = FlakyEncoder()
    engine, report = QA.build_with_report(corpus, tmp_path / "index", encoder=second, settings=SETTINGS)
    assert report.chunks == 60 and report.resumed == 2 * SEGMENT
    assert report.embedded == 60 - 2 * SEGMENT == len(second.embedded)
    assert not set(first.embedded) & set(second.embedded)  # nothing embedded twice
    assert "from the interrupted build" in report.summary()
    assert not (tmp_path / "index" / CACHE_DIR).exists()  # finished: the cache is gone

    fresh = QA.build(corpus, tmp_path / "fresh", encoder=FakeEncoder(), settings=SETTINGS)
    np.testing.assert_array_equal(read_version(engine.index_dir).vectors, read_version(fresh.index_dir).vectors)
    assert engine.search("第3份文件的第2段")[0].chunk.id == fresh.search("第3份文件的第2段")[0].chunk.id


def test_two_interruptions_in_a_row_lose_nothing(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus")
    for fail_on in (2, 3):
        with pytest.raises(Interrupted):
            QA.build(corpus, tmp_path / "index", encoder=FlakyEncoder(fail_on=fail_on), settings=SETTINGS)
    last = FlakyEncoder()
    _, report = QA.build_with_report(corpus, tmp_path / "index", encoder=last, settings=SETTINGS)
    assert report.resumed == 3 * SEGMENT and len(last.embedded) == 60 - 3 * SEGMENT


def test_an_interrupted_update_keeps_the_previous_version_and_resumes(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", files=2)
    QA.build(corpus, tmp_path / "index", encoder=FakeEncoder(), settings=SETTINGS)
    make_corpus(corpus, files=10)  # eight new files
    with pytest.raises(Interrupted):
        QA.build(corpus, tmp_path / "index", encoder=FlakyEncoder(fail_on=2), settings=SETTINGS)
    assert len(QA.open(tmp_path / "index", encoder=FakeEncoder()).chunks) == 10  # still the old version
    resumed = FlakyEncoder()
    _, report = QA.build_with_report(corpus, tmp_path / "index", encoder=resumed, settings=SETTINGS)
    assert (report.reused, report.resumed, len(resumed.embedded)) == (10 + SEGMENT, SEGMENT, 40 - SEGMENT)


def test_a_cache_of_another_model_is_dropped(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus")
    with pytest.raises(Interrupted):
        QA.build(corpus, tmp_path / "index", encoder=FlakyEncoder(fail_on=2), settings=SETTINGS)
    other = FakeEncoder(model_id="fake/other-model")
    _, report = QA.build_with_report(corpus, tmp_path / "index", encoder=other, settings=SETTINGS)
    assert (report.resumed, report.embedded) == (0, 60)


def test_damaged_segments_and_a_cut_line_are_ignored(tmp_path: Path) -> None:
    cache = EmbeddingCache.open(tmp_path, fingerprint="m", dim=4)
    cache.append(["a", "b"], np.ones((2, 4), np.float32))
    cache.append(["c"], np.full((1, 4), 2.0, np.float32))
    cache.append(["d"], np.full((1, 4), 3.0, np.float32))
    (cache.folder / "seg-000002.npy").write_bytes(b"\x93NUMPY broken")
    with (cache.folder / "segments.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"file": "seg-000004.npy", "hash')  # killed while writing
    reopened = EmbeddingCache.open(tmp_path, fingerprint="m", dim=4)
    assert sorted(reopened.load()) == ["a", "b", "d"]
    reopened.append(["e"], np.zeros((1, 4), np.float32))
    lines = (cache.folder / "segments.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["file"] for line in lines] == ["seg-000001.npy", "seg-000003.npy", "seg-000004.npy"]
    assert sorted(EmbeddingCache.open(tmp_path, fingerprint="m", dim=4).load()) == ["a", "b", "d", "e"]
    assert {p.suffix for p in cache.folder.iterdir()} == {".json", ".jsonl", ".npy"}  # no pickle


@pytest.mark.slow
def test_a_killed_build_process_resumes_from_its_cache(tmp_path: Path) -> None:
    import re
    import signal
    import subprocess

    from tests.test_faults import _add_report, _build_cmd, _start, _stop, _wait_for

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    _add_report(corpus, "big", 1200)
    segments = index / CACHE_DIR / "segments.jsonl"

    def written() -> int:
        return len(segments.read_text(encoding="utf-8").splitlines()) if segments.exists() else 0

    log = tmp_path / "killed.log"
    proc = _start(_build_cmd(corpus, index), log)
    try:
        assert _wait_for(lambda: written() >= 2, proc, 300, poll=0.02), log.read_text()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        _stop(proc)
    saved = written()
    done = subprocess.run(_build_cmd(corpus, index), capture_output=True, timeout=600, cwd=REPO)
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    found = re.search(r"Indexed (\d+) passages .* \((\d+) embedded, (\d+) reused, (\d+) of them from the interr", out)
    assert found, out
    chunks, embedded, reused, resumed = map(int, found.groups())
    assert resumed >= saved * Settings().batch_size * CHECKPOINT_BATCHES and reused == resumed
    assert embedded == chunks - resumed and not (index / CACHE_DIR).exists()
