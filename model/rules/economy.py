"""The sanctions economy: enforcement and relief set DPRK income; income sets felt pressure."""

from __future__ import annotations

import numpy as np


def income(enforcement: np.ndarray, shares: np.ndarray, rest_of_world: np.ndarray, relief: np.ndarray) -> np.ndarray:
    """DPRK external income as a share of what it would earn with no sanctions.

    Each enforcer-channel pair (CHN trade, RUS laborers, ...) carries a share of
    unsanctioned income; enforcement e cuts it by e, and formal relief r lifts
    the cut:  I = [sum_ec share_ec (1 - e_ec (1 - r)) + rest r] / [sum_ec share_ec + rest].
    The rest of the world enforces fully, so it pays only what relief allows.
    Leakage is enforcement below 1: income the DPRK keeps while sanctions stand.
    Shares are normalised, so a sweep may move one without breaking the total.

    >>> float(income(np.array([[[0.5]]]), np.array([[[0.8]]]), np.array([0.2]), np.array([0.0]))[0])
    0.4
    """
    kept = shares * (1.0 - enforcement * (1.0 - relief)[:, None, None])
    total = shares.sum(axis=(1, 2)) + rest_of_world
    return (kept.sum(axis=(1, 2)) + rest_of_world * relief) / np.where(total > 0, total, 1.0)


def pressure(previous: np.ndarray, income_now: np.ndarray, need: np.ndarray, adaptation: np.ndarray) -> np.ndarray:
    """Felt pressure follows the income shortfall below need, smoothed by reserves and smuggling.

    target = clip((need - I) / need, 0, 1);  P' = P + adaptation (target - P).
    """
    target = np.clip((need - income_now) / np.maximum(need, 1e-9), 0.0, 1.0)
    return previous + adaptation * (target - previous)
