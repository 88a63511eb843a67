"""Search filters: which documents a question may be answered from.

A filter is a plain dict, as callers write it (``engine.search(q, filters={...})``)::

    {"doc_id": ["a", "b"]}                            # these documents
    {"source": ["新华社"]}                             # documents from these publishers
    {"folder": "sub/dir"}                             # documents under a folder of the corpus
    {"date": {"gte": "2024-01-01", "lte": "2024-12-31"}}   # dated within (YYYY, YYYY-MM or YYYY-MM-DD)

Several keys combine with AND; the values of one key with OR. :func:`parse_filters`
checks a dict once and gives a :class:`Filters`; :func:`allowed_chunks` turns it into the
chunk positions ranking may consider, so filtering happens before ranking.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import numpy as np

from qa.errors import FilterError
from qa.types import Chunk, Document

FILTER_KEYS = ("doc_id", "source", "folder", "date")
DATE_BOUNDS = ("gte", "lte")
_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_ALLOWED = ("allowed keys: doc_id (list of ids), source (list of names), folder (a folder under the corpus, "
            "or a list), date ({'gte': 'YYYY-MM-DD', 'lte': 'YYYY-MM-DD'}, either bound optional)")


@dataclass(frozen=True)
class DateRange:
    """Inclusive bounds as ISO prefixes (``2024``, ``2024-03`` or ``2024-03-01``); ``None`` is open."""

    gte: str | None = None
    lte: str | None = None

    def contains(self, date: str | None) -> bool:
        """True when ``date`` (ISO, possibly with a time) lies within the bounds; a missing date never does.

        Example:
            >>> DateRange(gte="2024", lte="2024-06").contains("2024-06-30T10:00:00")
            True
        """
        if not date:
            return False
        if self.gte is not None and date[: len(self.gte)] < self.gte:
            return False
        return self.lte is None or date[: len(self.lte)] <= self.lte


@dataclass(frozen=True)
class Filters:
    """A checked filter; ``None`` fields do not restrict.

    Example:
        >>> parse_filters({"folder": "2024/", "source": "新华社"}).folders
        ('2024',)
    """

    doc_ids: frozenset[str] | None = None
    sources: frozenset[str] | None = None
    folders: tuple[str, ...] | None = None
    date: DateRange | None = None

    def describe(self) -> str:
        """The filter in words, for messages."""
        parts = []
        if self.doc_ids is not None:
            parts.append(f"doc_id in {sorted(self.doc_ids)}")
        if self.sources is not None:
            parts.append(f"source in {sorted(self.sources)}")
        if self.folders is not None:
            parts.append(f"folder in {list(self.folders)}")
        if self.date is not None:
            parts.append(f"date from {self.date.gte or 'any'} to {self.date.lte or 'any'}")
        return " and ".join(parts) or "no filter"


def _strings(key: str, value: Any) -> tuple[str, ...]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, (list, tuple, set, frozenset)) or not all(isinstance(v, str) for v in values):
        raise FilterError(f"filter {key}={value!r} is not allowed: use a string or a list of strings; {_ALLOWED}")
    return tuple(values)


def _folder(value: str) -> str:
    parts = [p for p in value.replace("\\", "/").split("/") if p not in ("", ".")]
    if value.startswith("/") or ".." in parts:
        raise FilterError(f"filter folder={value!r} is not allowed: name a folder inside the corpus, "
                          f"like 'reports/2024'")
    return "/".join(parts)


def _date(value: Any) -> DateRange:
    if not isinstance(value, Mapping) or not value or set(value) - set(DATE_BOUNDS):
        raise FilterError(f"filter date={value!r} is not allowed: use {{'gte': 'YYYY-MM-DD', 'lte': 'YYYY-MM-DD'}} "
                          f"(either bound; YYYY or YYYY-MM also work)")
    for bound in value.values():
        if bound is not None and (not isinstance(bound, str) or not _DATE.fullmatch(bound)):
            raise FilterError(f"filter date bound {bound!r} is not allowed: use YYYY, YYYY-MM or YYYY-MM-DD")
    return DateRange(gte=value.get("gte"), lte=value.get("lte"))


def parse_filters(filters: Mapping[str, Any] | Filters | None) -> Filters | None:
    """Check a filter dict; ``None`` or ``{}`` means no filter.

    Raises:
        FilterError: An unknown key, or a value of the wrong kind (the message lists what is allowed).
    """
    if filters is None or isinstance(filters, Filters):
        return filters
    if not isinstance(filters, Mapping):
        raise FilterError(f"filters={filters!r} is not allowed: use a dict; {_ALLOWED}")
    unknown = sorted(str(k) for k in filters if k not in FILTER_KEYS)
    if unknown:
        raise FilterError(f"unknown filter key(s) {unknown}; {_ALLOWED}")
    if not filters:
        return None
    return Filters(
        doc_ids=frozenset(_strings("doc_id", filters["doc_id"])) if "doc_id" in filters else None,
        sources=frozenset(_strings("source", filters["source"])) if "source" in filters else None,
        folders=tuple(_folder(f) for f in _strings("folder", filters["folder"])) if "folder" in filters else None,
        date=_date(filters["date"]) if "date" in filters else None,
    )


def document_folder(doc: Document, corpus_dir: str | None) -> str:
    """The folder of a document relative to the corpus (``""`` at its top), ``/``-separated.

    Taken from the file path when it lies under ``corpus_dir``, else from the document id
    (which is the file's relative path for folder corpora).
    """
    path = PurePosixPath(doc.path.replace("\\", "/")) if doc.path else None
    if path is not None and corpus_dir:
        root = PurePosixPath(corpus_dir.replace("\\", "/"))
        if path.is_relative_to(root):
            return path.parent.relative_to(root).as_posix().strip(".")
    parent = PurePosixPath(doc.id).parent.as_posix()
    return "" if parent == "." else parent


def _in_folder(folder: str, wanted: str) -> bool:
    return wanted == "" or folder == wanted or folder.startswith(wanted + "/")


def allowed_documents(filters: Filters, documents: Sequence[Document], corpus_dir: str | None) -> set[str]:
    """Ids of the documents that pass every part of ``filters``."""
    kept = set()
    for doc in documents:
        if filters.doc_ids is not None and doc.id not in filters.doc_ids:
            continue
        if filters.sources is not None and doc.source not in filters.sources:
            continue
        if filters.folders is not None:
            folder = document_folder(doc, corpus_dir)
            if not any(_in_folder(folder, wanted) for wanted in filters.folders):
                continue
        if filters.date is not None and not filters.date.contains(doc.date):
            continue
        kept.add(doc.id)
    return kept


def allowed_chunks(filters: Filters, documents: Sequence[Document], chunks: Sequence[Chunk],
                   corpus_dir: str | None) -> np.ndarray:
    """Positions (int64, ascending) of the chunks whose documents pass ``filters``."""
    kept = allowed_documents(filters, documents, corpus_dir)
    return np.array([i for i, chunk in enumerate(chunks) if chunk.doc_id in kept], dtype=np.int64)


class AllowedChunks:
    """:func:`allowed_chunks` remembered per index version and filter (a UI repeats its filter).

    Example:
        >>> cache = AllowedChunks()
        >>> cache.get("v-1", Filters(doc_ids=frozenset({"a"})), [], [], None).tolist()
        []
    """

    def __init__(self, size: int = 32) -> None:
        self._size = size
        self._known: dict[tuple[str, Filters], np.ndarray] = {}
        self._lock = threading.Lock()

    def get(self, version: str, filters: Filters, documents: Iterable[Document], chunks: Sequence[Chunk],
            corpus_dir: str | None) -> np.ndarray:
        """Positions of the chunks of ``version`` that ``filters`` keep."""
        key = (version, filters)
        with self._lock:
            found = self._known.get(key)
        if found is None:
            found = allowed_chunks(filters, list(documents), chunks, corpus_dir)
            with self._lock:
                if len(self._known) >= self._size:
                    self._known.clear()
                self._known[key] = found
        return found


def parse_filter_args(items: Sequence[str]) -> dict[str, Any]:
    """``key=value`` command-line items as a filter dict; a repeated key adds values (OR).

    ``date`` takes ``FROM..TO`` (either side may be empty) or one ``YYYY[-MM[-DD]]``.

    Example:
        >>> parse_filter_args(["source=新华社", "date=2024-01..2024-06", "doc_id=a", "doc_id=b"])
        {'source': ['新华社'], 'date': {'gte': '2024-01', 'lte': '2024-06'}, 'doc_id': ['a', 'b']}

    Raises:
        FilterError: An item without ``=``, an unknown key, or a second date.
    """
    out: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep:
            raise FilterError(f"--filter {item!r} is not allowed: write key=value; {_ALLOWED}")
        if key not in FILTER_KEYS:
            raise FilterError(f"unknown filter key {key!r} in --filter {item!r}; {_ALLOWED}")
        if key == "date":
            if "date" in out:
                raise FilterError("--filter date=... given twice: give one range FROM..TO")
            low, dots, high = value.partition("..")
            out["date"] = {"gte": low or None, "lte": high or None} if dots else {"gte": value, "lte": value}
        else:
            out.setdefault(key, []).append(value)
    if "folder" in out and len(out["folder"]) == 1:
        out["folder"] = out["folder"][0]
    return out
