"""Manage the corpus from the app: list, upload and delete documents (no Gradio here).

Uploads are checked (:mod:`qa.interface.upload_checks`), saved in the corpus folder under a
safe new name, skipped when a file with the same bytes is already there, then indexed in
the background (:mod:`qa.interface.reindexing`). Managing is allowed only where it is safe:
with a login (``--auth``), or on a local run; never on a public ``--share`` link without a
login (see :func:`management_permission`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa.index.indexer import corpus_fingerprint
from qa.ingest.loaders import SUPPORTED_SUFFIXES
from qa.interface.i18n import EN
from qa.interface.reindexing import Reindexer
from qa.interface.upload_checks import UploadRefused, check_upload, save_new_file

if TYPE_CHECKING:
    from qa.engine import QA

logger = logging.getLogger(__name__)

ADDED, SKIPPED, REFUSED, DELETED = "added", "skipped", "refused", "deleted"
# The page shows this in its own language (i18n key "docs_share_readonly"); the API in English.
SHARE_WITHOUT_LOGIN = EN["docs_share_readonly"]


@dataclass(frozen=True)
class Permission:
    """Whether documents may be managed here, and why not when they may not."""

    allowed: bool
    reason: str = ""


def management_permission(*, share: bool, auth: bool, corpus: Path | None) -> Permission:
    """Managing is allowed with a login, or on a local run; never on a share link without one."""
    if share and not auth:
        return Permission(False, SHARE_WITHOUT_LOGIN)
    if corpus is None or not corpus.is_dir():
        return Permission(False, f"Managing documents needs the corpus folder; '{corpus}' is not a folder.")
    return Permission(True)


@dataclass(frozen=True)
class DocumentRow:
    """One indexed document as listed in the Documents tab and by ``/list_documents``."""

    id: str
    title: str
    file: str
    format: str
    date: str
    source: str
    chunks: int

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON form."""
        return asdict(self)


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one file: ``added``, ``skipped``, ``refused`` or ``deleted``, and why."""

    file: str
    outcome: str
    reason: str
    saved_as: str | None = None


@dataclass(frozen=True)
class ChangeSummary:
    """The result of an upload or a delete.

    Attributes:
        files: One outcome per file.
        indexing: True when a background re-index was started for the change.
        message: One line for people.
    """

    files: tuple[FileOutcome, ...]
    indexing: bool
    message: str

    def count(self, outcome: str) -> int:
        """Number of files with ``outcome``."""
        return sum(1 for f in self.files if f.outcome == outcome)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON form: ``added``/``skipped``/``refused`` (and ``deleted``) lists, ``indexing``, ``message``."""
        out: dict[str, Any] = {k: [] for k in (ADDED, SKIPPED, REFUSED)}
        for f in self.files:
            entry = {"file": f.file, "reason": f.reason} | ({"saved_as": f.saved_as} if f.saved_as else {})
            out.setdefault(f.outcome, []).append(entry)
        return out | {"indexing": self.indexing, "message": self.message}


class DocumentManager:
    """Lists, adds and deletes the corpus documents of a served engine.

    Example:
        >>> manager = DocumentManager(engine, "corpus/", permission=Permission(True))  # doctest: +SKIP
        >>> manager.upload(["/tmp/report.pdf"]).message  # doctest: +SKIP
        '1 added, 0 skipped, 0 refused; indexing in the background.'
    """

    def __init__(self, engine: QA, corpus: str | Path, *, permission: Permission,
                 max_bytes: int | None = None, suffixes: frozenset[str] = SUPPORTED_SUFFIXES) -> None:
        self.engine = engine
        self.corpus = Path(corpus)
        self.permission = permission
        self.max_bytes = max_bytes if max_bytes is not None else engine.settings.max_upload_bytes
        self.suffixes = suffixes
        self.reindexer = Reindexer(engine, self.corpus)
        self._lock = threading.Lock()  # one upload or delete at a time: hashes and names stay true

    # listing ------------------------------------------------------------------------
    @staticmethod
    def _relative(path: str, roots: Sequence[Path]) -> str:
        # Lexical, not resolve(): a stat per document made listing a large corpus take seconds.
        absolute = Path(os.path.abspath(path))
        for root in roots:
            if absolute.is_relative_to(root):
                return absolute.relative_to(root).as_posix()
        return path

    def list_documents(self) -> list[DocumentRow]:
        """The documents the chat answers from right now, in index order."""
        # One version of the index: a re-index swapping it between reading the chunks and the
        # documents listed a new document with 0 chunks.
        view = self.engine.view
        counts = Counter(c.doc_id for c in view.chunks)
        root = (Path(os.path.abspath(self.corpus)), self.corpus.resolve())
        return [DocumentRow(d.id, d.title or "", self._relative(d.path, root), Path(d.path).suffix.lower().lstrip("."),
                            d.date or "", d.source or "", counts[d.id]) for d in view.documents.values()]

    # uploading ----------------------------------------------------------------------
    def upload(self, files: Sequence[str | Path]) -> ChangeSummary:
        """Check and save uploaded files in the corpus, then re-index in the background.

        Args:
            files: Uploaded files; each is saved under (a safe form of) its own name.
        """
        names = [Path(f).name for f in files]
        if not self.permission.allowed:
            outcomes = tuple(FileOutcome(n, REFUSED, self.permission.reason) for n in names)
            return ChangeSummary(outcomes, False, self.permission.reason)
        if not files:
            return ChangeSummary((), False, "No file was uploaded.")
        outcomes = []
        with self._lock:
            known = {sha: rel for rel, sha in corpus_fingerprint(self.corpus).items()}
            for source, name in zip(files, names, strict=True):
                outcomes.append(self._add_one(Path(source), name, known))
        added = sum(1 for o in outcomes if o.outcome == ADDED)
        if added:
            self.reindexer.request(f"{added} file{'s' if added > 1 else ''} added")
        counts = Counter(o.outcome for o in outcomes)
        message = (f"{counts[ADDED]} added, {counts[SKIPPED]} skipped, {counts[REFUSED]} refused"
                   + ("; indexing in the background." if added else "."))
        return ChangeSummary(tuple(outcomes), bool(added), message)

    def _add_one(self, source: Path, name: str, known: dict[str, str]) -> FileOutcome:
        try:
            checked = check_upload(source, allowed=self.suffixes, max_bytes=self.max_bytes, name=name)
        except UploadRefused as exc:
            return FileOutcome(name, REFUSED, str(exc))
        except OSError as exc:
            return FileOutcome(name, REFUSED, f"cannot be read ({exc.strerror or exc})")
        digest = hashlib.sha256(checked.data).hexdigest()
        if digest in known:
            return FileOutcome(name, SKIPPED, f"same content as '{known[digest]}', already in the corpus")
        try:
            target = save_new_file(self.corpus, checked.safe_name, checked.data)
        except UploadRefused as exc:
            return FileOutcome(name, REFUSED, str(exc))
        except OSError as exc:
            return FileOutcome(name, REFUSED, f"cannot be saved ({exc.strerror or exc})")
        saved = target.relative_to(self.corpus).as_posix()
        known[digest] = saved
        logger.info("Upload '%s' saved as '%s'", name, target)
        notes = (["name made safe"] if checked.safe_name != name else []) + (
            [f"'{checked.safe_name}' already exists"] if saved != checked.safe_name else [])
        note = f" ({'; '.join(notes)})" if notes else ""
        return FileOutcome(name, ADDED, f"saved as '{saved}'{note}", saved)

    # deleting -----------------------------------------------------------------------
    def delete(self, doc_id: str) -> ChangeSummary:
        """Delete the file(s) of document ``doc_id`` from the corpus, then re-index."""
        doc_id = str(doc_id or "").strip()
        if not self.permission.allowed:
            return ChangeSummary((FileOutcome(doc_id, REFUSED, self.permission.reason),), False,
                                 self.permission.reason)
        with self._lock:
            problem, paths = self._deletable(doc_id)
            if problem:
                return ChangeSummary((FileOutcome(doc_id, REFUSED, problem),), False, f"Not deleted: {problem}")
            outcomes = []
            for path in paths:
                rel = path.relative_to(self.corpus.resolve()).as_posix()
                try:
                    path.unlink()
                except FileNotFoundError:
                    outcomes.append(FileOutcome(rel, SKIPPED, "already deleted; the index is being updated"))
                    continue
                except OSError as exc:
                    outcomes.append(FileOutcome(rel, REFUSED, f"cannot be deleted ({exc.strerror or exc})"))
                    continue
                logger.info("Deleted '%s' (document %s)", path, doc_id)
                outcomes.append(FileOutcome(rel, DELETED, f"document {doc_id}"))
        deleted = [o.file for o in outcomes if o.outcome == DELETED]
        if deleted:
            self.reindexer.request(f"document {doc_id} deleted")
            message = f"Deleted {', '.join(deleted)}; indexing in the background."
        else:
            message = f"Nothing deleted for document {doc_id}."
        return ChangeSummary(tuple(outcomes), bool(deleted), message)

    def _deletable(self, doc_id: str) -> tuple[str, list[Path]]:
        """Why ``doc_id`` cannot be deleted (or ``""``) and the files that hold it."""
        documents = self.engine.documents
        doc = next((d for d in documents if d.id == doc_id), None)
        if doc is None:
            return f"no document with id {doc_id!r}; /list_documents gives the ids", []
        if len(documents) == 1:
            return "it is the only document; the index needs at least one", []
        root = self.corpus.resolve()
        paths = []
        for entry in (doc.path, *doc.duplicates):
            path = Path(entry).resolve()
            if not path.is_file():
                continue  # a JSONL record named "file (id)", or already gone
            if not path.is_relative_to(root):
                return f"its file '{entry}' is not in the corpus folder '{self.corpus}'", []
            others = [d.id for d in documents if d.id != doc_id and Path(d.path).resolve() == path]
            if others:
                return (f"its file '{path.relative_to(root).as_posix()}' also holds {len(others)} other "
                        f"document(s) ({', '.join(others[:3])}); edit that file instead"), []
            paths.append(path)
        if not paths:
            return f"its file '{doc.path}' is no longer in the corpus; the index is being updated", []
        return "", paths


def manager_for(engine: QA, corpus: str | Path | None, *, share: bool, auth: bool) -> DocumentManager:
    """The manager of a served app, allowed to change the corpus only where that is safe."""
    folder = Path(corpus) if corpus is not None else None
    permission = management_permission(share=share, auth=auth, corpus=folder)
    return DocumentManager(engine, folder if folder is not None else Path("corpus"), permission=permission)
