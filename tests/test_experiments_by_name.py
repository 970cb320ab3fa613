"""Experiments are found by name like scenarios, listed with their questions, and all shipped in the wheel."""

from __future__ import annotations

import tomllib
from pathlib import Path

from sweep_support import cli

from model.sweep.experiment import load_experiment, resolve_experiment, shipped_experiments

REPO = Path(__file__).resolve().parents[1]


def test_every_experiment_file_is_shipped_by_name():
    files = {p.stem for p in (REPO / "experiments").glob("*.toml")}
    assert set(shipped_experiments()) == files
    for name in files:
        assert load_experiment(name).meta.name == name
        assert resolve_experiment(name) == REPO / "experiments" / f"{name}.toml"


def test_the_wheel_force_includes_every_experiment_file():
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    included = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    for path in (REPO / "experiments").glob("*.toml"):
        assert included.get(f"experiments/{path.name}") == f"model/experiments/{path.name}", path.name


def test_experiments_command_lists_names_and_questions():
    done = cli("experiments")
    assert done.returncode == 0, done.stderr
    for name, path in shipped_experiments().items():
        assert f"{name}\n    {load_experiment(path).meta.question}" in done.stdout


def test_sweep_takes_a_shipped_name(tmp_path):
    done = cli("sweep", "format-comparison", "--out", tmp_path / "out", "--workers", "1", "--quiet")
    assert done.returncode == 0, done.stderr
    assert "1080 of 1080 runs" in done.stdout


def test_an_unknown_name_lists_the_shipped_ones(tmp_path):
    done = cli("sweep", "sanction-regimes", "--out", tmp_path / "out")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "sanction-regimes" in done.stderr and "sanctions-regimes" in done.stderr
    assert not (tmp_path / "out").exists()
