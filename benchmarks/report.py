"""Render ``benchmarks.json`` as ``benchmarks.md``: machine facts, targets, then a table per section."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from benchmarks.targets import target_rows

TITLES = {
    "quality": "Quality",
    "speed": "Speed",
    "scale": "Scale: vector search against collection size",
    "encoder": "Encoder: ways to run the model on CPU",
    "conversation": "Conversation: follow-up questions",
    "documents": "Documents: reading PDF, Word, Excel and CSV files",
    "uploads": "Uploads: adding a document to the CMRC2018 index",
    "stores": "Stores: local folder against Milvus Lite",
    "realscale": "Scale on realistic vectors: flat, HNSW, IVF-SQ8, Milvus Lite",
    "nprobe": "The engine's IVF index: nprobe against latency and recall",
}


def table(header: list[str], rows: list[list[Any]]) -> str:
    def cell(v: Any) -> str:
        if v is None:
            return "–"
        if isinstance(v, float):
            return f"{v:.3f}" if abs(v) < 10 else f"{v:,.1f}"
        if isinstance(v, int):
            return f"{v:,}"
        return str(v)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _run_line(run: dict[str, Any]) -> str:
    return (
        f"*Measured {run['date']} at commit `{run['commit']}` in {run['seconds']:.0f} s; load average "
        f"{run['load_avg_1min_before']} → {run['load_avg_1min_after']} on {run['cores']} cores.*\n"
    )


def _calibration(rows: list[dict[str, Any]]) -> list[list[Any]]:
    return [[f"{r['low']:.1f}–{r['high']:.1f}", r["n"], r["share_correct"]] for r in rows]


def _reader(training: dict[str, Any]) -> str:
    held = training.get("held_out", {})
    refused = training.get("refused_at_threshold", {})
    out = [
        f"\n**Sentence model training** (`{training.get('command')}`, seed {training.get('seed')}, "
        f"{training.get('seconds', 0):.0f} s): {training.get('data')}; "
        f"{training.get('questions', {}).get('train', 0):,} training / "
        f"{training.get('questions', {}).get('held_out', 0):,} held-out questions. Held-out: answer@1 "
        f"{held.get('answer_at_1', 0):.3f} (hand-set formula {held.get('hand_set_answer_at_1', 0):.3f}), hit@1 "
        f"{held.get('hit_at_1_before', 0):.3f} → {held.get('hit_at_1_after', 0):.3f} after reranking, exact "
        f"EM {held.get('exact_em', 0):.3f} / F1 {held.get('exact_f1', 0):.3f}; answer threshold "
        f"{training.get('answer_threshold')} refuses {refused.get('answerable', 0):.1%}"
        f" of answerable and {refused.get('unanswerable', 0):.1%} of "
        "unanswerable held-out questions (their right article removed).\n\n",
        "Calibration on held-out training questions (answerable + unanswerable twins): confidence bucket → "
        "share of quotes that answer.\n\n",
        table(["confidence", "quotes", "share correct"], _calibration(training.get("calibration", []))),
    ]
    return "".join(out)


def _span_reader(meta: dict[str, Any]) -> str:
    held, answers = meta.get("held_out", {}), meta.get("held_out_answers", {})
    alone = meta.get("held_out_sentence_model_alone", {})
    return (
        f"\n**Span reader training** (`{meta.get('command')}` then `{meta.get('confidence_command')}`, seed "
        f"{meta.get('seed')}, {meta.get('seconds', 0):.0f} s for the first): top {meta.get('trained_layers')} "
        f"layers of the backbone and a span head, epoch {meta.get('best_epoch')} of {meta.get('epochs')}, "
        f"{meta.get('windows', {}).get('train', 0):,} training windows. Held-out windows that hold the answer: "
        f"EM {held.get('em', 0):.3f} / F1 {held.get('f1', 0):.3f}. Held-out questions answered as `ask` does "
        f"(fusion weight {meta.get('fusion')}, answer threshold {meta.get('answer_threshold')}): answer@1 "
        f"{answers.get('answer_at_1', 0):.3f}, exact EM {answers.get('exact_em', 0):.3f} / F1 "
        f"{answers.get('exact_f1', 0):.3f}, refusing {answers.get('refused_answerable', 0):.1%} of answerable and "
        f"{answers.get('refused_unanswerable', 0):.1%} of unanswerable questions; the sentence model alone "
        f"there: answer@1 {alone.get('answer_at_1', 0):.3f}, refusing {alone.get('refused_answerable', 0):.1%} / "
        f"{alone.get('refused_unanswerable', 0):.1%}.\n"
    )


def quality(sec: dict[str, Any]) -> str:
    out = [
        f"Model `{sec['model']}`; engine settings as of the run (fusion weights dense "
        f"{sec['settings']['dense_weight']}, BM25 {sec['settings']['bm25_weight']}, answer threshold "
        f"{sec['settings']['answer_threshold']}). A hit is a chunk of the right document containing an "
        "answer text; answer@1: the quoted answer contains one (engine opened in that mode); hit@1 "
        "reranked: the first passage of the answer (the reader's order); EM/F1: the exact answer "
        "(`Quote.exact`) scored with the CMRC2018 rules (Cui et al., 2019, CC BY-SA 4.0), refused "
        "questions count 0; \"none refused\": the same with every question's best span kept, as the "
        "CMRC2018 task (no unanswerable questions) scores a reader.\n"
    ]
    if sec.get("reader_training"):
        out.append(_reader(sec["reader_training"]))
    if sec.get("span_reader_training"):
        out.append(_span_reader(sec["span_reader_training"]))
    for name, data in sec["datasets"].items():
        label = {
            "seed": "Seed questions on `corpus/`",
            "cmrc2018": "CMRC2018 dev",
            "smoke": "Smoke set (made up)",
            "cmrc2018_traditional": "CMRC2018 dev questions in Traditional characters (OpenCC s2t), asked of the "
                                    "Simplified articles (the first 1,000 questions)",
            "chinese": "Our Chinese questions on `corpus/` (tests/data/chinese_questions.jsonl: written from the "
                       "documents alone after the reader was trained, half in the other script than their passage)",
            "chinese_unanswerable": "Our Chinese questions the documents do not answer, on their own subjects "
                                    "(tests/data/chinese_unanswerable.jsonl)",
            "english": "English questions on `corpus/` (tests/data/english_questions.jsonl)",
            "english_val": "English validation questions on `corpus/` (tests/data/english_questions_val.jsonl, "
                           "written before the lexical bridge was tuned)",
            "english_unanswerable": "English questions the documents do not answer "
                                    "(tests/data/english_unanswerable.jsonl)",
            "english_test": "English test questions on `corpus/` (tests/data/english_questions_test.jsonl: "
                            "written after all English tuning of passages and confidence, never tuned on; their "
                            "exact words were looked at when English how-many answers learnt their number; "
                            "5 of 28 unanswerable)",
            "mixed": "Questions in Simplified, Traditional and English on `corpus/` (tests/data/questions_mixed.jsonl: "
                     "written before this version's changes, which were then built on what they showed, so not "
                     "held out; 8 of 90 unanswerable)",
        }.get(name, name)
        out.append(
            f"\n**{label}**: {data['documents']:,} documents, {data['chunks']:,} chunks, "
            f"{data['questions']:,} questions.\n\n"
        )
        rows = []
        for mode in ("bm25", "dense", "hybrid"):
            if mode not in data["answers"]:
                continue
            r, a = data.get("retrieval", {}).get(mode, {}), data["answers"][mode]
            rows.append(
                [
                    mode, r.get("hit1"), a.get("hit_at_1_reranked"), r.get("hit5"), r.get("mrr"), a["answer_at_1"],
                    a.get("exact_em"), a.get("exact_f1"), a.get("best_em"), a.get("best_f1"), a["answerable_not_found"],
                    a.get("top_passage_right_but_refused"), f"{a['unanswerable_not_found']}/{a['unanswerable']}",
                ]
            )
        out.append(
            table(
                ["mode", "hit@1", "hit@1 reranked", "hit@5", "MRR", "answer@1", "EM", "F1", "EM, none refused",
                 "F1, none refused", "answerable refused",
                 "refused, top passage right", "unanswerable refused"],
                rows,
            )
        )
        calibration = data["answers"].get("hybrid", {}).get("calibration")
        if calibration:
            out.append("\nCalibration (hybrid, answerable questions): confidence bucket → share of quotes that "
                       "answer.\n\n")
            out.append(table(["confidence", "quotes", "share correct"], _calibration(calibration)))
    return "".join(out)


def speed(sec: dict[str, Any]) -> str:
    out = [
        f"Index: {sec['index']}, {sec['chunks']:,} chunks. Builds run in a child process (model load "
        "excluded from build time, shown apart); peak memory is the child's `ru_maxrss`.\n\n"
    ]
    out.append(
        table(
            ["build", "chunks", "embedded", "build s", "chunks/s", "model load s", "peak MiB"],
            [
                [
                    b["what"],
                    b["chunks"],
                    b["embedded"],
                    b["build_s"],
                    b["chunks_per_s"],
                    b["model_load_s"],
                    b["peak_mb"],
                ]
                for b in sec["builds"]
            ],
        )
    )
    out.append(
        f"\nWarm latency over {sec['latency_questions']} questions of this index (after 10 warm-up calls), "
        "k=5:\n\n"
    )
    out.append(
        table(
            ["call", "p50 ms", "p95 ms", "mean ms", "CPU ms p50 (all threads)"],
            [
                [lat["what"], lat["p50_ms"], lat["p95_ms"], lat["mean_ms"], lat.get("cpu_p50_ms")]
                for lat in sec["latency"]
            ],
        )
    )
    if any(lat["what"].endswith("alternating") for lat in sec["latency"]):
        out.append(
            "\nThe *alternating* rows ask the same questions again in blocks of 20, switching the span "
            "reader's ONNX session between spinning while it waits for work (shipped) and not, so the "
            "two are timed under the same load: compare them with each other (the machine's speed "
            "drifts between runs by more than their difference); CPU time counts the spinning.\n"
        )
    rows = []
    for key, label in (
        ("cold_cli_ask", "`python -m qa ask` (process start to exit)"),
        ("cold_app", "`python app.py` (process start to HTTP 200)"),
    ):
        c = sec.get(key)
        rows.append(
            [label, None, None, None] if c is None else [label, c["runs"], c["median_s"], c["peak_mb"]]
        )
    out.append("\nCold starts (a new process each time; the OS file cache is warm):\n\n")
    out.append(table(["what", "runs", "median s", "peak MiB"], rows))
    disk = sec["disk"]
    out.append(
        f"\nOn disk: {disk['bytes_total']:,} bytes, **{disk['bytes_per_chunk']:,.0f} bytes per chunk** "
        f"({', '.join(f'{k} {v:,}' for k, v in disk['files'].items())}).\n"
    )
    return "".join(out)












RENDERERS = {"quality": quality, "speed": speed}
# Every other section's tables are drawn by its own module's ``render`` (imported when drawn).
SECTION_MODULES = {
    "scale": "benchmarks.scale_section",
    "encoder": "benchmarks.encoders",
    "conversation": "benchmarks.conversation",
    "realscale": "benchmarks.real_scale",
    "nprobe": "benchmarks.nprobe_sweep",
    "stores": "benchmarks.stores",
    "documents": "benchmarks.documents",
    "uploads": "benchmarks.uploads",
}


def _renderer(name: str) -> Callable[[dict[str, Any]], str]:
    return RENDERERS.get(name) or importlib.import_module(SECTION_MODULES[name]).render


def render(results: dict[str, Any]) -> str:
    m = results.get("machine", {})
    sections = results.get("sections", {})
    out = [
        "# Benchmarks\n\n",
        f"Generated by `python -m benchmarks` ({results.get('level', 'full')} run). "
        f"Machine: {m.get('cores')} cores ({m.get('cpu')}), {m.get('memory_gb')} GB RAM, "
        f"Python {m.get('python')}, {m.get('platform')}. Last section run {m.get('date')} "
        f"at commit `{m.get('commit')}`; each section states its own date.\n\n"
        "CMRC2018 dev: Cui et al. (2019), *A Span-Extraction Dataset for Chinese Machine Reading "
        "Comprehension*, EMNLP-IJCNLP; CC BY-SA 4.0.\n\n",
    ]
    out.append(
        "**Reading these numbers.** Wall-clock figures depend on what else the machine runs: each section "
        "gives the 1-minute load average before and after it (a load above the core count means the "
        "benchmark shared the CPUs), and warm latencies also give CPU time per call, which other load "
        "barely changes. Scale figures use synthetic random vectors, a worst case for HNSW recall.\n\n"
    )
    rows = target_rows(sections)
    if rows:
        out.append("## Targets\n\n" + table(["target", "measured", "met"], rows) + "\n")
    for name in ("quality", "speed", "scale", "realscale", "nprobe", "encoder", "conversation", "documents",
                 "uploads", "stores"):
        if name in sections:
            out.append(
                f"## {TITLES[name]}\n\n"
                + _run_line(sections[name]["run"])
                + "\n"
                + _renderer(name)(sections[name])
                + "\n"
            )
    return "".join(out)
