"""What the chat page shows about the open index, recomputed when its version changes.

Counts, display titles, chunks by id and by document, and the checked example questions
belong to one index version; after a rebuild the engine switches versions and this view
recomputes them once, for every session.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qa.interface.examples import checked_examples
from qa.interface.titles import display_titles
from qa.types import Chunk

if TYPE_CHECKING:
    from qa.engine import QA

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IndexFacts:
    """One index version as the page shows it."""

    version: str
    documents: int
    passages: int
    titles: dict[str, str]
    chunks: dict[str, Chunk]
    by_document: dict[str, list[Chunk]]
    examples: list[str]


class IndexView:
    """Facts about ``engine``'s open index version, cached per version.

    Example:
        >>> view = IndexView(engine)     # doctest: +SKIP
        >>> view.facts().passages        # doctest: +SKIP
        69
    """

    def __init__(self, engine: QA, *, examples: int = 6) -> None:
        self._engine = engine
        self._examples = examples
        self._lock = threading.Lock()
        self._facts: IndexFacts | None = None

    def facts(self, *, examples: bool = True) -> IndexFacts:
        """The facts of the version the engine has open now.

        ``examples=False`` does not wait for the example questions to be checked (asking
        them loads jieba's tag table, seconds on a cold start): a version not yet computed
        then comes with no examples, and is not cached.
        """
        version = self._engine.version
        if not examples:
            current = self._facts
            if current is not None and current.version == version:
                return current
            return self._compute(version, examples=False)
        with self._lock:
            if self._facts is None or self._facts.version != version:
                self._facts = self._compute(version)
            return self._facts

    def warm(self) -> threading.Thread:
        """Compute the facts, examples included, in a background thread (so serving starts sooner)."""
        thread = threading.Thread(target=self.facts, name="check-examples", daemon=True)
        thread.start()
        return thread

    def _compute(self, version: str, *, examples: bool = True) -> IndexFacts:
        chunks = self._engine.chunks
        by_document: dict[str, list[Chunk]] = {}
        for chunk in chunks:
            by_document.setdefault(chunk.doc_id, []).append(chunk)
        questions: list[str] = []
        try:
            if examples:
                questions = checked_examples(chunks, lambda q: self._engine.ask(q), limit=self._examples)
        except Exception:  # examples are a nicety; never fail the page over them
            logger.exception("Could not make example questions")
        return IndexFacts(version, len(by_document), len(chunks), display_titles(self._engine.documents),
                          {c.id: c for c in chunks}, by_document, questions)
