"""Ways to run the same sentence model on CPU, behind the :class:`~embeddings.base.Encoder` protocol.

* ``torch-fp32``: the shipped :class:`SentenceTransformerEncoder` as is.
* ``torch-int8``: the same model with ``torch.ao.quantization.quantize_dynamic`` on every
  ``nn.Linear`` (int8 weights, activations quantised on the fly); no new dependency.
* ``onnx-fp32`` / ``onnx-int8``: the transformer exported with ``torch.onnx.export`` and run by
  ONNX Runtime, int8 via ``onnxruntime.quantization.quantize_dynamic``; only offered when
  ``onnxruntime`` and ``onnx`` import (they are not project dependencies).

Every variant gets its own fingerprint, because its vectors differ from the float32 ones.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from embeddings.onnx_encoder import mean_pool
from embeddings.sentence_encoder import SentenceTransformerEncoder


def available_variants() -> tuple[str, ...]:
    names = ["torch-fp32", "torch-int8"]
    if importlib.util.find_spec("onnxruntime") and importlib.util.find_spec("onnx"):
        names += ["onnx-fp32", "onnx-int8"]
    return tuple(names)


class VariantEncoder:
    """Delegates to a loaded encoder; ``embed`` overrides how token batches become vectors."""

    def __init__(self, base: SentenceTransformerEncoder, variant: str, session: Any = None) -> None:
        self._base = base
        self.variant = variant
        self._session = session

    @property
    def model_id(self) -> str:
        return self._base.model_id

    @property
    def fingerprint(self) -> str:
        return (
            self._base.fingerprint
            if self.variant == "torch-fp32"
            else f"{self._base.fingerprint}+{self.variant}"
        )

    @property
    def dim(self) -> int:
        return self._base.dim

    def token_count(self, text: str) -> int:
        return self._base.token_count(text)

    def _onnx(self, texts: list[str], batch_size: int) -> np.ndarray:
        tokenizer = self._base._model.tokenizer  # noqa: SLF001
        max_len = self._base.max_seq_length
        order = np.argsort([-len(t) for t in texts])  # like sentence-transformers: similar lengths together
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            idx = order[start : start + batch_size]
            enc = tokenizer(
                [texts[i] for i in idx],
                padding=True,
                truncation=True,
                max_length=max_len,
                return_tensors="np",
            )
            feeds = {
                "input_ids": enc["input_ids"].astype(np.int64),
                "attention_mask": enc["attention_mask"].astype(np.int64),
            }
            out[idx] = mean_pool(self._session.run(None, feeds)[0], feeds["attention_mask"])
        return out

    def _encode(
        self, texts: Sequence[str], prefix: str, batch_size: int, show_progress_bar: bool
    ) -> np.ndarray:
        if self._session is None:
            if prefix == self._base.resolved.query_prefix:
                return self._base.encode_queries(
                    texts, batch_size=batch_size, show_progress_bar=show_progress_bar
                )
            return self._base.encode_passages(
                texts, batch_size=batch_size, show_progress_bar=show_progress_bar
            )
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._onnx([prefix + t for t in texts], batch_size)

    def encode_queries(
        self, texts: Sequence[str], *, batch_size: int = 16, show_progress_bar: bool = False
    ) -> np.ndarray:
        return self._encode(texts, self._base.resolved.query_prefix, batch_size, show_progress_bar)

    def encode_passages(
        self, texts: Sequence[str], *, batch_size: int = 16, show_progress_bar: bool = False
    ) -> np.ndarray:
        return self._encode(texts, self._base.resolved.passage_prefix, batch_size, show_progress_bar)


def _export_onnx(base: SentenceTransformerEncoder, folder: Path, int8: bool) -> Path:
    from embeddings.onnx_int8 import export_fp32, quantize_int8

    folder.mkdir(parents=True, exist_ok=True)
    fp32 = folder / "model.onnx"
    if not fp32.is_file():
        export_fp32(base._model, fp32)  # noqa: SLF001
    if not int8:
        return fp32
    q8 = folder / "model-int8.onnx"
    if not q8.is_file():
        quantize_int8(fp32, q8)
    return q8


def load_variant(
    variant: str, model: str | None, *, cache: Path, threads: int | None = None
) -> VariantEncoder:
    """Load ``model`` (default: the engine's default) run the ``variant`` way."""
    base = (
        SentenceTransformerEncoder.load(model, threads=threads)
        if model
        else SentenceTransformerEncoder.load(threads=threads)
    )
    if variant == "torch-fp32":
        return VariantEncoder(base, variant)
    if variant == "torch-int8":
        import torch

        base._model = torch.ao.quantization.quantize_dynamic(  # noqa: SLF001
            base._model, {torch.nn.Linear}, dtype=torch.qint8
        )  # noqa: SLF001
        return VariantEncoder(base, variant)
    if variant in ("onnx-fp32", "onnx-int8"):
        import onnxruntime as ort

        path = _export_onnx(
            base,
            cache / "onnx" / base.fingerprint.replace(":", "_").replace("/", "_"),
            variant == "onnx-int8",
        )
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or 0
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        return VariantEncoder(base, variant, session)
    raise ValueError(f"unknown encoder variant {variant!r}; use one of {available_variants()}")
