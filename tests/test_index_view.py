"""The chat page's index view: facts per index version, examples checked off the start-up path."""

from __future__ import annotations

from pathlib import Path

from qa.engine import QA
from qa.interface.index_view import IndexView
from tests.conftest import CORPUS, FakeEncoder, fake_settings


class CountingEngine:
    """An engine whose ``ask`` calls are counted (the example check asks questions)."""

    def __init__(self, engine: QA) -> None:
        self._engine = engine
        self.asked = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self._engine, name)

    def ask(self, question: str, **kwargs: object) -> object:
        self.asked += 1
        return self._engine.ask(question, **kwargs)


def test_facts_without_examples_ask_nothing_and_warm_fills_them(tmp_path: Path) -> None:
    engine = CountingEngine(QA.build(CORPUS, tmp_path / "index", encoder=FakeEncoder(), settings=fake_settings()))
    view = IndexView(engine)  # type: ignore[arg-type]
    quick = view.facts(examples=False)
    assert engine.asked == 0 and quick.examples == []
    assert quick.documents == 5 and quick.passages == len(engine.chunks)
    view.warm().join(timeout=120)
    full = view.facts(examples=False)  # now cached with its examples
    assert engine.asked > 0 and full.version == quick.version
    assert full.examples == view.facts().examples
    asked = engine.asked
    view.facts()
    assert engine.asked == asked  # computed once per version


def test_listing_names_files_relative_to_the_corpus_without_resolving_each(tmp_path: Path) -> None:
    import shutil

    from qa.interface.documents import DocumentManager, Permission

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus / "sub")
    engine = QA.build(corpus, tmp_path / "index", encoder=FakeEncoder(), settings=fake_settings())
    rows = DocumentManager(engine, corpus, permission=Permission(True)).list_documents()
    assert rows and all(r.file.startswith("sub/") and r.file.endswith(".txt") for r in rows)
