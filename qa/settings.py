"""The one settings dataclass: every tunable of ingestion, retrieval and answering.

Each field says in its metadata what it affects (``scope``):

* ``chunking``: how documents become chunks; a change rebuilds the chunks (and re-embeds
  only the chunks whose text changed).
* ``index``: how the index is built (model, backend, FAISS structure); fixed for an index,
  and a change rebuilds it (model and backend through the encoder fingerprint).
* ``query``: ranking and answering; a caller may change these when opening an index.

:data:`CHUNK_SETTINGS`, :data:`INDEX_SETTINGS` and :data:`QUERY_SETTINGS` are derived from
that metadata, so a new field cannot be forgotten by index reuse: it must name its scope.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from embeddings.base import DEFAULT_MODEL, Backend, Choice
from embeddings.faiss_index import IndexKind
from qa.errors import QAError

__all__ = [
    "CHUNK_SETTINGS", "DEFAULT_MODEL", "INDEX_SETTINGS", "QUERY_SETTINGS", "SCOPES", "Backend", "IndexKind",
    "SearchMode", "Settings", "SettingsError",
]

SCOPES = ("chunking", "index", "query")
# Default answer thresholds of manifests that do not record theirs (see Settings.from_dict): before
# the span reader (no ``span_reader`` key), and with the first, 6-layer span reader.
OLD_DEFAULT_THRESHOLD = 0.38
FIRST_SPAN_READER_THRESHOLD = 0.32


class SearchMode(Choice):
    """How chunks are ranked: fused dense + BM25 ranks, or one of the two alone."""

    HYBRID = "hybrid"
    DENSE = "dense"
    BM25 = "bm25"


class SettingsError(QAError, ValueError):
    """A setting has a value outside what is allowed."""


def _chunking(default: Any) -> Any:
    return field(default=default, metadata={"scope": "chunking"})


def _index(default: Any) -> Any:
    return field(default=default, metadata={"scope": "index"})


def _query(default: Any) -> Any:
    return field(default=default, metadata={"scope": "query"})


@dataclass(frozen=True)
class Settings:
    """Tunables, validated on construction and stored in each index manifest.

    Example:
        >>> Settings(mode="bm25").mode == "bm25"
        True
    """

    # embedding
    model: str = _index(DEFAULT_MODEL)
    # How the model runs on the CPU: ONNX Runtime with int8 weights is ~1.8x faster to index
    # and ~5x faster per query than PyTorch float32 at the same hit@1 (docs/benchmarks.md).
    encoder_backend: str = _index(Backend.ONNX_INT8.value)
    batch_size: int = _index(16)
    # chunking: a paragraph longer than this (in characters) is split at sentence ends;
    # ~1 XLM-R token per CJK character keeps chunks inside a 512-token window.
    max_chunk_chars: int = _chunking(400)
    heading_max_chars: int = _chunking(24)
    # retrieval
    mode: str = _query(SearchMode.HYBRID.value)
    rrf_k: int = _query(5)
    dense_weight: float = _query(0.3)
    bm25_weight: float = _query(1.0)
    # ``dense_weight`` for a question without Chinese characters (English): its BM25 words come
    # through the lexical bridge and are noisier. On 880 training questions translated into English
    # (training/english_questions.jsonl), the first passage was right for 514 at 0.3 and 533 at 0.5
    # (``python -m training.crosslingual_confidence`` prints both).
    crosslingual_dense_weight: float = _query(0.5)
    # An English question's first ``crosslingual_rerank_depth`` hybrid passages are reordered by
    # fused score (over the best) plus this weight times the share of its words they hold
    # (qa.index.coverage; 0 turns it off). On 640 translated training questions the first passage
    # was right for 450 instead of 396 at 1.5, the best of 0.5-3 (scratch sweep; held-out 240:
    # 161 instead of 144).
    crosslingual_coverage_weight: float = _query(1.5)
    crosslingual_rerank_depth: int = _query(10)
    candidates: int = _query(50)
    # A follow-up question prefers the document of the previous answer: that document's own
    # ranking of its chunks joins the fusion with this weight (0 turns the preference off).
    prefer_doc_weight: float = _query(1.0)
    index_kind: str = _index(IndexKind.AUTO.value)
    # ``auto``: exact search below this many chunks, IVF-SQ8 re-ranked exactly above. Measured
    # on vectors drawn like real embeddings, one query on one thread of the shared 2-core
    # machine (docs/benchmarks.md, "Scale on realistic vectors"): exact search reaches 20 ms
    # near this size (110 ms at 1M). At 300k only IVF-SQ8 re-ranked exactly kept recall@10
    # >= 0.95 within 20 ms (18.7 ms, 0.995; HNSW: 0.94 at 12.7 ms, 0.97 at 26.7 ms); at 1M
    # nothing on the coarse grid met all of the target (nprobe 1024: recall 0.986 in 1.8 GB at
    # 21-46 ms; HNSW 0.905 at 24 ms). tests/test_index_choice.py holds these defaults to that table.
    exact_below: int = _index(180_000)
    # IVF lists searched per query (of 4·√n lists): the smallest value of the finer sweep of the
    # engine's own index (docs/benchmarks.md, "The engine's IVF index") meeting the target with
    # recall to spare at 300k and 1M: at 1M p50 16.5 ms, recall@10 0.970 (1024: 21.3 ms, 0.985;
    # 640: 14.2 ms, 0.953, too close to 0.95 for 200 questions), load ~2.4.
    ivf_nprobe: int = _query(768)
    hnsw_m: int = _index(32)
    hnsw_ef_search: int = _query(256)
    faiss_threads: int = _query(1)
    # answering
    # Found / not found: the reader's calibrated probability that its quote answers must reach
    # this; chosen on held-out training data by `python -m training.span_confidence` (stored in
    # the span reader's weights file; a test keeps the two equal).
    answer_threshold: float = _query(0.32)
    # A question in another language than the documents (no Chinese characters) picks its
    # sentence by embedding at most this many sentences of the first passage.
    max_encoded_sentences: int = _query(8)
    # Cosine band of the encoder for questions with no Chinese characters (English asked of
    # Chinese text): mapped to 0..1 as the evidence of the cross-lingual confidence model.
    crosslingual_floor: float = _query(0.70)
    crosslingual_ceiling: float = _query(0.85)
    # Band of same-language cosines; the cross-lingual confidence model is fitted on Chinese
    # training questions with their cosines rescaled from this band.
    dense_floor: float = _query(0.75)
    dense_ceiling: float = _query(0.90)
    # A quote opening with a pronoun or connective keeps the sentence before it when that
    # sentence is at most this long (in characters).
    short_sentence_chars: int = _query(80)
    answer_passages: int = _query(3)
    # The neural span reader (qa.answer.span_reader) marks the exact words and picks the quoted
    # sentence; off, the sentence model alone picks it. It reads the first passage's best
    # sentences up to this many characters, as at most this many tokens with the question
    # (its time grows with the tokens).
    span_reader: bool = _query(True)
    reader_window_chars: int = _query(140)
    reader_max_tokens: int = _query(128)
    max_question_chars: int = _query(2000)
    # A question without Chinese characters searches BM25 with the Chinese words of the index
    # its words become (names by pinyin, words by CC-CEDICT; qa.index.bridge); off, BM25 sees
    # the English words, the ranking rests on the encoder alone, and English answers use the
    # cosine-only confidence (the English confidence model needs the bridged words).
    english_bridge: bool = _query(True)
    # serving: the largest file the Documents tab and /upload_documents accept (bytes).
    max_upload_bytes: int = _query(50_000_000)

    def __post_init__(self) -> None:
        for name, choice in (("mode", SearchMode), ("encoder_backend", Backend), ("index_kind", IndexKind)):
            try:
                choice.from_str(getattr(self, name), name=name)
            except ValueError as exc:
                raise SettingsError(str(exc)) from None
        for name in ("batch_size", "max_chunk_chars", "rrf_k", "candidates", "hnsw_m", "hnsw_ef_search",
                     "ivf_nprobe", "faiss_threads", "exact_below", "answer_passages", "max_question_chars",
                     "max_encoded_sentences", "short_sentence_chars", "max_upload_bytes", "reader_window_chars",
                     "reader_max_tokens", "crosslingual_rerank_depth"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise SettingsError(f"{name}={value!r} is not allowed; use a whole number >= 1")
        for name in ("dense_weight", "bm25_weight", "prefer_doc_weight", "crosslingual_dense_weight",
                     "crosslingual_coverage_weight"):
            if getattr(self, name) < 0:
                raise SettingsError(f"{name}={getattr(self, name)!r} is not allowed; use a number >= 0")
        for low, high in (("dense_floor", "dense_ceiling"), ("crosslingual_floor", "crosslingual_ceiling")):
            if not getattr(self, low) < getattr(self, high):
                raise SettingsError(f"{low}={getattr(self, low)!r} must be below {high}={getattr(self, high)!r}")
        for name in ("answer_threshold",):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise SettingsError(f"{name}={getattr(self, name)!r} is not allowed; use 0..1")

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form, as written in the manifest, with the default threshold of the time
        (``default_answer_threshold``: a threshold equal to it follows the default when read back)."""
        return {**asdict(self), "default_answer_threshold": _DEFAULT_THRESHOLD}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        """Build from a manifest dict, ignoring keys this version does not know.

        The answer threshold is on the scale of the confidence model shipped with the reader, which
        retraining changes. A manifest whose threshold is the default of its time therefore gets
        today's default, so an index built before answers as a new one does; a threshold the user
        chose is kept. Manifests that do not record the default of their time had
        ``OLD_DEFAULT_THRESHOLD`` (before the span reader: no ``span_reader`` key) or
        ``FIRST_SPAN_READER_THRESHOLD``.
        """
        known = {f.name for f in fields(cls)}
        written_default = data.get("default_answer_threshold",
                                   FIRST_SPAN_READER_THRESHOLD if "span_reader" in data else OLD_DEFAULT_THRESHOLD)
        data = {k: v for k, v in data.items() if k in known}
        if data.get("answer_threshold") == written_default:
            del data["answer_threshold"]
        return cls(**data)

    def with_(self, **changes: Any) -> Settings:
        """Copy with some fields changed (validated again)."""
        return replace(self, **changes)


_DEFAULT_THRESHOLD = next(f.default for f in fields(Settings) if f.name == "answer_threshold")


def _scoped(scope: str) -> tuple[str, ...]:
    return tuple(f.name for f in fields(Settings) if f.metadata.get("scope") == scope)


# Settings that decide the chunks: an index built with other values is rebuilt.
CHUNK_SETTINGS = _scoped("chunking")
# Settings fixed when the index is built: an index built with other values is rebuilt.
INDEX_SETTINGS = _scoped("index")
# Settings that only steer ranking and answering: a caller may change them on open.
QUERY_SETTINGS = _scoped("query")
