"""Errors a user can act on. Each message names the bad value and what is allowed."""

from __future__ import annotations

from embeddings.errors import EmbeddingsError, ModelLoadError

__all__ = [
    "USER_ERRORS", "BuildLockedError", "CorpusError", "EmbeddingsError", "FileFormatError", "FilterError",
    "IndexCorruptError", "IndexError_", "IndexNotFoundError", "IndexUnavailableError", "ModelLoadError",
    "ModelMismatchError", "QAError", "QuestionError",
]


class QAError(Exception):
    """Base class of every error this package raises on purpose."""


class CorpusError(QAError, ValueError):
    """The corpus folder is missing, empty, or holds no readable document."""


class FileFormatError(QAError, ValueError):
    """A document file is broken, encrypted, not of the type its name says, or has no text.

    Loading a folder turns each into one warning naming the file; the build goes on.
    """


class FilterError(QAError, ValueError):
    """A search filter has an unknown key or a value of the wrong kind."""


class IndexError_(QAError):
    """Base for problems with an index folder (named so it does not shadow ``IndexError``)."""


class IndexNotFoundError(IndexError_, FileNotFoundError):
    """No index exists at the given folder."""


class IndexCorruptError(IndexError_, ValueError):
    """An index file is missing, truncated, corrupted, or of an unknown format."""


class ModelMismatchError(IndexError_, ValueError):
    """The index was built with a different embedding model than the one requested."""


class IndexUnavailableError(IndexError_, ConnectionError):
    """The index's Milvus cannot be reached (at open or mid-session), or its Lite file is held by another process.

    The message names the location and what to do (start the server, fix ``--index``, rebuild).
    """


class BuildLockedError(QAError, RuntimeError):
    """Another build of the same index is running."""


class QuestionError(QAError, ValueError):
    """The question cannot be searched (empty, markup, digits or one Latin token only).

    Attributes:
        reason: Why, as a short code the interface words in the user's language
            (:class:`qa.answer.content.Refusal` values), or ``None``.
    """

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason


# What the command line and the app report as one ``error: ...`` line: errors of this
# package and of :mod:`embeddings` (which depends on nothing here, so has its own base).
USER_ERRORS: tuple[type[Exception], ...] = (QAError, EmbeddingsError)
