"""Re-index the corpus in a background thread while the chat answers from the old version.

A build writes a new index version and swaps it in atomically (:mod:`qa.index.store`);
only chunks whose text is new are embedded. The engine keeps answering from the version it
has loaded until the build finishes, then :meth:`~qa.engine.QA.reload_if_changed` switches
it. Requests made while a build runs are folded into one more build after it.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qa.index.indexer import build_index

if TYPE_CHECKING:
    from qa.engine import QA

logger = logging.getLogger(__name__)

IDLE, RUNNING, DONE, FAILED = "idle", "running", "done", "failed"


@dataclass(frozen=True)
class IndexStatus:
    """Where the background indexing is.

    Attributes:
        state: ``idle`` (never ran), ``running``, ``done`` or ``failed``.
        message: One line for people.
        embedded: Passages embedded so far in the running build.
        to_embed: Passages the running build embeds (0 until known).
        documents: Documents the engine answers from.
        chunks: Passages the engine answers from.
        version: Index version the engine answers from.
        warnings: Files the last build skipped, and why (scans without text, broken files...).
    """

    state: str
    message: str
    embedded: int
    to_embed: int
    documents: int
    chunks: int
    version: str
    warnings: tuple[str, ...] = ()

    @property
    def running(self) -> bool:
        """True while a build runs or is queued."""
        return self.state == RUNNING


class Reindexer:
    """Rebuilds the index of ``corpus`` for ``engine`` in the background, one build at a time.

    Example:
        >>> reindexer = Reindexer(engine, "corpus/")  # doctest: +SKIP
        >>> reindexer.request("1 file added")          # doctest: +SKIP
        >>> reindexer.wait(timeout=60).message         # doctest: +SKIP
        'Index updated: the chat now answers from 6 documents (120 passages).'
    """

    def __init__(self, engine: QA, corpus: str | Path) -> None:
        self.engine = engine
        self.corpus = Path(corpus)
        self._lock = threading.Lock()
        self._idle = threading.Event()
        self._idle.set()
        self._pending: list[str] = []
        self._thread: threading.Thread | None = None
        self._state, self._message = IDLE, ""
        self._embedded = self._to_embed = 0

    def status(self) -> IndexStatus:
        """The current state, with what the engine answers from right now."""
        chunks = self.engine.chunks
        with self._lock:
            manifest = self.engine.manifest
            return IndexStatus(self._state, self._message or self._summary(), self._embedded, self._to_embed,
                               len({c.doc_id for c in chunks}), len(chunks), str(manifest.get("created", "")),
                               tuple(manifest.get("warnings", ())))

    def _summary(self) -> str:
        n_docs = len(self.engine.documents)
        return f"The chat answers from {n_docs} documents ({len(self.engine.chunks)} passages)."

    def request(self, reason: str) -> None:
        """Ask for a build (after the running one, if any); returns at once."""
        with self._lock:
            self._pending.append(reason)
            self._state, self._message = RUNNING, f"Waiting to index ({reason})…"
            self._idle.clear()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="reindex", daemon=True)
                self._thread.start()

    def wait(self, timeout: float | None = None) -> IndexStatus:
        """Block until no build runs or is queued (or ``timeout`` seconds pass); the status."""
        self._idle.wait(timeout)
        return self.status()

    def _set(self, message: str, *, embedded: int | None = None, to_embed: int | None = None) -> None:
        with self._lock:
            self._message = message
            if embedded is not None:
                self._embedded = embedded
            if to_embed is not None:
                self._to_embed = to_embed

    def _on_batch(self, done: int, total: int) -> None:
        self._set(f"Embedding new passages: {done} of {total}…", embedded=done, to_embed=total)

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._pending:
                    self._thread = None
                    self._idle.set()
                    return
                reasons, self._pending = self._pending, []
            self._build(", ".join(reasons))

    def _build(self, reason: str) -> None:
        started = time.perf_counter()
        with self._lock:
            self._state = RUNNING
        self._set(f"Reading the documents ({reason})…", embedded=0, to_embed=0)
        try:
            report = build_index(self.corpus, self.engine.index_dir, encoder=self.engine.encoder,
                                 settings=self.engine.settings, progress=self._on_batch)
            self._set("Switching the chat to the new index…")
            self.engine.reload_if_changed()
        except Exception as exc:
            logger.exception("Background indexing failed (%s)", reason)
            with self._lock:
                self._state = FAILED
                self._message = f"Indexing failed: {exc}. The chat still answers from the previous index."
            return
        seconds = time.perf_counter() - started
        with self._lock:
            if not self._pending:
                self._state = DONE
                skipped = f" {len(report.warnings)} file(s) skipped, see below." if report.warnings else ""
                self._message = (f"Index updated in {seconds:.1f}s (new passages embedded: {report.embedded}, "
                                 f"reused: {report.reused}): the chat now answers from {report.documents} "
                                 f"documents ({report.chunks} passages).{skipped}")
        logger.info("Background indexing done (%s) in %.1fs", reason, seconds)
