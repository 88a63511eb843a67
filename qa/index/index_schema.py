"""Validation of the plain-data files of an index version: manifest fields and JSONL rows.

An index holds only JSON, ``.npy`` (loaded without pickle) and FAISS files; these checks
make a row with a wrong type or an unknown key an :class:`~qa.errors.IndexCorruptError`
instead of a crash later.
"""

from __future__ import annotations

from dataclasses import MISSING, fields
from pathlib import Path
from typing import Any

from qa.errors import IndexCorruptError

MANIFEST = "manifest.json"


def rebuild_hint(index_dir: Path) -> str:
    """The command that rebuilds an index, for error messages."""
    return f"rebuild it with: python -m qa build --index {index_dir}"


def bad(index_dir: Path, what: str) -> IndexCorruptError:
    """An IndexCorruptError saying ``what`` is wrong and how to rebuild."""
    return IndexCorruptError(f"Index '{index_dir}': {what}; {rebuild_hint(index_dir)}")


# Manifest keys a reader relies on, with the JSON types they must have.
_MANIFEST_TYPES: dict[str, type | tuple[type, ...]] = {
    "model": dict, "chunk_count": int, "dim": int, "checksums": dict, "settings": dict,
}


def validate_manifest(index_dir: Path, manifest: dict[str, Any]) -> None:
    """Check the types of the manifest keys a reader relies on; raises IndexCorruptError."""
    for key, kind in _MANIFEST_TYPES.items():
        if key not in manifest:
            raise bad(index_dir, f"manifest lacks {key!r}")
        value = manifest[key]
        if not isinstance(value, kind) or isinstance(value, bool):
            raise bad(index_dir, f"manifest {key!r} is {type(value).__name__}, not {kind.__name__}")
    if manifest["chunk_count"] < 0 or manifest["dim"] < 1:
        raise bad(index_dir, f"manifest gives {manifest['chunk_count']} chunks of dim {manifest['dim']}")
    model = manifest["model"]
    if not all(isinstance(model.get(k), str) for k in ("id", "fingerprint")):
        raise bad(index_dir, "manifest 'model' needs a string 'id' and 'fingerprint'")
    for name, digest in manifest["checksums"].items():
        parts = name.split("/")
        if not isinstance(digest, str) or ".." in parts or "" in parts or name == MANIFEST:
            raise bad(index_dir, f"manifest checksum entry {name!r} is not a file of the version")


def typed_rows(index_dir: Path, name: str, rows: list[dict[str, Any]], cls: type,
               extra: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Check that each row has exactly ``cls``'s fields (plus ``extra``) with JSON types that fit."""
    spec = {f.name: f for f in fields(cls)}
    required = {n for n, f in spec.items() if f.default is MISSING and f.default_factory is MISSING}
    allowed = set(spec) | set(extra)
    for line, row in enumerate(rows, start=1):
        unknown = set(row) - allowed
        missing = (required | set(extra)) - set(row)
        if unknown or missing:
            raise bad(index_dir, f"{name} row {line} has unknown keys {sorted(unknown)} "
                                 f"or lacks {sorted(missing)}")
        for key, value in row.items():
            expected = str(spec[key].type) if key in spec else "str"
            if not _fits(expected, value):
                allowed_text = "int >= 0" if expected == "int" else expected
                raise bad(index_dir, f"{name} row {line}: {key!r} is {type(value).__name__} "
                                     f"({str(value)[:40]!r}), not {allowed_text}")
    return rows


def _fits(text: str, value: Any) -> bool:
    if value is None:
        return "None" in text
    if isinstance(value, bool):
        return False
    if text.startswith("tuple[Location"):  # checked row by row by the reader
        return isinstance(value, list) and all(isinstance(v, dict) for v in value)
    if text.startswith("tuple"):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if text.startswith("int"):
        return isinstance(value, int) and value >= 0
    return text.startswith("str") and isinstance(value, str)
