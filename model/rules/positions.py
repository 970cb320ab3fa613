"""Positions move: allies press the US, patrons press the DPRK."""

from __future__ import annotations

import numpy as np


def pull(ideal: np.ndarray, mover: int, toward: list[int], weight: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """Move ``mover``'s position a share ``rate`` of the way to the weighted mean of ``toward``.

    ``weight`` is ``(R, len(toward))`` (clout, times leverage for patrons). The
    result stays in [0, 1] because it is a convex combination of points in it.
    """
    w = weight / np.maximum(weight.sum(axis=1, keepdims=True), 1e-12)
    target = np.einsum("rj,rjk->rk", w, ideal[:, toward, :])
    out = ideal.copy()
    out[:, mover, :] += rate[:, None] * (target - ideal[:, mover, :])
    return out
