"""`python -m benchmarks --smoke` runs end to end on tiny made-up data, so the harness cannot rot.

Uses the hashing encoder (``--model hash``): no model, no torch, no ../shared.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.config import SECTIONS
from benchmarks.timing import percentile

REPO = Path(__file__).resolve().parent.parent


def test_percentile_interpolates() -> None:
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([5.0], 95) == 5.0
    assert percentile([], 50) == 0.0


@pytest.mark.slow
def test_smoke_run_writes_every_section(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "QA_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--smoke", "--model", "hash", "--out", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((tmp_path / "benchmarks.json").read_text(encoding="utf-8"))
    assert results["level"] == "smoke"
    assert set(results["sections"]) == set(SECTIONS)
    assert results["sections"]["quality"]["datasets"]["smoke"]["retrieval"]["hybrid"]["questions"] == 6
    assert {p["kind"] for p in results["sections"]["scale"]["points"]} == {"flat", "hnsw"}
    assert results["sections"]["speed"]["builds"][0]["embedded"] > 0
    assert results["sections"]["speed"]["builds"][-1]["embedded"] == 0  # nothing changed: all reused
    timed = {row["what"]: row["calls"] for row in results["sections"]["speed"]["latency"]}
    alternating = [n for w, n in timed.items() if w.endswith("alternating")]
    assert len(alternating) == 2 and len(set(alternating)) == 1  # both reader sessions, same questions
    markdown = (tmp_path / "benchmarks.md").read_text(encoding="utf-8")
    assert results["sections"]["conversation"]["conversations"] >= 25
    assert results["sections"]["documents"]["formats"]["pdf"]["count"] == 5
    assert results["sections"]["documents"]["formats"]["pdf"]["chunks"] > 0
    assert [u["documents_after"] for u in results["sections"]["uploads"]["uploads"]] == [6, 6]
    assert [r["store"] for r in results["sections"]["stores"]["stores"]] == ["local", "milvus-lite"]
    assert len({r["hit1"] for r in results["sections"]["stores"]["stores"]}) == 1  # same ranking on both
    kinds = {p["kind"] for p in results["sections"]["realscale"]["points"]}
    assert {"flat", "milvus-lite FLAT"} <= kinds and any(k.startswith("IVF") for k in kinds)
    realscale = results["sections"]["realscale"]
    assert [b["n"] for b in realscale["bm25"]] == realscale["sizes"] and realscale["rule"]["exact_below"] is None
    swept = results["sections"]["nprobe"]
    assert {p["nprobe"] for p in swept["points"]} == {512, 640, 768, 896, 1024} and swept["chosen"] == 512
    for heading in ("## Quality", "## Speed", "## Scale", "## Encoder", "## Conversation", "## Documents",
                    "## Uploads", "## Stores", "## Scale on realistic vectors", "## The engine's IVF index"):
        assert heading in markdown
    assert "cores" in markdown and "commit" in markdown
