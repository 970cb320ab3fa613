"""Running scenarios: one narrated run, or many replications batched in one Mesa model."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from model.draws import derive_seeds
from model.scenario import Scenario

if TYPE_CHECKING:
    import pandas as pd

BATCH = 10_000
"""Replications advanced together in one model: large enough to amortise Python, small enough for memory."""


def replication_seeds(root: int, n: int) -> np.ndarray:
    """Seeds of ``n`` replications of one scenario: design point 0 of :func:`~model.draws.derive_seeds`.

    Each is a 63-bit integer: ``peninsula run --seed S`` with it reproduces that replication alone.
    """
    return derive_seeds(root, np.zeros(n, dtype=np.uint64), np.arange(n, dtype=np.uint64))


def run_one(spec: Scenario, seed: int, months: int | None = None, narrate: bool = True):
    """One run with its monthly table and, if asked, its timeline notes."""
    from model.simulation import PeninsulaModel

    model = PeninsulaModel(spec, rng=seed, months=months, narrate=narrate)
    model.run_for(model.months)
    return model


def run_batch(
    spec: Scenario, seeds: np.ndarray, months: int | None = None, params: dict | None = None
) -> dict[str, np.ndarray]:
    """Outcomes of one replication per seed, advanced together in one Mesa model."""
    from model.outcomes import outcomes

    return outcomes(_advance(spec, seeds, months, params, collect=False))


def run_replications(
    spec: Scenario,
    root_seed: int,
    n: int,
    months: int | None = None,
    monthly: Callable[[pd.DataFrame], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, np.ndarray]:
    """Outcomes of ``n`` replications, with a ``seed`` column, in batches of :data:`BATCH`.

    With ``monthly``, each batch also records its monthly table and hands it
    over (replications numbered across batches), so a caller can stream it to
    disk without holding every month of every replication. ``progress`` is told
    how many replications each batch finished.
    """
    from model.outcomes import outcomes
    from model.records import monthly_table

    seeds = replication_seeds(root_seed, n)
    parts = []
    for start in range(0, n, BATCH):
        model = _advance(spec, seeds[start : start + BATCH], months, None, collect=monthly is not None)
        parts.append(outcomes(model))
        if monthly is not None:
            table = monthly_table(model)
            table["replication"] += start
            monthly(table)
        if progress is not None:
            progress(len(seeds[start : start + BATCH]))
    merged = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    return {"replication": np.arange(n), "seed": seeds, **merged}


def _advance(spec: Scenario, seeds: np.ndarray, months: int | None, params: dict | None, collect: bool):
    from model.simulation import PeninsulaModel

    model = PeninsulaModel(spec, seeds=seeds, params=params, months=months, collect=collect)
    model.run_for(model.months)
    return model
