"""Train the span reader: ``python -m training.span_reader`` (fixed seed; about 50 minutes on 2 cores).

1. The training questions (CMRC2018 trial + DRCD dev, :mod:`training.data`) are asked through
   the real retrieval and sentence model (as :mod:`training.sentence_ranker` does, same cached
   index); each gives the window answering would read, its unanswerable twin's window, and a
   window of the right passage when retrieval missed it (:mod:`training.span_data`); with
   ``--nearby`` also its on-topic twin's window, labelled "no answer".
2. The backbone's lower layers stay frozen, so their output is computed once per window; only
   the top ``--layers`` layers and the span head are trained (cross-entropy on the first and
   last answer tokens, "no answer" on the first token), with AdamW and a linear decay.
3. After each epoch the held-out articles' windows are read: exact match and character F1 by
   the CMRC2018 rules, and how often "no answer" wins on answerable windows, on unanswerable twins
   and on on-topic twins (always read on the held-out articles, so runs compare).
   The epoch with the best held-out F1 is written as float16 safetensors with the figures.

Measured and not shipped (README): going on training the shipped reader on English questions,
``python -m training.span_reader --init qa/answer/span_reader.safetensors --english --epochs 2
--chinese 3000 --lr 5e-5`` (25 minutes; then ``python -m training.span_confidence`` and
``python -m training.crosslingual_confidence``). It adds the training windows of the translated
questions (:data:`training.data.TRANSLATIONS`) asked in English to 3,000 of the Chinese windows
and reports the held-out English windows after each epoch; the best epoch has the best sum of
the two held-out F1s.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from benchmarks.cmrc_eval import exact_match, f1_score
from embeddings.models import resolve_model
from qa.answer.reader import load_reader
from qa.answer.reader_weights import ReaderWeightsError
from qa.answer.span_export import SPAN_WEIGHTS_PATH, build_model, read_meta
from qa.answer.span_reader import decode
from qa.engine import QA
from qa.settings import Settings
from training.data import load_training_set, load_translations
from training.examples import collect
from training.span_data import SpanExample, build_span_examples, in_english

REPO = Path(__file__).resolve().parent.parent
SEED = 0


def _batches(n: int, size: int, rng: np.random.Generator | None = None) -> list[np.ndarray]:
    order = rng.permutation(n) if rng is not None else np.arange(n)
    return [order[i:i + size] for i in range(0, n, size)]


def _pad(items: Sequence[SpanExample], idx: np.ndarray):  # type: ignore[no-untyped-def]
    import torch

    width = max(len(items[i].ids) for i in idx)
    ids = torch.ones((len(idx), width), dtype=torch.long)  # 1 = <pad>
    mask = torch.zeros((len(idx), width), dtype=torch.long)
    for row, i in enumerate(idx):
        n = len(items[i].ids)
        ids[row, :n] = torch.from_numpy(items[i].ids)
        mask[row, :n] = 1
    return ids, mask


def _rounded(figures: dict[str, float]) -> dict[str, float]:
    return {k: round(float(v), 4) for k, v in figures.items()}


def lower_states(model, items: Sequence[SpanExample], first: int, *, batch: int = 32):  # type: ignore[no-untyped-def]
    """Output of the frozen layers below ``first`` for every window (float16, padded per window)."""
    import torch

    out = []
    layers = model.bert.encoder.layer
    model.bert.encoder.layer = layers[:first]  # the layers above are trained: no need to run them
    try:
        with torch.no_grad():
            for idx in _batches(len(items), batch):
                ids, mask = _pad(items, idx)
                hidden = model.bert(input_ids=ids, attention_mask=mask).last_hidden_state
                for row, i in enumerate(idx):
                    out.append(hidden[row, : len(items[i].ids)].to(torch.float16))
    finally:
        model.bert.encoder.layer = layers
    return out


def _upper(model, states, idx, first: int):  # type: ignore[no-untyped-def]
    import torch

    width = max(states[i].shape[0] for i in idx)
    hidden = torch.zeros((len(idx), width, states[idx[0]].shape[1]))
    keep = torch.zeros((len(idx), width), dtype=torch.bool)
    for row, i in enumerate(idx):
        hidden[row, : states[i].shape[0]] = states[i].float()
        keep[row, : states[i].shape[0]] = True
    mask = torch.zeros((len(idx), 1, 1, width))
    mask.masked_fill_(~keep[:, None, None, :], torch.finfo(torch.float32).min)
    for layer in model.bert.encoder.layer[first:]:
        hidden = layer(hidden, attention_mask=mask)
        hidden = hidden[0] if isinstance(hidden, tuple) else hidden
    logits = model.qa_outputs(hidden)
    start, end = logits[..., 0], logits[..., 1]
    start = start.masked_fill(~keep, torch.finfo(torch.float32).min)
    end = end.masked_fill(~keep, torch.finfo(torch.float32).min)
    return start, end


def evaluate(model, items: Sequence[SpanExample], states, first: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Held-out exact match / F1 where the window answers, and how often "no answer" wins."""
    import torch

    em = f1 = 0.0
    answerable = null_on_answerable = null_on_twin = twins = null_on_nearby = nearby = 0
    with torch.no_grad():
        for idx in _batches(len(items), 64):
            start, end = _upper(model, states, idx, first)
            for row, i in enumerate(idx):
                it = items[i]
                n = len(it.ids)
                r = decode(start[row, :n].numpy(), end[row, :n].numpy(), it.offsets, it.window.text)
                if it.kind == "twin":
                    twins += 1
                    null_on_twin += r.margin < 0
                elif it.kind == "nearby":
                    nearby += 1
                    null_on_nearby += r.margin < 0
                elif it.end > 0:
                    answerable += 1
                    null_on_answerable += r.margin < 0
                    text = it.window.text[r.start:r.end] if r.start >= 0 else ""
                    em += exact_match(it.answers, text)
                    f1 += f1_score(it.answers, text)
    return {"em": em / max(answerable, 1), "f1": f1 / max(answerable, 1), "windows_answering": answerable,
            "null_wins_answerable": null_on_answerable / max(answerable, 1),
            "null_wins_unanswerable": null_on_twin / max(twins, 1),
            "null_wins_nearby": null_on_nearby / max(nearby, 1)}


def save(model, path: Path, first: int, meta: dict) -> None:  # type: ignore[no-untyped-def]
    """The trained layers and head as safetensors; ``meta`` goes into the header.

    Matrices are stored as int8 with a float16 scale per row (the export quantises to int8
    anyway), vectors as float16: six trained layers fit in about 11 MB.
    """
    import torch
    from safetensors.torch import save_file

    state = {f"layers.{n}.{key}": value for n, layer in enumerate(model.bert.encoder.layer[first:])
             for key, value in layer.state_dict().items()}
    state.update({f"qa_outputs.{key}": value for key, value in model.qa_outputs.state_dict().items()})
    tensors = {}
    for key, value in state.items():
        value = value.detach().float()
        if value.dim() == 2 and not key.startswith("qa_outputs."):
            scale = value.abs().amax(dim=1).clamp(min=1e-8) / 127.0
            tensors[f"{key}.q8"] = torch.round(value / scale[:, None]).to(torch.int8).contiguous()
            tensors[f"{key}.scale"] = scale.half().contiguous()
        else:
            tensors[key] = value.half().contiguous()
    save_file(tensors, str(path), metadata={"span_reader": json.dumps(meta, ensure_ascii=False)})


def main(argv: Sequence[str] | None = None) -> int:
    import torch

    parser = argparse.ArgumentParser(prog="python -m training.span_reader", description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=REPO / "benchmarks" / ".cache" / "train-index")
    parser.add_argument("--out", type=Path, default=SPAN_WEIGHTS_PATH)
    parser.add_argument("--layers", type=int, default=6, help="top layers to train (the rest stay frozen)")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--nearby", action="store_true",
                        help="also train 'no answer' on on-topic twins (the answer's passages removed)")
    parser.add_argument("--limit", type=int, default=0, help="train on this many questions only (quick runs)")
    parser.add_argument("--init", type=Path, default=None,
                        help="start from these trained weights (e.g. the shipped ones) instead of an untrained head")
    parser.add_argument("--english", action="store_true",
                        help="also train on the translated questions' windows, asked in English")
    parser.add_argument("--chinese", type=int, default=0,
                        help="train on this many Chinese windows only, drawn at random (0: all)")
    args = parser.parse_args(argv)
    command = list(argv if argv is not None else sys.argv[1:])
    if args.chinese < 0:
        parser.error(f"--chinese {args.chinese} is not allowed; use a number of windows >= 0 (0: all)")
    if args.init is not None:
        try:  # a missing or damaged file fails now, not after minutes of reading windows
            read_meta(args.init)
        except ReaderWeightsError as exc:
            parser.error(f"--init: {exc}")
    logging.basicConfig(level=logging.WARNING)
    started = time.perf_counter()
    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    rng = np.random.default_rng(SEED)
    settings = Settings()
    data = load_training_set(seed=SEED)
    engine = QA.build_from_documents(data.documents, args.cache, settings=settings)
    k = max(5, settings.answer_passages)
    train = collect(engine, data.train[: args.limit or None], k=k, cache=args.cache)
    held = collect(engine, data.held_out, k=k, cache=args.cache)
    backbone = Path(resolve_model(settings.model).location)
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(backbone / "tokenizer.json"))
    by_doc: dict = {}
    for c in engine.chunks:
        by_doc.setdefault(c.doc_id, []).append(c)
    weights = load_reader()
    train_items = build_span_examples(train, weights, settings, tokenizer, by_doc, nearby=args.nearby)
    # Held-out on-topic twins are always read, so runs with and without --nearby compare.
    held_items = build_span_examples(held, weights, settings, tokenizer, by_doc, include_gold=False, nearby=True)
    english: list[SpanExample] = []
    held_english: list[SpanExample] = []
    if args.english:
        translations = load_translations()
        limit = settings.reader_max_tokens
        english = in_english(train_items, translations, tokenizer, max_tokens=limit)
        held_english = in_english(held_items, translations, tokenizer, max_tokens=limit)
    if args.chinese:
        train_items = [train_items[i] for i in rng.permutation(len(train_items))[: args.chinese]]
    train_items = [*train_items, *english]
    print(f"windows: {len(train_items)} train ({sum(i.end > 0 for i in train_items)} answering), "
          f"{len(held_items)} held-out; {time.perf_counter() - started:.0f}s", flush=True)
    model, started_from = build_model(backbone, args.init)
    init = {k: started_from[k] for k in ("command", "held_out", "epochs", "best_epoch") if k in started_from} or None
    first = model.config.num_hidden_layers - args.layers
    for p in model.parameters():
        p.requires_grad = False
    trained = [*model.bert.encoder.layer[first:].parameters(), *model.qa_outputs.parameters()]
    for p in trained:
        p.requires_grad = True
    train_states = lower_states(model, train_items, first)
    held_states = lower_states(model, held_items, first)
    english_states = lower_states(model, held_english, first)
    print(f"frozen layers computed; {time.perf_counter() - started:.0f}s", flush=True)
    opt = torch.optim.AdamW([{"params": list(model.bert.encoder.layer[first:].parameters()), "lr": args.lr},
                             {"params": list(model.qa_outputs.parameters()), "lr": args.lr * 10}], weight_decay=0.01)
    steps = args.epochs * len(_batches(len(train_items), args.batch))
    warm = 0.1 * steps  # linear warm-up over the first 10% of steps, then linear decay to 0
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, 1 - s / steps))
    starts = torch.tensor([i.start for i in train_items])
    ends = torch.tensor([i.end for i in train_items])
    best: dict = {}
    for epoch in range(1, args.epochs + 1):
        model.train()
        losses = []
        for idx in _batches(len(train_items), args.batch, rng):
            s, e = _upper(model, train_states, idx, first)
            ce = torch.nn.functional.cross_entropy
            loss = (ce(s, starts[idx]) + ce(e, ends[idx])) / 2
            loss.backward()
            opt.step()
            sched.step()
            opt.zero_grad()
            losses.append(float(loss.detach()))
        model.eval()
        figures = evaluate(model, held_items, held_states, first)
        english_figures = evaluate(model, held_english, english_states, first) if held_english else {}
        print(f"epoch {epoch}: loss {np.mean(losses):.3f}, held-out {figures}"
              + (f", in English {english_figures}" if held_english else "")
              + f"; {time.perf_counter() - started:.0f}s", flush=True)
        # With --english the best epoch reads both languages best: the sum of the two held-out F1s.
        score = figures["f1"] + english_figures.get("f1", 0.0)
        if not best or score > best["score"]:
            best = {"epoch": epoch, "score": score, "held_out": _rounded(figures)}
            meta = {"trained_layers": args.layers, "max_tokens": settings.reader_max_tokens,
                    "window_chars": settings.reader_window_chars, "seed": SEED, "lr": args.lr,
                    "batch": args.batch, "epochs": args.epochs, "best_epoch": epoch,
                    "command": " ".join(["python -m training.span_reader", *command]),
                    "nearby": args.nearby,
                    "data": "CMRC2018 trial (CC BY-SA 4.0) + DRCD dev (CC BY-SA 3.0), split by article 80/20"
                    + ("; their English translations (training/english_questions.jsonl)" if args.english else ""),
                    "init": init,
                    "windows": {"train": len(train_items), "held_out": len(held_items)},
                    "held_out": best["held_out"], "seconds": round(time.perf_counter() - started, 1)}
            if args.english:
                meta["held_out_english"] = _rounded(english_figures)
            save(model, args.out, first, meta)
    print(f"best epoch {best['epoch']}: {best['held_out']}; wrote {args.out} in "
          f"{time.perf_counter() - started:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
