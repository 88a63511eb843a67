"""Reciprocal rank fusion of ranked lists: a pure function, tested against hand-made lists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Fused:
    """An item id with its fused score."""

    id: int
    score: float


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[int]], *, weights: Sequence[float] | None = None, k: int = 60
) -> list[Fused]:
    """Fuse ranked lists of ids by weighted reciprocal rank.

    ``score(d) = sum_i weights[i] / (k + rank_i(d))`` with 1-based ranks; ties are broken
    by the first list that ranks the item (then by id) so results are deterministic.

    Args:
        rankings: Lists of ids, best first; an id absent from a list adds nothing.
        weights: One weight per list (default all 1).
        k: Damping constant; larger values flatten the contribution of top ranks.

    Returns:
        Items sorted by fused score, best first.

    Raises:
        ValueError: If ``k`` < 1 or ``weights`` does not match ``rankings``.

    Example:
        >>> [f.id for f in reciprocal_rank_fusion([[1, 2, 3], [3, 1]])]
        [1, 3, 2]
    """
    if k < 1:
        raise ValueError(f"k={k!r} is not allowed; use a whole number >= 1")
    if weights is None:
        weights = [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError(f"got {len(weights)} weights for {len(rankings)} rankings; give one per ranking")
    scores: dict[int, float] = {}
    first_seen: dict[int, tuple[int, int]] = {}
    for list_no, (ranking, weight) in enumerate(zip(rankings, weights, strict=True)):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
            first_seen.setdefault(item, (rank, list_no))
    order = sorted(scores, key=lambda i: (-scores[i], first_seen[i], i))
    return [Fused(id=i, score=scores[i]) for i in order]


def fuse_subset(ids: Sequence[int], scores: Sequence[Any], *, weights: Sequence[float],
                k: int = 60) -> list[int]:
    """``ids`` ranked by each score column (indexable by id, higher first; ``None`` skipped), then fused.

    Ranks the chunks of one document among themselves, as :meth:`qa.QA.retrieve` does for
    the document a follow-up question prefers.

    Example:
        >>> fuse_subset([3, 5], [[0, 0, 0, 0.1, 0, 0.9], None], weights=[1.0, 1.0])
        [5, 3]
    """
    lists, used = [], []
    for column, weight in zip(scores, weights, strict=True):
        if column is not None:
            lists.append(sorted(ids, key=lambda i, c=column: -float(c[i])))
            used.append(weight)
    return [f.id for f in reciprocal_rank_fusion(lists, k=k, weights=used)]
