"""One chunk of runs: many design points x replications packed into batched Mesa models.

The parent builds a :class:`ChunkTask` (inputs and seeds already derived, so a
worker decides nothing); :func:`run_chunk` is the only function a worker runs,
in this process, a spawned process or a Dask worker. Runs that share the
structural values (behaviour profiles, months) go in one
:func:`~model.results.runs.run_batch` call; the others in one call per structure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model.core.params import compile_params, replicate, write
from model.results.runs import run_batch
from model.scenario.loader import set_dotted, validate_tree
from model.scenario.schema import Scenario
from model.sweep.design import Design, input_value, run_seeds
from model.sweep.experiment import Experiment, Parameter

if TYPE_CHECKING:
    from model.calibration.posterior import Posterior

INDEX_COLUMNS = ("point", "replication", "seed")


@dataclass(frozen=True)
class ChunkTask:
    """Everything a worker needs for runs ``start`` to ``stop`` (run = point x replications + replication)."""

    index: int
    spec: Scenario
    parameters: tuple[Parameter, ...]
    points: np.ndarray
    replications: np.ndarray
    seeds: np.ndarray
    values: dict[str, np.ndarray]
    outcomes: tuple[str, ...]
    posterior: Posterior | None = None  # each run draws one particle, keyed by its seed

    @property
    def size(self) -> int:
        return len(self.points)


def make_task(exp: Experiment, design: Design, index: int, start: int, stop: int) -> ChunkTask:
    """Inputs and seeds of one chunk, computed in the parent from the design alone (never all runs at once)."""
    runs = np.arange(start, stop, dtype=np.int64)
    reps = exp.meta.replications
    points, replications = runs // reps, runs % reps
    unique, inverse = np.unique(points, return_inverse=True)
    columns = design.columns(unique)
    values = {name: column[inverse] for name, column in columns.items()}
    seeds = run_seeds(exp.meta.root_seed, points, replications)
    return ChunkTask(
        index,
        exp.spec,
        design.parameters,
        points,
        replications,
        seeds,
        values,
        exp.outcomes,
        exp.posterior,
    )


def warm_up() -> None:
    """Import the model (Mesa, pandas) in a new worker process, so its first chunk does not wait for it."""
    import model.results.outcomes
    import model.simulation  # noqa: F401


def run_chunk(task: ChunkTask) -> dict[str, np.ndarray]:
    """Run a chunk; return its rows as columns: index columns, inputs, then outcomes."""
    structural = [p for p in task.parameters if p.structural]
    keys = np.stack([task.values[p.name] for p in structural], axis=1) if structural else np.zeros((task.size, 0))
    combos, group = np.unique(keys, axis=0, return_inverse=True) if structural else (keys[:1], np.zeros(task.size, int))
    order, parts = [], []
    for g, combo in enumerate(combos):
        rows = np.flatnonzero(group.reshape(-1) == g)
        spec = _variant(task.spec, structural, combo)
        parts.append(_run_group(task, spec, rows))
        order.append(rows)
    where = np.concatenate(order)
    back = np.empty_like(where)
    back[where] = np.arange(len(where))
    result = {"point": task.points, "replication": task.replications, "seed": task.seeds}
    for param in task.parameters:
        result[param.name] = input_value(param, task.values[param.name])
    for name in task.outcomes:
        result[name] = np.concatenate([p[name] for p in parts])[back]
    return result


def _variant(spec: Scenario, structural: list[Parameter], combo: np.ndarray) -> Scenario:
    """The base scenario with structural values applied (validated again, so a profile name is checked)."""
    if not structural:
        return spec
    tree = spec.to_tree()
    for param, value in zip(structural, combo.tolist(), strict=True):
        chosen = param.values[int(value)] if param.kind == "categorical" else int(value)
        for key in param.keys:
            set_dotted(tree, key, chosen)
    return validate_tree(tree)


def _run_group(task: ChunkTask, spec: Scenario, rows: np.ndarray) -> dict[str, np.ndarray]:
    """One batched Mesa model for these rows, its parameter arrays written per run."""
    arrays = replicate(compile_params(spec), len(rows))
    if task.posterior is not None:  # first the posterior draw, then the design's own values over it
        task.posterior.apply(spec, arrays, task.seeds[rows])
    for param in task.parameters:
        if param.structural:
            continue
        column = task.values[param.name][rows]
        for key in param.keys:
            if param.kind == "categorical":
                for code in np.unique(column):
                    write(arrays, key, param.values[int(code)], np.flatnonzero(column == code))
            else:
                write(arrays, key, column)
    return run_batch(spec, task.seeds[rows], params=arrays)
