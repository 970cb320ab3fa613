"""An agreement in force: phases, verified steps, relief, compliance, breach and collapse."""

from __future__ import annotations

import numpy as np

from model.domain import ReliefSchedule


def phase_count(phasing: np.ndarray, max_phases: np.ndarray) -> np.ndarray:
    """A big deal (phasing 0) is one step; a step-for-step deal (phasing 1) has ``max_phases``."""
    return 1 + np.rint(phasing * (max_phases - 1)).astype(np.int64)


def steps_verified(months_in_force: np.ndarray, phases: np.ndarray, duration: np.ndarray) -> np.ndarray:
    """Steps verified so far: the whole package takes ``duration`` months, split evenly in steps."""
    per_step = duration / np.maximum(phases, 1)
    return np.minimum(phases, np.floor(months_in_force / per_step + 1e-9).astype(np.int64))


def relief_delivered(agreed_relief: np.ndarray, share_done: np.ndarray, schedule: np.ndarray) -> np.ndarray:
    """Formal relief in force under the relief schedule, given the share of steps verified."""
    return np.select(
        [schedule == ReliefSchedule.UPFRONT.index, schedule == ReliefSchedule.PER_STEP.index],
        [agreed_relief, agreed_relief * share_done],
        default=agreed_relief * (share_done >= 1.0),
    )


def breach_chance(base: np.ndarray, trust: np.ndarray, shortfall: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Monthly chance a party breaches:  base 2 (1 - trust) (1 + scale shortfall).

    ``shortfall`` is how far the deal falls below what the party would have if
    it walked away (0 if the deal is better). Without snapback, walking away
    keeps the relief already given, so the outside option is richer and a
    breach more tempting. At trust 0.5 and no temptation the chance is ``base``.
    """
    return base * 2.0 * (1.0 - trust) * (1.0 + scale * np.maximum(shortfall, 0.0))
