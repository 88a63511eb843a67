"""A damaged index is found on open and named, with the command that rebuilds it; no code runs from it."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from qa import QA
from qa.errors import IndexCorruptError, ModelMismatchError
from qa.index.store import CURRENT, current_version, file_sha256
from qa.interface.cli import main
from tests.conftest import CORPUS, REPO, FakeEncoder

REBUILD = "python -m qa build --index"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index = tmp_path_factory.mktemp("pristine") / "index"
    QA.build(CORPUS, index, encoder=FakeEncoder())
    return index


@pytest.fixture
def index(pristine: Path, tmp_path: Path) -> Path:
    target = tmp_path / "index"
    shutil.copytree(pristine, target)
    return target


def _open(index: Path) -> QA:
    return QA.open(index, encoder=FakeEncoder())


def test_every_file_is_checksummed(index: Path) -> None:
    folder = current_version(index)
    checksums = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["checksums"]
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {"manifest.json"}
    assert set(checksums) == on_disk and any(name.startswith("bm25/") for name in checksums)


@pytest.mark.parametrize("victim", ["bm25/params.index.json", "bm25/vocab.index.json",
                                    "bm25/data.csc.index.npy", "bm25/indices.csc.index.npy",
                                    "bm25/indptr.csc.index.npy"])
def test_bm25_files_truncated_corrupted_or_missing(index: Path, victim: str) -> None:
    path = current_version(index) / victim
    data = path.read_bytes()
    for damaged in (data[: len(data) // 2], data[:-1] + bytes([data[-1] ^ 1])):
        path.write_bytes(damaged)
        expected = f"{re.escape(victim)} is truncated or corrupted.*{REBUILD}"
        with pytest.raises(IndexCorruptError, match=expected):
            _open(index)
    path.unlink()
    with pytest.raises(IndexCorruptError, match=f"missing {re.escape(victim)}.*{REBUILD}"):
        _open(index)


@pytest.mark.parametrize(("content", "message"), [
    (b"", "not a version name"),
    (b"..\n", "not a version name"),
    (b"../index/v-1\n", "not a version name"),
    (b"/etc\n", "not a version name"),
    (b"\xff\xfe\x00\x01", "cannot be read"),
    (b"v-20000101-000000-1-000001\n", "missing version"),
])
def test_damaged_current_pointer(index: Path, content: bytes, message: str) -> None:
    (index / CURRENT).write_bytes(content)
    with pytest.raises(IndexCorruptError, match=f"{message}.*{REBUILD}"):
        _open(index)


def test_missing_manifest(index: Path) -> None:
    (current_version(index) / "manifest.json").unlink()
    with pytest.raises(IndexCorruptError, match=f"no manifest.json.*{REBUILD}"):
        _open(index)


def _rewrite(index: Path, name: str, edit) -> None:  # type: ignore[no-untyped-def]
    """Edit a data file AND its checksum, so only validation can catch the change."""
    folder = current_version(index)
    path = folder / name
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    edit(rows[0])
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["checksums"][name] = file_sha256(path)
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize(("name", "edit", "message"), [
    ("chunks.jsonl", lambda r: r.update(ordinal="0"), "'ordinal' is str"),
    ("chunks.jsonl", lambda r: r.update(text=["x"]), "'text' is list"),
    ("chunks.jsonl", lambda r: r.update(start=-1), "'start' is int"),
    ("chunks.jsonl", lambda r: r.update(title=True), "'title' is bool"),
    ("chunks.jsonl", lambda r: r.update(__class__="os.system"), "unknown keys \\['__class__'\\]"),
    ("chunks.jsonl", lambda r: r.pop("embed_hash"), "lacks \\['embed_hash'\\]"),
    ("documents.jsonl", lambda r: r.update(duplicates="a.txt"), "'duplicates' is str"),
    ("documents.jsonl", lambda r: r.update(extra=1), "unknown keys \\['extra'\\]"),
    ("documents.jsonl", lambda r: r.pop("text"), "lacks \\['text'\\]"),
])
def test_rows_with_wrong_types_or_keys_are_rejected(index: Path, name: str, edit, message: str) -> None:  # type: ignore[no-untyped-def]
    _rewrite(index, name, edit)
    with pytest.raises(IndexCorruptError, match=f"{name} row 1.*{message}.*{REBUILD}"):
        _open(index)


@pytest.mark.parametrize(("key", "value", "message"), [
    ("model", "fake", "'model' is str"),
    ("chunk_count", "12", "'chunk_count' is str"),
    ("settings", None, "'settings' is NoneType"),
    ("checksums", {"../../etc/passwd": "0"}, "not a file of the version"),
    ("format_version", True, "no format_version"),
])
def test_manifest_with_wrong_types_is_rejected(index: Path, key: str, value: object, message: str) -> None:
    path = current_version(index) / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest[key] = value
    path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexCorruptError, match=message):
        _open(index)


def test_cli_reports_each_problem_in_one_line(index: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("qa.engine.load_encoder", lambda model, **_: FakeEncoder())
    (current_version(index) / "bm25" / "vocab.index.json").write_text("{", encoding="utf-8")
    assert main(["ask", "援藏資金", "--index", str(index)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bm25/vocab.index.json is truncated" in err and REBUILD in err
    (index / CURRENT).write_text("nonsense", encoding="utf-8")
    assert main(["search", "援藏資金", "--index", str(index)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "CURRENT holds 'nonsense'" in err and REBUILD in err


def test_cli_reports_another_model_in_one_line(index: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("qa.engine.load_encoder", lambda model, **_: FakeEncoder(dim=32, model_id=model))
    assert main(["ask", "援藏資金", "--index", str(index)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "built with model" in err and REBUILD in err
    with pytest.raises(ModelMismatchError, match="--model fake/hash-encoder"):
        QA.open(index, encoder=FakeEncoder(dim=32, model_id="other/model"))


def test_index_folder_that_is_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("qa.engine.load_encoder", lambda model, **_: FakeEncoder())
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert main(["build", "--corpus", str(CORPUS), "--index", str(tmp_path / "file")]) == 2
    assert capsys.readouterr().err.startswith("error: ")


# Security: no code from the index or corpus --------------------------------------------------

_RISKY = re.compile(r"\bimport pickle\b|\bpickle\.loads?\(|allow_pickle\s*=\s*True|(?<![\w.])eval\(|"
                    r"(?<![\w.])exec\(|\bjoblib\.load\(|\btorch\.load\(|\bmarshal\.loads?\(|yaml\.load\(")


def test_source_never_unpickles_or_evaluates() -> None:
    offenders = []
    for folder in ("qa", "embeddings"):
        for path in (REPO / folder).rglob("*.py"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if _RISKY.search(line.split("#", 1)[0]):
                    offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    for path in (REPO / "app.py",):
        if _RISKY.search(path.read_text(encoding="utf-8")):
            offenders.append(str(path))
    assert offenders == []


def test_object_arrays_in_the_index_are_refused(index: Path) -> None:
    import numpy as np

    folder = current_version(index)
    path = folder / "vectors.npy"
    np.save(path, np.array([object()], dtype=object), allow_pickle=True)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["checksums"]["vectors.npy"] = file_sha256(path)
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="pickle"):
        _open(index)
