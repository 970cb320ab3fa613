"""Distributions summarised batch by batch, so memory does not grow with the number of replications.

:class:`Distribution` keeps each distinct value with its count. Integer-valued
outcomes (months, tests) have few distinct values, so their mean and quantiles
stay exact at any N, and equal NumPy's (``np.quantile``, linear method) on the
same values. A continuous outcome switches, once it has more than
:data:`EXACT_LIMIT` distinct values, to a histogram of :data:`BINS` equal bins
over the range seen so far (at least [0, 1], since most outcomes are shares);
its mean stays exact, its quantiles are then read off the histogram, assuming
values spread evenly within a bin, and clamped to the exact minimum and
maximum: the error is below one bin width (1e-6 of the range). Later values
outside the range go into the edge bins.
"""

from __future__ import annotations

import math

import numpy as np

EXACT_LIMIT = 1 << 16
"""Distinct values kept exactly before a distribution becomes a histogram."""

BINS = 1 << 20
"""Bins of the histogram (8 MiB of counts)."""


class Distribution:
    """Count, exact sum, exact extremes and (exact or binned) quantiles of the finite values added."""

    def __init__(self) -> None:
        self.n = 0
        self.total = 0.0
        self.low, self.high = math.inf, -math.inf
        self.values = np.zeros(0)
        self.counts = np.zeros(0, dtype=np.int64)
        self.edges: tuple[float, float] | None = None

    def add(self, values: np.ndarray) -> None:
        values = np.asarray(values, dtype=float)
        values = values[np.isfinite(values)]
        if len(values) == 0:
            return
        self.n += len(values)
        self.total += float(values.sum())
        self.low, self.high = min(self.low, float(values.min())), max(self.high, float(values.max()))
        if self.edges is None:
            self._merge_exact(values)
            if len(self.values) > EXACT_LIMIT:
                self._to_histogram()
        else:
            self.counts += np.bincount(self._bins(values), minlength=BINS)

    def _merge_exact(self, values: np.ndarray) -> None:
        new, counts = np.unique(values, return_counts=True)
        merged = np.concatenate([self.values, new])
        weights = np.concatenate([self.counts, counts])
        self.values, where = np.unique(merged, return_inverse=True)
        self.counts = np.bincount(where, weights=weights, minlength=len(self.values)).astype(np.int64)

    def _to_histogram(self) -> None:
        self.edges = (min(0.0, self.low), max(1.0, self.high))
        counts = np.bincount(self._bins(self.values), weights=self.counts, minlength=BINS).astype(np.int64)
        self.values, self.counts = np.zeros(0), counts

    def _bins(self, values: np.ndarray) -> np.ndarray:
        lo, hi = self.edges or (0.0, 1.0)
        return np.clip(((values - lo) / (hi - lo) * BINS).astype(np.int64), 0, BINS - 1)

    @property
    def exact(self) -> bool:
        return self.edges is None

    def mean(self) -> float:
        if self.exact:
            return float(np.dot(self.values, self.counts) / self.n)
        return self.total / self.n

    def quantiles(self, qs: list[float]) -> list[float]:
        """NumPy's linear-method quantiles: between the values of ranks floor((n-1)q) and the next."""
        out = []
        cumulative = np.cumsum(self.counts)
        for q in qs:
            position = (self.n - 1) * q
            below = math.floor(position)
            above = min(below + 1, self.n - 1)
            a, b = self._at(below, cumulative), self._at(above, cumulative)
            out.append(_lerp(a, b, position - below))
        return out

    def _at(self, rank: int, cumulative: np.ndarray) -> float:
        """The value of the ``rank``-th smallest (0-based)."""
        slot = int(np.searchsorted(cumulative, rank, side="right"))
        if self.exact:
            return float(self.values[slot])
        lo, hi = self.edges or (0.0, 1.0)
        width = (hi - lo) / BINS
        before = int(cumulative[slot - 1]) if slot else 0
        inside = (rank - before + 0.5) / int(self.counts[slot])
        return min(max(lo + width * (slot + inside), self.low), self.high)


def _lerp(a: float, b: float, t: float) -> float:
    """NumPy's interpolation (``numpy.lib._function_base_impl._lerp``), so exact results match it bit for bit."""
    diff = b - a
    return b - diff * (1 - t) if t >= 0.5 else a + diff * t


class Counts:
    """How often each label occurs (outcome classes, packages)."""

    def __init__(self) -> None:
        self.n = 0
        self.counts: dict[str, int] = {}

    def add(self, labels: np.ndarray) -> None:
        names, counts = np.unique(np.asarray(labels).astype(str), return_counts=True)
        for name, count in zip(names.tolist(), counts.tolist(), strict=True):
            self.counts[name] = self.counts.get(name, 0) + count
        self.n += int(counts.sum())

    def shares(self) -> dict[str, float]:
        """Shares, largest first (ties in name order, as ``np.unique`` sorts)."""
        order = sorted(self.counts, key=lambda name: (-self.counts[name], name))
        return {name: self.counts[name] / self.n for name in order}
