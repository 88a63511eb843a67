"""An index kept in Milvus: Milvus Lite in this process (``milvus:PATH.db``) or a server (``milvus:http://...``).

A build writes a new data collection (and its meta collection) completely, flushes it,
then switches the alias readers resolve: readers see the old version or the new one,
never half of one. A build killed midway leaves an orphan collection that the next build
removes; the alias still names the previous version. The collection that was live before
the last build is kept, so readers that have not switched yet keep working.
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import asdict
from hashlib import sha256
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import numpy as np

from qa.errors import IndexCorruptError, IndexNotFoundError, IndexUnavailableError
from qa.index.base import NewVersion
from qa.index.filters import document_folder
from qa.index.index_schema import validate_manifest
from qa.index.milvus_connection import connect
from qa.index.milvus_guard import GuardedClient
from qa.index.milvus_lock import build_lock
from qa.index.milvus_schema import (
    chunk_row,
    create_data_collection,
    create_small_collection,
    meta_parts,
    term_rows,
)
from qa.index.milvus_view import PAGE, MilvusView, read_chunks, read_meta
from qa.index.store import FORMAT_VERSION, document_from_row

logger = logging.getLogger(__name__)

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,120}")
_FORMS = ("use milvus:PATH.db (Milvus Lite) or milvus:http://HOST:19530 (a Milvus server), "
          "optionally followed by ?collection=NAME (letters, digits, _)")
# Rows per insert call: well under gRPC's message limit at 384 dimensions.
INSERT_BATCH = 500


class MilvusPrevious:
    """The live Milvus version, as a build reuses its vectors by chunk hash."""

    def __init__(self, client: Any, collection: str, manifest: dict[str, Any]) -> None:
        self._client = client
        self._collection = collection
        self.manifest = manifest
        self.document_count = int(manifest.get("document_count", 0))
        self.chunk_count = int(manifest["chunk_count"])

    def vectors_for(self, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors of the chunks whose embedded-text hash is in ``hashes``."""
        found: dict[str, np.ndarray] = {}
        wanted = sorted(set(hashes))
        for start in range(0, len(wanted), PAGE):
            part = json.dumps(wanted[start : start + PAGE])
            for row in self._client.query(self._collection, filter=f"embed_hash in {part}",
                                          output_fields=["embed_hash", "vector"]):
                found[row["embed_hash"]] = np.asarray(row["vector"], dtype=np.float32)
        return found


class MilvusStore:
    """An index in Milvus, named by a ``milvus:`` location.

    Example:
        >>> store = MilvusStore.from_location("milvus:index/milvus.db?collection=news")  # doctest: +SKIP
        >>> store.open().version                                                         # doctest: +SKIP
        'news_v20261201_142233_123456'
    """

    def __init__(self, location: str, uri: str, name: str) -> None:
        self.location = location
        self.uri = uri
        self.name = name

    @classmethod
    def from_location(cls, location: str) -> MilvusStore:
        """Parse ``milvus:PATH.db`` or ``milvus:http://host:19530``, each with optional ``?collection=NAME``.

        Raises:
            ValueError: The location is malformed (the message shows the allowed forms).
        """
        rest = location[len("milvus:"):]
        target, _, query = rest.partition("?")
        params = parse_qs(query, keep_blank_values=True)
        if set(params) - {"collection"} or any(len(v) != 1 for v in params.values()):
            raise ValueError(f"--index {location!r}: only ?collection=NAME may follow the address; {_FORMS}")
        name = params.get("collection", ["qa"])[0]
        if not _NAME.fullmatch(name):
            raise ValueError(f"--index {location!r}: collection name {name!r} is not allowed; {_FORMS}")
        if target.startswith(("http://", "https://")):
            parts = urlsplit(target)
            if not parts.hostname or parts.path not in ("", "/"):
                raise ValueError(f"--index {location!r}: {target!r} is not a server address; {_FORMS}")
        elif not target or target.endswith(("/", "\\")):
            raise ValueError(f"--index {location!r}: no Milvus Lite file named; {_FORMS}")
        return cls(location, target, name)

    @property
    def is_lite(self) -> bool:
        """True for a Milvus Lite file (one process at a time)."""
        return not self.uri.startswith(("http://", "https://"))

    def _client(self) -> GuardedClient:
        # Every call after connecting is guarded: a server that goes away mid-session is an
        # IndexUnavailableError naming this location, never a raw pymilvus exception.
        return GuardedClient(connect(self.uri), uri=self.uri, location=self.location)

    def rebuild_hint(self) -> str:
        """The command that rebuilds this index."""
        return f"rebuild it with: python -m qa build --index {self.location}"

    def current(self) -> str:
        """The data collection the alias names."""
        client = self._client()
        # Asking for an alias that does not exist makes pymilvus log a traceback; list first.
        if self.name not in client.list_aliases().get("aliases", []):
            raise IndexNotFoundError(
                f"No index '{self.name}' in {self.uri}: build one with: python -m qa build --index {self.location}"
            )
        return str(client.describe_alias(self.name)["collection_name"])

    def _meta(self, collection: str) -> dict[str, Any]:
        try:
            self._client().load_collection(f"{collection}_meta")
            meta = read_meta(self._client(), collection)
        except IndexUnavailableError:
            raise
        except Exception as exc:
            raise IndexCorruptError(f"Index '{self.location}': the manifest of {collection} cannot be read "
                                    f"({exc}); {self.rebuild_hint()}") from exc
        manifest = meta["manifest"]
        if manifest.get("format_version", 0) > FORMAT_VERSION:
            raise IndexCorruptError(f"Index '{self.location}' has format {manifest['format_version']}, newer than "
                                    f"this program reads ({FORMAT_VERSION}); upgrade it or {self.rebuild_hint()}")
        validate_manifest(Path(self.location), manifest)
        return meta

    def read_manifest(self) -> dict[str, Any]:
        """Manifest of the live version."""
        return self._meta(self.current())["manifest"]

    def open(self) -> MilvusView:
        """Load the live collection and read its chunks and documents into memory."""
        collection = self.current()
        meta = self._meta(collection)
        manifest = meta["manifest"]
        try:
            self._client().load_collection(collection)
            self._client().load_collection(f"{collection}_terms")
            chunks = read_chunks(self._client(), collection, int(manifest["chunk_count"]))
            documents = [document_from_row(Path(self.location), row) for row in meta.get("documents", [])]
        except (IndexCorruptError, IndexUnavailableError):
            raise
        except Exception as exc:
            raise IndexCorruptError(f"Index '{self.location}': {collection} cannot be read ({exc}); "
                                    f"{self.rebuild_hint()}") from exc
        return MilvusView(self._client(), collection, meta, documents, chunks)

    def previous(self) -> MilvusPrevious | None:
        """The live version, or None when there is none or it cannot be read."""
        try:
            collection = self.current()
            manifest = self._meta(collection)["manifest"]
            self._client().load_collection(collection)
        except (IndexNotFoundError, IndexCorruptError):
            return None
        return MilvusPrevious(self._client(), collection, manifest)

    def cache_dir(self) -> Path:
        """Beside the Lite file; for a server, in this machine's temporary folder."""
        if self.is_lite:
            path = Path(self.uri)
            return path.parent / f".{path.name}.{self.name}.build"
        digest = sha256(f"{self.uri}?{self.name}".encode()).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / "qa-milvus-builds" / digest

    def build_lock(self) -> AbstractContextManager[None]:
        """A lock row in ``NAME_lock``: one build at a time across every process that reaches this Milvus."""
        return build_lock(self._client(), self.name, self.location)

    def write(self, version: NewVersion) -> str:
        """Write a new data collection and its meta, then switch the alias to it."""
        client = self._client()
        settings = version.settings
        n, dim = version.vectors.shape
        # Lite has FLAT and IVF_FLAT only; a server picks its own index for large collections
        # (where the folder store would leave exact search too).
        index_type = "AUTOINDEX" if (n >= settings.exact_below and not self.is_lite) else "FLAT"
        name = f"{self.name}_v{time.strftime('%Y%m%d_%H%M%S')}_{time.monotonic_ns() % 1_000_000_000:09d}"
        create_data_collection(client, name, dim=dim, index_type=index_type)
        corpus = version.manifest.get("corpus", {}).get("dir")
        folders = {d.id: document_folder(d, corpus) for d in version.documents}
        rows = []
        # Chunks holding each token: the IDF answer confidence uses, stored with the version
        # (which never changes) so a question asks Milvus for its words' counts by key.
        counts: Counter[str] = Counter()
        for i, stored in enumerate(version.chunks):
            row = chunk_row(i, stored, version.vectors[i].tolist(), folders.get(stored.chunk.doc_id, ""))
            counts.update({t for t in row["tokens"].split(" ") if t})
            rows.append(row)
            if len(rows) == INSERT_BATCH:
                client.insert(name, rows)
                rows = []
        if rows:
            client.insert(name, rows)
        client.flush(name)
        create_small_collection(client, f"{name}_terms", key_type="term")
        terms = term_rows(counts)
        for start in range(0, len(terms), 4 * INSERT_BATCH):
            client.insert(f"{name}_terms", terms[start : start + 4 * INSERT_BATCH])
        client.flush(f"{name}_terms")
        manifest = {**version.manifest, "index_kind": f"milvus-{index_type.lower()}", "store": "milvus",
                    "format_version": FORMAT_VERSION, "checksums": {}}
        create_small_collection(client, f"{name}_meta", key_type="int")
        documents = [asdict(d) for d in version.documents]
        parts = meta_parts({"manifest": manifest, "documents": documents})
        for start in range(0, len(parts), INSERT_BATCH):
            client.insert(f"{name}_meta", parts[start : start + INSERT_BATCH])
        client.flush(f"{name}_meta")
        client.load_collection(name)
        before = self._switch(client, name)
        self._drop_old(client, keep={name, before})
        return name

    def _switch(self, client: Any, name: str) -> str:
        if self.name not in client.list_aliases().get("aliases", []):
            client.create_alias(name, self.name)
            return name
        before = str(client.describe_alias(self.name)["collection_name"])
        client.alter_alias(name, self.name)
        return before

    def _drop_old(self, client: Any, *, keep: set[str]) -> None:
        # Orphans of killed builds and versions older than the one readers may still hold.
        pattern = re.compile(rf"{re.escape(self.name)}_v\d{{8}}_\d{{6}}_\d{{9}}")
        for collection in client.list_collections():
            if pattern.fullmatch(collection) and collection not in keep:
                logger.info("Dropping old index collection %s", collection)
                client.drop_collection(collection)
                for extra in (f"{collection}_meta", f"{collection}_terms"):
                    if client.has_collection(extra):
                        client.drop_collection(extra)
