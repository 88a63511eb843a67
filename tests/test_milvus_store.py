"""The Milvus store: locations, filter expressions, the alias swap, killed builds, processes, errors.

Milvus Lite 3 runs in the test process (``milvus:PATH.db``); the server case runs
``python -m milvus_lite server`` as a separate process and talks to it over TCP, the
same way app servers talk to a Milvus standalone or cluster.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from qa import QA
from qa.errors import IndexUnavailableError
from qa.index.filters import parse_filters
from qa.index.milvus_connection import connect, disconnect
from qa.index.milvus_schema import filter_expression, folder_chain
from qa.index.milvus_store import MilvusStore
from qa.types import Document
from tests.conftest import FakeEncoder
from tests.milvus_server import start_server

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("location", "uri", "name"), [
    ("milvus:index/milvus.db", "index/milvus.db", "qa"),
    ("milvus:/tmp/x.db?collection=news_2024", "/tmp/x.db", "news_2024"),
    ("milvus:http://10.0.0.5:19530", "http://10.0.0.5:19530", "qa"),
    ("milvus:https://milvus.example.org:443?collection=faq", "https://milvus.example.org:443", "faq"),
])
def test_locations(location: str, uri: str, name: str) -> None:
    store = MilvusStore.from_location(location)
    assert (store.uri, store.name) == (uri, name)


@pytest.mark.parametrize("location", [
    "milvus:", "milvus:index/", "milvus:x.db?collection=1bad", "milvus:x.db?collection=a-b",
    "milvus:x.db?other=1", "milvus:http://", "milvus:http://host:19530/some/path",
])
def test_bad_locations_say_what_is_allowed(location: str) -> None:
    with pytest.raises(ValueError, match=r"milvus:PATH\.db"):
        MilvusStore.from_location(location)


def test_filter_expressions() -> None:
    expr = filter_expression(parse_filters({"doc_id": ["a", 'b"c'], "source": "新华社", "folder": ["x/y", "z"],
                                            "date": {"gte": "2024-03", "lte": "2024"}}))
    assert expr == ('doc_id in ["a", "b\\"c"] and source in ["新华社"] and array_contains_any(folders, ["x/y", "z"]) '
                    'and date != "" and date >= "2024-03" and date < "2024~"')
    assert folder_chain("") == [] and folder_chain("a/b") == ["a", "a/b"]


def _docs(marker: str, paragraphs: int) -> list[Document]:
    """Documents whose every paragraph carries ``marker``; the count shifts chunk positions."""
    docs = []
    for d in range(3):
        text = "\n\n".join(f"第{d}篇文章第{p}段，{marker}号版本讲述援藏资金与项目。" for p in range(paragraphs + d))
        docs.append(Document(id=f"doc{d}", title=f"文章{d}", text=text, date=f"2024-0{d + 1}-01",
                             source=f"来源{d}", path=f"folder{d % 2}/doc{d}.txt"))
    return docs


def test_reader_sees_old_or_new_version_never_a_mix(tmp_path: Path) -> None:
    location = f"milvus:{tmp_path / 'swap.db'}"
    versions = {"甲": _docs("甲", 4), "乙": _docs("乙", 7)}
    QA.build_from_documents(versions["甲"], location, encoder=FakeEncoder())
    reader = QA.open(location, encoder=FakeEncoder())
    stop = threading.Event()
    seen: list[set[str]] = []
    errors: list[BaseException] = []

    def read() -> None:
        while not stop.is_set():
            try:
                reader.reload_if_changed()
                for mode in ("bm25", "dense", "hybrid"):
                    hits = reader.search("援藏资金", k=10, mode=mode)
                    # A chunk read through the wrong version's positions would lack the words or the marker.
                    markers = {m for h in hits for m in "甲乙" if m in h.chunk.text}
                    assert len(markers) == 1 and all("援藏资金" in h.chunk.text for h in hits)
                    seen.append(markers)
            except BaseException as exc:  # reported by the main thread
                errors.append(exc)
                return

    thread = threading.Thread(target=read)
    thread.start()
    try:
        for marker in ["乙", "甲", "乙", "甲"]:
            QA.build_from_documents(versions[marker], location, encoder=FakeEncoder())
            time.sleep(0.2)
    finally:
        stop.set()
        thread.join(timeout=60)
    assert not errors, errors[0]
    assert {"甲"} in seen and {"乙"} in seen
    # The live version and the one before it stay; older ones and their meta are dropped.
    names = [c for c in connect(str(tmp_path / "swap.db")).list_collections() if c.startswith("qa_v")]
    assert len([c for c in names if not c.endswith(("_meta", "_terms"))]) == 2 and len(names) == 6


def test_unreachable_server_is_a_clear_error() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(IndexUnavailableError, match=rf"Milvus at http://127.0.0.1:{port} cannot be reached"):
        QA.open(f"milvus:http://127.0.0.1:{port}", encoder=FakeEncoder())
    assert time.monotonic() - started < 30


def _python(code: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=REPO, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


_SEARCH = """
import json, sys
from qa import QA
from tests.conftest import FakeEncoder
from tests.milvus_server import start_server
engine = QA.open(sys.argv[1], encoder=FakeEncoder())
print(json.dumps([h.chunk.id for h in engine.search("援藏资金", k=5)]))
"""


@pytest.mark.slow
def test_lite_file_allows_one_process_and_says_so(tmp_path: Path) -> None:
    location = f"milvus:{tmp_path / 'one.db'}"
    holder = _python("import sys, time\nfrom qa.index.milvus_store import connect\nconnect(sys.argv[1])\n"
                     "print('open', flush=True)\ntime.sleep(60)", str(tmp_path / "one.db"))
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(IndexUnavailableError, match="one process at a time"):
            QA.open(location, encoder=FakeEncoder())
    finally:
        holder.kill()
        holder.wait()


@pytest.fixture
def milvus_server(tmp_path: Path):
    """``python -m milvus_lite server`` on a free port: a Milvus reached over TCP, as a cluster would be."""
    server = start_server(tmp_path / "srv")
    try:
        yield server.uri
    finally:
        server.stop()


@pytest.mark.slow
def test_two_app_processes_open_the_same_server_collection(milvus_server: str, corpus_dir: Path) -> None:
    location = f"milvus:{milvus_server}?collection=news"
    built = QA.build(corpus_dir, location, encoder=FakeEncoder())
    expected = [h.chunk.id for h in built.search("援藏资金", k=5)]
    readers = [_python(_SEARCH, location) for _ in range(2)]
    for proc in readers:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err[-2000:]
        assert json.loads(out.strip().splitlines()[-1]) == expected


_KILLED_BUILD = """
import sys, pathlib, time
import qa.index.milvus_store as ms
from qa import QA
from tests.conftest import FakeEncoder
from tests.milvus_server import start_server
real = ms.chunk_row
def slow(position, *args):
    if position == 3:  # rows of the new collection are being written
        pathlib.Path(sys.argv[2]).write_text("writing")
        time.sleep(120)
    return real(position, *args)
ms.chunk_row = slow
ms.INSERT_BATCH = 2
QA.build(sys.argv[3], sys.argv[1], encoder=FakeEncoder())
"""


@pytest.mark.slow
def test_build_killed_midway_leaves_previous_collection_serving(tmp_path: Path, corpus_dir: Path) -> None:
    location = f"milvus:{tmp_path / 'kill.db'}"
    first = QA.build(corpus_dir, location, encoder=FakeEncoder())
    version, expected = first.version, [h.chunk.id for h in first.search("援藏资金")]
    # Milvus Lite is one process at a time: let go of the file for the builder.
    disconnect(str(tmp_path / "kill.db"))
    smaller = tmp_path / "corpus"
    smaller.mkdir()
    for path in sorted(corpus_dir.iterdir())[:2]:
        (smaller / path.name).write_bytes(path.read_bytes())
    flag = tmp_path / "flag"
    builder = _python(_KILLED_BUILD, location, str(flag), str(smaller))
    deadline = time.monotonic() + 120
    while not flag.exists() and builder.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert flag.exists(), builder.communicate()[1][-2000:]
    os.kill(builder.pid, signal.SIGKILL)
    builder.wait()
    reopened = QA.open(location, encoder=FakeEncoder())
    assert reopened.version == version
    assert [h.chunk.id for h in reopened.search("援藏资金")] == expected
    rebuilt = QA.build(smaller, location, encoder=FakeEncoder())
    assert rebuilt.version != version and len(rebuilt.documents) == 2
    collections = connect(str(tmp_path / "kill.db")).list_collections()
    assert sorted(c for c in collections if c.startswith("qa_v") and not c.endswith(("_meta", "_terms"))) == sorted(
        {version, rebuilt.version})
