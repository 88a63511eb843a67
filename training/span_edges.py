"""Which characters XLM-R glues onto answer edges: ``python -m training.span_edges`` (seconds).

The reader can only start and end on the tokenizer's pieces, and XLM-R often merges a Chinese
function character with its neighbour ("1990年的", "的主裁判"). Over the training articles'
answers (never the held-out ones, never CMRC2018 dev) whose edge piece has two characters or
more, this counts how often the answer stops one character short of the piece (``cut``) or
uses all of it (``keep``), per edge character. The characters cut far more often than kept
are :data:`qa.answer.span_reader.GLUED_END` and :data:`~qa.answer.span_reader.GLUED_START`
(punctuation is listed too, but :func:`~qa.answer.span_reader.trim` already drops it).
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from embeddings.models import resolve_model
from qa.settings import Settings
from training.data import load_training_set, read_articles

SEED = 0


def edge_counts(contexts: Sequence[tuple[str, Sequence[tuple[int, str]]]], tokenizer) -> dict[str, Counter]:  # type: ignore[no-untyped-def]
    """``end_cut``/``end_keep``/``start_cut``/``start_keep`` counts per edge character of multi-character pieces."""
    counts = {name: Counter() for name in ("end_cut", "end_keep", "start_cut", "start_keep")}
    for context, answers in contexts:
        offsets = tokenizer.encode(context, add_special_tokens=False).offsets
        for at, text in answers:
            text = text.rstrip()
            start, end = at, at + len(text)
            if not text or context[start:end] != text:
                continue
            for a, b in offsets:
                while a < b and context[a] == " ":
                    a += 1
                if b - a < 2:
                    continue
                if a < end <= b and end >= b - 1:
                    counts["end_keep" if end == b else "end_cut"][context[b - 1]] += 1
                if a <= start < b and start <= a + 1:
                    counts["start_keep" if start == a else "start_cut"][context[a]] += 1
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    from tokenizers import Tokenizer

    parser = argparse.ArgumentParser(prog="python -m training.span_edges", description=__doc__.splitlines()[0])
    parser.add_argument("--min-count", type=int, default=5, help="report characters cut at least this often")
    args = parser.parse_args(argv)
    tokenizer = Tokenizer.from_file(str(Path(resolve_model(Settings().model).location) / "tokenizer.json"))
    train_docs = {q.doc_id for q in load_training_set(seed=SEED).train}
    contexts = [(p["context"], [(qa["answers"][0]["answer_start"], qa["answers"][0]["text"])
                                for qa in p["qas"] if qa["answers"]])
                for doc_id, article in read_articles() if doc_id in train_docs for p in article["paragraphs"]]
    counts = edge_counts(contexts, tokenizer)
    for side in ("end", "start"):
        cut, keep = counts[f"{side}_cut"], counts[f"{side}_keep"]
        glued = sorted((c for c in cut if cut[c] >= args.min_count and cut[c] > 3 * keep[c]), key=lambda c: -cut[c])
        print(f"{side}: " + ", ".join(f"{c!r} cut {cut[c]} / kept {keep[c]}" for c in glued))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
