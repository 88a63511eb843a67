"""32 users at once through the Gradio API, on loopback: every answer correct, latency reported.

``python -m tests.test_load --real`` measures the same load against the default model
(not part of the test suite; it prints throughput and latency percentiles).
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import CORPUS, fake_settings

QUESTIONS = ["河北省投入了多少援藏資金？", "山东援疆有哪些人才保障模式？", "阿里地區婦幼保健院有什麼新設備？",
             "日喀则的教育人才援藏", "援藏工作隊做了什麼？", "How much did Hebei invest?", "？？？"]
TIMEOUT = 120


@dataclass(frozen=True)
class LoadResult:
    """Outcome of a load run: request count, wrong replies, errors, wall time and latencies (s)."""

    requests: int
    wrong: list[str]
    errors: list[str]
    seconds: float
    latencies: list[float]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    def percentile(self, q: float) -> float:
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[int(q) - 1]

    def summary(self) -> str:
        return (f"{self.requests} requests in {self.seconds:.1f}s: {self.throughput:.1f} req/s, "
                f"p50 {self.percentile(50) * 1000:.0f} ms, p95 {self.percentile(95) * 1000:.0f} ms, "
                f"max {max(self.latencies) * 1000:.0f} ms; "
                f"{len(self.wrong)} wrong, {len(self.errors)} errors")


def run_load(url: str, expected: dict[str, str], *, users: int = 32, rounds: int = 3) -> LoadResult:
    """``users`` threads, each its own client, ask every question ``rounds`` times via ``/ask``."""
    from gradio_client import Client

    latencies: list[float] = []
    wrong: list[str] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(users + 1)

    def user(number: int) -> None:
        try:
            client = Client(url, verbose=False, analytics_enabled=False, download_files=False,
                            httpx_kwargs={"timeout": TIMEOUT})
        except Exception as exc:  # noqa: BLE001 - recorded and asserted on
            errors.append(f"user {number} connect: {exc!r}")
            start.wait(TIMEOUT)
            return
        start.wait(TIMEOUT)
        order = list(expected)
        for step in range(rounds * len(order)):
            question = order[(step + number) % len(order)]
            began = time.perf_counter()
            try:
                reply = client.submit(question, 5, api_name="/ask").result(timeout=TIMEOUT)
            except Exception as exc:  # noqa: BLE001
                with lock:
                    errors.append(f"user {number}: {exc!r}")
                continue
            with lock:
                latencies.append(time.perf_counter() - began)
                if reply != expected[question]:
                    wrong.append(question)

    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(users)]
    for thread in threads:
        thread.start()
    start.wait(TIMEOUT)
    began = time.perf_counter()
    for thread in threads:
        thread.join(TIMEOUT * 4)
    seconds = time.perf_counter() - began
    return LoadResult(len(latencies) + len(errors), wrong, errors, seconds, latencies)


def serve_and_load(engine, *, users: int, rounds: int, concurrency_limit: int = 4,  # type: ignore[no-untyped-def]
                   max_queue: int = 64) -> LoadResult:
    from qa.interface import serving as app
    from qa.interface.ui import build_ui, respond
    from tests.test_app import free_port

    expected = {q: respond(engine, q, None, 5) for q in QUESTIONS}
    assert "1950" in expected[QUESTIONS[0]]
    demo = build_ui(engine, concurrency_limit=concurrency_limit, max_queue=max_queue)
    server = app.serve(demo, host="127.0.0.1", port=free_port(), block=False)
    try:
        return run_load(server.local_url, expected, users=users, rounds=rounds)
    finally:
        server.demo.close()


@pytest.mark.e2e
def test_32_users_at_once_all_get_correct_answers(tmp_path: Path) -> None:
    from qa.engine import QA
    from tests.conftest import FakeEncoder

    engine = QA.build(CORPUS, tmp_path / "index", encoder=FakeEncoder(), settings=fake_settings())
    result = serve_and_load(engine, users=32, rounds=2)
    print(result.summary())
    assert result.errors == [] and result.wrong == []
    assert result.requests == 32 * 2 * len(QUESTIONS)
    assert result.percentile(95) < 30


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Load-test the app in-process on loopback.")
    parser.add_argument("--real", action="store_true",
                        help="use the default model instead of the fake encoder")
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--limits", default="1,2,4,8", help="concurrency limits to try")
    args = parser.parse_args(argv)
    import tempfile

    from qa.engine import QA
    from tests.conftest import FakeEncoder

    with tempfile.TemporaryDirectory() as tmp:
        encoder = None if args.real else FakeEncoder()
        engine = QA.build(CORPUS, Path(tmp) / "index", encoder=encoder)
        for limit in (int(x) for x in args.limits.split(",")):
            result = serve_and_load(engine, users=args.users, rounds=args.rounds, concurrency_limit=limit)
            print(f"{'real' if args.real else 'fake'} model, concurrency_limit={limit}: {result.summary()}",
                  flush=True)


if __name__ == "__main__":
    main()
