"""The engine users hold: build or open an index, then ``search`` and ``ask``."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from embeddings.base import Encoder
from qa.answer.questions import prepare_question
from qa.charsets import has_cjk
from qa.errors import IndexCorruptError, ModelMismatchError
from qa.index.base import IndexView
from qa.index.bridge import BridgedQuery, bridged
from qa.index.coverage import by_coverage
from qa.index.filters import Filters, document_folder, parse_filters
from qa.index.indexer import BuildReport, build_index, build_index_from, documents_fingerprint
from qa.index.lexical_tokens import question_terms
from qa.index.ranking import rank_hits
from qa.index.stores import is_milvus, open_store
from qa.settings import QUERY_SETTINGS, SearchMode, Settings
from qa.types import Answer, Chunk, Document, Hit, Retrieval

logger = logging.getLogger(__name__)


def load_encoder(model: str, *, backend: str = "onnx-int8") -> Encoder:
    """The encoder for ``model`` (a known name or a local folder) on ``backend``."""
    from embeddings.loading import load_encoder as load

    return load(model, backend=backend)


def _location(index: str | Path) -> str | Path:
    """A ``milvus:`` location stays a string (its ``//`` must survive); anything else is a folder."""
    return index if is_milvus(index) else Path(index)


class QA:
    """Question answering over an indexed folder of documents.

    The index is a folder (``index/``) or a Milvus location (``milvus:index/milvus.db``,
    ``milvus:http://host:19530?collection=qa``); see :mod:`qa.index.stores`.

    Example:
        >>> engine = QA.build("corpus/", "index/")           # doctest: +SKIP
        >>> engine.search("河北投入了多少援藏资金？", k=5)[0].chunk.doc_id  # doctest: +SKIP
        '004_83f06d399bb386d8'
        >>> engine.ask("河北投入了多少援藏资金？").quote.text  # doctest: +SKIP
    """

    def __init__(self, index_dir: str | Path, encoder: Encoder, settings: Settings) -> None:
        #: The folder (a Path) or the ``milvus:`` location (a str) the index lives in.
        self.index_dir = _location(index_dir)
        self.store = open_store(self.index_dir, settings=settings)
        self.encoder = encoder
        self.settings = settings
        self._lock = threading.Lock()
        self._failed_version: str | None = None
        self._load()

    def _load(self) -> None:
        # A build that finishes while we read removes the version we were reading; the
        # error then says nothing about the index, so read the new version instead.
        for attempt in range(3):
            wanted = self.store.current()
            try:
                self._load_version()
                return
            except IndexCorruptError:
                if attempt == 2 or self.store.current() == wanted:
                    raise
                logger.info("Index version %s was replaced while loading; loading the new one", wanted)

    def _load_version(self) -> None:
        view = self.store.open()
        model = view.manifest["model"]
        if model.get("fingerprint") != self.encoder.fingerprint:
            raise ModelMismatchError(
                f"Index '{self.index_dir}' was built with model {model.get('id')!r} "
                f"(copy {str(model.get('fingerprint'))[:16]}), not {self.encoder.model_id!r} "
                f"(copy {self.encoder.fingerprint[:16]}); open it with --model {model.get('id')} or "
                f"{self.store.rebuild_hint()} --model {self.encoder.model_id}"
            )
        with self._lock:
            self._view: IndexView = view

    # construction -----------------------------------------------------------------
    @classmethod
    def build(cls, corpus: str | Path, index: str | Path, *, model: str | None = None,
              encoder: Encoder | None = None, settings: Settings | None = None,
              show_progress: bool = False) -> QA:
        """Build (or update) the index of ``corpus`` in ``index`` and return a ready engine.

        Files that were skipped are logged as warnings (:meth:`build_with_report` returns them).
        """
        engine, report = cls.build_with_report(corpus, index, model=model, encoder=encoder, settings=settings,
                                               show_progress=show_progress)
        for warning in report.warnings:
            logger.warning("%s", warning)
        return engine

    @classmethod
    def build_with_report(cls, corpus: str | Path, index: str | Path, *, model: str | None = None,
                          encoder: Encoder | None = None, settings: Settings | None = None,
                          show_progress: bool = False) -> tuple[QA, BuildReport]:
        """Like :meth:`build`, also returning what the build did."""
        settings = settings or Settings()
        if model is not None:
            settings = settings.with_(model=model)
        encoder = encoder or load_encoder(settings.model, backend=settings.encoder_backend)
        report = build_index(corpus, index, encoder=encoder, settings=settings, show_progress=show_progress)
        return cls(index, encoder, settings), report

    @classmethod
    def build_from_documents(cls, documents: list[Document], index: str | Path, *, model: str | None = None,
                             encoder: Encoder | None = None, settings: Settings | None = None,
                             show_progress: bool = False) -> QA:
        """Index documents made in code (for example an evaluation set) instead of a folder."""
        settings = settings or Settings()
        if model is not None:
            settings = settings.with_(model=model)
        encoder = encoder or load_encoder(settings.model, backend=settings.encoder_backend)
        files = documents_fingerprint(documents)
        build_index_from(lambda: documents, index, source="<documents>", files=lambda: files, encoder=encoder,
                         settings=settings, show_progress=show_progress)
        return cls(index, encoder, settings)

    @classmethod
    def open(cls, index: str | Path, *, model: str | None = None, encoder: Encoder | None = None,
             settings: Settings | None = None) -> QA:
        """Open an existing index without the corpus.

        The model is the one recorded in the index unless ``model`` or ``encoder`` is given;
        a different one raises :class:`~qa.errors.ModelMismatchError`.
        """
        index = _location(index)
        store = open_store(index)
        manifest = store.read_manifest()
        stored = Settings.from_dict(manifest["settings"])
        if settings is not None:
            stored = stored.with_(**{k: getattr(settings, k) for k in QUERY_SETTINGS})
        recorded = manifest["model"]["id"]
        if model is not None and model != recorded and encoder is None:
            raise ModelMismatchError(
                f"Index '{index}' was built with model {recorded!r}, not {model!r}; "
                f"{store.rebuild_hint()} --model {model}"
            )
        encoder = encoder or load_encoder(recorded, backend=stored.encoder_backend)
        return cls(index, encoder, stored)

    def reload_if_changed(self) -> bool:
        """Switch to a newer version of the index if a build has finished since; True if switched."""
        try:
            latest = self.store.current()
        except Exception:  # a build may be swapping right now; keep serving what we have
            return False
        if latest in (self.version, self._failed_version):
            return False
        try:
            self._load()
        except Exception:
            # Do not re-read a broken version on every question; a newer build is tried.
            self._failed_version = latest
            raise
        logger.info("Switched to index version %s", latest)
        return True

    # data -------------------------------------------------------------------------------
    @property
    def chunks(self) -> list[Chunk]:
        """Every indexed chunk, in index order."""
        return list(self._view.chunks)

    @property
    def documents(self) -> list[Document]:
        """Every indexed document."""
        return list(self._view.documents.values())

    @property
    def view(self) -> IndexView:
        """The index version answered from now: what is read from it agrees, across a re-index."""
        return self._view

    @property
    def version(self) -> str:
        """Name of the index version being answered from (a folder of the index, or a Milvus collection)."""
        return self._view.version

    @property
    def manifest(self) -> dict:
        """The manifest of the open index version."""
        return dict(self._view.manifest)

    def document(self, doc_id: str) -> Document:
        """The document with ``doc_id``; raises KeyError naming it when unknown."""
        try:
            return self._view.documents[doc_id]
        except KeyError:
            raise KeyError(f"no document {doc_id!r} in index '{self.index_dir}'") from None

    # querying ---------------------------------------------------------------------------
    def folders(self) -> list[str]:
        """Folders (relative to the corpus, ``/``-separated) that hold indexed documents, for filters."""
        view = self._view
        corpus = view.manifest.get("corpus", {}).get("dir")
        return sorted({document_folder(d, corpus) for d in view.documents.values()} - {""})

    def retrieve(self, question: str, *, k: int = 5, mode: str | None = None, embed_question: bool = True,
                 prefer_doc: str | None = None, filters: Mapping[str, Any] | Filters | None = None) -> Retrieval:
        """Rank chunks for ``question``; also returns its vector for answer scoring.

        In ``bm25`` mode the question is still embedded (one model call) unless
        ``embed_question`` is False, so answers keep their cosine evidence. With
        ``prefer_doc`` (a follow-up question) that document's own ranking of its chunks
        joins the fusion with weight ``settings.prefer_doc_weight``; scores are then fused ones.
        ``filters`` (see :mod:`qa.index.filters`) restrict the chunks *before* ranking; when
        they keep no document, no hits are returned and ``notice`` says so.

        Raises:
            FilterError: ``filters`` has an unknown key or a bad value.
            QuestionError: The question has no word to search for.
        """
        if not isinstance(k, int) or k < 1:
            raise ValueError(f"k={k!r} is not allowed; use a whole number >= 1")
        mode = SearchMode.from_str(mode or self.settings.mode, name="mode")
        checked = parse_filters(filters)
        prepared = prepare_question(question, max_chars=self.settings.max_question_chars)
        with self._lock:
            view = self._view
        allowed = None
        if checked is not None:
            allowed = view.allowed(checked)
            if len(allowed) == 0:
                notice = f"No indexed document matches the filters ({checked.describe()}), so nothing was searched."
                return Retrieval(prepared.text, [], None, "; ".join(filter(None, [prepared.notice, notice])))
        n = len(view.chunks) if allowed is None else len(allowed)
        qvec = None
        if mode is not SearchMode.BM25 or embed_question:
            qvec = self.encoder.encode_queries([prepared.text])[0]
        depth = min(max(k, self.settings.candidates), n)
        bridge = bridged(view, prepared.text) if self.settings.english_bridge else BridgedQuery(prepared.text, ())
        lexical = bridge.text or prepared.text  # an English question's words are its bridged Chinese words
        settings = self.settings
        if not has_cjk(prepared.text):  # bridged BM25 words are noisier than a Chinese question's own
            settings = settings.with_(dense_weight=settings.crosslingual_dense_weight)
        # An English question's passages that hold more of its words go first (qa.index.coverage).
        covered = bool(bridge.terms) and mode is SearchMode.HYBRID and settings.crosslingual_coverage_weight > 0
        hits = rank_hits(view, lexical, qvec, k=max(k, settings.crosslingual_rerank_depth) if covered else k,
                         depth=depth, mode=mode, settings=settings, filters=checked, allowed=allowed,
                         prefer_doc=prefer_doc)
        if covered:
            hits = by_coverage(hits, bridge.word_groups, weight=settings.crosslingual_coverage_weight)[:k]
        return Retrieval(prepared.text, hits, qvec, prepared.notice, view.idf(question_terms(lexical)),
                         bridge.word_groups)

    def term_weights(self, text: str) -> dict[str, float]:
        """The content words of ``text`` (search form) with their IDF in the indexed corpus."""
        return self._view.idf(question_terms(text))

    def search(self, query: str, *, k: int = 5, mode: str | None = None,
               filters: Mapping[str, Any] | Filters | None = None) -> list[Hit]:
        """The ``k`` chunks that best match ``query``, best first.

        ``filters`` keeps only some documents, e.g. ``{"folder": "2024", "date": {"gte": "2024-03"}}``
        (see :mod:`qa.index.filters`); a filter that keeps nothing gives ``[]``.

        Raises:
            FilterError: ``filters`` has an unknown key or a bad value.
            QuestionError: If the query has no word to search for.
        """
        return self.retrieve(query, k=k, mode=mode, embed_question=False, filters=filters).hits

    def ask(self, question: str, *, k: int = 5, history: Sequence[str | Answer] | None = None,
            filters: Mapping[str, Any] | Filters | None = None) -> Answer:
        """Answer ``question`` with a verbatim quote from the documents, or say they don't.

        ``history`` lists earlier turns, oldest first: each the earlier question or the
        :class:`Answer` returned for it. A follow-up (它在哪个县？) is completed from the last
        turn (:mod:`qa.answer.followup`); ``Answer.interpreted`` says how it was read.
        ``filters`` restricts the documents as in :meth:`search`; when it keeps none the
        answer is not found, has no passages, and its ``notice`` says why.

        Raises:
            FilterError: ``filters`` has an unknown key or a bad value.
            QuestionError: If the question has no word to search for.
        """
        from qa.answer.answering import answer_from
        from qa.answer.conversation import read_in_history, surer_other
        from qa.answer.identity import identity_search
        from qa.answer.span_loading import span_reader_for

        answer_with = partial(answer_from, encoder=self.encoder, settings=self.settings,
                              span_reader=span_reader_for(self.settings))

        checked = parse_filters(filters)
        asked = prepare_question(question, max_chars=self.settings.max_question_chars)
        reading = read_in_history(self, question, history) if history else None
        if reading is None or reading.interpreted is None:
            # "What post does Basang hold?" is searched as "Who is Basang?" (qa.answer.identity).
            search = identity_search(asked.text)
            answer = answer_with(self.retrieve(search or question, k=k, filters=checked))
            return answer if search is None else replace(answer, question=asked.text)
        retrieval = self.retrieve(reading.search, k=k, prefer_doc=reading.prefer_doc, filters=checked)
        answer = answer_with(retrieval, avoid=reading.avoid, rewritten=True, asked_words=reading.asked_words,
                             understood=reading.interpreted)
        if reading.alternative is not None:  # 它 may mean what the last answer named: keep the surer quote
            other = reading.alternative
            other_retrieval = self.retrieve(other.search, k=k, prefer_doc=other.prefer_doc, filters=checked)
            other_answer = answer_with(other_retrieval, avoid=other.avoid, rewritten=True,
                                       asked_words=other.asked_words, understood=other.interpreted)
            if surer_other(answer, other_answer):
                reading, retrieval, answer = other, other_retrieval, other_answer
        # The notice is about the question as asked, plus a filter that kept nothing.
        unfiltered = retrieval.notice if checked is not None and not retrieval.hits else None
        notice = "; ".join(filter(None, [asked.notice, unfiltered])) or None
        return replace(answer, question=asked.text, notice=notice, interpreted=reading.interpreted)
