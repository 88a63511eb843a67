"""Build the span reader from the backbone and the shipped weights, and export it to int8 ONNX.

The shipped file holds only what training changed: the top ``trained_layers`` transformer
layers and the span head (``qa_outputs``), as safetensors (matrices int8 with a scale per row,
the rest float16). The rest is the
multilingual-e5-small the project converts offline. The export runs once per machine, into
a cache folder named by the backbone's fingerprint and the weights' checksum. Needs PyTorch
(as the encoder's export does); answering afterwards needs only ONNX Runtime.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import warnings
from pathlib import Path
from typing import Any

from embeddings.onnx_int8 import quantize_int8
from qa.answer.reader_weights import ReaderWeightsError

logger = logging.getLogger(__name__)

SPAN_WEIGHTS_PATH = Path(__file__).with_name("span_reader.safetensors")
RETRAIN = "retrain it with `python -m training.span_reader` (about 50 minutes on 2 cores)"


def read_meta(path: Path) -> dict[str, Any]:
    """The training metadata stored in the weights file (its layers, limits and figures).

    Raises:
        ReaderWeightsError: If the file is missing or not a span-reader weights file.
    """
    from safetensors import safe_open

    if not path.is_file():
        raise ReaderWeightsError(f"span reader weights {path} are missing; {RETRAIN}")
    try:
        with safe_open(str(path), framework="numpy") as f:
            meta = f.metadata() or {}
            keys = set(f.keys())
    except Exception as exc:  # safetensors raises its own error types for damaged headers
        raise ReaderWeightsError(f"span reader weights {path} are damaged ({exc}); {RETRAIN}") from None
    if "span_reader" not in meta or "qa_outputs.weight" not in keys:
        raise ReaderWeightsError(f"{path} is not a span reader weights file; {RETRAIN}")
    return json.loads(meta["span_reader"])


def weights_digest(path: Path) -> str:
    """First 16 hex digits of the weights file's SHA-256 (names the export's cache folder)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def build_model(backbone: Path, weights: Path | None = None) -> tuple[Any, dict[str, Any]]:
    """The backbone as a question-answering model, with the trained layers and head loaded from
    ``weights`` (None: an untrained head, for training). Returns the model and the metadata."""
    import torch
    from transformers import AutoModelForQuestionAnswering
    from transformers.utils import logging as hf_logging

    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()  # the untrained qa_outputs load report is expected
    hf_logging.disable_progress_bar()
    try:
        model = AutoModelForQuestionAnswering.from_pretrained(str(backbone))
    finally:
        hf_logging.set_verbosity(verbosity)
        hf_logging.enable_progress_bar()
    meta: dict[str, Any] = {}
    if weights is not None:
        from safetensors.torch import load_file

        meta = read_meta(weights)
        state = dequantise(load_file(str(weights)))
        first = model.config.num_hidden_layers - int(meta["trained_layers"])
        with torch.no_grad():
            for key, value in state.items():
                target = _target(model, key, first)
                if target.shape != value.shape:
                    raise ReaderWeightsError(f"{weights}: {key} has shape {tuple(value.shape)}, the backbone "
                                             f"expects {tuple(target.shape)}; {RETRAIN}")
                target.copy_(value.float())
    return model.eval(), meta


def dequantise(state: dict[str, Any]) -> dict[str, Any]:
    """Tensors stored as int8 rows (``NAME.q8`` with ``NAME.scale``) back as float32 ``NAME``."""
    out = {k: v for k, v in state.items() if not k.endswith((".q8", ".scale"))}
    for key in (k for k in state if k.endswith(".q8")):
        name = key[: -len(".q8")]
        scale = state.get(f"{name}.scale")
        if scale is None:
            raise ReaderWeightsError(f"span reader weights: {name} has no scale; {RETRAIN}")
        out[name] = state[key].float() * scale.float()[:, None]
    return out


def _target(model: Any, key: str, first: int) -> Any:
    """The backbone parameter a shipped key names (``layers.N.…`` = encoder layer ``first + N``)."""
    if key.startswith("qa_outputs."):
        return model.get_parameter(key)
    if key.startswith("layers."):
        _, n, rest = key.split(".", 2)
        return model.get_parameter(f"bert.encoder.layer.{first + int(n)}.{rest}")
    raise ReaderWeightsError(f"unexpected tensor {key!r} in the span reader weights; {RETRAIN}")


def export(backbone: Path, weights: Path, folder: Path) -> None:
    """Write ``reader-int8.onnx`` and ``tokenizer.json`` for :class:`~qa.answer.span_reader.SpanReader`
    into ``folder`` (atomically: a reader never sees half a file)."""
    import torch

    from qa.answer.span_reader import MODEL_FILE, TOKENIZER_FILE

    folder.mkdir(parents=True, exist_ok=True)
    model, _ = build_model(backbone, weights)

    class Logits(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, ...]:
            out = self.inner(input_ids=input_ids, attention_mask=attention_mask)
            return out.start_logits, out.end_logits

    fp32 = folder / f".reader.{os.getpid()}.fp32.onnx"
    tmp = folder / f".reader.{os.getpid()}.tmp.onnx"
    ids = torch.tensor([[0, 6, 100, 2, 2, 6, 200, 2]])
    axes = {0: "batch", 1: "tokens"}
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(Logits(model), (ids, torch.ones_like(ids)), str(fp32),
                              input_names=["input_ids", "attention_mask"], output_names=["start", "end"],
                              dynamic_axes={"input_ids": axes, "attention_mask": axes, "start": axes, "end": axes},
                              opset_version=17, dynamo=False)
        quantize_int8(fp32, tmp)
        os.replace(tmp, folder / MODEL_FILE)
    finally:
        for path in (fp32, tmp):
            path.unlink(missing_ok=True)
    tok = folder / f".{TOKENIZER_FILE}.{os.getpid()}.tmp"
    tok.write_bytes((backbone / TOKENIZER_FILE).read_bytes())
    os.replace(tok, folder / TOKENIZER_FILE)
    logger.info("exported the span reader to %s", folder)
