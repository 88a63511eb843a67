"""Shared fixtures: a deterministic fake encoder so unit tests need no model."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest

from qa.settings import Settings
from tests.fakes import HashingEncoder


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--all", action="store_true", help="also run the slow and e2e tests")


def pytest_configure(config: pytest.Config) -> None:
    # pyproject's addopts deselects slow and e2e tests so the default run is fast;
    # --all (used by CI) lifts that filter.
    if config.getoption("--all"):
        config.option.markexpr = ""


REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"


class FakeEncoder(HashingEncoder):
    """Deterministic model-free encoder for unit tests (hashed character n-grams)."""

    def __init__(self, dim: int = 64, model_id: str = "fake/hash-encoder") -> None:
        super().__init__(dim, model_id)


def fake_settings(**overrides: object) -> Settings:
    """Settings for an engine on :class:`FakeEncoder`.

    The fake's cosines lie far below a real model's, so it gets its own cosine band, and a
    low answer threshold lets replies carry a quote. The neural span reader is off, so these
    tests need no model (``tests/test_span_reader.py`` and the slow tests cover it);
    ``overrides`` set any other field.
    """
    return Settings(**{"answer_threshold": 0.2, "dense_floor": 0.1, "dense_ceiling": 0.5, "span_reader": False,
                       **overrides})


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    return FakeEncoder()


@pytest.fixture
def corpus_dir() -> Path:
    return CORPUS


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Detach log handlers that write to pytest's capture streams before pytest closes them.

    Commands run in-process (``configure_logging``) and torch's own logging set-up attach
    handlers to the ``sys.stderr`` of the moment, a capture stream under pytest; records
    logged at interpreter exit (torch's compile statistics) would then print
    "--- Logging error ---" tracebacks after the summary.
    """
    real = {sys.__stderr__, sys.__stdout__}
    loggers = [logging.getLogger(), *(logger for logger in logging.Logger.manager.loggerDict.values()
                                      if isinstance(logger, logging.Logger))]
    for logger in loggers:
        for handler in list(logger.handlers):
            if type(handler) is logging.StreamHandler and handler.stream not in real:
                logger.removeHandler(handler)
