"""The project's targets, checked against the results: rows of (target, measured, met)."""

from __future__ import annotations

from typing import Any

# The English question sets of the quality section, with their short names in the target row.
ENGLISH_SETS = {"english": "dev", "english_val": "val", "english_test": "test"}


def _yes(ok: bool) -> str:
    return "yes" if ok else "**no**"


def target_rows(sections: dict[str, Any]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    cmrc = sections.get("quality", {}).get("datasets", {}).get("cmrc2018")
    if cmrc:
        r = cmrc["retrieval"]
        h, b, d = r["hybrid"]["hit1"], r["bm25"]["hit1"], r["dense"]["hit1"]
        rows.append(
            [
                "CMRC2018 hybrid hit@1 > BM25-only and dense-only",
                f"{h:.3f} vs {b:.3f} / {d:.3f}",
                _yes(h > b and h > d),
            ]
        )
        rows.append(
            [
                "CMRC2018 hit@5 ≥ 0.99 (hybrid)",
                f"{r['hybrid']['hit5']:.3f}",
                _yes(r["hybrid"]["hit5"] >= 0.99),
            ]
        )
    if cmrc:
        a = cmrc["answers"]["hybrid"]
        rows.append(["CMRC2018 answer@1 ≥ 0.85 (hybrid)", f"{a['answer_at_1']:.3f}", _yes(a["answer_at_1"] >= 0.85)])
        rows.append(["CMRC2018 hit@1 ≥ 0.95 after reranking", f"{a.get('hit_at_1_reranked', 0):.3f}",
                     _yes(a.get("hit_at_1_reranked", 0) >= 0.95)])
        rows.append(["CMRC2018 exact-answer F1 ≥ 0.70 (CMRC2018 rules)",
                     f"EM {a.get('exact_em', 0):.3f}, F1 {a.get('exact_f1', 0):.3f} (none refused: EM "
                     f"{a.get('best_em', 0):.3f}, F1 {a.get('best_f1', 0):.3f})",
                     _yes(a.get("exact_f1", 0) >= 0.70)])
    datasets = sections.get("quality", {}).get("datasets", {})
    seed = datasets.get("seed")
    if seed:
        a = seed["answers"]["hybrid"]
        rows.append(["Seed answer@1 ≥ 0.95, no answerable refused, unanswerable refused",
                     f"{a['answer_at_1']:.3f}; refused {a['answerable_not_found']} answerable, "
                     f"{a['unanswerable_not_found']}/{a['unanswerable']} unanswerable",
                     _yes(a["answer_at_1"] >= 0.95 and a["answerable_not_found"] == 0
                          and a["unanswerable_not_found"] == a["unanswerable"])])
    english = [(label, datasets[name]["answers"]["hybrid"]) for name, label in ENGLISH_SETS.items()
               if name in datasets]
    if english:
        refused = sum(a.get("top_passage_right_but_refused", 0) for _, a in english)
        scores = ", ".join(f"{label} {a['answer_at_1']:.3f}" for label, a in english)
        rows.append(["English: no question with a right top passage refused",
                     f"answer@1 {scores}; {refused} refused with a right top passage", _yes(refused == 0)])
    speed = sections.get("speed")
    if speed and "CMRC" in speed.get("index", ""):
        ask = next(x for x in speed["latency"] if x["what"] == "ask (hybrid)")
        rows.append(
            ["warm ask p50 ≤ 30 ms (CMRC2018 index)", f"{ask['p50_ms']:.0f} ms", _yes(ask["p50_ms"] <= 30)]
        )
        rows.append(["warm ask p95 ≤ 80 ms", f"{ask['p95_ms']:.0f} ms", _yes(ask["p95_ms"] <= 80)])
        build = speed["builds"][0]
        rows.append(
            [
                "CMRC2018 index build < 5 min",
                f"{build['build_s']:.0f} s (+{build['model_load_s']:.0f} s model load)",
                _yes(build["build_s"] + build["model_load_s"] < 300),
            ]
        )
    conv = sections.get("conversation")
    if conv:
        rows.append(["follow-up answer@1 ≥ 0.85 (conversation set)", f"{conv['follow_up_answer_at_1']:.3f}",
                     _yes(conv["follow_up_answer_at_1"] >= 0.85)])
        rows.append(["no stand-alone turn worse with history", f"{conv['standalone_worse_with_history']} worse",
                     _yes(conv["standalone_worse_with_history"] == 0)])
    return rows
