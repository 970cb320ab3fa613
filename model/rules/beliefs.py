"""Beliefs that learn: trust as a count of kept and broken promises, and the US's hope that pressure works.

Agents are boundedly rational: they value options by expected utility over a
finite horizon with the beliefs below, and update those beliefs from what
they see; they do not solve for an equilibrium.

* **Trust** ``tau[i, j]`` is i's belief that j keeps its commitments, the mean
  of a Beta distribution with pseudo-count ``n[i, j]``: an observation ``o``
  (1 kept, 0 broken) of weight ``w`` moves it to ``(n tau + w o) / (n + w)``.
  The count is capped at ``memory``, so old evidence fades.
* **Yield belief** ``h_i``: actor i's belief that the DPRK is a type that
  concedes under pressure. A month of felt pressure ``P`` without a DPRK
  concession is less likely from a yielding type (it would have conceded with
  hazard ``lambda P``), so by Bayes ``h' = h (1 - lambda P) / (1 - h lambda P)``;
  a strategic test is ``rho`` times as likely from a yielding type as from a
  resolute one, so ``h' = h rho / (h rho + 1 - h)`` (a war of attrition).
* **Pressure forecast** ``P_hat``: the pressure the sanctions as delivered would
  settle at, followed with lag; leakage that the enforcers allow lowers it.
"""

from __future__ import annotations

import numpy as np


def observe(
    trust: np.ndarray,
    count: np.ndarray,
    observer: np.ndarray,
    target: int,
    outcome: float,
    weight: np.ndarray,
    memory: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Observers (``(R, A)`` mask) see ``target`` keep (1) or break (0) its word, with evidence ``weight`` ``(R,)``.

    Returns new ``(trust, count)``; nothing changes where the weight is 0 or no one observes.

    >>> t, n = observe(np.full((1, 2, 2), 0.5), np.full((1, 2, 2), 1.0), np.array([[True, False]]), 1, 1.0,
    ...                np.array([1.0]), np.array([10.0]))
    >>> t[0, 0, 1], n[0, 0, 1], t[0, 1, 1]
    (np.float64(0.75), np.float64(2.0), np.float64(0.5))
    """
    if not weight.any():
        return trust, count
    w = np.where(observer, weight[:, None], 0.0)
    tau, n = trust[:, :, target], count[:, :, target]
    new_tau = (n * tau + w * outcome) / np.maximum(n + w, 1e-12)
    trust, count = trust.copy(), count.copy()
    trust[:, :, target] = np.where(w > 0, new_tau, tau)
    count[:, :, target] = np.minimum(n + w, memory[:, None])
    return trust, count


def no_concession(belief: np.ndarray, pressure: np.ndarray, hazard: np.ndarray, watching: np.ndarray) -> np.ndarray:
    """Bayes after a month of pressure without a concession: ``h (1 - lambda P) / (1 - h lambda P)``.

    ``belief`` is ``(R, A)``; ``pressure``, ``hazard`` and the ``watching`` mask are ``(R,)``.

    >>> float(no_concession(np.array([[0.5]]), np.array([1.0]), np.array([0.5]), np.array([True]))[0, 0])
    0.3333333333333333
    """
    q = np.clip(hazard * pressure, 0.0, 1.0)[:, None]
    updated = belief * (1.0 - q) / np.maximum(1.0 - belief * q, 1e-12)
    return np.where(watching[:, None], updated, belief)


def after_test(belief: np.ndarray, ratio: np.ndarray, tested: np.ndarray) -> np.ndarray:
    """Bayes after a strategic test, which a yielding type makes ``ratio`` times as often as a resolute one.

    >>> float(after_test(np.array([[0.5]]), np.array([0.5]), np.array([True]))[0, 0])
    0.3333333333333333
    """
    rho = ratio[:, None]
    updated = belief * rho / np.maximum(belief * rho + 1.0 - belief, 1e-12)
    return np.where(tested[:, None], updated, belief)


def forecast(previous: np.ndarray, settled: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """Move the pressure forecast a share ``rate`` toward the pressure the delivered sanctions would settle at."""
    return previous + rate * (settled - previous)
