"""Load the encoder for a model name and backend: the one entry point callers use.

On the default ``onnx-int8`` backend a model already exported into the cache is opened with
``tokenizers`` and ``onnxruntime`` only (:class:`~embeddings.onnx_encoder.OnnxEncoder`), so
answering a question never imports PyTorch. The first use loads the model once with
sentence-transformers to export it; a model that backend cannot reproduce exactly (not
mean-pooled, extra layers) runs on PyTorch instead, with a warning.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from embeddings.base import DEFAULT_MODEL, Backend, Encoder
from embeddings.errors import ModelLoadError
from embeddings.models import ResolvedModel, cache_root, resolve_model
from embeddings.onnx_encoder import OnnxEncoder

logger = logging.getLogger(__name__)


def onnx_folder(resolved: ResolvedModel, cache_dir: Path | None = None) -> Path:
    """Cache folder of the ONNX export of ``resolved`` (named after its fingerprint)."""
    return cache_root(cache_dir) / "onnx" / hashlib.sha256(resolved.fingerprint.encode()).hexdigest()[:16]


def load_encoder(name: str = DEFAULT_MODEL, *, backend: str = Backend.ONNX_INT8, cache_dir: Path | None = None,
                 threads: int | None = None) -> Encoder:
    """The encoder of model ``name`` on ``backend``.

    Args:
        name: Default model id, a local sentence-transformers folder, or a hub id in the HF cache.
        backend: ``onnx-int8`` (ONNX Runtime, int8 weights; faster on CPU, its vectors differ
            slightly, so it has its own fingerprint) or ``torch`` (PyTorch float32).
        cache_dir: Cache for the converted default model and the ONNX exports.
        threads: CPU threads of the runtime; default ``$OMP_NUM_THREADS``, else all CPUs available.

    Raises:
        ModelLoadError: Unknown backend (checked before anything loads), or the model cannot be
            found, loaded or exported.
    """
    try:
        backend = Backend.from_str(backend, name="backend")
    except ValueError as exc:
        raise ModelLoadError(str(exc)) from None
    resolved = resolve_model(name, cache_dir=cache_dir)
    folder = onnx_folder(resolved, cache_dir)
    if backend is Backend.ONNX_INT8:
        ready = OnnxEncoder.open(folder, resolved, threads=threads)
        if ready is not None:
            return ready
    from embeddings import onnx_int8
    from embeddings.sentence_encoder import SentenceTransformerEncoder

    # Importing PyTorch and loading the model takes 5-15 s: say so rather than stay silent.
    logger.info("Loading the language model with PyTorch…")
    torch_encoder = SentenceTransformerEncoder.from_resolved(resolved, threads=threads)
    if backend is Backend.TORCH:
        return torch_encoder
    reason = onnx_int8.unsupported(torch_encoder.model)
    if reason:
        logger.warning("%s cannot run on the %s backend (%s); running it with PyTorch instead",
                       resolved.model_id, backend, reason)
        return torch_encoder
    onnx_int8.export(torch_encoder.model, folder)
    encoder = OnnxEncoder.open(folder, resolved, threads=threads)
    if encoder is None:  # the export just wrote every file; only a concurrent delete gets here
        raise FileNotFoundError(f"the ONNX export in {folder} disappeared while loading it")
    return encoder
