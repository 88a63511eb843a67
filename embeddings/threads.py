"""How many CPU threads an encoder runtime should use, and an ONNX Runtime session that uses them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def cpu_threads(requested: int | None = None) -> int:
    """``requested``, else ``$OMP_NUM_THREADS``, else the CPUs this process may use
    (affinity and container limits respected)."""
    if requested is not None:
        return max(1, int(requested))
    env = os.environ.get("OMP_NUM_THREADS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def cpu_session(path: Path, threads: int | None = None, *, spin: bool = False) -> Any:
    """An ONNX Runtime CPU session of the model at ``path`` on :func:`cpu_threads` threads.

    By default its idle threads do not spin between the steps of a call nor after it: the
    encoder's and the answer reader's calls come back to back, and with both sessions spinning
    each slowed the other's call (ask p95 70 ms against 45 ms). ``spin=True`` is for the span
    reader alone, the last and longest call of an ask: its threads then wait for work by spinning,
    which took about 3–6 ms off each ask, timed alternately in one process (``docs/benchmarks.md``,
    speed section).
    """
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = cpu_threads(threads)
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
