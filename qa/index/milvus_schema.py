"""What an index looks like inside Milvus: collections, fields, rows and filter expressions.

One index named ``qa`` is an alias ``qa`` pointing at the live data collection
``qa_v<stamp>``; each data collection has a ``qa_v<stamp>_meta`` collection beside it
(the manifest and the documents as JSON, split in parts); ``qa_lock`` holds the build lock.
Data rows: ``pk`` (the chunk's position), the chunk as JSON, its text, the project's jieba
tokens of the search form joined by spaces (analysed by Milvus into the BM25 field
``sparse``), the document fields that filters use (``doc_id``, ``source``, ``date``,
``folders``: the folder and its parents), the hash of the embedded text and the vector.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from qa.index.base import StoredChunk
from qa.index.bm25 import passage_tokens
from qa.index.chunk_text import lexical_text
from qa.index.filters import Filters

# Milvus's VARCHAR limit is in bytes.
MAX_VARCHAR = 65_535
# Longest token kept in the term counts; a longer one (a URL, say) counts as unseen.
MAX_TERM_BYTES = 1024
# Parts of the meta JSON: 16,000 characters are at most 64,000 UTF-8 bytes.
META_PART_CHARS = 16_000
# bm25s's defaults, so Milvus ranks and scores exactly as the local index does.
BM25_PARAMS = {"bm25_k1": 1.5, "bm25_b": 0.75}


def folder_chain(folder: str) -> list[str]:
    """A folder and its parents, so a filter on a parent folder matches with ``array_contains_any``.

    Example:
        >>> folder_chain("a/b/c")
        ['a', 'a/b', 'a/b/c']
    """
    parts = [p for p in folder.split("/") if p]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def chunk_row(position: int, stored: StoredChunk, vector: list[float], folder: str) -> dict[str, Any]:
    """The Milvus row of the chunk at ``position``.

    Raises:
        ValueError: A field is longer than Milvus allows (names the chunk).
    """
    chunk = stored.chunk
    row = {
        "pk": position,
        "chunk": json.dumps(asdict(chunk), ensure_ascii=False),
        "text": chunk.text,
        "tokens": " ".join(passage_tokens(lexical_text(chunk))),
        "doc_id": chunk.doc_id,
        "title": chunk.title or "",
        "source": chunk.source or "",
        "date": chunk.date or "",
        "folders": folder_chain(folder),
        "embed_hash": stored.embed_hash,
        "vector": vector,
    }
    for key in ("chunk", "text", "tokens", "doc_id", "title", "source", "date"):
        if len(row[key].encode("utf-8", "surrogatepass")) > MAX_VARCHAR:
            raise ValueError(f"chunk {chunk.id!r}: its {key} is longer than Milvus's {MAX_VARCHAR} bytes; "
                             f"lower max_chunk_chars or shorten the document's {key}")
    return row


def term_rows(counts: dict[str, int]) -> list[dict[str, Any]]:
    """Rows ``{"pk": token, "part": "<chunks holding it>"}`` of a version's term collection."""
    return [{"pk": term, "part": str(n), "dummy": [0.0, 0.0]} for term, n in counts.items()
            if len(term.encode("utf-8", "surrogatepass")) <= MAX_TERM_BYTES]


def meta_parts(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The meta JSON split into rows ``{"pk": i, "part": text}``."""
    text = json.dumps(payload, ensure_ascii=False)
    pieces = [text[i : i + META_PART_CHARS] for i in range(0, len(text), META_PART_CHARS)] or [""]
    return [{"pk": i, "part": piece, "dummy": [0.0, 0.0]} for i, piece in enumerate(pieces)]


def _literal(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def filter_expression(filters: Filters) -> str:
    """``filters`` as a Milvus boolean expression over the data fields.

    Dates compare as ISO text: a bound ``2024-06`` keeps every date that starts with a
    value up to it, hence ``< "2024-06~"`` (``~`` sorts after every character of an ISO date).

    Example:
        >>> filter_expression(Filters(sources=frozenset({"新华社"}), date=None))
        'source in ["新华社"]'
    """
    parts = []
    if filters.doc_ids is not None:
        parts.append(f"doc_id in [{', '.join(_literal(v) for v in sorted(filters.doc_ids))}]")
    if filters.sources is not None:
        parts.append(f"source in [{', '.join(_literal(v) for v in sorted(filters.sources))}]")
    if filters.folders is not None and "" not in filters.folders:
        parts.append(f"array_contains_any(folders, [{', '.join(_literal(v) for v in filters.folders)}])")
    if filters.date is not None:
        parts.append('date != ""')
        if filters.date.gte is not None:
            parts.append(f"date >= {_literal(filters.date.gte)}")
        if filters.date.lte is not None:
            parts.append(f"date < {_literal(filters.date.lte + '~')}")
    return " and ".join(parts)


def is_lite3(client: Any) -> bool:
    """Whether ``client`` talks to Milvus Lite 3 (in process or its server) rather than a Milvus server.

    The Milvus Lite 2.5 core, a stand-in for a server, does not implement the version call.
    """
    import grpc

    from qa.errors import IndexUnavailableError

    try:
        return str(client.get_server_version()).startswith("milvus_lite-3")
    except IndexUnavailableError as exc:
        code = getattr(exc.__cause__, "code", None)
        if callable(code) and code() == grpc.StatusCode.UNIMPLEMENTED:
            return False  # then the first call it lacks that the store needs says so
        raise


def create_data_collection(client: Any, name: str, *, dim: int, index_type: str) -> None:
    """Create an empty data collection with its BM25 function and indexes.

    The tokens are the project's own (jieba over the search form), so the field is split on
    spaces only: a Milvus server's ``whitespace`` tokenizer, or, on Milvus Lite 3, which has
    only ``standard`` and ``jieba``, ``standard`` (it keeps a space-separated Chinese word whole).
    """
    # Asking for a tokenizer the server lacks makes pymilvus log a traceback: ask its version first.
    lite = is_lite3(client)
    analyzer = {"type": "standard"} if lite else {"tokenizer": "whitespace"}
    _create_data_collection(client, name, dim=dim, index_type=index_type, analyzer=analyzer, lite=lite)


def _create_data_collection(client: Any, name: str, *, dim: int, index_type: str, analyzer: dict[str, Any],
                            lite: bool) -> None:
    from pymilvus import DataType, Function, FunctionType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("pk", DataType.INT64, is_primary=True)
    schema.add_field("chunk", DataType.VARCHAR, max_length=MAX_VARCHAR)
    schema.add_field("text", DataType.VARCHAR, max_length=MAX_VARCHAR)
    schema.add_field("tokens", DataType.VARCHAR, max_length=MAX_VARCHAR, enable_analyzer=True,
                     enable_match=True, analyzer_params=analyzer)
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    for key in ("doc_id", "title", "source", "date"):
        schema.add_field(key, DataType.VARCHAR, max_length=MAX_VARCHAR)
    schema.add_field("folders", DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=256,
                     max_length=4096)
    schema.add_field("embed_hash", DataType.VARCHAR, max_length=64)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    schema.add_function(Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["tokens"],
                                 output_field_names=["sparse"]))
    params = client.prepare_index_params()
    params.add_index("vector", index_type=index_type, metric_type="IP")
    params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25", params=BM25_PARAMS)
    _create(client, name, schema, params, lite=lite)


def create_small_collection(client: Any, name: str, *, key_type: str) -> None:
    """A collection of ``pk`` + ``part`` text rows (meta, terms, lock); Milvus needs a vector field in each.

    ``key_type``: ``int`` (meta parts), ``str`` (the lock) or ``term`` (a BM25 token).
    """
    from pymilvus import DataType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    if key_type == "int":
        schema.add_field("pk", DataType.INT64, is_primary=True)
    else:
        length = MAX_TERM_BYTES if key_type == "term" else 64
        schema.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=length)
    schema.add_field("part", DataType.VARCHAR, max_length=MAX_VARCHAR)
    schema.add_field("dummy", DataType.FLOAT_VECTOR, dim=2)
    params = client.prepare_index_params()
    params.add_index("dummy", index_type="FLAT", metric_type="L2")
    _create(client, name, schema, params, lite=is_lite3(client))


def _create(client: Any, name: str, schema: Any, params: Any, *, lite: bool) -> None:
    if not lite:
        client.create_collection(name, schema=schema, index_params=params)
        return
    # Lite builds an index at once, and pymilvus's wait for it calls an RPC that Lite lacks
    # (its server then logs a traceback): create, index without waiting, load.
    client.create_collection(name, schema=schema)
    client.create_index(name, params, sync=False)
    client.load_collection(name)
