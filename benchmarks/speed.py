"""The ``speed`` section: index build throughput, warm latency, cold starts, memory, disk.

Build and cold-start figures come from child processes (peak memory is their ``ru_maxrss``).
"Cold" means a new process; the OS file cache is warm, as on any second start.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from typing import Any

from benchmarks.config import BenchConfig
from benchmarks.datasets import load_cmrc
from benchmarks.hash_encoder import HASH_MODEL, get_encoder
from benchmarks.smoke_data import smoke_set
from benchmarks.subprocs import dir_bytes, free_port, run_child, serve_until_ready
from benchmarks.timing import median, percentile
from qa.engine import QA
from qa.index.store import current_version
from qa.settings import SearchMode


@dataclass(frozen=True)
class Latency:
    """Warm latency of one call over many questions, in milliseconds."""

    what: str
    calls: int
    p50_ms: float
    p95_ms: float
    mean_ms: float
    cpu_p50_ms: float  # process CPU time per call: robust to other load, summed over threads


@dataclass(frozen=True)
class Build:
    """One index build in a child process."""

    what: str
    chunks: int
    embedded: int
    build_s: float
    chunks_per_s: float
    model_load_s: float
    process_s: float
    peak_mb: float


def _job_args(config: BenchConfig, index: str, articles: int | None) -> list[str]:
    args = ["-m", "benchmarks.build_job", index]
    if config.smoke:
        args.append("--smoke")
    if articles is not None:
        args += ["--articles", str(articles)]
    if config.model:
        args += ["--model", config.model]
    return args


def _build(what: str, args: list[str]) -> Build:
    """chunks_per_s counts all chunks of the index (the rate a user sees for the whole corpus)."""
    run = run_child(args)
    report = json.loads(run.stdout.strip().splitlines()[-1])
    return Build(
        what,
        report["chunks"],
        report["embedded"],
        report["build_s"],
        report["chunks"] / max(report["build_s"], 1e-9),
        report["model_load_s"],
        run.seconds,
        run.peak_mb,
    )


def _time_calls(fn: Any, questions: list[str], times: list[float], cpu: list[float]) -> None:
    """Call ``fn`` on each question, appending wall and process CPU milliseconds per call."""
    for q in questions:
        start, cpu_start = time.perf_counter(), time.process_time()
        fn(q)
        times.append((time.perf_counter() - start) * 1000.0)
        cpu.append((time.process_time() - cpu_start) * 1000.0)


def _summary(what: str, times: list[float], cpu: list[float]) -> Latency:
    return Latency(what, len(times), median(times), percentile(times, 95), sum(times) / len(times), median(cpu))


def _latency(what: str, fn: Any, questions: list[str]) -> Latency:
    for q in questions[:10]:  # warm-up
        fn(q)
    times: list[float] = []
    cpu: list[float] = []
    _time_calls(fn, questions, times, cpu)
    return _summary(what, times, cpu)


def _reader_spin(engine: QA, questions: list[str], *, block: int = 20) -> list[Latency]:
    """Warm ``ask`` with the span reader's ONNX session spinning while it waits (shipped) and not,
    in alternating blocks of questions in one process: the machine's speed drifts between runs
    by more than the difference (embeddings.threads.cpu_session says why only the reader spins)."""
    from embeddings.threads import cpu_session
    from qa.answer.span_loading import reader_folder, span_reader_for
    from qa.answer.span_reader import MODEL_FILE

    reader = span_reader_for(engine.settings)
    if reader is None:
        return []
    shipped = reader.session
    sessions = {"spinning (shipped)": shipped, "not spinning": cpu_session(reader_folder() / MODEL_FILE)}
    times: dict[str, list[float]] = {name: [] for name in sessions}
    cpu: dict[str, list[float]] = {name: [] for name in sessions}
    for q in questions[:10]:  # warm-up
        engine.ask(q, k=5)
    try:
        for n, first in enumerate(range(0, len(questions), block)):
            for name in (list(sessions) if n % 2 == 0 else list(reversed(sessions))):
                reader.session = sessions[name]
                _time_calls(lambda q: engine.ask(q, k=5), questions[first:first + block], times[name], cpu[name])
    finally:
        reader.session = shipped
    return [_summary(f"ask (hybrid), span reader {name}, alternating", times[name], cpu[name]) for name in sessions]


def _torch_threads(n: int | None) -> int | None:
    """Set torch's intra-op threads (returns the previous count); None when torch is not loaded."""
    torch = sys.modules.get("torch")
    if torch is None:
        return None
    before = int(torch.get_num_threads())
    if n is not None:
        torch.set_num_threads(n)
    return before


def _questions(config: BenchConfig, articles: int | None) -> list[str]:
    questions = smoke_set()[1] if config.smoke else load_cmrc(articles=articles)[1]
    texts = [q.question for q in questions]
    random.Random(1).shuffle(texts)
    n = config.latency_questions
    return (texts * (n // max(len(texts), 1) + 1))[:n] if config.smoke else texts[:n]


def run_section(config: BenchConfig) -> dict[str, Any]:
    articles = 200 if config.quick else None
    index = config.cache / ("smoke-speed" if config.smoke else f"cmrc-{articles or 'all'}")
    shutil.rmtree(index, ignore_errors=True)
    job = _job_args(config, str(index), articles)
    builds = [_build("from nothing", job)]
    print(f"speed: build {builds[0].chunks} chunks in {builds[0].build_s:.1f}s", flush=True)
    builds.append(_build("one document changed", [*job, "--change-one"]))
    builds.append(_build("changed back", job))
    builds.append(_build("nothing changed", job))
    files = dir_bytes(current_version(index))
    chunks = builds[0].chunks
    questions = _questions(config, articles)
    engine = QA.open(index, encoder=get_encoder(config.model))
    latencies = [
        _latency(f"search ({mode})", lambda q, m=mode: engine.search(q, k=5, mode=m), questions)
        for mode in SearchMode
    ]
    latencies.append(_latency("encode one query", lambda q: engine.encoder.encode_queries([q]), questions))
    latencies.append(_latency("ask (hybrid)", lambda q: engine.ask(q, k=5), questions))
    print(f"speed: ask p50 {latencies[-1].p50_ms:.0f} ms p95 {latencies[-1].p95_ms:.0f} ms", flush=True)
    latencies += _reader_spin(engine, questions)
    # The alternative: the other torch thread count, when the engine runs on PyTorch (the
    # default ONNX backend never loads torch; its session threads are fixed when it opens).
    current = _torch_threads(None)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    other = 1 if current is not None and current > 1 else cores
    if current is not None and other != current:
        _torch_threads(other)
        label = f"{other} torch thread{'s' if other > 1 else ''} (engine default: {current})"
        latencies.append(
            _latency(f"encode one query, {label}", lambda q: engine.encoder.encode_queries([q]), questions)
        )
        latencies.append(_latency(f"ask (hybrid), {label}", lambda q: engine.ask(q, k=5), questions))
        _torch_threads(current)
    engine = None  # free the model before the cold-start children run
    result = {
        "index": "smoke set (made up)" if config.smoke else f"CMRC2018 dev, {articles or 848} articles",
        "chunks": chunks,
        "builds": [asdict(b) for b in builds],
        "latency": [asdict(lat) for lat in latencies],
        "latency_questions": len(questions),
        "disk": {
            "bytes_total": sum(files.values()),
            "bytes_per_chunk": sum(files.values()) / max(chunks, 1),
            "files": files,
        },
    }
    if config.model == HASH_MODEL:  # the CLI and app cannot load the smoke encoder: skip cold starts
        return {**result, "cold_cli_ask": None, "cold_app": None}
    ask_args = ["-m", "qa", "ask", questions[0], "--index", str(index)]
    cli = [run_child(ask_args) for _ in range(config.cold_runs)]
    app_runs = []
    for _ in range(config.app_runs):
        port = free_port()
        app_runs.append(
            serve_until_ready(
                [
                    "app.py",
                    "--corpus",
                    str(config.cache / "no-such-corpus"),
                    "--index",
                    str(index),
                    "--port",
                    str(port),
                ],
                f"http://127.0.0.1:{port}/",
            )
        )
    return {
        **result,
        "cold_cli_ask": {
            "runs": len(cli),
            "median_s": median([r.seconds for r in cli]),
            "peak_mb": max(r.peak_mb for r in cli),
            "all_s": [r.seconds for r in cli],
        },
        "cold_app": {
            "runs": len(app_runs),
            "median_s": median([r.seconds for r in app_runs]),
            "peak_mb": max(r.peak_mb for r in app_runs),
            "all_s": [r.seconds for r in app_runs],
        },
    }
