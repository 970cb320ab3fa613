"""Designs: which parameter values each design point gets, and each run's seed.

Every design maps a point index to a value per parameter through a point in the
unit cube, so one mapping (:func:`from_unit`) serves all designs. Memory stays
flat where the design allows it: a **grid** finds a point's levels by index
arithmetic, **Monte Carlo** draws each point from its own generator keyed by
(root seed, point). **Latin hypercube**, **Sobol** (Saltelli) and **Morris**
designs are joint constructions, so their unit matrices are materialised in the
parent (n x d floats: 200,000 points of 10 parameters is 16 MB).

Seeds are derived in the parent, keyed by (design point, replication), so a
run's seed does not depend on chunking, worker count or scheduler (AgentPy,
Axelrod): a SplitMix64 hash of (root, point, replication), see model.draws.derive_seeds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from model.core.draws import derive_seeds
from model.scenario.provenance import sources
from model.sweep.experiment import Experiment, Parameter

DESIGN_STREAM = 0x5EED_DE51
"""Mixed into the root seed for design draws, so they never share a stream with run seeds."""


def run_seeds(root: int, points: np.ndarray, replications: np.ndarray) -> np.ndarray:
    """63-bit seeds, one per (point, replication); ``peninsula run --seed S`` reproduces one run.

    >>> int(run_seeds(1, np.array([0]), np.array([0]))[0]) == int(run_seeds(1, np.array([0, 3]), np.array([0, 2]))[0])
    True
    """
    return derive_seeds(root, points, replications)


def from_unit(param: Parameter, u: np.ndarray) -> np.ndarray:
    """Map draws in [0, 1) to values: reals scale, integers and categories take equal-width bins.

    Categorical parameters return codes (indices into ``param.values``).

    >>> from_unit(Parameter("x", "lever", "integer", ("k",), 1, 3), np.array([0.0, 0.34, 0.99])).tolist()
    [1, 2, 3]
    """
    if param.kind == "real":
        return param.low + u * (param.high - param.low)
    if param.kind == "integer":
        width = int(param.high) - int(param.low) + 1
        return int(param.low) + np.minimum((u * width).astype(np.int64), width - 1)
    return np.minimum((u * len(param.values)).astype(np.int64), len(param.values) - 1)


@dataclass(frozen=True)
class Design:
    """Base: ``size`` points over ``parameters``; ``columns(points)`` gives their values."""

    kind: str
    parameters: tuple[Parameter, ...]
    size: int
    root_seed: int = 0

    def columns(self, points: np.ndarray) -> dict[str, np.ndarray]:
        unit = self.unit(points)
        return {p.name: from_unit(p, unit[:, j]) for j, p in enumerate(self.parameters)}

    def unit(self, points: np.ndarray) -> np.ndarray:
        raise NotImplementedError


def decimal_levels(low: float, high: float, n: int) -> np.ndarray:
    """``n`` evenly spaced values from ``low`` to ``high``, each the float nearest its exact decimal.

    ``np.linspace(0.2, 1.0, 5)`` gives 0.6000000000000001, which ``WHERE lever = 0.6``
    never finds; decimal arithmetic from the values as written gives 0.6.

    >>> decimal_levels(0.2, 1.0, 5).tolist()
    [0.2, 0.4, 0.6, 0.8, 1.0]
    """
    start, stop = Decimal(repr(float(low))), Decimal(repr(float(high)))
    step = (stop - start) / (n - 1)
    return np.array([float(start + i * step) for i in range(n)])


@dataclass(frozen=True)
class GridDesign(Design):
    """Full factorial: the first parameter varies slowest; a point's levels come from its index alone."""

    def levels(self, param: Parameter) -> np.ndarray:
        if param.kind == "real":
            return decimal_levels(param.low, param.high, param.levels or 5)
        if param.kind == "integer":
            return np.arange(int(param.low), int(param.high) + 1)
        return np.arange(len(param.values))

    def columns(self, points: np.ndarray) -> dict[str, np.ndarray]:
        grids = [self.levels(p) for p in self.parameters]
        index = np.unravel_index(points, tuple(len(g) for g in grids))
        return {p.name: grids[j][index[j]] for j, p in enumerate(self.parameters)}


@dataclass(frozen=True)
class MonteCarloDesign(Design):
    """Independent uniform draws, each point from its own generator: any chunk can be drawn alone."""

    def unit(self, points: np.ndarray) -> np.ndarray:
        d = len(self.parameters)
        rows = [
            np.random.default_rng(np.random.SeedSequence([self.root_seed, DESIGN_STREAM], spawn_key=(int(p),))).random(
                d
            )
            for p in points
        ]
        return np.array(rows).reshape(len(points), d)


@dataclass(frozen=True)
class MatrixDesign(Design):
    """A materialised unit matrix (Latin hypercube, Sobol, Morris); rows are points."""

    matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)), repr=False)
    options: tuple[tuple[str, Any], ...] = ()

    def unit(self, points: np.ndarray) -> np.ndarray:
        return self.matrix[points]

    def problem(self) -> dict[str, Any]:
        """The SALib problem: every parameter on [0, 1] (its unit scale), so indices compare across ranges."""
        return {
            "num_vars": len(self.parameters),
            "names": [p.name for p in self.parameters],
            "bounds": [[0.0, 1.0]] * len(self.parameters),
        }


def latin_hypercube(params: tuple[Parameter, ...], n: int, root_seed: int) -> MatrixDesign:
    """One point in each of n equal strata of every parameter, strata paired at random (McKay et al. 1979).

    Drawn by scipy.stats.qmc.LatinHypercube from a generator keyed by the experiment's root seed.
    """
    from scipy.stats import qmc

    rng = np.random.default_rng(np.random.SeedSequence([root_seed, DESIGN_STREAM, 1]))
    matrix = qmc.LatinHypercube(len(params), rng=rng).random(n)
    return MatrixDesign("latin_hypercube", params, n, root_seed, matrix)


def generator(kind: str) -> dict[str, str]:
    """Which library (and version) made a design of this kind, for the manifest."""
    from importlib.metadata import version

    made_by = {
        "grid": ("peninsula", "index arithmetic; real levels by decimal arithmetic"),
        "monte_carlo": ("numpy", "numpy.random.Generator per design point (SeedSequence of root seed, point)"),
        "latin_hypercube": ("scipy", "scipy.stats.qmc.LatinHypercube"),
        "sobol": ("SALib", "SALib.sample.sobol (Saltelli)"),
        "morris": ("SALib", "SALib.sample.morris"),
    }
    library, method = made_by[kind]
    return {"library": library, "version": version(library), "method": method}


def sobol(params: tuple[Parameter, ...], n: int, root_seed: int, second_order: bool = False) -> MatrixDesign:
    """Saltelli's scheme through SALib: n base samples give n(d + 2) points, or n(2d + 2) with second order."""
    from SALib.sample import sobol as sobol_sample

    shell = MatrixDesign("sobol", params, 0)
    matrix = sobol_sample.sample(shell.problem(), n, calc_second_order=second_order, seed=root_seed % 2**32)
    matrix = np.clip(matrix, 0.0, np.nextafter(1.0, 0.0))
    return MatrixDesign("sobol", params, len(matrix), root_seed, matrix, (("second_order", second_order), ("n", n)))


def morris(params: tuple[Parameter, ...], n: int, root_seed: int, levels: int = 4) -> MatrixDesign:
    """Morris's elementary-effects trajectories through SALib: n trajectories give n(d + 1) points."""
    from SALib.sample import morris as morris_sample

    shell = MatrixDesign("morris", params, 0)
    matrix = morris_sample.sample(shell.problem(), n, num_levels=levels, seed=root_seed % 2**32)
    matrix = np.clip(matrix, 0.0, np.nextafter(1.0, 0.0))
    return MatrixDesign("morris", params, len(matrix), root_seed, matrix, (("num_levels", levels), ("n", n)))


def actor_parameters() -> tuple[Parameter, ...]:
    """Every actor parameter whose provenance range is not a single value, as an uncertainty."""
    return tuple(
        Parameter(src.key, "uncertainty", "real", (src.key,), float(src.low), float(src.high))
        for src in sources().values()
        if src.key.startswith("actors.") and src.is_numeric and src.low < src.high
    )


def build_design(exp: Experiment) -> Design:
    """The experiment's design; Monte Carlo ``over = "actors"`` adds every actor range not already swept."""
    spec, seed = exp.design, exp.meta.root_seed
    params = exp.parameters
    if spec.over == "actors":
        swept = {k for p in params for k in p.keys}
        params = params + tuple(p for p in actor_parameters() if p.keys[0] not in swept)
    if spec.kind == "grid":
        filled = tuple(
            p if p.levels else Parameter(p.name, p.role, p.kind, p.keys, p.low, p.high, p.values, spec.levels)
            for p in params
        )
        return GridDesign("grid", filled, int(np.prod([_grid_levels(p) for p in filled])), seed)
    n = spec.n or 1
    if spec.kind == "monte_carlo":
        return MonteCarloDesign("monte_carlo", params, n, seed)
    if spec.kind == "latin_hypercube":
        return latin_hypercube(params, n, seed)
    if spec.kind == "sobol":
        return sobol(params, n, seed, spec.second_order)
    return morris(params, n, seed, spec.morris_levels)


def design_size(exp: Experiment) -> int:
    """Points of the experiment's design, known before it is built (a Sobol matrix takes seconds to draw)."""
    spec = exp.design
    if spec.kind == "grid":
        return int(np.prod([_grid_levels(p) if p.levels else spec.levels for p in exp.parameters]))
    n, d = spec.n or 1, len(exp.parameters)
    if spec.kind == "sobol":
        return n * (2 * d + 2 if spec.second_order else d + 2)
    if spec.kind == "morris":
        return n * (d + 1)
    return n


def _grid_levels(param: Parameter) -> int:
    if param.kind == "integer":
        return int(param.high) - int(param.low) + 1
    return param.levels or 1


def input_value(param: Parameter, column: np.ndarray) -> np.ndarray:
    """A column as written to the results: categorical codes become their values (JSON text if not strings)."""
    if param.kind != "categorical":
        return column
    names = [v if isinstance(v, str) else json.dumps(v) for v in param.values]
    return np.array(names, dtype=object)[column]
