"""Sanctions as delivered: each enforcer's share of the mandate, and new UN resolutions.

A scenario's ``sanctions.enforcement`` is what China and Russia deliver of the
UN mandate, per channel, at the start. Each month each of them may deliver a
step more or less (its own choice, :mod:`model.agents.policies`), unless the scenario
pins delivery; after a strategic test or launch the Security Council tightens
the mandate if both consent.
"""

from __future__ import annotations

import numpy as np

from model.core.domain import Channel

LABORERS = Channel.LABORERS.index


def delivered(start: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """Enforcement delivered per enforcer and channel: the start level moved by the enforcer's shift, in [0, 1]."""
    return np.clip(start + shift[:, :, None], 0.0, 1.0)


def adjust(shift: np.ndarray, choice: np.ndarray, step: np.ndarray, pinned: np.ndarray) -> np.ndarray:
    """Apply each enforcer's choice (-1 less, 0 hold, +1 more) of one ``step``; pinned delivery never moves."""
    moved = np.clip(shift + choice * step[:, None], -1.0, 1.0)
    return np.where(pinned[:, None], shift, moved)


def tighten(start: np.ndarray, step: np.ndarray, acts: np.ndarray) -> np.ndarray:
    """A new resolution closes a share ``step`` of every enforcement gap where ``acts`` (background 4.1)."""
    return start + (step * acts)[:, None, None] * (1.0 - start)


def deadline(start: np.ndarray, step: np.ndarray, due: np.ndarray) -> np.ndarray:
    """A deadline the Council set earlier falls due: on the laborers channel, each enforcer closes a share
    ``step`` of its gap where ``due`` (2397: every worker abroad home within 24 months, background 4.1, 4.3).

    Not a new sanction: the DPRK agreed to nothing that excluded it, so it is no breach of an agreement.

    >>> deadline(np.full((1, 2, 4), 0.6), np.array([0.5]), np.array([True]))[0, 0].tolist()
    [0.6, 0.6, 0.6, 0.8]
    """
    out = start.copy()
    gap = 1.0 - start[:, :, LABORERS]
    out[:, :, LABORERS] = start[:, :, LABORERS] + (step * due)[:, None] * gap
    return out
