"""Shared fixtures: a deterministic fake encoder so unit tests need no model."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--all", action="store_true", help="also run the slow and e2e tests")


def pytest_configure(config: pytest.Config) -> None:
    # pyproject's addopts deselects slow and e2e tests so the default run is fast;
    # --all (used by CI) lifts that filter.
    if config.getoption("--all"):
        config.option.markexpr = ""


REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"


class FakeEncoder:
    """Bag-of-characters hashing encoder: similar texts get similar vectors, no model needed.

    Each character (after Traditional->Simplified folding, so scripts match) and each
    character bigram is hashed into one of ``dim`` buckets; the counts are L2-normalised.
    """

    def __init__(self, dim: int = 64, model_id: str = "fake/hash-encoder") -> None:
        self._dim = dim
        self._model_id = model_id

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def fingerprint(self) -> str:
        return f"{self._model_id}:{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def _vector(self, text: str) -> np.ndarray:
        from qa.textnorm import search_form

        form = search_form(text)
        vec = np.zeros(self._dim, dtype=np.float32)
        grams = list(form) + [form[i : i + 2] for i in range(len(form) - 1)]
        for gram in grams:
            if gram.isspace():
                continue
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

    def token_count(self, text: str) -> int:
        return len(text) + 2


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    return FakeEncoder()


@pytest.fixture
def corpus_dir() -> Path:
    return CORPUS
