"""The parameters a calibration may move: assumptions with a range that no historical case sets.

A key that a case file or its coding sets (enforcement, trust between the US
and the DPRK, tension, the US's phasing, ...) is a condition of that case, not
a free parameter, so it is left out. The prior of each parameter is uniform
over its range in ``sources.toml``: the range is all the sources say.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.agents.profiles import PROFILES_TABLE
from model.calibration.posterior import set_by
from model.scenario.provenance import sources
from model.scenario.schema import Scenario


@dataclass(frozen=True)
class Prior:
    """Independent uniform priors: ``keys`` with bounds ``low`` and ``high``; ``integer`` marks whole numbers."""

    keys: tuple[str, ...]
    low: np.ndarray
    high: np.ndarray
    integer: np.ndarray  # bool

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``(n, D)`` draws from the prior: uniform over each range, whole numbers uniform over the integers."""
        draws = self.low + (self.high - self.low) * rng.random((n, len(self.keys)))
        for j in np.flatnonzero(self.integer):
            draws[:, j] = rng.integers(int(np.ceil(self.low[j])), int(np.floor(self.high[j])) + 1, size=n)
        return draws

    def snap(self, theta: np.ndarray) -> np.ndarray:
        """Whole-number parameters rounded (a month count cannot be fractional)."""
        return np.where(self.integer, np.round(theta), theta)

    def contains(self, theta: np.ndarray) -> np.ndarray:
        """``(n,)`` mask of draws inside every bound."""
        return ((theta >= self.low) & (theta <= self.high)).all(axis=1)

    def only(self, keys: tuple[str, ...]) -> Prior:
        """The prior of some of the parameters, in the order given."""
        idx = [self.keys.index(k) for k in keys]
        return Prior(tuple(keys), self.low[idx], self.high[idx], self.integer[idx])


def assumption_prior(cases: dict[str, Scenario]) -> Prior:
    """Every assumption-level number with a range that none of ``cases`` sets, uniform over its range."""
    set_by_cases = set().union(*(set_by(spec) for spec in cases.values()))
    keys, low, high, integer = [], [], [], []
    for key, src in sources().items():
        if key.startswith(PROFILES_TABLE + ".") or not src.is_assumption or not src.is_numeric:
            continue
        if src.high <= src.low or key in set_by_cases or isinstance(src.value, bool):
            continue
        keys.append(key)
        low.append(float(src.low))
        high.append(float(src.high))
        integer.append(isinstance(src.value, int))
    return Prior(tuple(keys), np.array(low), np.array(high), np.array(integer))
