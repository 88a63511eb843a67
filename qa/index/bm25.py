"""BM25 over jieba tokens, backed by ``bm25s`` (its public API only) and persisted without pickle."""

from __future__ import annotations

import logging
import sys
from collections.abc import Collection, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from qa.index.lexical_tokens import tokenize

logger = logging.getLogger(__name__)


def _bm25s() -> Any:
    """Import bm25s, undoing the DEBUG level it pins on its logger at import.

    Left pinned, its "Building index from tokens" lines print under any application's
    logging setup; NOTSET defers to whatever the application configured.
    """
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.NOTSET)
    return bm25s


# Passages whose tokens are remembered, by text. Re-indexing in the same process (the app
# after an upload or delete) then runs jieba only on new passages: on the CMRC2018 index
# (1,523 passages) a rebuild with one new file went from ~7 s to ~1.4 s. Measured cost:
# ~4.6 KB per passage (tokens interned), so ~90 MB when full.
TOKEN_CACHE_PASSAGES = 20_000


@lru_cache(maxsize=TOKEN_CACHE_PASSAGES)
def passage_tokens(text: str) -> tuple[str, ...]:
    """:func:`~qa.index.lexical_tokens.tokenize` of a passage, remembered for later builds."""
    return tuple(sys.intern(token) for token in tokenize(text))


class BM25Index:
    """Lexical index of chunk texts (search form, jieba tokens).

    Example:
        >>> index = BM25Index.build(["河北援藏资金", "山东援疆"])
        >>> int(index.scores("河北资金").argmax())
        0
    """

    def __init__(self, retriever: object, size: int) -> None:
        self._retriever = retriever
        self._size = size

    @classmethod
    def build(cls, texts: Sequence[str]) -> BM25Index:
        """Index ``texts``; position ``i`` in the result is text ``i``."""
        bm25s = _bm25s()
        retriever = bm25s.BM25()
        corpus_tokens = [list(passage_tokens(text)) for text in texts]
        if texts:
            retriever.index(corpus_tokens, show_progress=False)
        return cls(retriever, len(texts))

    def __len__(self) -> int:
        return self._size

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every indexed text for ``query`` (zeros when nothing matches)."""
        if self._size == 0:
            return np.zeros(0, dtype=np.float32)
        ids = self._retriever.get_tokens_ids(tokenize(query))  # type: ignore[attr-defined]
        return self._scores_of(ids)

    def _scores_of(self, ids: list[int]) -> np.ndarray:
        if not ids:  # bm25s needs at least one known token
            return np.zeros(self._size, dtype=np.float32)
        return np.asarray(self._retriever.get_scores(ids), dtype=np.float32)  # type: ignore[attr-defined]

    def idf(self, terms: Sequence[str]) -> dict[str, float]:
        """Inverse document frequency of each term; a term no text contains gets the highest.

        Used to weigh question words when judging whether a passage answers: a question
        word the corpus never uses (``房价`` in a corpus about aid teams) is strong
        evidence that the corpus does not answer it.
        """
        n = max(self._size, 1)
        out = {}
        for term in terms:
            ids = self._retriever.get_tokens_ids([term]) if self._size else []  # type: ignore[attr-defined]
            # BM25 gives every text that holds the term a positive score, and no other text any.
            df = int(np.count_nonzero(self._scores_of(ids))) if ids else 0
            out[term] = float(np.log1p((n - df + 0.5) / (df + 0.5)))
        return out

    def terms(self) -> Collection[str]:
        """Every indexed token (the vocabulary bm25s keeps; empty for an empty index)."""
        vocab = getattr(self._retriever, "vocab_dict", None) if self._size else None
        return vocab.keys() if vocab else frozenset()

    def save(self, folder: Path) -> None:
        """Write the index into ``folder`` as JSON and ``.npy`` files (no pickle)."""
        folder.mkdir(parents=True, exist_ok=True)
        if self._size:
            self._retriever.save(str(folder), allow_pickle=False)  # type: ignore[attr-defined]

    @classmethod
    def load(cls, folder: Path, *, size: int) -> BM25Index:
        """Read an index written by :meth:`save`; ``size`` is the number of texts."""
        bm25s = _bm25s()
        if size == 0:
            return cls(bm25s.BM25(), 0)
        retriever = bm25s.BM25.load(str(folder), allow_pickle=False, mmap=False)
        loaded = len(retriever.get_scores([0])) if retriever.vocab_dict else 0
        if loaded != size:
            raise ValueError(f"BM25 state holds {loaded} texts, the manifest says {size}")
        return cls(retriever, size)
