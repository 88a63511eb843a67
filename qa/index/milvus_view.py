"""One version of an index in Milvus, as the engine searches it (see :class:`qa.index.base.IndexView`).

A view reads one concrete data collection, never the alias: a build that switches the
alias meanwhile cannot mix two versions into one answer. The chunks and documents are
read once into memory (they are what answers quote and cite); vectors and BM25 stay in Milvus.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Sequence
from typing import Any, TypeVar

import numpy as np

from qa.errors import IndexUnavailableError
from qa.index.base import StoredChunk, idf_from_counts
from qa.index.bm25 import passage_tokens
from qa.index.chunk_text import lexical_text
from qa.index.filters import AllowedChunks, Filters
from qa.index.lexical_tokens import tokenize
from qa.index.milvus_schema import BM25_PARAMS, filter_expression
from qa.types import Chunk, Document

# Milvus's BM25 multiplies each term's score by (k1 + 1), bm25s (Lucene's variant) does not;
# dividing makes the scores the answer step sees the same for both stores.
BM25_SCALE = 1.0 + BM25_PARAMS["bm25_k1"]
MAX_CACHED_TERMS = 100_000
# Rows per query page and ids per ``pk in [...]`` expression.
PAGE = 1000
T = TypeVar("T")


def read_meta(client: Any, collection: str) -> dict[str, Any]:
    """The manifest and documents stored beside ``collection`` (its ``_meta`` collection)."""
    rows: list[dict[str, Any]] = []
    start = 0
    while True:
        page = client.query(f"{collection}_meta", filter=f"pk >= {start} and pk < {start + PAGE}",
                            output_fields=["pk", "part"])
        rows.extend(page)
        if len(page) < PAGE:
            break
        start += PAGE
    text = "".join(r["part"] for r in sorted(rows, key=lambda r: r["pk"]))
    meta = json.loads(text)
    if not isinstance(meta, dict) or not isinstance(meta.get("manifest"), dict):
        raise ValueError(f"the meta of {collection} holds no manifest")
    return meta


def read_chunks(client: Any, collection: str, count: int) -> list[StoredChunk]:
    """Every chunk of ``collection`` in position order."""
    out: list[StoredChunk | None] = [None] * count
    for start in range(0, count, PAGE):
        for row in client.query(collection, filter=f"pk >= {start} and pk < {start + PAGE}",
                                output_fields=["pk", "chunk", "embed_hash"]):
            out[int(row["pk"])] = StoredChunk(Chunk(**json.loads(row["chunk"])), row["embed_hash"])
    missing = [i for i, c in enumerate(out) if c is None]
    if missing:
        raise ValueError(f"{collection} lacks {len(missing)} of its {count} chunks (first: position {missing[0]})")
    return [c for c in out if c is not None]


def _pk(hit: dict[str, Any]) -> int:
    # Milvus Lite 3 hits carry the primary key only in ``entity``; a server's also as ``id``.
    entity = hit.get("entity") or {}
    return int(entity["pk"] if "pk" in entity else hit["id"])


class MilvusView:
    """A Milvus data collection opened for searching.

    Example:
        >>> view = MilvusStore.from_location("milvus:index/milvus.db").open()  # doctest: +SKIP
        >>> view.lexical("河北 援藏 资金", k=3, filters=None)                     # doctest: +SKIP
        [12, 3, 40]
    """

    def __init__(self, client: Any, collection: str, meta: dict[str, Any], documents: list[Document],
                 chunks: list[StoredChunk]) -> None:
        self._client = client
        self.version = collection
        self.manifest: dict[str, Any] = meta["manifest"]
        self.documents: dict[str, Document] = {d.id: d for d in documents}
        self.chunks: list[Chunk] = [sc.chunk for sc in chunks]
        self._allowed = AllowedChunks()
        # A version never changes once built, so a term's count is asked once per view.
        self._counts: dict[str, int] = {}
        self._terms: frozenset[str] | None = None
        self._corpus = self.manifest.get("corpus", {}).get("dir")

    def allowed(self, filters: Filters) -> np.ndarray:
        """Positions of the chunks ``filters`` keep, worked out from the documents in memory."""
        return self._allowed.get(self.version, filters, self.documents.values(), self.chunks, self._corpus)

    def _reloading(self, call: Callable[[], T]) -> T:
        """``call()``; after a failure, load the version's collections once and try again.

        A Milvus server that restarted answers again but holds its collections released, so
        the view loads them back instead of failing every question until the app restarts.
        While the server stays down, loading fails too and the first error is raised.
        """
        try:
            return call()
        except IndexUnavailableError as first:
            try:
                for name in (self.version, f"{self.version}_terms"):
                    self._client.load_collection(name)
            except IndexUnavailableError:
                raise first from first.__cause__
            return call()

    def _search(self, data: list[Any], field: str, *, k: int, expr: str) -> list[tuple[int, float]]:
        found = self._reloading(lambda: self._client.search(self.version, data=data, anns_field=field, limit=k,
                                                            filter=expr, output_fields=["pk"]))
        return [(_pk(hit), float(hit["distance"])) for hit in found[0]]

    def _query(self, collection: str, expr: str, fields: list[str]) -> list[dict[str, Any]]:
        return self._reloading(lambda: self._client.query(collection, filter=expr, output_fields=fields))

    def dense(self, qvec: np.ndarray, *, k: int, filters: Filters | None) -> list[int]:
        """Positions of the ``k`` nearest chunks by inner product, filtered inside Milvus."""
        expr = filter_expression(filters) if filters is not None else ""
        vector = np.asarray(qvec, dtype=np.float32).tolist()
        return [pk for pk, _ in self._search([vector], "vector", k=k, expr=expr)]

    def lexical(self, text: str, *, k: int, filters: Filters | None) -> list[int]:
        """Positions of the ``k`` best BM25 matches of ``text``'s tokens, filtered inside Milvus."""
        tokens = tokenize(text)
        if not tokens:
            return []
        expr = filter_expression(filters) if filters is not None else ""
        # Milvus Lite 3 reports BM25 scores negated; the order is best first either way.
        return [pk for pk, score in self._search([" ".join(tokens)], "sparse", k=k, expr=expr) if score != 0]

    def lexical_scores(self, text: str, ids: Sequence[int]) -> np.ndarray:
        """BM25 scores of ``text`` for the chunks at ``ids`` (a search restricted to them)."""
        out = np.zeros(len(ids), dtype=np.float32)
        tokens = tokenize(text)
        if not tokens or not len(ids):
            return out
        where = {int(i): n for n, i in enumerate(ids)}
        for start in range(0, len(where), PAGE):
            part = list(where)[start : start + PAGE]
            for pk, score in self._search([" ".join(tokens)], "sparse", k=len(part), expr=f"pk in {part}"):
                out[where[pk]] = abs(score) / BM25_SCALE
        return out

    def vectors(self, ids: Sequence[int]) -> np.ndarray:
        """The stored vectors of the chunks at ``ids``."""
        wanted = [int(i) for i in ids]
        found: dict[int, list[float]] = {}
        for start in range(0, len(wanted), PAGE):
            part = wanted[start : start + PAGE]
            for row in self._query(self.version, f"pk in {part}", ["pk", "vector"]):
                found[int(row["pk"])] = row["vector"]
        dim = int(self.manifest["dim"])
        return np.array([found[i] for i in wanted], dtype=np.float32).reshape(len(wanted), dim)

    def idf(self, terms: Sequence[str]) -> dict[str, float]:
        """IDF from the version's term counts in Milvus (one lookup by key per question)."""
        missing = [t for t in dict.fromkeys(terms) if t not in self._counts]
        if missing:
            found = {}
            for start in range(0, len(missing), PAGE):
                keys = json.dumps(missing[start : start + PAGE], ensure_ascii=False)
                for row in self._query(f"{self.version}_terms", f"pk in {keys}", ["pk", "part"]):
                    found[row["pk"]] = int(row["part"])
            if len(self._counts) + len(missing) > MAX_CACHED_TERMS:
                self._counts.clear()
            self._counts.update({t: found.get(t, 0) for t in missing})
        return idf_from_counts({t: self._counts[t] for t in terms}, len(self.chunks))

    def terms(self) -> Collection[str]:
        """Every token of the chunks (tokenized here: Milvus keeps its vocabulary to itself)."""
        if self._terms is None:
            self._terms = frozenset(t for chunk in self.chunks for t in passage_tokens(lexical_text(chunk)))
        return self._terms
