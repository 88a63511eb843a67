"""``python -m benchmarks``: run the benchmark sections and write docs/benchmarks.md and .json.

Examples:
    python -m benchmarks                               # everything, full size (about 15 minutes on 2 cores)
    python -m benchmarks --sections scale,encoder      # some sections; others kept from the last run
    python -m benchmarks --quick                       # real data, sampled
    python -m benchmarks --smoke --model hash --out /tmp/b   # tiny made-up data, no model: seconds (CI)
    python -m benchmarks --smoke --model /path/to/minilm    # same, through a real (small) model

Each section's raw results are merged into ``<out>/benchmarks.json`` (sections not run keep
their previous results, with their own date and commit), then the Markdown is rendered from it.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchmarks.config import DEFAULT_CACHE, SECTIONS, BenchConfig
from benchmarks.report import render
from benchmarks.timing import machine

MODULES = {
    "quality": "benchmarks.quality_section",
    "speed": "benchmarks.speed",
    "scale": "benchmarks.scale_section",
    "encoder": "benchmarks.encoders",
    "conversation": "benchmarks.conversation",
    "documents": "benchmarks.documents",
    "uploads": "benchmarks.uploads",
    "stores": "benchmarks.stores",
    "realscale": "benchmarks.real_scale",
    "nprobe": "benchmarks.nprobe_sweep",
}


def _sections(text: str) -> tuple[str, ...]:
    names = tuple(s.strip() for s in text.split(",") if s.strip())
    unknown = [s for s in names if s not in SECTIONS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown section(s) {unknown}; use some of {','.join(SECTIONS)}")
    return names


def parse_args(argv: Sequence[str] | None = None) -> BenchConfig:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sections",
        type=_sections,
        default=SECTIONS,
        help=f"comma-separated, any of {','.join(SECTIONS)} (default: all)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder for benchmarks.md/.json (default: docs; benchmarks/.cache/<level> for --smoke/--quick)",
    )
    parser.add_argument("--model", default=None, help="model name or folder (default: the engine default)")
    parser.add_argument("--cache", type=Path, default=None, help=f"index cache (default: {DEFAULT_CACHE})")
    level = parser.add_mutually_exclusive_group()
    level.add_argument("--smoke", action="store_true", help="tiny made-up data, seconds; for CI")
    level.add_argument("--quick", action="store_true", help="real data, sampled")
    parser.add_argument(
        "--hnsw-max",
        type=int,
        default=0,
        help="skip HNSW builds above this size in the scale section (0: no limit)",
    )
    parser.add_argument(
        "--latency-questions", type=int, default=None, help="warm-latency questions (default 200)"
    )
    args = parser.parse_args(argv)
    base = BenchConfig()
    # smoke/quick figures never overwrite the full ones in docs/ unless --out says so
    out = args.out or (base.cache / base_level(args) if (args.smoke or args.quick) else base.out)
    cache = args.cache or (out / ".bench-cache" if args.smoke else base.cache)
    config = BenchConfig(
        sections=args.sections,
        out=out,
        model=args.model,
        cache=cache,
        smoke=args.smoke,
        quick=args.quick,
        hnsw_max=args.hnsw_max or None,
    )
    if args.quick:
        config = replace(config, scale_sizes=(10_000, 100_000), hnsw_sizes=(10_000, 30_000),
                         latency_questions=100, cold_runs=3, app_runs=1, encoder_articles=100)
    if args.latency_questions:
        config = replace(config, latency_questions=args.latency_questions)
    if args.smoke:
        config = replace(config, latency_questions=10, cold_runs=1, app_runs=1, encoder_articles=3)
    return config


def base_level(args: argparse.Namespace) -> str:
    return "smoke" if args.smoke else "quick" if args.quick else "full"


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def main(argv: Sequence[str] | None = None) -> int:
    config = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    config.out.mkdir(parents=True, exist_ok=True)
    json_path = config.out / "benchmarks.json"
    results = _load(json_path)
    if results.get("level") not in (None, config.level):
        results = {}  # never mix smoke/quick figures with full ones
    results["level"] = config.level
    results.setdefault("sections", {})
    mine: dict[str, Any] = {}
    for name in SECTIONS:
        if name not in config.sections:
            continue
        print(f"== {name} ==", flush=True)
        started = time.perf_counter()
        facts = machine()
        load_before = os.getloadavg()[0]
        section = importlib.import_module(MODULES[name]).run_section(config)
        section["run"] = {
            **facts,
            "seconds": round(time.perf_counter() - started, 1),
            "load_avg_1min_before": round(load_before, 2),
            "load_avg_1min_after": round(os.getloadavg()[0], 2),
        }
        mine[name] = section
        latest = _load(json_path)  # another run may have written other sections meanwhile
        if latest.get("level") == config.level:
            results["sections"] = latest.get("sections", {})
        results["sections"].update(mine)
        results["machine"] = facts
        json_path.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"== {name} done in {section['run']['seconds']:.0f}s ==", flush=True)
    (config.out / "benchmarks.md").write_text(render(results), encoding="utf-8")
    print(f"wrote {config.out / 'benchmarks.md'} and {json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
