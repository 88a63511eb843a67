"""Sentence embeddings: the encoder/index protocols, the sentence-transformers encoder and
model resolution. Importing this package does not import torch (that happens on load).

Example:
    >>> from embeddings import SentenceTransformerEncoder
    >>> enc = SentenceTransformerEncoder.load()   # doctest: +SKIP
"""

from __future__ import annotations

from embeddings.base import DEFAULT_MODEL, Backend, Encoder, Neighbors, VectorIndex
from embeddings.errors import EmbeddingsError, ModelLoadError
from embeddings.models import ResolvedModel, resolve_model
from embeddings.sentence_encoder import SentenceTransformerEncoder

__all__ = [
    "DEFAULT_MODEL",
    "Backend",
    "EmbeddingsError",
    "Encoder",
    "ModelLoadError",
    "Neighbors",
    "ResolvedModel",
    "SentenceTransformerEncoder",
    "VectorIndex",
    "resolve_model",
]
