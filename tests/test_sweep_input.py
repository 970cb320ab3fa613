"""Bad input: exit code 2, no traceback, and a message naming the file, the key, the value and what is allowed."""

from __future__ import annotations

import pytest
from sweep_support import SMALL, cli, small_experiment

BASE = SMALL.format(reps=2, chunk=10, levels=2)
US_RESOLVE = '\n[uncertainties.us_resolve]\ntype = "real"\nkey = "actors.US.resolve"\nrange = [{low}, {high}]\n'

CASES = {
    "unknown parameter key": (
        BASE.replace('key = "sanctions.relief_schedule"', 'key = "sanctions.relief_schedul"'),
        ["sanctions.relief_schedul", "relief_schedule"],
    ),
    "bounds inverted": (BASE + US_RESOLVE.format(low=0.9, high=0.7), ["us_resolve.range", "0.9", "low < high"]),
    "bounds outside the provenance range": (
        BASE + US_RESOLVE.format(low=0.1, high=0.9),
        ["us_resolve.range", "actors.US.resolve", "0.1", "provenance range", "0.6 to 1"],
    ),
    "non-positive replications": (
        BASE.replace("replications = 2", "replications = 0"),
        ["experiment.replications", "0", "greater than or equal to 1"],
    ),
    "unknown design": (
        BASE.replace('kind = "grid"', 'kind = "factorial"'),
        ["design.kind", "factorial", "latin_hypercube"],
    ),
    "unknown outcome": (
        BASE.replace('"deal_reached",', '"deal_reachd",'),
        ["experiment.outcomes", "deal_reachd", "deal_reached"],
    ),
    "missing base scenario": (
        BASE.replace('scenario = "baseline-2019"', 'scenario = "no-such-scenario"'),
        ["experiment.scenario", "no-such-scenario", "baseline-2019"],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_experiment_file(case, tmp_path):
    text, expected = CASES[case]
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    done = cli("sweep", path, "--out", tmp_path / "out")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert str(path) in done.stderr
    for word in expected:
        assert word in done.stderr, (word, done.stderr)
    assert not (tmp_path / "out").exists()


def test_output_folder_that_is_a_file(tmp_path):
    target = tmp_path / "taken"
    target.write_text("not a folder")
    done = cli("sweep", small_experiment(tmp_path), "--out", target)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert str(target) in done.stderr and "is a file" in done.stderr


def test_resume_with_other_inputs_is_refused_naming_the_change(tmp_path):
    first = small_experiment(tmp_path, reps=1, name="first.toml")
    assert cli("sweep", first, "--out", tmp_path / "out", "--workers", "1").returncode == 0
    other = small_experiment(tmp_path, reps=2, name="other.toml")
    done = cli("sweep", other, "--out", tmp_path / "out", "--resume", "--workers", "1")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "replications 1 -> 2" in done.stderr and "manifest.json" in done.stderr and "mix" in done.stderr


def test_analyze_a_folder_that_is_not_a_sweep(tmp_path):
    done = cli("analyze", tmp_path)
    assert done.returncode == 2 and "manifest.json" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("workers", ["0", "two"])
def test_bad_worker_count_is_refused(workers, tmp_path):
    done = cli("sweep", small_experiment(tmp_path), "--out", tmp_path / "out", "--workers", workers)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "--workers" in done.stderr and workers in done.stderr
    assert not (tmp_path / "out").exists()


def test_a_scheduler_address_that_is_not_one_is_refused_before_any_output(tmp_path):
    done = cli("sweep", small_experiment(tmp_path), "--out", tmp_path / "out", "--scheduler", "nonsense")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "--scheduler" in done.stderr and "'nonsense'" in done.stderr and "tcp://HOST:8786" in done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_an_unreachable_scheduler_is_refused_before_any_output(tmp_path):
    done = cli("sweep", small_experiment(tmp_path), "--out", tmp_path / "out", "--scheduler", "tcp://127.0.0.1:1")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "cannot reach a Dask scheduler" in done.stderr and "tcp://127.0.0.1:1" in done.stderr
    assert not (tmp_path / "out").exists()
