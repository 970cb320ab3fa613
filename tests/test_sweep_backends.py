"""Serial, process-pool and Dask runs give the same rows; the output reads back with its manifest's columns."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow.parquet as pq
import pytest
from sweep_support import small_experiment

from model.core.errors import InputError
from model.sweep.runner import sweep
from model.sweep.store import read_runs


@pytest.fixture(scope="module")
def experiment(tmp_path_factory):
    return small_experiment(tmp_path_factory.mktemp("exp"), reps=3, chunk=7, levels=2)


@pytest.fixture(scope="module")
def serial(experiment, tmp_path_factory):
    out = tmp_path_factory.mktemp("serial") / "out"
    result = sweep(experiment, out, workers=1, progress=False)
    assert result.runs == result.ran == 2 * 2 * 2 * 2 * 3
    return read_runs(out), out


def test_serial_rows_are_complete_and_seeded(serial):
    rows, _ = serial
    assert len(rows) == 48
    assert not rows.duplicated(["point", "replication"]).any()
    assert rows["seed"].nunique() == 48
    assert set(rows["dprk_profile"]) == {"default", "hardliner"}


def test_process_pool_gives_the_same_rows(experiment, serial, tmp_path):
    sweep(experiment, tmp_path / "pool", workers=2, progress=False)
    pd.testing.assert_frame_equal(read_runs(tmp_path / "pool"), serial[0])


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_rows(experiment, serial, tmp_path):
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = sweep(experiment, tmp_path / "dask", scheduler=cluster.scheduler_address, progress=False)
    assert result.backend.startswith("dask")
    pd.testing.assert_frame_equal(read_runs(tmp_path / "dask"), serial[0])


def test_columns_match_the_manifest_with_pandas_and_pyarrow(serial):
    _, out = serial
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["completed"] == manifest["runs"] == manifest["design_size"] == 48
    assert manifest["status"] == "complete"
    assert manifest["root_seed"] == 11 and manifest["experiment_file_hash"].startswith("sha256:")
    with_pandas = pd.read_parquet(out / "runs")
    assert list(with_pandas.columns) == manifest["columns"]
    assert len(with_pandas) == 48
    for path in sorted((out / "runs").glob("*.parquet")):
        assert pq.read_table(path).column_names == manifest["columns"]
    assert pq.read_table(out / "runs").num_rows == 48


def test_a_nonempty_folder_needs_resume(experiment, serial):
    with pytest.raises(InputError, match="--resume"):
        sweep(experiment, serial[1], workers=1, progress=False)


def test_resuming_a_finished_sweep_runs_nothing(experiment, serial):
    again = sweep(experiment, serial[1], workers=1, resume=True, progress=False)
    assert again.ran == 0
    pd.testing.assert_frame_equal(read_runs(serial[1]), serial[0])


def test_every_row_is_reproduced_by_peninsula_run_with_its_seed_and_inputs(serial):
    """A sweep row is an ordinary run: its seed and input values, as `--set`, give the same outcomes alone."""
    from model.results.outcomes import outcomes
    from model.scenario.loader import load_scenario
    from model.simulation import PeninsulaModel

    rows, out = serial
    manifest = json.loads((out / "manifest.json").read_text())
    parameters = manifest["design"]["parameters"]
    for _, row in rows.sample(6, random_state=1).iterrows():
        overrides = [f"{key}={_toml(row[p['name']])}" for p in parameters for key in p["keys"]]
        model = PeninsulaModel(load_scenario(manifest["scenario_file"], overrides), rng=int(row["seed"]))
        model.run_for(model.months)
        alone = outcomes(model)
        for name in ("deal_reached", "outcome_class", "tests", "income_end"):
            assert alone[name][0] == pytest.approx(row[name]), name


def _toml(value) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(float(value))
