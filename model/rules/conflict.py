"""Outside the talks: what DPRK tests and launches and US-ROK exercises do to tension and the arsenal.

Whether they happen is each side's choice (:mod:`model.agents.policies`); these
rules apply what was chosen.
"""

from __future__ import annotations

import numpy as np

from model.core.domain import Activity

STRATEGIC, LAUNCH, SHORT = Activity.STRATEGIC_TEST.index, Activity.LAUNCH.index, Activity.SHORT_RANGE.index


def activity_tension(activity: np.ndarray, test: np.ndarray, launch: np.ndarray, short: np.ndarray) -> np.ndarray:
    """Tension a month's DPRK activity adds (an index per replication, and each kind's tension)."""
    return np.select([activity == STRATEGIC, activity == LAUNCH, activity == SHORT], [test, launch, short], 0.0)


def raise_tension(tension: np.ndarray, added: np.ndarray) -> np.ndarray:
    return np.clip(tension + added, 0.0, 1.0)


def test_gain(capability: np.ndarray, gain: np.ndarray, tested: np.ndarray) -> np.ndarray:
    """A strategic test closes a share ``gain`` of the gap to the arsenal's ceiling."""
    return np.where(tested, capability + gain * (1.0 - capability), capability)


def grow_arsenal(capability: np.ndarray, growth: np.ndarray, frozen: np.ndarray) -> np.ndarray:
    """The arsenal closes a share ``growth`` of the gap to its ceiling each month, unless an agreement freezes it."""
    return np.where(frozen, capability, capability + growth * (1.0 - capability))


def decay(tension: np.ndarray, rate: np.ndarray) -> np.ndarray:
    return tension * (1.0 - rate)
