"""Positions move toward allies and patrons but stay anchored to their own (Friedkin and Johnsen 1990).

    x_i(t+1) = lambda_i sum_j W_ij x_j(t) + (1 - lambda_i) x_i(0)

``W`` is row-stochastic: a self-weight, the rest shared among the actors who
press ``i`` in proportion to their weight (clout, times enforcement delivered
for the DPRK's patrons). ``lambda_i`` is ``i``'s susceptibility. Because every
position is pulled back toward its own starting point, positions settle
between an actor's own view and its partners', never drifting without limit.
"""

from __future__ import annotations

import numpy as np


def influence(self_weight: np.ndarray, pressers: np.ndarray) -> np.ndarray:
    """Row of W for one actor: ``(R, 1 + J)`` weights of itself and of ``J`` pressers (clout ``(R, J)``).

    >>> influence(np.array([0.5]), np.array([[1.0, 3.0]])).tolist()
    [[0.5, 0.125, 0.375]]
    """
    total = pressers.sum(axis=1, keepdims=True)
    share = np.where(total > 0, pressers / np.where(total > 0, total, 1.0), 0.0)
    own = np.where(total[:, 0] > 0, self_weight, 1.0)
    return np.concatenate([own[:, None], (1.0 - own)[:, None] * share], axis=1)


def friedkin_johnsen(
    current: np.ndarray, anchor: np.ndarray, others: np.ndarray, row: np.ndarray, susceptibility: np.ndarray
) -> np.ndarray:
    """One actor's next position ``(R, K)`` from its current one, its anchor and the others' ``(R, J, K)``.

    >>> x = friedkin_johnsen(np.array([[0.0]]), np.array([[0.0]]), np.array([[[1.0]]]),
    ...                      np.array([[0.5, 0.5]]), np.array([0.2]))
    >>> float(x[0, 0])  # 0.2 * (0.5 * 0 + 0.5 * 1) + 0.8 * 0
    0.1
    """
    social = row[:, :1] * current + (row[:, 1:, None] * others).sum(axis=1)
    lam = susceptibility[:, None]
    return lam * social + (1.0 - lam) * anchor
