"""Run a child process and report its wall time and peak memory (``ru_maxrss`` via ``wait4``)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from benchmarks.timing import REPO


@dataclass(frozen=True)
class ChildRun:
    """Wall seconds until done (or serving), peak RSS in MiB, exit status and stdout."""

    seconds: float
    peak_mb: float
    status: int
    stdout: str


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    env.setdefault("TOKENIZERS_PARALLELISM", "false")
    return env


def run_child(args: list[str], *, timeout: float = 3600.0) -> ChildRun:
    """``python args...`` in the repo; waits for it to exit (peak memory from ``os.wait4``)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, *args], cwd=REPO, env=_env(), stdout=out, stderr=err, text=True
        )
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                raise RuntimeError(f"{' '.join(args)} took more than {timeout:.0f}s")
            time.sleep(0.01)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}): {err.read()[-2000:]}")
        return ChildRun(seconds, usage.ru_maxrss / 1024.0, proc.returncode, out.read())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_until_ready(args: list[str], url: str, *, timeout: float = 300.0) -> ChildRun:
    """Start ``python args...``, poll ``url`` until HTTP 200, then stop it; seconds is time to 200."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, *args], cwd=REPO, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    ready = None
    try:
        while time.perf_counter() - start < timeout and proc.poll() is None:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        ready = time.perf_counter() - start
                        break
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.1)
    finally:
        proc.terminate()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = status
    if ready is None:
        raise RuntimeError(f"{' '.join(args)} did not serve {url} within {timeout:.0f}s")
    return ChildRun(ready, usage.ru_maxrss / 1024.0, 0, "")


def dir_bytes(folder: Path) -> dict[str, int]:
    """Bytes of each file directly or deeper below ``folder``, by relative path."""
    return {
        p.relative_to(folder).as_posix(): p.stat().st_size for p in sorted(folder.rglob("*")) if p.is_file()
    }
