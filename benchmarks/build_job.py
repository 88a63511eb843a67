"""Child process of the speed section: build one evaluation index and print what it took as JSON.

Run in its own process so its peak memory (``ru_maxrss``) is the build's alone.
``python -m benchmarks.build_job INDEX [--articles N] [--smoke] [--model M] [--change-one]``
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence

from qa.types import Document


def documents(articles: int | None, smoke: bool, change_one: bool) -> list[Document]:
    if smoke:
        from benchmarks.smoke_data import smoke_set

        docs = smoke_set()[0]
    else:
        from benchmarks.datasets import load_cmrc

        docs = load_cmrc(articles=articles)[0]
    if change_one:  # one edited file: a sentence appended to the first document
        first = docs[0]
        docs[0] = Document(
            id=first.id,
            title=first.title,
            text=first.text + "\n本段为基准测试追加的一句话。",
            path=first.path,
        )
    return docs


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.build_job")
    parser.add_argument("index")
    parser.add_argument("--articles", type=int, default=None)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--model", default=None)
    parser.add_argument("--change-one", action="store_true")
    args = parser.parse_args(argv)
    from benchmarks.hash_encoder import get_encoder
    from qa.index.indexer import build_index_from, documents_fingerprint
    from qa.settings import Settings

    started = time.perf_counter()
    encoder = get_encoder(args.model)
    loaded = time.perf_counter()
    docs = documents(args.articles, args.smoke, args.change_one)
    # what QA.build_from_documents does, keeping the BuildReport (chunks embedded vs reused)
    files = documents_fingerprint(docs)
    report = build_index_from(
        lambda: docs,
        args.index,
        source="<documents>",
        files=lambda: files,
        encoder=encoder,
        settings=Settings(),
    )
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "chunks": report.chunks,
                "embedded": report.embedded,
                "documents": len(docs),
                "model_load_s": loaded - started,
                "build_s": done - loaded,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
