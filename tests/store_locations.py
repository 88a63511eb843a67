"""Index locations for each store, so engine tests run on a folder and on Milvus Lite alike."""

from __future__ import annotations

from pathlib import Path

STORES = ["local", "milvus"]


def make_location(kind: str, folder: Path, name: str = "index") -> str:
    """An index location of the store ``kind`` (``local`` or ``milvus``) under ``folder``."""
    return str(folder / name) if kind == "local" else f"milvus:{folder / name}.db"
