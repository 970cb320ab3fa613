"""The historical cases run for many parameter sets at once, and each set's distance from the record.

A parameter set (a "particle") is run ``m`` times on every case, each run a
row of one batched model per case, so a whole generation of particles costs a
few batched runs. The distance of a particle is, averaged over cases, the
share of its runs whose outcome class differs from the record, plus
:data:`HELD_WEIGHT` times the error in months held (where the record gives it),
as a share of the case's window: a run cannot hold an agreement longer than the
window it is read in, so the record is cut at the window too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.core.draws import derive_seeds
from model.core.params import compile_params, replicate, write
from model.results.runs import BATCH, run_batch
from model.scenario.schema import Scenario

HELD_WEIGHT = 0.5
"""Weight of the months-held error against the outcome-class error (an assumption: the class is the record's
headline, months held its detail)."""


@dataclass(frozen=True)
class CaseRuns:
    """One case's runs for ``P`` particles, ``(P, m)`` arrays."""

    outcome: np.ndarray  # outcome class names
    signed: np.ndarray  # bool
    months_held: np.ndarray


def run_case(spec: Scenario, keys: tuple[str, ...], theta: np.ndarray, ids: np.ndarray, m: int, seed: int) -> CaseRuns:
    """Run ``spec`` ``m`` times for each particle (row of ``theta``, whose global number is ``ids``).

    Run seeds are keyed by (root seed, particle id, replication), so a particle's runs are the same in any
    batch, generation or process.
    """
    p = len(theta)
    rows = np.repeat(np.arange(p), m)
    seeds = derive_seeds(seed, ids[rows].astype(np.uint64), np.tile(np.arange(m, dtype=np.uint64), p))
    base = compile_params(spec)
    parts = []
    for start in range(0, len(rows), BATCH):
        chunk = slice(start, start + BATCH)
        arrays = replicate(base, len(rows[chunk]))
        for j, key in enumerate(keys):
            write(arrays, key, theta[rows[chunk], j])
        parts.append(run_batch(spec, seeds[chunk], params=arrays))
    out = {k: np.concatenate([part[k] for part in parts]).reshape(p, m) for k in ("outcome_class", "deal_reached")}
    held = np.concatenate([part["months_held"] for part in parts]).reshape(p, m)
    return CaseRuns(out["outcome_class"], out["deal_reached"].astype(bool), held.astype(float))


def case_distance(spec: Scenario, runs: CaseRuns) -> np.ndarray:
    """``(P,)`` distance of each particle from one case's record (see the module's docstring)."""
    record = spec.record
    assert record is not None
    miss = 1.0 - np.mean(runs.outcome == record.outcome, axis=1)
    if record.months_held is None:
        return miss
    window = float(spec.scenario.months)
    target = min(record.months_held, window)
    held = np.where(runs.signed, np.minimum(runs.months_held, window), np.nan)
    any_signed = runs.signed.any(axis=1)
    mean_held = np.nanmean(np.where(any_signed[:, None], held, 0.0), axis=1)
    error = np.where(any_signed, np.abs(mean_held - target) / window, 1.0)
    return miss + HELD_WEIGHT * error


def distance(
    cases: dict[str, Scenario], keys: tuple[str, ...], theta: np.ndarray, ids: np.ndarray, m: int, seed: int
) -> np.ndarray:
    """``(P,)`` mean distance over the cases."""
    return np.mean([case_distance(spec, run_case(spec, keys, theta, ids, m, seed)) for spec in cases.values()], axis=0)
