"""The ``scale`` section: FAISS flat vs HNSW against collection size, and the HNSW threshold."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from benchmarks.config import BenchConfig
from benchmarks.scale import extrapolate, fit_growth, hnsw_threshold, run_scale
from qa.settings import Settings

# Share of the 50 ms warm-ask p50 target left to the vector search once the question is
# embedded and the quote chosen (together ~5-30 ms on 2 cores, by encoder backend):
# exact search is kept while it fits.
SEARCH_BUDGET_MS = 20.0


def run_section(config: BenchConfig) -> dict[str, Any]:
    sizes = (1_000, 2_000) if config.smoke else config.scale_sizes
    hnsw_sizes = sizes if config.smoke else tuple(n for n in config.hnsw_sizes if n <= (config.hnsw_max or n))
    queries = 20 if config.smoke else 200
    engine = Settings()
    points, sweep = run_scale(sizes, hnsw_sizes=hnsw_sizes, queries=queries, build_threads=1,
                              hnsw_m=engine.hnsw_m, ef_search=engine.hnsw_ef_search)
    largest = max(sizes)
    growth = {
        f"{kind}_{field}": fit_growth(points, kind, field)
        for kind in ("flat", "hnsw")
        for field in ("build_s", "p50_ms_1t", "memory_mb")
    }
    extrapolated = {}
    if not any(p.kind == "hnsw" and p.n == largest for p in points):
        extrapolated = {
            "n": largest,
            "hnsw_build_s": extrapolate(points, "hnsw", "build_s", largest),
            "hnsw_p50_ms_1t": extrapolate(points, "hnsw", "p50_ms_1t", largest),
            # Vectors plus a fixed number of links each: linear by construction, and RSS growth
            # at the small sizes is within measurement noise, so no exponent is fitted.
            "hnsw_memory_mb": extrapolate(points, "hnsw", "memory_mb", largest, exponent=1.0),
        }
    return {
        "data": "random unit vectors (Gaussian, L2-normalised), float32, dim 384; "
        f"{queries} independent random unit queries (worst case) and {queries} 'near' queries "
        "(a stored vector plus noise, cosine ~0.8 to it); recall@10 against exact search",
        "params": {
            "sizes": list(sizes),
            "hnsw_sizes": list(hnsw_sizes),
            "hnsw_m": engine.hnsw_m,
            "ef_construction": 80,
            "ef_search": engine.hnsw_ef_search,
            "build_threads": 1,
            "k": 10,
        },
        "points": [asdict(p) for p in points],
        "ef_sweep": [asdict(e) for e in sweep],
        "growth_exponents": growth,
        "extrapolated": extrapolated,
        "search_budget_ms": SEARCH_BUDGET_MS,
        "suggested_hnsw_threshold": hnsw_threshold(points, budget_ms=SEARCH_BUDGET_MS),
    }


def render(sec: dict[str, Any]) -> str:
    """This section's tables for ``docs/benchmarks.md``."""
    from benchmarks.report import table

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
