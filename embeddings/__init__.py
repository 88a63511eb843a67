"""Sentence embeddings: the encoder/index protocols, model resolution, the ONNX Runtime and
sentence-transformers encoders. Importing this package imports neither torch nor onnxruntime
(that happens on load; the default backend never imports torch once the model is exported).

Example:
    >>> from embeddings import load_encoder
    >>> enc = load_encoder()   # doctest: +SKIP
"""

from __future__ import annotations

from embeddings.base import DEFAULT_MODEL, Backend, Encoder, Neighbors, VectorIndex
from embeddings.errors import EmbeddingsError, ModelLoadError
from embeddings.loading import load_encoder
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
    "load_encoder",
    "resolve_model",
]
