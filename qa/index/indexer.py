"""Build or update an index folder from a corpus folder.

Only chunks whose embedded text changed are sent to the encoder again; everything
else reuses the vectors of the previous version.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from embeddings.base import Encoder
from qa.index.base import NewVersion, StoredChunk
from qa.index.chunk_text import embed_text, lexical_text
from qa.index.embed_cache import EmbeddingCache
from qa.index.store import FORMAT_VERSION, file_sha256, text_sha256
from qa.index.stores import is_milvus, open_store
from qa.ingest.chunking import chunk_documents
from qa.ingest.corpus import load_corpus
from qa.settings import CHUNK_SETTINGS, INDEX_SETTINGS, Settings
from qa.types import Document

# Re-exported: callers import the chunk texts from here.
__all__ = ["BuildReport", "build_index", "build_index_from", "embed_text", "lexical_text"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildReport:
    """What a build did.

    Attributes:
        index_dir: The index folder, or the ``milvus:`` location.
        documents: Number of documents indexed.
        chunks: Number of chunks indexed.
        embedded: Chunks sent to the encoder in this build.
        reused: Chunks whose vectors came from the previous version.
        seconds: Wall time of the build.
        up_to_date: True when nothing had changed and no new version was written.
        warnings: Files (or parts) that were skipped and why: broken, encrypted or
            mislabelled files, scanned PDFs without text.
        resumed: Chunks whose vectors an earlier, interrupted build had already made
            (counted in ``reused``).
    """

    index_dir: Path | str
    documents: int
    chunks: int
    embedded: int
    reused: int
    seconds: float
    up_to_date: bool
    warnings: tuple[str, ...] = ()
    resumed: int = 0

    def summary(self) -> str:
        """For the terminal: what was indexed, how fast, what was reused; then one line per warning."""
        if self.up_to_date:
            head = f"Index '{self.index_dir}' is up to date: {self.chunks} passages of {self.documents} documents."
        else:
            resumed = f", {self.resumed} of them from the interrupted build" if self.resumed else ""
            head = (f"Indexed {self.chunks} passages of {self.documents} documents into '{self.index_dir}' "
                    f"in {self.seconds:.1f}s ({self.embedded} embedded, {self.reused} reused{resumed}).")
        return "\n".join([head] + [f"warning: {w}" for w in self.warnings])


def _hash(text: str) -> str:
    return text_sha256(text)[:32]


def documents_fingerprint(documents: list[Document]) -> dict[str, str]:
    """Content hash of each document made in code, by id (what :func:`corpus_fingerprint` is for files)."""
    return {d.id: text_sha256(d.text) for d in documents}


def corpus_fingerprint(corpus_dir: Path) -> dict[str, str]:
    """Content hash of every non-hidden file below the corpus folder, by relative path."""
    files: dict[str, str] = {}
    for path in sorted(corpus_dir.rglob("*")):
        rel = path.relative_to(corpus_dir)
        if path.is_file() and not any(part.startswith(".") for part in rel.parts):
            try:
                files[rel.as_posix()] = file_sha256(path)
            except OSError as exc:  # deleted or unreadable since the folder was listed
                logger.warning("Skipped '%s': %s", path, exc.strerror or exc)
    return files


def _manifest_matches(manifest: dict[str, Any], *, files: dict[str, str], encoder: Encoder,
                      settings: Settings) -> bool:
    # The model and backend are compared through the encoder's fingerprint (a model named by
    # another path, or the same weights copied elsewhere, is still the same model).
    compared = [k for k in CHUNK_SETTINGS + INDEX_SETTINGS if k not in ("model", "encoder_backend")]
    same_settings = all(manifest["settings"].get(k) == getattr(settings, k) for k in compared)
    # An index of an older format was read by older loaders (which skipped PDFs, for one).
    return (
        manifest.get("format_version") == FORMAT_VERSION
        and manifest.get("corpus", {}).get("files") == files
        and manifest["model"].get("fingerprint") == encoder.fingerprint
        and same_settings
    )


def build_index(
    corpus_dir: str | Path,
    index_dir: str | Path,
    *,
    encoder: Encoder,
    settings: Settings,
    show_progress: bool = False,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> BuildReport:
    """Build ``index_dir`` from ``corpus_dir``, or update it if it exists.

    ``progress``, when given, is called with (passages embedded so far, passages to embed)
    before the first and after each checkpoint (the Documents tab shows it).

    Raises:
        CorpusError: The corpus folder is missing or holds no readable document.
        BuildLockedError: Another build of the same index is running.
    """
    corpus_dir = Path(corpus_dir)
    warnings: list[str] = []

    def documents() -> list[Document]:
        loaded = load_corpus(corpus_dir)
        warnings.extend(loaded.warnings)
        return loaded.documents

    return build_index_from(documents, index_dir, source=str(corpus_dir),
                            files=lambda: corpus_fingerprint(corpus_dir), encoder=encoder,
                            settings=settings, show_progress=show_progress, force=force,
                            warnings=lambda: tuple(warnings), progress=progress)


def build_index_from(
    documents: Callable[[], list[Document]],
    index_dir: str | Path,
    *,
    source: str,
    files: Callable[[], dict[str, str]],
    encoder: Encoder,
    settings: Settings,
    show_progress: bool = False,
    force: bool = False,
    warnings: Callable[[], tuple[str, ...]] = tuple,
    progress: Callable[[int, int], None] | None = None,
) -> BuildReport:
    """Build ``index_dir`` from documents given by a loader (used for folders and eval sets).

    ``files`` gives the content hashes that decide whether the index is up to date;
    ``warnings``, called after ``documents``, what the loader skipped (kept in the manifest,
    so an up-to-date index still reports them).
    """
    store = open_store(index_dir, settings=settings)
    index_dir = index_dir if is_milvus(index_dir) else Path(index_dir)
    started = time.perf_counter()
    with store.build_lock():
        previous = store.previous()
        hashes_now = files()
        if (previous is not None and not force and _manifest_matches(
                previous.manifest, files=hashes_now, encoder=encoder, settings=settings)):
            n = previous.chunk_count
            return BuildReport(index_dir, previous.document_count, n, 0, n,
                               time.perf_counter() - started, True, tuple(previous.manifest.get("warnings", ())))
        docs = documents()
        skipped = tuple(warnings())
        chunks = chunk_documents(
            docs, max_chars=settings.max_chunk_chars, heading_max_chars=settings.heading_max_chars
        )
        texts = [embed_text(c) for c in chunks]
        hashes = [_hash(t) for t in texts]
        reusable: dict[str, np.ndarray] = {}
        if previous is not None and previous.manifest["model"].get("fingerprint") == encoder.fingerprint:
            reusable = previous.vectors_for(hashes)
        cache = EmbeddingCache.open(store.cache_dir(), fingerprint=encoder.fingerprint, dim=encoder.dim)
        cached = {h: v for h, v in cache.load().items() if h not in reusable}
        resumed = sum(1 for h in hashes if h in cached)
        reusable.update(cached)
        todo = [i for i, h in enumerate(hashes) if h not in reusable]
        vectors = np.zeros((len(chunks), encoder.dim), dtype=np.float32)
        for i, h in enumerate(hashes):
            if h in reusable:
                vectors[i] = reusable[h]
        if resumed:
            logger.info("Resuming: %d passages were analysed by an interrupted build", resumed)
        if todo:
            logger.info("Analysing %d passages with the language model%s…", len(todo),
                        f" ({len(chunks) - len(todo)} unchanged kept)" if len(todo) < len(chunks) else "")
            _embed(encoder, texts, hashes, todo, vectors, cache=cache, settings=settings, show_progress=show_progress,
                   progress=progress)
        manifest = {
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "model": {"id": encoder.model_id, "fingerprint": encoder.fingerprint},
            "dim": encoder.dim,
            "chunk_count": len(chunks),
            "document_count": len(docs),
            "corpus": {"dir": source, "files": hashes_now},
            "settings": settings.to_dict(),
            "warnings": list(skipped),
        }
        store.write(NewVersion(manifest=manifest, documents=docs,
                               chunks=[StoredChunk(c, h) for c, h in zip(chunks, hashes, strict=True)],
                               vectors=vectors, settings=settings))
        cache.clear()
        seconds = time.perf_counter() - started
        # The caller prints BuildReport.summary(); this is the same fact for the debug log only.
        logger.debug("Indexed %d chunks of %d documents in %.1fs (%d embedded, %d reused)",
                    len(chunks), len(docs), seconds, len(todo), len(chunks) - len(todo))
        return BuildReport(index_dir, len(docs), len(chunks), len(todo), len(chunks) - len(todo),
                           seconds, False, skipped, resumed)


# Batches embedded between two writes of the embedding cache: small enough that an
# interrupted build loses little, large enough that the writes cost nothing next to the model.
CHECKPOINT_BATCHES = 8


def _embed(encoder: Encoder, texts: list[str], hashes: list[str], todo: list[int], vectors: np.ndarray, *,
           cache: EmbeddingCache, settings: Settings, show_progress: bool,
           progress: Callable[[int, int], None] | None = None) -> None:
    """Embed the ``todo`` texts into ``vectors`` segment by segment, saving each segment to ``cache``."""
    step = settings.batch_size * CHECKPOINT_BATCHES
    bar = None
    if show_progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(todo), desc="Passages", unit="passage", leave=False)
    if progress is not None:
        progress(0, len(todo))
    try:
        for start in range(0, len(todo), step):
            part = todo[start : start + step]
            made = encoder.encode_passages([texts[i] for i in part], batch_size=settings.batch_size,
                                           show_progress_bar=False)
            vectors[part] = made
            cache.append([hashes[i] for i in part], made)
            if bar is not None:
                bar.update(len(part))
            if progress is not None:
                progress(start + len(part), len(todo))
    finally:
        if bar is not None:
            bar.close()
