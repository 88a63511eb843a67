"""Run a loaded sentence-transformers model's transformer through ONNX Runtime with int8 weights.

Chosen in ``docs/benchmarks.md`` (encoder section): on CMRC2018 it kept dense and hybrid hit@1
of the float32 model while embedding passages and queries several times faster on 2 cores.
The transformer is exported once with ``torch.onnx.export`` and quantised with
``onnxruntime.quantization.quantize_dynamic`` (int8 weights), cached beside the converted
model; mean pooling and L2 normalisation are done here. Needs ``onnxruntime`` and ``onnx``
(imported only when this backend is chosen). sentence-transformers' own ``backend="onnx"``
needs ``optimum-onnx``, which does not work with the installed transformers 5.
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from embeddings.errors import ModelLoadError

logger = logging.getLogger(__name__)

BACKEND = "onnx-int8"
EXPORT_VERSION = 1  # bump when the export or quantisation changes: it is part of the fingerprint


def export_fp32(model: Any, path: Path) -> None:
    """Write ``model``'s transformer (token ids and mask in, last hidden state out) as float32 ONNX."""
    import torch

    transformer = model[0].auto_model.eval()

    class LastHidden(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    dummy = model.tokenizer(["passage: 测试 text"], return_tensors="pt")
    axes = {0: "batch", 1: "tokens"}
    # The legacy exporter's tracer/deprecation warnings describe code paths this fixed-shape
    # mean-pooled encoder never takes; the parity test guards the result instead.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            LastHidden(transformer), (dummy["input_ids"], dummy["attention_mask"]), str(path),
            input_names=["input_ids", "attention_mask"], output_names=["hidden"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "hidden": axes},
            opset_version=17, dynamo=False,
        )


def quantize_int8(source: Path, target: Path) -> None:
    """Write ``source`` ONNX with int8 weights (dynamic quantisation) to ``target``."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # onnxruntime.quantization reports each tensor it skips on the root logger (dozens of
    # INFO lines per model); they are not actionable, so they are held back while it runs.
    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)
    try:
        quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8)
    finally:
        logging.disable(previous)


def _export(model: Any, target: Path) -> None:
    """Write ``model``'s transformer as int8 ONNX to ``target`` (atomically)."""
    fp32 = target.with_name(f".{target.stem}.{os.getpid()}.fp32.onnx")
    tmp = target.with_name(f".{target.stem}.{os.getpid()}.tmp.onnx")
    try:
        export_fp32(model, fp32)
        quantize_int8(fp32, tmp)
        os.replace(tmp, target)
    finally:
        for path in (fp32, tmp):
            path.unlink(missing_ok=True)


def unsupported(model: Any) -> str | None:
    """Why ``model`` cannot run here, or None.

    :func:`encode` reproduces exactly Transformer -> mean Pooling (-> Normalize); any other
    pipeline (CLS pooling, a Dense layer) would give different vectors without an error.
    """
    names = [type(module).__name__ for module in model]
    if names not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        return f"its modules are {' -> '.join(names)}, not Transformer -> Pooling (-> Normalize)"
    pooling = model[1]
    mode = getattr(pooling, "pooling_mode", None)
    if mode not in ("mean", ("mean",)) and not getattr(pooling, "pooling_mode_mean_tokens", False):
        return f"it pools with {mode or 'a mode other than mean'}, not mean pooling"
    return None


def load_session(model: Any, folder: Path, *, threads: int) -> Any:
    """ONNX Runtime session of ``model`` in int8, exporting it into ``folder`` on first use.

    Raises:
        ModelLoadError: onnxruntime/onnx are missing or the export fails.
    """
    try:
        import onnxruntime as ort
    except ImportError as exc:
        raise ModelLoadError(
            f"the {BACKEND} backend needs onnxruntime and onnx: `pip install onnxruntime onnx`"
        ) from exc
    target = folder / "model-int8.onnx"
    if not target.is_file():
        from filelock import FileLock

        folder.mkdir(parents=True, exist_ok=True)
        with FileLock(str(folder / ".export.lock"), timeout=600):
            if not target.is_file():
                logger.info("first use of the %s backend: exporting the model to %s (once)", BACKEND, target)
                try:
                    _export(model, target)
                except Exception as exc:  # export/quantisation raise many types; all mean "unusable"
                    raise ModelLoadError(f"could not export the model to ONNX int8 in {folder}: {exc}") from exc
    options = ort.SessionOptions()
    options.intra_op_num_threads = max(1, threads)
    return ort.InferenceSession(str(target), options, providers=["CPUExecutionProvider"])


def encode(session: Any, tokenizer: Any, texts: list[str], *, max_length: int, batch_size: int,
           dim: int) -> np.ndarray:
    """Mean-pooled, L2-normalised float32 vectors of ``texts`` (prefixes already added)."""
    out = np.zeros((len(texts), dim), dtype=np.float32)
    order = np.argsort([-len(t) for t in texts], kind="stable")  # similar lengths batch together
    for start in range(0, len(texts), batch_size):
        idx = order[start:start + batch_size]
        enc = tokenizer([texts[i] for i in idx], padding=True, truncation=True, max_length=max_length,
                        return_tensors="np")
        feeds = {"input_ids": enc["input_ids"].astype(np.int64),
                 "attention_mask": enc["attention_mask"].astype(np.int64)}
        hidden = session.run(None, feeds)[0]
        mask = feeds["attention_mask"][..., None].astype(np.float32)
        pooled = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
        out[idx] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
    return out
