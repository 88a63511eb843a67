"""What the terminal shows: our progress lines in plain words, warnings, no library chatter.

Library modules only log (``logging.getLogger(__name__)``); the entry points (``python -m
qa`` and ``python app.py``) call :func:`configure_logging` once. Progress lines of this
project (loggers ``qa`` and ``embeddings`` at INFO) print as plain sentences; other
libraries (sentence-transformers' "Loaded 2 prompts", httpx, faiss, bm25s, ...) show
only their warnings. ``-v`` shows everything, with logger names, for a bug report.
"""

from __future__ import annotations

import logging
import sys

OUR_LOGGERS = ("qa", "embeddings")
# Libraries that report routine steps as warnings or that we never want at INFO.
QUIET_LOGGERS = ("httpx", "httpcore", "urllib3", "faiss", "faiss.loader", "bm25s", "jieba",
                 "sentence_transformers", "transformers", "torch", "onnxruntime", "gradio", "uvicorn",
                 "uvicorn.access", "uvicorn.error", "asyncio", "matplotlib", "PIL", "filelock")


class _PlainFormatter(logging.Formatter):
    """Progress as the bare sentence; warnings and errors prefixed with their level."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.levelno >= logging.WARNING:
            message = f"{record.levelname.lower()}: {message}"
        if record.exc_info:
            message += "\n" + self.formatException(record.exc_info)
        return message


def configure_logging(*, verbose: bool = False) -> None:
    """Set up logging for a command-line run (call once, from an entry point only).

    Args:
        verbose: Log everything at DEBUG with timestamps and logger names.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    if verbose:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.setLevel(logging.DEBUG)
    else:
        handler.setFormatter(_PlainFormatter())
        root.setLevel(logging.WARNING)
    root.addHandler(handler)
    for name in OUR_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG if verbose else logging.INFO)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO if verbose else logging.WARNING)
