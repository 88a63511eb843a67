"""Read a corpus folder into cleaned :class:`~qa.types.Document` objects.

Supported: ``.txt``/``.md`` (encoding detected, see :mod:`qa.ingest.decoding`), ``.html``/
``.htm`` (main text, see :mod:`qa.ingest.html_text`) and ``.jsonl`` (one document per line).
Files are visited in sorted order so ids and duplicates are deterministic; hidden files
and folders are skipped; unreadable files are skipped with a warning naming them.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import replace
from pathlib import Path

from qa.errors import CorpusError
from qa.ingest.cleaning import clean_text
from qa.ingest.decoding import DecodingError, decode_bytes
from qa.ingest.html_text import declared_charset, extract_html
from qa.types import Document

logger = logging.getLogger(__name__)

TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSONL_SUFFIXES = frozenset({".jsonl"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
_EXPECTED = "put .txt, .md, .html or .jsonl files in it"
_LIST_LIMIT = 20


def _visible_files(root: Path) -> list[Path]:
    """All non-hidden files under ``root``, sorted by relative path."""
    found: list[Path] = []
    for current, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(current) / name for name in files if not name.startswith("."))
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def _document(doc_id: str, path: Path, raw: str, title: str | None) -> Document:
    result = clean_text(raw, title=title)
    return Document(
        id=doc_id, title=result.title, text=result.text, date=result.date,
        source=result.source, path=str(path),
    )


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    declared = declared_charset(data) if path.suffix.lower() in HTML_SUFFIXES else None
    decoded = decode_bytes(data, declared=declared)
    if decoded.truncated:
        logger.warning("'%s' ends inside a %s character (cut-off file?); read without that last character",
                       path, decoded.encoding)
    return decoded.text


def _jsonl_documents(path: Path, text: str) -> list[Document]:
    docs: list[Document] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            logger.warning("%s line %d skipped: not valid JSON (%s)", path, number, exc.msg)
            continue
        if not isinstance(record, dict):
            logger.warning("%s line %d skipped: expected a JSON object", path, number)
            continue
        doc_id, body = record.get("id"), record.get("text")
        if isinstance(doc_id, int) and not isinstance(doc_id, bool):
            doc_id = str(doc_id)
        if not isinstance(doc_id, str) or not doc_id.strip() or not isinstance(body, str):
            logger.warning("%s line %d skipped: needs a string 'id' and a string 'text'", path, number)
            continue
        title = record.get("title") if isinstance(record.get("title"), str) else None
        result = clean_text(body, title=title, detect_title=False)
        fields = {k: record.get(k) for k in ("date", "source", "url")}
        docs.append(
            Document(
                id=doc_id.strip(), title=result.title, text=result.text,
                date=fields["date"] if isinstance(fields["date"], str) else result.date,
                source=fields["source"] if isinstance(fields["source"], str) else result.source,
                path=str(path), url=fields["url"] if isinstance(fields["url"], str) else None,
            )
        )
    return docs


def load_file(path: str | Path, *, doc_id: str | None = None) -> list[Document]:
    """Load one file: one document, or one per line for ``.jsonl``.

    Args:
        path: File to read.
        doc_id: Id for a non-JSONL document; defaults to the file name without suffix.

    Returns:
        The cleaned documents (possibly with empty text when nothing survived cleaning).

    Raises:
        CorpusError: The file type is not supported.
        DecodingError: The file is binary or in no readable encoding.
        OSError: The file cannot be read.

    Example:
        >>> load_file("corpus/000_a1365cd533979094.txt")[0].source  # doctest: +SKIP
        '日喀則新聞中心'
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise CorpusError(f"File '{path}' has unsupported type '{suffix}': use .txt, .md, .html or .jsonl")
    text = _read_text(path)
    if suffix in JSONL_SUFFIXES:
        return _jsonl_documents(path, text)
    name = doc_id if doc_id is not None else path.stem
    if suffix in HTML_SUFFIXES:
        page = extract_html(text)
        return [_document(name, path, page.text, page.title)]
    return [_document(name, path, text, None)]


def _unique(doc_id: str, taken: set[str], fallback: str) -> str:
    """``doc_id``, or ``fallback`` / a ``~n`` suffix when the id is already used."""
    for candidate in (doc_id, fallback):
        if candidate not in taken:
            return candidate
    n = 2
    while f"{doc_id}~{n}" in taken:
        n += 1
    return f"{doc_id}~{n}"


def load_documents(folder: str | Path) -> list[Document]:
    """Load and clean every supported document under ``folder`` (recursively).

    Args:
        folder: Corpus folder.

    Returns:
        Documents in file order; a text seen under several file names is returned once,
        with the other paths in :attr:`~qa.types.Document.duplicates`.

    Raises:
        CorpusError: The folder is missing, not a folder, empty, or has no readable
            document.

    Example:
        >>> docs = load_documents("corpus/")  # doctest: +SKIP
    """
    root = Path(folder)
    if not root.exists():
        raise CorpusError(f"Corpus folder '{folder}' does not exist: create it and {_EXPECTED}")
    if not root.is_dir():
        raise CorpusError(f"Corpus folder '{folder}' is not a folder: pass a folder and {_EXPECTED}")
    files = _visible_files(root)
    if not files:
        raise CorpusError(f"Corpus folder '{folder}' is empty: {_EXPECTED}")
    unsupported = [f for f in files if f.suffix.lower() not in SUPPORTED_SUFFIXES]
    if unsupported:
        names = ", ".join(f.relative_to(root).as_posix() for f in unsupported[:_LIST_LIMIT])
        more = f" and {len(unsupported) - _LIST_LIMIT} more" if len(unsupported) > _LIST_LIMIT else ""
        logger.warning("Skipped %d unsupported file(s) (not .txt/.md/.html/.htm/.jsonl): %s%s",
                       len(unsupported), names, more)
    docs: list[Document] = []
    taken: set[str] = set()
    for path in (f for f in files if f.suffix.lower() in SUPPORTED_SUFFIXES):
        relative = path.relative_to(root).as_posix()
        stem = relative[: -len(path.suffix)] if path.suffix else relative
        try:
            loaded = load_file(path, doc_id=stem)
        except (DecodingError, OSError) as exc:
            logger.warning("Skipped '%s': %s", path, exc)
            continue
        for doc in loaded:
            if not doc.text:
                logger.warning("Skipped document '%s' in '%s': no text left after cleaning", doc.id, path)
                continue
            doc_id = _unique(doc.id, taken, relative if doc.id == stem else f"{stem}/{doc.id}")
            if doc_id != doc.id and path.suffix.lower() in JSONL_SUFFIXES:
                logger.warning("Duplicate id '%s' in '%s' renamed to '%s'", doc.id, path, doc_id)
            taken.add(doc_id)
            docs.append(replace(doc, id=doc_id))
    if not docs:
        raise CorpusError(f"Corpus folder '{folder}' has no readable document: {_EXPECTED}")
    return _merge_duplicates(docs)


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
