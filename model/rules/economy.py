"""The sanctions economy: enforcement and relief set DPRK income; income sets felt pressure."""

from __future__ import annotations

import numpy as np

from model.core.domain import ReliefFrom

UN, US_ONLY = ReliefFrom.UN.index, ReliefFrom.US.index


# numpy reduces a short axis of many rows slowly (a tiny reduction per row); these give the same sums, bit
# for bit, as adds of whole columns in numpy's own order: from 0, left to right below 8 numbers, and
# numpy's pairwise tree for exactly 8. Any other shape or memory order is left to numpy.
def _sum_cells(x: np.ndarray) -> np.ndarray:
    """``x.sum(axis=(1, 2))`` of an ``(R, E, C)`` array."""
    if x.ndim != 3 or x.shape[1] * x.shape[2] != 8 or not x.flags.c_contiguous:
        return x.sum(axis=(1, 2))
    c = np.ascontiguousarray(x.reshape(len(x), 8).T)
    left, right = c[0] + c[1], c[4] + c[5]
    left += c[2] + c[3]
    right += c[6] + c[7]
    left += right
    left += 0.0
    return left


def _sum_channels(x: np.ndarray) -> np.ndarray:
    """``x.sum(axis=2)`` of an ``(R, E, C)`` array."""
    if x.ndim != 3 or x.shape[2] >= 8 or not x.flags.c_contiguous:
        return x.sum(axis=2)
    c = np.ascontiguousarray(np.moveaxis(x, 2, 0))
    total = np.add(c[0], 0.0)
    for column in c[1:]:
        total += column
    return total


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
    total = _sum_cells(shares) + rest_of_world
    return (_sum_cells(kept) + rest_of_world * relief) / np.where(total > 0, total, 1.0)


def relief_reach(relief_from: np.ndarray, us_share: np.ndarray) -> np.ndarray:
    """Share of the sanctions' bite that an agreement's relief lifts: all of it, the UN's part, or the US's.

    >>> relief_reach(np.array([0, 1, 2]), np.array([0.3] * 3)).round(2).tolist()
    [1.0, 0.7, 0.3]
    """
    return np.where(relief_from == UN, 1.0 - us_share, np.where(relief_from == US_ONLY, us_share, 1.0))


def effective_relief(relief: np.ndarray, initial: np.ndarray, reach: np.ndarray) -> np.ndarray:
    """Relief as the economy feels it: what was in force before any agreement, plus the reach of the rest."""
    return relief - (1.0 - reach) * (relief - initial)  # written so that a reach of 1 leaves relief exact


def restored_share(relief_from: np.ndarray, us_share: np.ndarray, reimposition: np.ndarray) -> np.ndarray:
    """Share of an agreement's relief that comes back when the US ends it without a snapback clause.

    The US re-imposes its own sanctions; UN measures return only as far as the
    Security Council re-imposes them (``reimposition``: China and Russia hold
    vetoes). Weighted by the share of the bite each part lifted.

    >>> restored_share(np.array([0, 1, 2]), np.array([0.3] * 3), np.array([0.2] * 3)).round(2).tolist()
    [0.44, 0.2, 1.0]
    """
    un = (1.0 - us_share) * reimposition
    both = us_share + un
    return np.where(relief_from == UN, reimposition, np.where(relief_from == US_ONLY, 1.0, both))


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
    total = _sum_cells(shares) + rest_of_world
    total = np.where(total > 0, total, 1.0)
    base = _sum_cells(shares * (1.0 - enforcement)) / total
    slope = (_sum_cells(shares * enforcement) + rest_of_world) / total
    return base, slope


def trade_coefficients(enforcement: np.ndarray, shares: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each enforcer's DPRK trade kept, as a share of its unsanctioned trade: ``base + slope r``, ``(R, E)``.

    The trade an enforcer gives up by enforcing is its own economic cost of sanctions.
    """
    total = _sum_channels(shares)
    total = np.where(total > 0, total, 1.0)
    return _sum_channels(shares * (1.0 - enforcement)) / total, _sum_channels(shares * enforcement) / total


def target_pressure(income_now: np.ndarray, need: np.ndarray) -> np.ndarray:
    """The pressure an income would settle at: the shortfall below need, as a share of need."""
    return np.clip((need - income_now) / np.maximum(need, 1e-9), 0.0, 1.0)
