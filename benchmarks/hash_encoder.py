"""``--model hash``: a bag-of-characters hashing encoder, so the smoke run needs no model or torch.

Scores made with it say nothing about the real model; it only keeps the benchmark code running in CI.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import numpy as np

HASH_MODEL = "hash"


class HashEncoder:
    """Each character and character bigram (search form) hashed into ``dim`` buckets, L2-normalised."""

    def __init__(self, dim: int = 64) -> None:
        self._dim = dim

    @property
    def model_id(self) -> str:
        return HASH_MODEL

    @property
    def fingerprint(self) -> str:
        return f"benchmarks-hash:{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def token_count(self, text: str) -> int:
        return len(text) + 2

    def _vector(self, text: str) -> np.ndarray:
        from qa.textnorm import search_form

        form = search_form(text)
        vec = np.zeros(self._dim, dtype=np.float32)
        for gram in list(form) + [form[i : i + 2] for i in range(len(form) - 1)]:
            if not gram.isspace():
                bucket = int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=4).digest(), "little")
                vec[bucket % self._dim] += 1.0
        norm = float(np.linalg.norm(vec))
        if norm == 0.0:
            vec[0] = 1.0
            return vec
        return vec / norm

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self._dim), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts]).astype(np.float32)

    def encode_queries(
        self, texts: Sequence[str], *, batch_size: int = 16, show_progress_bar: bool = False
    ) -> np.ndarray:
        return self._encode(texts)

    def encode_passages(
        self, texts: Sequence[str], *, batch_size: int = 16, show_progress_bar: bool = False
    ) -> np.ndarray:
        return self._encode(texts)


def get_encoder(model: str | None) -> Any:
    """The hash encoder for ``hash``, else the engine's encoder for ``model`` (None: the default)."""
    if model == HASH_MODEL:
        return HashEncoder()
    from qa.engine import load_encoder
    from qa.settings import Settings

    return load_encoder(model or Settings().model)
