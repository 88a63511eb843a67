"""What a benchmark run measures and where: one frozen config shared by all sections."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.timing import REPO

# Run order: speed builds the CMRC2018 index from nothing, then quality finds it up to date.
SECTIONS = ("speed", "quality", "scale", "encoder", "conversation", "documents", "uploads", "stores", "realscale",
            "nprobe")
DEFAULT_CACHE = REPO / "benchmarks" / ".cache"


@dataclass(frozen=True)
class BenchConfig:
    """Options of ``python -m benchmarks``.

    ``smoke`` runs everything on tiny made-up data in seconds (CI); ``quick`` keeps the real
    data but samples it; the default is the full run.
    """

    sections: tuple[str, ...] = SECTIONS
    out: Path = REPO / "docs"
    model: str | None = None  # None: the default model (a local folder in smoke runs)
    cache: Path = DEFAULT_CACHE
    smoke: bool = False
    quick: bool = False
    scale_sizes: tuple[int, ...] = (10_000, 30_000, 100_000, 300_000, 1_000_000)
    hnsw_sizes: tuple[int, ...] = (10_000, 30_000, 100_000)
    hnsw_max: int | None = None
    latency_questions: int = 200
    cold_runs: int = 5
    app_runs: int = 3
    encoder_articles: int = 300
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def level(self) -> str:
        return "smoke" if self.smoke else "quick" if self.quick else "full"
