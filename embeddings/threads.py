"""How many CPU threads an encoder runtime should use."""

from __future__ import annotations

import os


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
