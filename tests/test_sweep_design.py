"""Designs and seeds: grids by index arithmetic, Monte Carlo point by point, seeds keyed by (point, replication)."""

from __future__ import annotations

import numpy as np
import pytest
from sweep_support import small_experiment

from model.sweep.design import GridDesign, MonteCarloDesign, actor_parameters, build_design, latin_hypercube, run_seeds
from model.sweep.experiment import Parameter, load_experiment

REAL = Parameter("x", "lever", "real", ("k.x",), 0.0, 1.0, levels=3)
CAT = Parameter("c", "lever", "categorical", ("k.c",), values=("a", "b"), levels=2)
INT = Parameter("i", "uncertainty", "integer", ("k.i",), 2, 4, levels=3)


def test_grid_is_full_factorial_first_parameter_slowest():
    design = GridDesign("grid", (REAL, CAT), 6)
    cols = design.columns(np.arange(6))
    assert cols["x"].tolist() == [0.0, 0.0, 0.5, 0.5, 1.0, 1.0]
    assert cols["c"].tolist() == [0, 1, 0, 1, 0, 1]


def test_grid_chunk_equals_slice_of_whole():
    design = GridDesign("grid", (REAL, CAT, INT), 18)
    whole = design.columns(np.arange(18))
    part = design.columns(np.arange(5, 11))
    for name in whole:
        assert np.array_equal(whole[name][5:11], part[name])


def test_monte_carlo_points_do_not_depend_on_what_else_is_drawn():
    design = MonteCarloDesign("monte_carlo", (REAL, INT, CAT), 100, root_seed=3)
    whole = design.columns(np.arange(100))
    alone = design.columns(np.array([57]))
    for name in whole:
        assert whole[name][57] == alone[name][0]
    assert whole["x"].min() >= 0.0 and whole["x"].max() <= 1.0
    assert set(whole["i"].tolist()) == {2, 3, 4}


def test_latin_hypercube_has_one_point_per_stratum():
    design = latin_hypercube((REAL, REAL), 20, root_seed=1)
    for j in range(2):
        strata = np.floor(design.matrix[:, j] * 20).astype(int)
        assert sorted(strata.tolist()) == list(range(20))


def test_seeds_are_keyed_by_point_and_replication():
    a = run_seeds(5, np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1]))
    b = run_seeds(5, np.array([1]), np.array([0]))
    assert len(set(a.tolist())) == 4
    assert a[2] == b[0]
    assert not np.array_equal(a, run_seeds(6, np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])))
    assert (a < 2**63).all()


def test_monte_carlo_over_actors_covers_every_ranged_actor_parameter(tmp_path):
    exp = load_experiment("experiments/actor-uncertainty.toml")
    design = build_design(exp)
    names = {p.name for p in design.parameters}
    assert {p.name for p in actor_parameters()} <= names
    cols = design.columns(np.arange(50))
    for param in actor_parameters():
        assert param.low <= cols[param.name].min() and cols[param.name].max() <= param.high


@pytest.mark.parametrize("name", ["sanctions-regimes", "actor-uncertainty", "sensitivity", "format-comparison"])
def test_shipped_experiments_load(name):
    exp = load_experiment(f"experiments/{name}.toml")
    design = build_design(exp)
    assert design.size * exp.meta.replications <= 20_000  # small enough to run in a couple of minutes
    if name == "sanctions-regimes":
        assert exp.meta.replications >= 30


def test_small_experiment_grid_size(tmp_path):
    exp = load_experiment(small_experiment(tmp_path, levels=3))
    assert build_design(exp).size == 3 * 3 * 2 * 2


def test_grid_values_equal_the_decimals_a_person_writes(tmp_path):
    """`WHERE chn_enforcement = 0.6` finds the runs at 0.6 (np.linspace gives 0.6000000000000001)."""
    import duckdb

    from model.sweep.runner import sweep

    exp = load_experiment("sanctions-regimes")
    design = build_design(exp)
    levels = sorted(set(design.columns(np.arange(design.size))["chn_enforcement"].tolist()))
    assert levels == [0.2, 0.4, 0.6, 0.8, 1.0]
    path = small_experiment(tmp_path, reps=2, chunk=50, levels=5)
    sweep(
        path, tmp_path / "out", workers=1, progress=False
    )  # 0.3 to 1.0 in 5 levels; linspace gives 0.6499999999999999
    rows = f"read_parquet('{tmp_path}/out/runs/*.parquet')"
    count = duckdb.connect().execute(f"SELECT count(*) FROM {rows} WHERE chn_enforcement = 0.65").fetchone()[0]
    assert count == 2 * 5 * 2 * 2


def test_latin_hypercube_comes_from_scipy_and_is_reproducible_from_the_root_seed():
    from scipy.stats import qmc

    a, b = latin_hypercube((REAL, REAL, INT), 30, root_seed=9), latin_hypercube((REAL, REAL, INT), 30, root_seed=9)
    assert np.array_equal(a.matrix, b.matrix)
    assert not np.array_equal(a.matrix, latin_hypercube((REAL, REAL, INT), 30, root_seed=10).matrix)
    expected = qmc.LatinHypercube(3, rng=np.random.default_rng(np.random.SeedSequence([9, 0x5EED_DE51, 1])))
    assert np.array_equal(a.matrix, expected.random(30))


def test_manifest_records_the_design_generator(tmp_path):
    from importlib.metadata import version

    from model.sweep.design import generator

    assert generator("latin_hypercube") == {
        "library": "scipy",
        "version": version("scipy"),
        "method": "scipy.stats.qmc.LatinHypercube",
    }
    assert generator("sobol")["library"] == "SALib"


def test_design_size_is_known_before_the_design_is_built():
    from model.sweep.design import design_size
    from model.sweep.experiment import shipped_experiments

    for name in shipped_experiments():
        exp = load_experiment(name)
        assert design_size(exp) == build_design(exp).size, name
