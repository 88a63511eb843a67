"""Which store an index location names: a folder (the default) or ``milvus:...``.

Locations, as given to ``QA.build``/``QA.open``, ``--index`` and ``app.py``::

    index/                                   a folder on this machine (FAISS + bm25s files)
    milvus:index/milvus.db                   Milvus Lite in this process (one process at a time)
    milvus:http://host:19530                 a Milvus standalone or cluster
    milvus:http://host:19530?collection=faq  another index in the same Milvus (default: qa)
"""

from __future__ import annotations

from pathlib import Path

from qa.index.base import Store
from qa.settings import Settings

MILVUS_PREFIX = "milvus:"
INDEX_HELP = "index folder, or milvus:PATH.db / milvus:http://HOST:19530 [?collection=NAME] (default: index)"


def is_milvus(location: str | Path) -> bool:
    """True when ``location`` names a Milvus index rather than a folder."""
    return isinstance(location, str) and location.startswith(MILVUS_PREFIX)


def open_store(location: str | Path, *, settings: Settings | None = None) -> Store:
    """The store an index location names (nothing is read or connected yet for a folder).

    Example:
        >>> open_store("index/").location
        'index'

    Raises:
        ValueError: A ``milvus:`` location that is malformed (the message shows the allowed forms).
    """
    if is_milvus(location):
        from qa.index.milvus_store import MilvusStore

        return MilvusStore.from_location(str(location))
    from qa.index.local_store import LocalStore

    return LocalStore(Path(location), settings=settings)
