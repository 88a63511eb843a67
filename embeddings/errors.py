"""Errors of the embeddings package that a user can act on (each names the bad value)."""

from __future__ import annotations


class EmbeddingsError(Exception):
    """Base class of every error this package raises on purpose."""


class ModelLoadError(EmbeddingsError, RuntimeError):
    """The embedding model could not be found or loaded."""
