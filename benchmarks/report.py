"""Render ``benchmarks.json`` as ``benchmarks.md``: machine facts, targets, then a table per section."""

from __future__ import annotations

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
        f"\n**Reader training** (`{training.get('command')}`, seed {training.get('seed')}, "
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


def quality(sec: dict[str, Any]) -> str:
    out = [
        f"Model `{sec['model']}`; engine settings as of the run (fusion weights dense "
        f"{sec['settings']['dense_weight']}, BM25 {sec['settings']['bm25_weight']}, answer threshold "
        f"{sec['settings']['answer_threshold']}). A hit is a chunk of the right document containing an "
        "answer text; answer@1: the quoted answer contains one (engine opened in that mode); hit@1 "
        "reranked: the first passage of the answer (the reader's order); EM/F1: the exact answer "
        "(`Quote.exact`) scored with the CMRC2018 rules (Cui et al., 2019, CC BY-SA 4.0), refused "
        "questions count 0.\n"
    ]
    if sec.get("reader_training"):
        out.append(_reader(sec["reader_training"]))
    for name, data in sec["datasets"].items():
        label = {
            "seed": "Seed questions on `corpus/`",
            "cmrc2018": "CMRC2018 dev",
            "smoke": "Smoke set (made up)",
            "english": "English questions on `corpus/` (tests/data/english_questions.jsonl)",
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
                    a.get("exact_em"), a.get("exact_f1"), a["answerable_not_found"],
                    a.get("top_passage_right_but_refused"), f"{a['unanswerable_not_found']}/{a['unanswerable']}",
                ]
            )
        out.append(
            table(
                ["mode", "hit@1", "hit@1 reranked", "hit@5", "MRR", "answer@1", "EM", "F1", "answerable refused",
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


def scale(sec: dict[str, Any]) -> str:
    p = sec["params"]
    out = [
        f"Data: {sec['data']}. HNSW M={p['hnsw_m']}, efConstruction={p['ef_construction']}, "
        f"efSearch={p['ef_search']} (the engine's settings); builds on {p['build_threads']} thread; "
        "latency of one query at a time (k=10) with 1 and with 2 FAISS (OpenMP) threads; memory is the "
        "process RSS growth while building.\n\n"
    ]
    rows = [
        [
            x["kind"],
            x["n"],
            x["build_s"],
            x["p50_ms_1t"],
            x["p95_ms_1t"],
            x["p50_ms_2t"],
            x["p95_ms_2t"],
            x["memory_mb"],
            x["recall_at_10"],
            x["recall_at_10_near"],
        ]
        for x in sec["points"]
    ]
    out.append(
        table(
            [
                "index",
                "vectors",
                "build s",
                "p50 ms 1 thr",
                "p95 ms 1 thr",
                "p50 ms 2 thr",
                "p95 ms 2 thr",
                "memory MiB",
                "recall@10 random q",
                "recall@10 near q",
            ],
            rows,
        )
    )
    if sec.get("ef_sweep"):
        out.append("\nHNSW efSearch trade-off (1 thread):\n\n")
        out.append(
            table(
                ["vectors", "efSearch", "recall@10 random q", "recall@10 near q", "p50 ms"],
                [
                    [e["n"], e["ef_search"], e["recall_at_10"], e["recall_at_10_near"], e["p50_ms"]]
                    for e in sec["ef_sweep"]
                ],
            )
        )
    growth = {k: v for k, v in sec["growth_exponents"].items() if v is not None}
    if growth:
        out.append(
            "\nGrowth, fitted as cost ∝ n^b over the measured sizes: "
            + ", ".join(f"{k} b={v:.2f}" for k, v in growth.items())
            + ".\n"
        )
    ex = sec.get("extrapolated") or {}
    if ex.get("hnsw_build_s"):
        out.append(
            f"\nHNSW at {ex['n']:,} vectors was **not built** (too slow for this run); extrapolated from the "
            f"fitted power laws: build ≈ {ex['hnsw_build_s'] / 60:.0f} min, p50 ≈ {ex['hnsw_p50_ms_1t']:.1f} ms; "
            f"memory ≈ {ex['hnsw_memory_mb']:,.0f} MiB (scaled linearly from the largest build: vectors "
            "plus M links each; RSS growth at the small sizes is within noise, so their exponent is not used).\n"
        )
    out.append(
        f"\nExact search passes a {sec['search_budget_ms']:.0f} ms single-query budget up to about "
        f"**{sec['suggested_hnsw_threshold'] or '> largest size'}** vectors (log-log interpolation of "
        "the flat p50).\n"
    )
    return "".join(out)


def encoder(sec: dict[str, Any]) -> str:
    out = [f"Data: {sec['data']}. Speed: {sec['speed_sample']}. Rule: {sec['rule']}.\n\n"]
    out.append(
        table(
            [
                "variant",
                "passages/s",
                "query p50 ms",
                "query p95 ms",
                "CPU ms/passage",
                "query CPU ms",
                "cos to fp32 mean",
                "cos min",
                "dense hit@1",
                "dense hit@5",
                "hybrid hit@1",
                "hybrid hit@5",
                "index build s",
            ],
            [
                [
                    r["variant"],
                    r["passages_per_s"],
                    r["query_ms_p50"],
                    r["query_ms_p95"],
                    r.get("cpu_ms_per_passage"),
                    r.get("query_cpu_ms_p50"),
                    r["cosine_to_fp32_mean"],
                    r["cosine_to_fp32_min"],
                    r["dense_hit1"],
                    r["dense_hit5"],
                    r["hybrid_hit1"],
                    r["hybrid_hit5"],
                    r["index_build_s"],
                ]
                for r in sec["results"]
            ],
        )
    )
    out.append(f"\nAdopted by the rule: **{sec['adopted']}**.\n")
    return "".join(out)


def conversation(sec: dict[str, Any]) -> str:
    from benchmarks.conversation import render as render_conversation

    return render_conversation(sec)


def realscale(sec: dict[str, Any]) -> str:
    from benchmarks.real_scale import render as render_realscale

    return render_realscale(sec)


def stores(sec: dict[str, Any]) -> str:
    from benchmarks.stores import render as render_stores

    return render_stores(sec)


def documents(sec: dict[str, Any]) -> str:
    from benchmarks.documents import render as render_documents

    return render_documents(sec)


def uploads(sec: dict[str, Any]) -> str:
    from benchmarks.uploads import render as render_uploads

    return render_uploads(sec)


RENDERERS = {"quality": quality, "speed": speed, "scale": scale, "encoder": encoder, "conversation": conversation,
             "documents": documents, "uploads": uploads, "stores": stores, "realscale": realscale}


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
    for name in ("quality", "speed", "scale", "realscale", "encoder", "conversation", "documents", "uploads",
                 "stores"):
        if name in sections:
            out.append(
                f"## {TITLES[name]}\n\n"
                + _run_line(sections[name]["run"])
                + "\n"
                + RENDERERS[name](sections[name])
                + "\n"
            )
    return "".join(out)
