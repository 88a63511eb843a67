"""An encoder wrapper that remembers vectors by text, for quality runs only.

Quality runs ask the same question once per mode and embed the same candidate sentences
for many questions; encoding is deterministic, so caching changes no score, only the time.
Never use it for speed figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


class CachingEncoder:
    """Delegates to ``inner``; ``encode_queries``/``encode_passages`` reuse earlier vectors."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self._cache: dict[tuple[str, str], np.ndarray] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    @property
    def model_id(self) -> str:
        return self._inner.model_id

    @property
    def fingerprint(self) -> str:
        return self._inner.fingerprint

    @property
    def dim(self) -> int:
        return self._inner.dim

    def token_count(self, text: str) -> int:
        return self._inner.token_count(text)

    def remember(self, kind: str, text: str, vector: np.ndarray) -> None:
        """Take ``vector`` as the encoding of ``text`` (``kind``: ``q`` or ``p``), e.g. from a stored index."""
        self._cache[(kind, text)] = np.asarray(vector, dtype=np.float32)

    def _encode(
        self, kind: str, texts: Sequence[str], batch_size: int, show_progress_bar: bool
    ) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if (kind, t) not in self._cache))
        if missing:
            fn = self._inner.encode_queries if kind == "q" else self._inner.encode_passages
            for text, vec in zip(
                missing, fn(missing, batch_size=batch_size, show_progress_bar=show_progress_bar), strict=True
            ):
                self._cache[(kind, text)] = vec
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._cache[(kind, t)] for t in texts]).astype(np.float32)

    def encode_queries(
        self, texts: Sequence[str], *, batch_size: int = 16, show_progress_bar: bool = False
    ) -> np.ndarray:
        return self._encode("q", texts, batch_size, show_progress_bar)

    def encode_passages(
        self, texts: Sequence[str], *, batch_size: int = 16, show_progress_bar: bool = False
    ) -> np.ndarray:
        return self._encode("p", texts, batch_size, show_progress_bar)
