"""Interfaces at the seams: sentence encoders and vector indexes.

A backend (another model runtime, another ANN library) implements one of these
protocols and callers in :mod:`qa` keep working unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol, Self, runtime_checkable

import numpy as np

DEFAULT_MODEL = "intfloat/multilingual-e5-small"


class Choice(StrEnum):
    """A closed set of names (modes, backends, index kinds); members compare equal to their strings."""

    @classmethod
    def from_str(cls, value: object, *, name: str = "value") -> Self:
        """The member named ``value``.

        Raises:
            ValueError: ``value`` names no member; the message shows it and lists the allowed ones.

        Example:
            >>> Backend.from_str("torch") is Backend.TORCH
            True
        """
        try:
            return cls(value)
        except ValueError:
            allowed = ", ".join(repr(c.value) for c in cls)
            raise ValueError(f"{name}={value!r} is not allowed; use one of {allowed}") from None


class Backend(Choice):
    """How an encoder runs on the CPU: ONNX Runtime with int8 weights, or PyTorch float32."""

    ONNX_INT8 = "onnx-int8"
    TORCH = "torch"


def check_texts(texts: Sequence[str], batch_size: int) -> None:
    """Refuse a single string (it would be embedded character by character) and a bad batch size.

    Raises:
        TypeError: ``texts`` is a string.
        ValueError: ``batch_size`` is below 1.
    """
    if isinstance(texts, str):
        raise TypeError("pass a list of texts, not a single string (it would be split into characters)")
    if batch_size < 1:
        raise ValueError(f"batch_size={batch_size!r} is not allowed; use a whole number >= 1")


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into L2-normalised float32 vectors of shape ``[n, dim]``.

    Queries and passages are encoded separately because retrieval models such as
    e5 and bge prefix them differently.
    """

    @property
    def model_id(self) -> str:
        """Name of the model (``intfloat/multilingual-e5-small``, a path...)."""
        ...

    @property
    def fingerprint(self) -> str:
        """Identifies the exact copy of the weights, so an index can refuse another."""
        ...

    @property
    def dim(self) -> int:
        """Embedding dimension."""
        ...

    def encode_queries(
        self, texts: Sequence[str], *, batch_size: int = 16, show_progress_bar: bool = False
    ) -> np.ndarray:
        """Embed questions."""
        ...

    def encode_passages(
        self, texts: Sequence[str], *, batch_size: int = 16, show_progress_bar: bool = False
    ) -> np.ndarray:
        """Embed passages to be searched."""
        ...

    def token_count(self, text: str) -> int:
        """Number of tokens the model sees for ``text`` (special tokens included)."""
        ...


@dataclass(frozen=True)
class Neighbors:
    """Result of a vector search: ``scores`` and ``ids``, each ``[n_queries, k]``; missing ids are -1."""

    scores: np.ndarray
    ids: np.ndarray


class VectorIndex(Protocol):
    """Inner-product search over normalised vectors, persisted to one file."""

    @property
    def kind(self) -> str:
        """``flat`` or ``hnsw``."""
        ...

    @property
    def ntotal(self) -> int:
        """Number of vectors held."""
        ...

    def add(self, vectors: np.ndarray) -> None:
        """Append vectors; their ids are their positions."""
        ...

    def search(self, queries: np.ndarray, *, k: int, ids: np.ndarray | None = None) -> Neighbors:
        """Return the ``k`` nearest vectors of each query by inner product (among ``ids`` when given)."""
        ...

    def save(self, path: Path) -> None:
        """Write the index to ``path``."""
        ...
