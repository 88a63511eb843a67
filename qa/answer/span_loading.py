"""Open the span reader once per process, exporting it first if this machine has no export yet.

The reader's backbone is always the default multilingual-e5-small (its weights were trained on
it), whatever model the index uses for retrieval. The export (:mod:`qa.answer.span_export`)
needs PyTorch and takes about half a minute; it is cached under the model cache, in a folder
named by the backbone's fingerprint and the weights' checksum, so new weights export anew.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from functools import lru_cache
from pathlib import Path

from embeddings.base import DEFAULT_MODEL
from embeddings.models import cache_root, resolve_model
from qa.answer import crosslingual_confidence
from qa.answer.reader_weights import LinearModel, ReaderWeightsError, check_features
from qa.answer.span_export import RETRAIN, SPAN_WEIGHTS_PATH, export, read_meta, weights_digest
from qa.answer.span_reader import MODEL_FILE, SPAN_CONFIDENCE_FEATURES, TOKENIZER_FILE, SpanReader
from qa.settings import Settings

logger = logging.getLogger(__name__)
_LOCK = threading.Lock()
# Fusion weight of weights not yet calibrated by ``python -m training.span_confidence``.
DEFAULT_FUSION = 1.0


def reader_folder(weights: Path = SPAN_WEIGHTS_PATH, cache_dir: Path | None = None, *,
                  digest: str | None = None) -> Path:
    """Cache folder of the exported reader for ``weights`` (``digest``: their
    :func:`~qa.answer.span_export.weights_digest`, when already known) on the default backbone."""
    resolved = resolve_model(DEFAULT_MODEL, cache_dir=cache_dir)
    key = hashlib.sha256(f"{resolved.fingerprint}:{digest or weights_digest(weights)}".encode()).hexdigest()[:16]
    return cache_root(cache_dir) / "reader" / key


@lru_cache(maxsize=4)
def load_span_reader(weights: Path = SPAN_WEIGHTS_PATH, *, max_tokens: int = 128,
                     cache_dir: Path | None = None, crosslingual: bool = True) -> SpanReader:
    """The span reader for ``weights`` (exported on first use), reading at most ``max_tokens``;
    with ``crosslingual`` False, without the English confidence model (for fitting a new one).

    Raises:
        ReaderWeightsError: If the weights or the cross-lingual confidence are missing or damaged
            (the message says how to retrain).
        ModelLoadError: If the backbone cannot be converted.
    """
    meta = read_meta(weights)
    confidence = None
    if meta.get("confidence"):
        try:
            confidence = LinearModel.from_dict(meta["confidence"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ReaderWeightsError(f"{weights}: its confidence model is damaged ({exc}); {RETRAIN}") from None
        check_features(confidence, SPAN_CONFIDENCE_FEATURES, name="span confidence", source=str(weights))
    digest = weights_digest(weights)  # reads the whole file: once per load
    english = crosslingual_confidence.load_model(digest) if crosslingual else None
    with _LOCK:
        folder = reader_folder(weights, cache_dir, digest=digest)
        if not (folder / MODEL_FILE).is_file() or not (folder / TOKENIZER_FILE).is_file():
            logger.info("Preparing the answer reader (once per machine, about half a minute)…")
            export(Path(resolve_model(DEFAULT_MODEL, cache_dir=cache_dir).location), weights, folder)
    return SpanReader.open(folder, max_tokens=max_tokens, confidence=confidence,
                           fusion=float(meta.get("fusion", DEFAULT_FUSION)), crosslingual=english)


def span_reader_for(settings: Settings) -> SpanReader | None:
    """The span reader ``settings`` ask for (None when ``span_reader`` is off)."""
    return load_span_reader(max_tokens=settings.reader_max_tokens) if settings.span_reader else None
