"""Sanctions as delivered: each enforcer's share of the mandate, and new UN resolutions.

A scenario's ``sanctions.enforcement`` is what China and Russia deliver of the
UN mandate, per channel, at the start. Each month each of them may deliver a
step more or less (its own choice, :mod:`model.policies`), unless the scenario
pins delivery; after a strategic test or launch the Security Council tightens
the mandate if both consent.
"""

from __future__ import annotations

import numpy as np


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
