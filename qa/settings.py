"""The one settings dataclass: every tunable of ingestion, retrieval and answering."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from embeddings.base import DEFAULT_MODEL, Backend
from qa.errors import QAError

SEARCH_MODES = ("hybrid", "dense", "bm25")
INDEX_KINDS = ("auto", "flat", "hnsw")
ENCODER_BACKENDS = tuple(b.value for b in Backend)


class SettingsError(QAError, ValueError):
    """A setting has a value outside what is allowed."""


@dataclass(frozen=True)
class Settings:
    """Tunables, validated on construction and stored in each index manifest.

    Example:
        >>> Settings(mode="bm25").mode
        'bm25'
    """

    # embedding
    model: str = DEFAULT_MODEL
    # How the model runs on the CPU: ONNX Runtime with int8 weights is ~1.8x faster to index
    # and ~5x faster per query than PyTorch float32 at the same hit@1 (docs/benchmarks.md).
    encoder_backend: str = "onnx-int8"
    batch_size: int = 16
    # chunking: a paragraph longer than this (in characters) is split at sentence ends;
    # ~1 XLM-R token per CJK character keeps chunks inside a 512-token window.
    max_chunk_chars: int = 400
    heading_max_chars: int = 24
    # retrieval
    mode: str = "hybrid"
    rrf_k: int = 5
    dense_weight: float = 0.3
    bm25_weight: float = 1.0
    candidates: int = 50
    index_kind: str = "auto"
    # Exact search up to this many chunks: on 2 cores one exact query over 300k vectors
    # takes ~20 ms (1M: ~60 ms), while HNSW's recall@10 fell to 0.42-0.58 at 100k in our
    # measurements (docs/benchmarks.md), so exactness is kept as long as latency allows.
    hnsw_threshold: int = 300_000
    hnsw_m: int = 32
    hnsw_ef_search: int = 256
    faiss_threads: int = 1
    # answering
    answer_threshold: float = 0.6
    # When some sentence covers this share of the question's (IDF-weighted) words, the
    # words choose the quote and sentences are not embedded one by one (saves a model call).
    lexical_sure: float = 0.5
    max_encoded_sentences: int = 8
    # Cosine band of the encoder mapped to 0..1 in the answer confidence; retrieval models
    # put almost everything between these two values (e5-small: 0.75..0.90).
    dense_floor: float = 0.75
    dense_ceiling: float = 0.90
    # Questions with no Chinese characters (English asked of Chinese text) have no
    # lexical evidence and lower cosines; they get their own band.
    crosslingual_floor: float = 0.70
    crosslingual_ceiling: float = 0.85
    answer_passages: int = 3
    max_question_chars: int = 2000

    def __post_init__(self) -> None:
        if self.mode not in SEARCH_MODES:
            raise SettingsError(f"mode={self.mode!r} is not allowed; use one of {SEARCH_MODES}")
        if self.encoder_backend not in ENCODER_BACKENDS:
            raise SettingsError(
                f"encoder_backend={self.encoder_backend!r} is not allowed; use one of {ENCODER_BACKENDS}"
            )
        if self.index_kind not in INDEX_KINDS:
            raise SettingsError(f"index_kind={self.index_kind!r} is not allowed; use one of {INDEX_KINDS}")
        for name in ("batch_size", "max_chunk_chars", "rrf_k", "candidates", "hnsw_m",
                     "hnsw_ef_search", "faiss_threads", "answer_passages", "max_question_chars",
                     "max_encoded_sentences"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise SettingsError(f"{name}={value!r} is not allowed; use a whole number >= 1")
        for name in ("dense_weight", "bm25_weight"):
            if getattr(self, name) < 0:
                raise SettingsError(f"{name}={getattr(self, name)!r} is not allowed; use a number >= 0")
        for low, high in (("dense_floor", "dense_ceiling"), ("crosslingual_floor", "crosslingual_ceiling")):
            if not getattr(self, low) < getattr(self, high):
                raise SettingsError(f"{low}={getattr(self, low)!r} must be below {high}={getattr(self, high)!r}")
        for name in ("answer_threshold", "lexical_sure"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise SettingsError(f"{name}={getattr(self, name)!r} is not allowed; use 0..1")

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form, as written in the manifest."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        """Build from a manifest dict, ignoring keys this version does not know."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def with_(self, **changes: Any) -> Settings:
        """Copy with some fields changed (validated again)."""
        return replace(self, **changes)
