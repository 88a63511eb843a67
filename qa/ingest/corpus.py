"""Read a corpus folder: every supported file, with a report per file and the warnings.

Files are visited in sorted order so ids and duplicates are deterministic; hidden files
and folders are skipped. A file that cannot be read (broken, encrypted, mislabelled, a
scanned PDF without text) gives one warning naming it and is skipped: one bad file never
stops a build.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from qa.errors import CorpusError, FileFormatError
from qa.ingest.decoding import DecodingError
from qa.ingest.loaders import JSONL_SUFFIXES, STRUCTURED_SUFFIXES, SUPPORTED_SUFFIXES, SUPPORTED_TEXT, load_file
from qa.types import Document

logger = logging.getLogger(__name__)

_EXPECTED = f"put {SUPPORTED_TEXT} files in it"
_LIST_LIMIT = 20


@dataclass(frozen=True)
class FileReport:
    """What became of one file of the corpus.

    Attributes:
        path: The file, relative to the corpus folder (``/`` separated).
        format: Format read (``pdf``, ``docx``, ``xlsx``, ``csv``, ``txt``...).
        documents: Ids of the documents indexed from it (none when skipped).
        pages: Pages of a PDF.
        sheets: Sheet names of a workbook.
        paragraphs: Paragraphs (lines, table rows) kept after cleaning.
        warning: Why the file, or part of it, was skipped.
    """

    path: str
    format: str
    documents: tuple[str, ...] = ()
    pages: int | None = None
    sheets: tuple[str, ...] = ()
    paragraphs: int = 0
    warning: str | None = None


@dataclass(frozen=True)
class LoadedCorpus:
    """Documents of a folder, what happened to each file, and the warnings to show.

    Example:
        >>> loaded = load_corpus("corpus/")  # doctest: +SKIP
        >>> [f.format for f in loaded.files][:1]  # doctest: +SKIP
        ['txt']
    """

    documents: list[Document]
    files: list[FileReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _visible_files(root: Path) -> list[Path]:
    """All non-hidden files under ``root``, sorted by relative path."""
    found: list[Path] = []
    for current, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(current) / name for name in files if not name.startswith("."))
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def _unique(doc_id: str, taken: set[str], fallback: str) -> str:
    """``doc_id``, or ``fallback`` / a ``~n`` suffix when the id is already used."""
    for candidate in (doc_id, fallback):
        if candidate not in taken:
            return candidate
    n = 2
    while f"{doc_id}~{n}" in taken:
        n += 1
    return f"{doc_id}~{n}"


def _read(path: Path, stem: str) -> list[Document]:
    """``load_file``, with every failure of a format library turned into a FileFormatError."""
    try:
        return load_file(path, doc_id=stem)
    except (DecodingError, FileFormatError, OSError):
        raise
    except Exception as exc:  # a damaged file can make pypdfium2/python-docx/openpyxl raise anything
        if path.suffix.lower() not in STRUCTURED_SUFFIXES:
            raise
        raise FileFormatError(f"'{path}' could not be read ({type(exc).__name__}: {exc}): skipped") from exc


def load_corpus(folder: str | Path) -> LoadedCorpus:
    """Load and clean every supported document under ``folder`` (recursively).

    Returns:
        The documents in file order (a text seen under several file names once, with the
        other paths in :attr:`~qa.types.Document.duplicates`), a report per supported
        file, and one warning per file that was skipped. The warnings are returned, not
        logged, so a build can show each once in its summary.

    Raises:
        CorpusError: The folder is missing, not a folder, empty, or has no readable document.
    """
    root = Path(folder)
    if not root.exists():
        raise CorpusError(f"Corpus folder '{folder}' does not exist: create it and {_EXPECTED}")
    if not root.is_dir():
        raise CorpusError(f"Corpus folder '{folder}' is not a folder: pass a folder and {_EXPECTED}")
    files = _visible_files(root)
    if not files:
        raise CorpusError(f"Corpus folder '{folder}' is empty: {_EXPECTED}")
    warnings: list[str] = []
    unsupported = [f for f in files if f.suffix.lower() not in SUPPORTED_SUFFIXES]
    if unsupported:
        names = ", ".join(f.relative_to(root).as_posix() for f in unsupported[:_LIST_LIMIT])
        more = f" and {len(unsupported) - _LIST_LIMIT} more" if len(unsupported) > _LIST_LIMIT else ""
        warnings.append(f"Skipped {len(unsupported)} unsupported file(s) (not {SUPPORTED_TEXT}): {names}{more}")
    docs: list[Document] = []
    reports: list[FileReport] = []
    taken: set[str] = set()
    for path in (f for f in files if f.suffix.lower() in SUPPORTED_SUFFIXES):
        relative = path.relative_to(root).as_posix()
        stem = relative[: -len(path.suffix)] if path.suffix else relative
        fmt = path.suffix.lower().lstrip(".")
        try:
            loaded = _read(path, stem)
        except (DecodingError, FileFormatError, OSError) as exc:
            message = str(exc) if isinstance(exc, FileFormatError) else f"Skipped '{path}': {exc}"
            warnings.append(message)
            reports.append(FileReport(relative, fmt, warning=message))
            continue
        ids: list[str] = []
        warning = None
        for doc in loaded:
            if not doc.text:
                warning = f"Skipped document '{doc.id}' in '{path}': no text left after cleaning"
                warnings.append(warning)
                continue
            doc_id = _unique(doc.id, taken, relative if doc.id == stem else f"{stem}/{doc.id}")
            if doc_id != doc.id and path.suffix.lower() in JSONL_SUFFIXES:
                logger.warning("Duplicate id '%s' in '%s' renamed to '%s'", doc.id, path, doc_id)
            taken.add(doc_id)
            ids.append(doc_id)
            docs.append(replace(doc, id=doc_id))
        first = loaded[0] if loaded else None
        reports.append(FileReport(
            relative, fmt, tuple(ids), pages=first.pages if first else None,
            sheets=first.sheets if first else (),
            paragraphs=sum(d.text.count("\n") + 1 for d in loaded if d.text), warning=warning,
        ))
    if not docs:
        raise CorpusError(f"Corpus folder '{folder}' has no readable document: {_EXPECTED}")
    return LoadedCorpus(_merge_duplicates(docs), reports, warnings)


def load_documents(folder: str | Path) -> list[Document]:
    """The documents of :func:`load_corpus`; its warnings are logged.

    Example:
        >>> docs = load_documents("corpus/")  # doctest: +SKIP
    """
    loaded = load_corpus(folder)
    for warning in loaded.warnings:
        logger.warning("%s", warning)
    return loaded.documents


def _merge_duplicates(docs: list[Document]) -> list[Document]:
    """Keep the first document of each identical text; list the others' paths on it."""
    first: dict[str, int] = {}
    extra: dict[int, list[str]] = {}
    kept: list[Document] = []
    for doc in docs:
        index = first.get(doc.text)
        if index is None:
            first[doc.text] = len(kept)
            kept.append(doc)
        else:
            # Records of one JSONL file share a path: name the record too.
            where = doc.path if doc.path != kept[index].path else f"{doc.path} ({doc.id})"
            extra.setdefault(index, []).append(where)
    for index, paths in extra.items():
        doc = kept[index]
        logger.warning("Same text in %s and %s: indexed once as '%s'", doc.path, ", ".join(paths), doc.id)
        kept[index] = replace(doc, duplicates=doc.duplicates + tuple(paths))
    return kept
