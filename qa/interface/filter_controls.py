"""The chat's filter settings: documents and folders to search, and a date range.

The controls hold plain values (selected ids, folders, two date strings);
:func:`filters_from_controls` turns them into the engine's filter dict, so the UI and the
API share one filter language (:mod:`qa.index.filters`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qa.engine import QA


def filters_from_controls(doc_ids: Sequence[str] | None = None, folders: Sequence[str] | None = None,
                          date_from: str | None = None, date_to: str | None = None) -> dict[str, Any] | None:
    """The filter dict for the chosen values; ``None`` when nothing is chosen (search everything).

    Example:
        >>> filters_from_controls(["a"], [], " 2024-01 ", "")
        {'doc_id': ['a'], 'date': {'gte': '2024-01', 'lte': None}}
    """
    filters: dict[str, Any] = {}
    if doc_ids:
        filters["doc_id"] = list(doc_ids)
    if folders:
        filters["folder"] = list(folders)
    low, high = (date_from or "").strip() or None, (date_to or "").strip() or None
    if low or high:
        filters["date"] = {"gte": low, "lte": high}
    return filters or None


def document_choices(engine: QA) -> list[tuple[str, str]]:
    """``(label, doc_id)`` for every indexed document: title (or file name) and file, sorted by label."""
    choices = []
    for doc in engine.documents:
        name = file_name_of(doc.path, doc.id)
        label = f"{doc.title} ({name})" if doc.title and doc.title != name else name
        choices.append((label, doc.id))
    return sorted(choices)


def file_name_of(path: str, doc_id: str) -> str:
    """The file name of a document path (no folders), or its id when it has no path."""
    return path.replace("\\", "/").rsplit("/", 1)[-1] if path else doc_id


def filter_summary(filters: dict[str, Any] | None, engine: QA, *, lang: str = "en") -> str:
    """A short line saying what the chat searches, shown under the filter controls (in ``lang``)."""
    from qa.interface.i18n import text

    if not filters:
        return text(lang, "scope_all", n=len(engine.documents))
    parts = []
    if "doc_id" in filters:
        parts.append(text(lang, "scope_docs", n=len(filters["doc_id"])))
    if "folder" in filters:
        parts.append(text(lang, "scope_folders", folders=text(lang, "scope_or").join(filters["folder"])))
    if "date" in filters:
        parts.append(text(lang, "scope_dates", low=filters["date"]["gte"] or "…", high=filters["date"]["lte"] or "…"))
    return text(lang, "scope_only", parts=text(lang, "scope_and").join(parts))
