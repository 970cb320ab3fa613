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
    return previous + adaptation * (target_pressure(income_now, need) - previous)


def income_coefficients(
    enforcement: np.ndarray, shares: np.ndarray, rest_of_world: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """DPRK income as a line in relief r: ``income = base + slope r`` (the same sum as :func:`income`).

    >>> base, slope = income_coefficients(np.array([[[0.5]]]), np.array([[[0.8]]]), np.array([0.2]))
    >>> round(float(base[0]), 12), round(float(slope[0]), 12)
    (0.4, 0.6)
    """
    total = shares.sum(axis=(1, 2)) + rest_of_world
    total = np.where(total > 0, total, 1.0)
    base = (shares * (1.0 - enforcement)).sum(axis=(1, 2)) / total
    slope = ((shares * enforcement).sum(axis=(1, 2)) + rest_of_world) / total
    return base, slope


def trade_coefficients(enforcement: np.ndarray, shares: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each enforcer's DPRK trade kept, as a share of its unsanctioned trade: ``base + slope r``, ``(R, E)``.

    The trade an enforcer gives up by enforcing is its own economic cost of sanctions.
    """
    total = shares.sum(axis=2)
    total = np.where(total > 0, total, 1.0)
    return (shares * (1.0 - enforcement)).sum(axis=2) / total, (shares * enforcement).sum(axis=2) / total


def target_pressure(income_now: np.ndarray, need: np.ndarray) -> np.ndarray:
    """The pressure an income would settle at: the shortfall below need, as a share of need."""
    return np.clip((need - income_now) / np.maximum(need, 1e-9), 0.0, 1.0)
