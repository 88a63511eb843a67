"""Export a loaded sentence-transformers model once for the ``onnx-int8`` backend (needs PyTorch).

Chosen in ``docs/benchmarks.md`` (encoder section): on CMRC2018 int8 kept dense and hybrid
hit@1 of the float32 model while embedding passages and queries several times faster on 2
cores. The transformer is exported with ``torch.onnx.export`` and quantised with
``onnxruntime.quantization.quantize_dynamic`` (int8 weights) into the model's cache folder,
next to its tokenizer (with the model's truncation and padding) and ``encoder.json``; from
then on :class:`~embeddings.onnx_encoder.OnnxEncoder` runs it without PyTorch. Needs
``onnxruntime`` and ``onnx``. sentence-transformers' own ``backend="onnx"`` needs
``optimum-onnx``, which does not work with the installed transformers 5.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from pathlib import Path
from typing import Any

from embeddings.errors import ModelLoadError
from embeddings.onnx_encoder import BACKEND, CONFIG_FILE, MODEL_FILE, TOKENIZER_FILE

logger = logging.getLogger(__name__)


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


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def runtime_tokenizer(model: Any) -> Any:
    """``model``'s fast tokenizer as a ``tokenizers.Tokenizer`` that truncates and pads as
    ``model.tokenizer(texts, padding=True, truncation=True, max_length=model.max_seq_length)``."""
    from tokenizers import Tokenizer

    hf = model.tokenizer
    tokenizer = Tokenizer.from_str(hf.backend_tokenizer.to_str())
    tokenizer.enable_truncation(max_length=int(model.max_seq_length), strategy="longest_first",
                                direction=hf.truncation_side)
    tokenizer.enable_padding(direction=hf.padding_side, pad_id=hf.pad_token_id,
                             pad_type_id=hf.pad_token_type_id, pad_token=hf.pad_token)
    return tokenizer


def _write_runtime_files(model: Any, folder: Path) -> None:
    """The tokenizer and ``encoder.json`` that let the backend run without PyTorch."""
    _write_atomic(folder / TOKENIZER_FILE, runtime_tokenizer(model).to_str())
    config = {"dim": int(model.get_embedding_dimension()), "max_seq_length": int(model.max_seq_length),
              "do_lower_case": bool(getattr(model[0], "do_lower_case", False))}
    _write_atomic(folder / CONFIG_FILE, json.dumps(config, indent=2) + "\n")


def unsupported(model: Any) -> str | None:
    """Why ``model`` cannot run here, or None.

    :class:`~embeddings.onnx_encoder.OnnxEncoder` reproduces exactly Transformer -> mean Pooling
    (-> Normalize); any other pipeline (CLS pooling, a Dense layer) would give different vectors
    without an error.
    """
    names = [type(module).__name__ for module in model]
    if names not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        return f"its modules are {' -> '.join(names)}, not Transformer -> Pooling (-> Normalize)"
    pooling = model[1]
    mode = getattr(pooling, "pooling_mode", None)
    if mode not in ("mean", ("mean",)) and not getattr(pooling, "pooling_mode_mean_tokens", False):
        return f"it pools with {mode or 'a mode other than mean'}, not mean pooling"
    if getattr(pooling, "include_prompt", True) is False:
        return "its pooling leaves the prompt out"
    if getattr(model.tokenizer, "backend_tokenizer", None) is None:
        return "it has no fast tokenizer"
    return None


def export(model: Any, folder: Path) -> None:
    """Export ``model`` into ``folder`` for the backend, unless a complete export is there.

    Raises:
        ModelLoadError: onnxruntime/onnx are missing or the export fails.
    """
    try:
        import onnxruntime  # noqa: F401
    except ImportError as exc:
        raise ModelLoadError(
            f"the {BACKEND} backend needs onnxruntime and onnx: `pip install onnxruntime onnx`"
        ) from exc
    from filelock import FileLock

    folder.mkdir(parents=True, exist_ok=True)
    target = folder / MODEL_FILE
    with FileLock(str(folder / ".export.lock"), timeout=600):
        try:
            if not target.is_file():
                logger.info("First run: making the language model faster for this computer "
                            "(once; 20-60 s)…")
                logger.debug("exporting the model for the %s backend to %s", BACKEND, target)
                _export(model, target)
            if not (folder / CONFIG_FILE).is_file():
                _write_runtime_files(model, folder)
        except Exception as exc:  # export/quantisation raise many types; all mean "unusable"
            raise ModelLoadError(f"could not export the model to ONNX int8 in {folder}: {exc}") from exc
