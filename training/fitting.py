"""Fitting linear models with numpy alone: listwise (softmax over a group) and binary logistic.

Full-batch Adam on standardised features with an L2 penalty: a few thousand rows and a few
dozen features fit in seconds, deterministically, without a machine-learning dependency.
"""

from __future__ import annotations

import numpy as np

from qa.answer.reader_weights import LinearModel


def standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column means and scales (1 where a column is constant)."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    return mean, scale


def _adam(grad_fn, size: int, *, steps: int, lr: float) -> np.ndarray:  # type: ignore[no-untyped-def]
    w = np.zeros(size)
    m = np.zeros(size)
    v = np.zeros(size)
    for t in range(1, steps + 1):
        g = grad_fn(w)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w -= lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return w


def fit_listwise(x: np.ndarray, y: np.ndarray, groups: np.ndarray, names: tuple[str, ...], *,
                 l2: float = 1e-3, steps: int = 1500, lr: float = 0.05) -> LinearModel:
    """Softmax over each group (contiguous rows with the same id); maximise the mass on positives.

    Groups without a positive row carry no signal for choosing and are dropped.
    """
    keep = np.zeros(len(y), dtype=bool)
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    ends = np.r_[starts[1:], len(groups)]
    for s, e in zip(starts, ends, strict=True):
        keep[s:e] = y[s:e].any()
    x, y, groups = x[keep], y[keep].astype(np.float64), groups[keep]
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    seg = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(groups)]))
    mean, scale = standardise(x)
    z = np.c_[(x - mean) / scale, np.ones(len(x))]

    def grad(w: np.ndarray) -> np.ndarray:
        logits = z @ w
        gmax = np.maximum.reduceat(logits, starts)
        e = np.exp(logits - gmax[seg])
        p = e / np.add.reduceat(e, starts)[seg]
        pos = p * y
        q = pos / np.add.reduceat(pos, starts)[seg]
        g = z.T @ (p - q) / len(starts)
        g[:-1] += l2 * w[:-1]
        return g

    w = _adam(grad, z.shape[1], steps=steps, lr=lr)
    # The bias cancels in a softmax; keep it 0 so logits are comparable across questions.
    return LinearModel(names, mean, scale, w[:-1], 0.0)


def fit_logistic(x: np.ndarray, y: np.ndarray, names: tuple[str, ...], *, l2: float = 1e-3,
                 steps: int = 1500, lr: float = 0.05) -> LinearModel:
    """Binary logistic regression; its probabilities are calibrated on the rows it was fitted to."""
    mean, scale = standardise(x)
    z = np.c_[(x - mean) / scale, np.ones(len(x))]
    y = y.astype(np.float64)

    def grad(w: np.ndarray) -> np.ndarray:
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -30, 30)))
        g = z.T @ (p - y) / len(y)
        g[:-1] += l2 * w[:-1]
        return g

    w = _adam(grad, z.shape[1], steps=steps, lr=lr)
    return LinearModel(names, mean, scale, w[:-1], float(w[-1]))
