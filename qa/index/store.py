"""The index folder on disk: manifest, chunks, vectors, FAISS and BM25 files; no pickle.

Layout of an index folder::

    index/
      CURRENT              name of the live version folder (replaced atomically)
      .build.lock          held while a build runs
      v-<timestamp>/       one complete version
        manifest.json      format, model, dimension, counts, corpus hashes, settings, file checksums
        documents.jsonl    one Document per line
        chunks.jsonl       one Chunk per line, with the hash of the text that was embedded
        vectors.npy        float32 [chunks, dim]
        vectors.faiss      FAISS index over the vectors
        bm25/              bm25s state (JSON + .npy)

A build writes a new version folder and then swaps ``CURRENT``, so a build that is
killed at any point leaves the previous version opening as before.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from qa.errors import BuildLockedError, IndexCorruptError, IndexNotFoundError
from qa.index.base import StoredChunk
from qa.index.index_schema import MANIFEST, bad, rebuild_hint, typed_rows, validate_manifest
from qa.types import Chunk, Document, Location

logger = logging.getLogger(__name__)

# 2: chunks know their page(s), sheet and row, section; documents their format and locations.
# A format-1 index still opens (the new fields are optional) and the next build rewrites it.
FORMAT_VERSION = 2
CURRENT = "CURRENT"
LOCK = ".build.lock"
DATA_FILES = ("documents.jsonl", "chunks.jsonl", "vectors.npy", "vectors.faiss")
# Names a build gives version folders; CURRENT must hold one (no paths, no "..").
_VERSION_NAME = re.compile(r"v-[0-9A-Za-z-]+")


def text_sha256(text: str) -> str:
    """Hex SHA-256 of a text's UTF-8 bytes (lone surrogates kept, so any ``str`` hashes)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class IndexData:
    """Everything read from one index version, validated (``vectors`` is a read-only memory map)."""

    folder: Path
    manifest: dict[str, Any]
    documents: list[Document]
    chunks: list[StoredChunk]
    vectors: np.ndarray


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError(f"line {line_no} is not a JSON object")
            rows.append(row)
    return rows


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_version(
    index_dir: Path,
    *,
    manifest: dict[str, Any],
    documents: list[Document],
    chunks: list[StoredChunk],
    vectors: np.ndarray,
    write_extras: Any,
) -> Path:
    """Write a complete new version folder, then make it current.

    ``write_extras(folder)`` writes the FAISS and BM25 files into the new folder.
    Returns the new version folder.
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    name = f"v-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 1_000_000:06d}"
    tmp = index_dir / f".tmp-{name}"
    tmp.mkdir()
    _write_jsonl(tmp / "documents.jsonl", [asdict(d) for d in documents])
    _write_jsonl(tmp / "chunks.jsonl", [{**asdict(c.chunk), "embed_hash": c.embed_hash} for c in chunks])
    np.save(tmp / "vectors.npy", np.ascontiguousarray(vectors, dtype=np.float32), allow_pickle=False)
    write_extras(tmp)
    # Every file of the version (BM25 state included) is checksummed, so any truncated
    # or edited file is found on open and named.
    checksums = {p.relative_to(tmp).as_posix(): file_sha256(p) for p in sorted(tmp.rglob("*")) if p.is_file()}
    full = {**manifest, "format_version": FORMAT_VERSION, "checksums": checksums}
    (tmp / MANIFEST).write_text(json.dumps(full, ensure_ascii=False, indent=2), encoding="utf-8")
    for path in tmp.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
    final = index_dir / name
    os.rename(tmp, final)
    pointer = index_dir / f".{CURRENT}.tmp"
    pointer.write_text(name + "\n", encoding="utf-8")
    os.replace(pointer, index_dir / CURRENT)
    _fsync_dir(index_dir)
    _remove_stale(index_dir, keep={name})
    return final


def _remove_stale(index_dir: Path, *, keep: set[str]) -> None:
    # Versions older than the current one and leftovers of killed builds. A reader that
    # opened the previous version has loaded its files into memory, except vectors.npy,
    # which it maps: the mapping keeps the deleted file's data until the reader drops it.
    for entry in index_dir.iterdir():
        if entry.is_dir() and entry.name not in keep and (entry.name.startswith(("v-", ".tmp-v-"))):
            shutil.rmtree(entry, ignore_errors=True)


def current_version(index_dir: Path) -> Path:
    """Folder of the live version; raises if there is no index or ``CURRENT`` is damaged."""
    pointer = index_dir / CURRENT
    if not index_dir.is_dir() or not pointer.is_file():
        raise IndexNotFoundError(
            f"No index in '{index_dir}': build one with: python -m qa build --index {index_dir}"
        )
    try:
        name = pointer.read_bytes().decode("utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise bad(index_dir, f"{CURRENT} cannot be read ({exc})") from exc
    if not _VERSION_NAME.fullmatch(name):
        raise bad(index_dir, f"{CURRENT} holds {name[:80]!r}, not a version name like 'v-20240101-...'")
    folder = index_dir / name
    if not folder.is_dir():
        raise IndexCorruptError(
            f"Index '{index_dir}' points to a missing version {name!r}; {rebuild_hint(index_dir)}"
        )
    return folder


def _read_manifest_in(index_dir: Path, folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise bad(index_dir, f"version {folder.name} has no {MANIFEST}") from exc
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise bad(index_dir, f"{MANIFEST} is not valid JSON ({exc})") from exc
    if not isinstance(manifest, dict):
        raise bad(index_dir, f"{MANIFEST} is not an object")
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise bad(index_dir, "manifest has no format_version")
    if version > FORMAT_VERSION:
        raise IndexCorruptError(
            f"Index '{index_dir}' has format {version}, newer than this program reads ({FORMAT_VERSION}); "
            f"upgrade the program or {rebuild_hint(index_dir)}"
        )
    validate_manifest(index_dir, manifest)
    return manifest


def read_manifest(index_dir: Path) -> dict[str, Any]:
    """Manifest of the live version, validated for format and types."""
    return _read_manifest_in(index_dir, current_version(index_dir))


def read_version(index_dir: Path) -> IndexData:
    """Read and validate every file of the live version."""
    folder = current_version(index_dir)
    manifest = _read_manifest_in(index_dir, folder)
    checksums: dict[str, str] = manifest["checksums"]
    for name in sorted(set(DATA_FILES) | set(checksums)):
        path = folder / name
        if not path.is_file():
            raise IndexCorruptError(f"Index '{index_dir}' is missing {name}; {rebuild_hint(index_dir)}")
        if checksums.get(name) != file_sha256(path):
            raise bad(index_dir, f"{name} is truncated or corrupted (checksum differs)")
    try:
        doc_rows = typed_rows(index_dir, "documents.jsonl", _read_jsonl(folder / "documents.jsonl"), Document)
        documents = [document_from_row(index_dir, row) for row in doc_rows]
        chunks = []
        for row in typed_rows(index_dir, "chunks.jsonl", _read_jsonl(folder / "chunks.jsonl"), Chunk,
                               extra=("embed_hash",)):
            embed_hash = row.pop("embed_hash")
            chunks.append(StoredChunk(Chunk(**row), embed_hash))
        vectors = map_vectors(folder / "vectors.npy")
    except IndexCorruptError:
        raise
    except (ValueError, TypeError, KeyError, UnicodeDecodeError) as exc:
        raise bad(index_dir, f"invalid data ({exc})") from exc
    count = manifest["chunk_count"]
    if len(chunks) != count or vectors.shape != (count, manifest["dim"]) or vectors.dtype != np.float32:
        raise bad(index_dir, f"{len(chunks)} chunks and vectors of shape {vectors.shape} do not match "
                             f"the manifest ({count} chunks of dim {manifest['dim']})")
    return IndexData(folder=folder, manifest=manifest, documents=documents, chunks=chunks, vectors=vectors)


def map_vectors(path: Path) -> np.ndarray:
    """The vectors file as a read-only memory map; raises ValueError for arrays of Python objects.

    Mapped rather than read: the vectors are only read row by row (re-ranking hits, reuse by a
    build), so an open index does not hold a second private copy of what FAISS already holds
    (1.5 GB at a million chunks); touched pages are shared, reclaimable page cache. Unlinking a
    mapped file is fine on POSIX, so a build may still delete a version a reader has mapped.
    """
    with path.open("rb") as handle:
        major, _ = np.lib.format.read_magic(handle)
        read_header = np.lib.format.read_array_header_1_0 if major == 1 else np.lib.format.read_array_header_2_0
        _, _, dtype = read_header(handle)
    if dtype.hasobject:
        raise ValueError(f"{path.name} holds Python objects, which only pickle could load; refused")
    return np.load(path, mmap_mode="r", allow_pickle=False)


def document_from_row(index_dir: Path, row: dict[str, Any]) -> Document:
    locations = typed_rows(index_dir, "documents.jsonl locations", row.get("locations", []), Location)
    return Document(**{**row, "duplicates": tuple(row.get("duplicates", ())), "sheets": tuple(row.get("sheets", ())),
                       "locations": tuple(Location(**loc) for loc in locations)})


@contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index's build lock; a second builder gets :class:`BuildLockedError` at once."""
    import fcntl

    index_dir.mkdir(parents=True, exist_ok=True)
    handle = (index_dir / LOCK).open("a+")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BuildLockedError(
                f"Another build of '{index_dir}' is running; wait for it to finish and try again"
            ) from exc
        yield
    finally:
        handle.close()
