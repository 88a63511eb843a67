"""The :class:`~embeddings.base.Encoder` of the default ``onnx-int8`` backend: no PyTorch.

A model exported once by :mod:`embeddings.onnx_int8` (which does need PyTorch) leaves three
files in its cache folder: the int8 ONNX transformer, the model's fast tokenizer with the
truncation and padding that sentence-transformers applies, and ``encoder.json`` (dimension,
maximum length). This module runs them with ``tokenizers`` and ``onnxruntime`` alone, and
pools as the model does (mean over the attention mask, then L2 normalisation), so a query
costs neither the import of torch nor of sentence-transformers.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from embeddings.base import Backend, check_texts
from embeddings.errors import ModelLoadError
from embeddings.model_info import ModelInfo
from embeddings.models import ResolvedModel
from embeddings.threads import cpu_session, cpu_threads

logger = logging.getLogger(__name__)

BACKEND = Backend.ONNX_INT8.value
EXPORT_VERSION = 1  # bump when the export or quantisation changes: it is part of the fingerprint
MODEL_FILE = "model-int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
CONFIG_FILE = "encoder.json"  # written last by the export: its presence means the folder is complete


def backend_fingerprint(resolved: ResolvedModel) -> str:
    """Fingerprint of ``resolved`` run on this backend (int8 vectors differ slightly from float32)."""
    return f"{resolved.fingerprint}+{BACKEND}-v{EXPORT_VERSION}"


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean of ``hidden`` ``[n, tokens, dim]`` over the tokens ``mask`` keeps, L2-normalised rows."""
    weights = mask[..., None].astype(np.float32)
    pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
    return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


class OnnxEncoder(ModelInfo):
    """Embeds with an exported int8 ONNX model through ONNX Runtime; tokenizes with ``tokenizers``.

    Example:
        >>> from embeddings import load_encoder
        >>> enc = load_encoder()                        # doctest: +SKIP
        >>> enc.encode_queries(["长江有多长？"]).shape    # doctest: +SKIP
        (1, 384)
    """

    def __init__(self, session: Any, tokenizer: Any, *, resolved: ResolvedModel, dim: int,
                 max_seq_length: int, lower_case: bool = False) -> None:
        """Wrap a session and a configured tokenizer; prefer :meth:`open`."""
        self._session = session
        self._tokenizer = tokenizer
        self._resolved = resolved
        self._dim = dim
        self._max_seq_length = max_seq_length
        self._lower_case = lower_case
        self._counter: Any = None  # made on first use: copying a large vocabulary takes seconds

    @classmethod
    def open(cls, folder: Path, resolved: ResolvedModel, *, threads: int | None = None) -> OnnxEncoder | None:
        """The encoder exported into ``folder``, or None when the export is not complete there.

        Args:
            folder: The model's ONNX cache folder (see :func:`embeddings.loading.onnx_folder`).
            resolved: The model as resolved (prefixes, fingerprint of the float32 weights).
            threads: ONNX Runtime intra-op threads (see :func:`embeddings.threads.cpu_threads`).

        Raises:
            ModelLoadError: onnxruntime is missing or the files cannot be read.
        """
        folder = Path(folder)
        paths = [folder / name for name in (MODEL_FILE, TOKENIZER_FILE, CONFIG_FILE)]
        if not all(p.is_file() for p in paths):
            return None
        try:
            import onnxruntime  # noqa: F401  (checked here, so a missing package is a clear ModelLoadError)
        except ImportError as exc:
            raise ModelLoadError(f"the {BACKEND} backend needs onnxruntime: `pip install onnxruntime`") from exc
        from tokenizers import Tokenizer

        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # avoid fork warnings in servers
        try:
            config = json.loads(paths[2].read_text(encoding="utf-8"))
            tokenizer = Tokenizer.from_file(str(paths[1]))
            session = cpu_session(paths[0], threads)
            dim, max_len = int(config["dim"]), int(config["max_seq_length"])
        except Exception as exc:  # onnxruntime/tokenizers raise many types; all mean "unusable"
            raise ModelLoadError(
                f"could not load the {BACKEND} copy of {resolved.model_id!r} from {folder}: {exc}. "
                f"Delete {folder} to export it again"
            ) from exc
        logger.debug("loaded %s (%s) from %s, %d threads", resolved.model_id, BACKEND, folder,
                     cpu_threads(threads))
        return cls(session, tokenizer, resolved=replace(resolved, fingerprint=backend_fingerprint(resolved)),
                   dim=dim, max_seq_length=max_len, lower_case=bool(config.get("do_lower_case", False)))

    @property
    def max_seq_length(self) -> int:
        """Longest input in tokens; longer inputs are truncated."""
        return self._max_seq_length

    def _encode(self, texts: Sequence[str], prefix: str, batch_size: int, show_progress_bar: bool) -> np.ndarray:
        check_texts(texts, batch_size)
        inputs = [prefix + t for t in texts]
        if self._lower_case:
            inputs = [t.lower() for t in inputs]
        out = np.zeros((len(inputs), self._dim), dtype=np.float32)
        order = np.argsort([-len(t) for t in inputs], kind="stable")  # similar lengths batch together
        starts = range(0, len(inputs), batch_size)
        if show_progress_bar:
            from tqdm.auto import tqdm

            starts = tqdm(starts, desc="Passages", unit="batch", leave=False)
        for start in starts:
            idx = order[start:start + batch_size]
            encoded = self._tokenizer.encode_batch([inputs[i] for i in idx])
            feeds = {"input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
                     "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64)}
            hidden = self._session.run(None, feeds)[0]
            out[idx] = mean_pool(hidden, feeds["attention_mask"])
        return out

    def encode_queries(
        self, texts: Sequence[str], *, batch_size: int = 16, show_progress_bar: bool = False
    ) -> np.ndarray:
        """Embed questions (query prompt added): float32 ``[n, dim]``, unit rows."""
        return self._encode(texts, self._resolved.query_prefix, batch_size, show_progress_bar)

    def encode_passages(
        self, texts: Sequence[str], *, batch_size: int = 16, show_progress_bar: bool = False
    ) -> np.ndarray:
        """Embed passages (document prompt added): float32 ``[n, dim]``, unit rows."""
        return self._encode(texts, self._resolved.passage_prefix, batch_size, show_progress_bar)

    def token_count(self, text: str) -> int:
        """Tokens the model sees for ``text`` as a passage: prefix and special tokens included,
        not truncated (so callers can tell when a chunk exceeds the model's window)."""
        if self._counter is None:
            from tokenizers import Tokenizer

            counter = Tokenizer.from_str(self._tokenizer.to_str())
            counter.no_truncation()
            counter.no_padding()
            self._counter = counter
        full = self._resolved.passage_prefix + text
        return len(self._counter.encode(full.lower() if self._lower_case else full).ids)
