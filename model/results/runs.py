"""Running scenarios: one narrated run, or many replications batched in one Mesa model."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import numpy as np

from model.core.draws import derive_seeds
from model.scenario.schema import Scenario

if TYPE_CHECKING:
    import pandas as pd

    from model.calibration.posterior import Posterior

BATCH = 10_000
"""Replications advanced together in one model: large enough to amortise Python, small enough for memory."""


def replication_seeds(root: int, n: int) -> np.ndarray:
    """Seeds of ``n`` replications of one scenario: design point 0 of :func:`~model.core.draws.derive_seeds`.

    Each is a 63-bit integer: ``peninsula run --seed S`` with it reproduces that replication alone.
    """
    return derive_seeds(root, np.zeros(n, dtype=np.uint64), np.arange(n, dtype=np.uint64))


def run_one(
    spec: Scenario, seed: int, months: int | None = None, narrate: bool = True, posterior: Posterior | None = None
):
    """One run with its monthly table and, if asked, its timeline notes (with ``posterior``: one draw from it)."""
    from model.simulation import PeninsulaModel

    params = None
    if posterior is not None:
        from model.core.params import compile_params, replicate

        params = replicate(compile_params(spec), 1)
        posterior.apply(spec, params, np.array([seed], dtype=np.uint64))
    model = PeninsulaModel(spec, rng=seed, params=params, months=months, narrate=narrate)
    model.run_for(model.months)
    return model


def run_batch(
    spec: Scenario, seeds: np.ndarray, months: int | None = None, params: dict | None = None
) -> dict[str, np.ndarray]:
    """Outcomes of one replication per seed, advanced together in one Mesa model."""
    from model.results.outcomes import outcomes

    return outcomes(_advance(spec, seeds, months, params, collect=False))


def replication_batches(
    spec: Scenario,
    root_seed: int,
    n: int,
    months: int | None = None,
    monthly: Callable[[pd.DataFrame], None] | None = None,
    posterior: Posterior | None = None,
) -> Iterator[dict[str, np.ndarray]]:
    """Outcomes of ``n`` replications, one batch of :data:`BATCH` at a time, with ``replication`` and ``seed``.

    Nothing is kept between batches, so a caller that reduces each batch (see
    :class:`model.results.summary.Tally`) or writes it to disk runs any ``n`` in flat memory.
    With ``monthly``, each batch also hands over its monthly table (replications numbered across batches).
    With ``posterior``, each replication runs with one posterior draw (:mod:`model.calibration.posterior`).
    """
    from model.results.manifest import monthly_table
    from model.results.outcomes import outcomes

    for start in range(0, n, BATCH):
        stop = min(start + BATCH, n)
        seeds = derive_seeds(
            root_seed, np.zeros(stop - start, dtype=np.uint64), np.arange(start, stop, dtype=np.uint64)
        )
        params = None
        if posterior is not None:
            from model.core.params import compile_params, replicate

            params = replicate(compile_params(spec), stop - start)
            posterior.apply(spec, params, seeds)
        model = _advance(spec, seeds, months, params, collect=monthly is not None)
        result = outcomes(model)
        if monthly is not None:
            table = monthly_table(model)
            table["replication"] += start
            monthly(table)
        del model
        gc.collect()  # a Mesa model holds reference cycles (model <-> agents): free each batch's before the next
        yield {"replication": np.arange(start, stop), "seed": seeds, **result}


def run_replications(
    spec: Scenario,
    root_seed: int,
    n: int,
    months: int | None = None,
    monthly: Callable[[pd.DataFrame], None] | None = None,
    posterior: Posterior | None = None,
) -> dict[str, np.ndarray]:
    """Outcomes of ``n`` replications, with a ``seed`` column, all in memory (see :func:`replication_batches`)."""
    parts = list(replication_batches(spec, root_seed, n, months, monthly, posterior))
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}


def _advance(spec: Scenario, seeds: np.ndarray, months: int | None, params: dict | None, collect: bool):
    from model.simulation import PeninsulaModel

    model = PeninsulaModel(spec, seeds=seeds, params=params, months=months, collect=collect)
    model.run_for(model.months)
    return model
