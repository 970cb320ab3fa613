"""Spatial utility: how much an actor likes a point in the issue space."""

from __future__ import annotations

import numpy as np


def weights(salience: np.ndarray) -> np.ndarray:
    """Salience normalised to sum to 1 over issues (last axis)."""
    total = salience.sum(axis=-1, keepdims=True)
    return salience / np.where(total > 0, total, 1.0)


def utility(
    ideal: np.ndarray, salience: np.ndarray, points: np.ndarray, ignore: np.ndarray | None = None
) -> np.ndarray:
    """Weighted city-block utility  u_i(x) = 1 - sum_k w_ik |x_k - theta_ik|,  w_ik = s_ik / sum_k s_ik.

    ``ideal`` and ``salience`` are ``(R, A, K)``; ``points`` is ``(R, P, K)``;
    the result is ``(R, A, P)`` in [0, 1]. Issues flagged in ``ignore`` (a
    ``(K,)`` mask) cost nothing: the status quo has no phasing to dislike.

    Hand check: an actor at 0 on one issue and 1 on another, equal salience,
    judging the point (0.5, 0.5): 1 - (0.5 * 0.5 + 0.5 * 0.5) = 0.5.

    >>> utility(np.array([[[0.0, 1.0]]]), np.array([[[1.0, 1.0]]]), np.array([[[0.5, 0.5]]]))
    array([[[0.5]]])
    """
    w = weights(salience)
    if ignore is not None:
        w = np.where(ignore, 0.0, w)
    distance = np.abs(points[:, None, :, :] - ideal[:, :, None, :])
    return 1.0 - np.einsum("rak,rapk->rap", w, distance)


def compromise(ideal: np.ndarray, salience: np.ndarray, capability: np.ndarray, present: np.ndarray) -> np.ndarray:
    """A mediator's compromise: the clout-and-salience weighted mean of the parties' positions.

    x_k = sum_i c_i s_ik theta_ik / sum_i c_i s_ik over the parties ``present``
    (``(R, A)`` mask). Two parties with equal clout and salience meet at the
    midpoint of their positions.

    >>> compromise(np.array([[[0.2], [0.8]]]), np.ones((1, 2, 1)), np.ones((1, 2)), np.ones((1, 2), bool))
    array([[0.5]])
    """
    w = capability[:, :, None] * salience * present[:, :, None]
    total = w.sum(axis=1)
    return np.einsum("rak,rak->rk", w, ideal) / np.where(total > 0, total, 1.0)
