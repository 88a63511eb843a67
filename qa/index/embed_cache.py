"""Vectors of an unfinished build, kept on disk so an interrupted build resumes.

A build embeds its new passages in segments; after each, the vectors go to the index
folder's ``.embed-cache/`` as one ``.npy`` file and one JSONL line naming the segment and the
hashes of the texts embedded (written in that order, so a line never names a missing file).
The next build of the same index with the same model reuses them by text hash, like the
vectors of the previous version, and embeds only the rest. A finished build removes the
cache. Nothing is pickled; a damaged segment or a half-written line is ignored.

Layout::

    index/.embed-cache/
      model.json           {"fingerprint": ..., "dim": ...}: a cache of another model is dropped
      segments.jsonl       {"file": "seg-000001.npy", "hashes": [...]} per segment
      seg-000001.npy       float32 [len(hashes), dim]
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

CACHE_DIR = ".embed-cache"
_MODEL = "model.json"
_SEGMENTS = "segments.jsonl"


class EmbeddingCache:
    """The on-disk vectors of an interrupted build of one index, for one model.

    Example:
        >>> cache = EmbeddingCache.open(Path("index"), fingerprint="m", dim=384)  # doctest: +SKIP
        >>> cache.append(["hash1"], np.zeros((1, 384), np.float32))  # doctest: +SKIP
        >>> list(cache.load())  # doctest: +SKIP
        ['hash1']
    """

    def __init__(self, folder: Path, dim: int) -> None:
        self.folder = folder
        self.dim = dim
        numbers = [int(p.stem[4:]) for p in folder.glob("seg-*.npy") if p.stem[4:].isdigit()]
        self._next = 1 + max(numbers, default=0)

    @classmethod
    def open(cls, index_dir: Path, *, fingerprint: str, dim: int) -> EmbeddingCache:
        """The cache of ``index_dir`` for this model; one left by another model is removed."""
        folder = Path(index_dir) / CACHE_DIR
        expected = {"fingerprint": fingerprint, "dim": dim}
        try:
            found = json.loads((folder / _MODEL).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            found = None
        if found != expected:
            if folder.exists():
                logger.info("Dropping the embedding cache of another model in %s", folder)
                shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True, exist_ok=True)
            (folder / _MODEL).write_text(json.dumps(expected), encoding="utf-8")
        return cls(folder, dim)

    def load(self) -> dict[str, np.ndarray]:
        """Vectors by text hash from every complete segment."""
        path = self.folder / _SEGMENTS
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError:
            return {}
        vectors: dict[str, np.ndarray] = {}
        good: list[str] = []
        for line in lines:
            segment = self._read(line)
            if segment is None:
                continue
            good.append(line)
            vectors.update(segment)
        if len(good) != len(lines):  # a line cut by a kill: rewrite so later appends start clean
            logger.info("Ignored %d damaged line(s) of %s", len(lines) - len(good), path)
            path.write_text("".join(f"{line}\n" for line in good), encoding="utf-8")
        return vectors

    def _read(self, line: str) -> dict[str, np.ndarray] | None:
        try:
            record = json.loads(line)
            name, hashes = record["file"], record["hashes"]
            if not isinstance(name, str) or "/" in name or not name.endswith(".npy"):
                return None
            array = np.load(self.folder / name, allow_pickle=False)
        except (ValueError, KeyError, TypeError, OSError):
            return None
        if array.shape != (len(hashes), self.dim) or array.dtype != np.float32:
            return None
        return dict(zip(hashes, array, strict=True))

    def append(self, hashes: Sequence[str], vectors: np.ndarray) -> None:
        """Add one segment: the vectors of the texts with ``hashes``, durable before returning."""
        name = f"seg-{self._next:06d}.npy"
        self._next += 1
        tmp = self.folder / f".{name}.tmp"
        with tmp.open("wb") as handle:
            np.save(handle, np.ascontiguousarray(vectors, dtype=np.float32), allow_pickle=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.folder / name)
        with (self.folder / _SEGMENTS).open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"file": name, "hashes": list(hashes)}) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def clear(self) -> None:
        """Remove the cache (its vectors are in the new index version)."""
        shutil.rmtree(self.folder, ignore_errors=True)
