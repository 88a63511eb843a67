"""The terminal shows our progress in plain words and hides library chatter."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from qa.interface.terminal import configure_logging


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    names = ("qa", "embeddings", "sentence_transformers", "httpx")
    levels = {n: logging.getLogger(n).level for n in names}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


def test_progress_is_plain_and_chatter_hidden(restore_logging: None, capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(verbose=False)
    logging.getLogger("embeddings.onnx_int8").info("First run: making the model faster…")
    logging.getLogger("qa.index.indexer").debug("internal detail")
    logging.getLogger("sentence_transformers.SentenceTransformer").info("Loaded 2 prompts")
    logging.getLogger("httpx").info("HTTP Request: GET /")
    logging.getLogger("qa.ingest.loaders").warning("Skipped 'x.pdf'")
    err = capsys.readouterr().err.splitlines()
    assert err == ["First run: making the model faster…", "warning: Skipped 'x.pdf'"]


def test_verbose_shows_everything_with_names(restore_logging: None, capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(verbose=True)
    logging.getLogger("qa.index.indexer").debug("internal detail")
    logging.getLogger("sentence_transformers.SentenceTransformer").info("Loaded 2 prompts")
    err = capsys.readouterr().err
    assert "DEBUG qa.index.indexer: internal detail" in err and "Loaded 2 prompts" in err


@pytest.mark.slow
def test_first_run_steps_say_what_they_do(tmp_path, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    """Loading a model for the first time (PyTorch, then the ONNX export) is announced in plain words."""
    from embeddings.loading import load_encoder
    from tests.fakes import shipped_minilm_path

    with caplog.at_level(logging.INFO):
        load_encoder(str(shipped_minilm_path()), cache_dir=tmp_path, backend="onnx-int8")
    ours = [r.getMessage() for r in caplog.records if r.name.startswith(("qa", "embeddings"))
            and r.levelno == logging.INFO]
    assert ours == ["Loading the language model with PyTorch…",
                    "First run: making the language model faster for this computer (once; 20-60 s)…"]
    caplog.clear()
    with caplog.at_level(logging.INFO):
        load_encoder(str(shipped_minilm_path()), cache_dir=tmp_path, backend="onnx-int8")
    assert not [r for r in caplog.records if r.levelno == logging.INFO and r.name.startswith("embeddings")], \
        "the second run is quiet"
