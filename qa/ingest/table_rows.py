"""Table rows as text: ``header: value`` pairs, so a row never loses its header."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

PAIR_SEPARATOR = " | "


def cell_text(value: Any) -> str:
    """A cell value as text: whole floats without ``.0``, dates as ISO, ``None`` as empty.

    Example:
        >>> cell_text(3.0), cell_text(dt.datetime(2024, 1, 5)), cell_text(None)
        ('3', '2024-01-05', '')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return " ".join(str(value).split())


def row_text(header: Sequence[str], row: Sequence[str]) -> str:
    """``header: value`` pairs of a row's non-empty cells; a cell without a header stands alone.

    Example:
        >>> row_text(["部门", "预算"], ["财务部", "300万元"])
        '部门: 财务部 | 预算: 300万元'
    """
    pairs = []
    for index, value in enumerate(row):
        if not value:
            continue
        name = header[index] if index < len(header) else ""
        pairs.append(f"{name}: {value}" if name else value)
    return PAIR_SEPARATOR.join(pairs)
