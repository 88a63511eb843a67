"""The :class:`~embeddings.base.Encoder` backed by sentence-transformers (PyTorch, CPU).

``torch`` and ``sentence_transformers`` are imported only when a model is loaded, so
importing :mod:`embeddings` stays cheap for commands that never embed anything. The
default backend does not use this class to answer queries: see :mod:`embeddings.loading`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from embeddings.base import DEFAULT_MODEL, check_texts
from embeddings.errors import ModelLoadError
from embeddings.model_info import ModelInfo
from embeddings.models import ResolvedModel, resolve_model
from embeddings.threads import cpu_threads

log = logging.getLogger(__name__)


class SentenceTransformerEncoder(ModelInfo):
    """Embeds queries and passages with a sentence-transformers model (``encode_query`` /
    ``encode_document``, with the prefixes from the model's prompts).

    Example:
        >>> from embeddings import SentenceTransformerEncoder
        >>> enc = SentenceTransformerEncoder.load()          # doctest: +SKIP
        >>> q = enc.encode_queries(["长江有多长？"])            # doctest: +SKIP
        >>> p = enc.encode_passages(["长江全长约6300公里。"])   # doctest: +SKIP
        >>> q.shape, q.dtype, float(q @ p.T)                 # doctest: +SKIP
        ((1, 384), dtype('float32'), 0.9...)
    """

    def __init__(self, model: Any, resolved: ResolvedModel) -> None:
        """Wrap an already loaded ``SentenceTransformer``; prefer :meth:`load`."""
        self._model = model
        self._resolved = resolved
        dim = model.get_embedding_dimension()
        if not isinstance(dim, int) or dim < 1:
            raise ModelLoadError(f"model {resolved.model_id!r} does not report an embedding dimension")
        self._dim = dim
        self._counter = self._make_counter(model)

    @classmethod
    def load(
        cls,
        name: str = DEFAULT_MODEL,
        *,
        cache_dir: Path | None = None,
        device: str = "cpu",
        threads: int | None = None,
    ) -> SentenceTransformerEncoder:
        """Resolve ``name`` (see :func:`embeddings.models.resolve_model`) and load it with PyTorch.

        Args:
            name: Default model id, a local folder, or a hub id present in the HF cache.
            cache_dir: Cache for the converted default model.
            device: Torch device, ``cpu`` unless you know better.
            threads: Torch intra-op threads; default ``$OMP_NUM_THREADS``, else all CPUs
                available to this process.

        Raises:
            ModelLoadError: The model cannot be found or loaded.
        """
        return cls.from_resolved(resolve_model(name, cache_dir=cache_dir), device=device, threads=threads)

    @classmethod
    def from_resolved(cls, resolved: ResolvedModel, *, device: str = "cpu",
                      threads: int | None = None) -> SentenceTransformerEncoder:
        """Load an already resolved model with PyTorch (see :meth:`load`)."""
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the hub is unreachable: fail fast, never hang
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # avoid fork warnings in servers
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        # transformers draws a "Loading weights" bar on every load; in a CLI answer or a
        # server log it is noise (embedding progress bars are shown when asked for).
        transformers.logging.disable_progress_bar()
        torch.set_num_threads(cpu_threads(threads))
        try:
            model = SentenceTransformer(resolved.location, device=device, local_files_only=True)
        except Exception as exc:  # torch/transformers raise many types; all mean "unusable"
            raise ModelLoadError(
                f"could not load model {resolved.model_id!r} from {resolved.location}: {exc}. "
                "Pass a sentence-transformers model folder with --model"
            ) from exc
        model.eval()
        log.debug("loaded %s from %s (%s, %d threads)", resolved.model_id, resolved.location, device,
                 torch.get_num_threads())
        return cls(model, resolved)

    @property
    def model(self) -> Any:
        """The wrapped ``SentenceTransformer``."""
        return self._model

    @staticmethod
    def _make_counter(model: Any) -> Any:
        """A copy of the fast tokenizer without truncation or padding, for exact counts."""
        backend = getattr(model.tokenizer, "backend_tokenizer", None)
        if backend is None:
            return None
        from tokenizers import Tokenizer

        counter = Tokenizer.from_str(backend.to_str())
        counter.no_truncation()
        counter.no_padding()
        return counter

    def _encode(self, method: Any, texts: Sequence[str], prefix: str, batch_size: int,
                show_progress_bar: bool) -> np.ndarray:
        check_texts(texts, batch_size)
        if len(texts) == 0:
            return np.zeros((0, self._dim), dtype=np.float32)
        vectors = method(list(texts), prompt=prefix, batch_size=batch_size, show_progress_bar=show_progress_bar,
                         normalize_embeddings=True, convert_to_numpy=True)
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_queries(
        self, texts: Sequence[str], *, batch_size: int = 16, show_progress_bar: bool = False
    ) -> np.ndarray:
        """Embed questions (query prompt added): float32 ``[n, dim]``, unit rows."""
        return self._encode(self._model.encode_query, texts, self._resolved.query_prefix, batch_size,
                            show_progress_bar)

    def encode_passages(
        self, texts: Sequence[str], *, batch_size: int = 16, show_progress_bar: bool = False
    ) -> np.ndarray:
        """Embed passages (document prompt added): float32 ``[n, dim]``, unit rows."""
        return self._encode(self._model.encode_document, texts, self._resolved.passage_prefix, batch_size,
                            show_progress_bar)

    def token_count(self, text: str) -> int:
        """Tokens the model sees for ``text`` as a passage: prefix and special tokens included,
        not truncated (so callers can tell when a chunk exceeds the model's window)."""
        full = self._resolved.passage_prefix + text
        if self._counter is not None:
            return len(self._counter.encode(full).ids)
        return len(self._model.tokenizer(full, truncation=False)["input_ids"])

    @property
    def max_seq_length(self) -> int:
        """Longest input in tokens; longer passages are truncated by the model."""
        return int(self._model.max_seq_length)
