"""Calibration on the record: reproducible from its seed, resumable, and its posterior file checked."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from model.calibration.posterior import read_posterior, set_by
from model.calibration.prior import assumption_prior
from model.calibration.simulate import case_distance, run_case
from model.calibration.smc import Population, Settings, calibrate, importance_weights
from model.errors import InputError
from model.history import cases, load_case
from model.loader import load_scenario
from model.params import compile_params, locate, replicate
from model.provenance import sources
from model.records import model_fingerprint

PENINSULA = [sys.executable, "-m", "model.cli"]
SPECS = {name: load_case(path) for name, path in cases().items()}
TWO = {name: SPECS[name] for name in ("hanoi-2019", "leap-day-2012")}
SMALL = Settings(particles=12, generations=3, replications=2, screen_samples=2, screen_replications=1, top=3, seed=7)


def small_calibration(folder: Path, settings: Settings = SMALL, stop_after: int | None = None) -> dict:
    prior = assumption_prior(TWO)

    def say(message: str) -> None:
        if stop_after is not None and message.startswith(f"generation {stop_after}:"):
            raise KeyboardInterrupt

    return calibrate(TWO, prior, settings, folder, model_fingerprint(), say)


def population(folder: Path, generation: int) -> dict:
    return json.loads((folder / f"population-{generation:02d}.json").read_text())


def test_a_small_calibration_is_reproducible_from_its_seed(tmp_path):
    a, b = small_calibration(tmp_path / "a"), small_calibration(tmp_path / "b")
    assert a["screen"] == b["screen"] and a["generations"] == b["generations"]
    assert population(tmp_path / "a", 2) == population(tmp_path / "b", 2)
    small_calibration(tmp_path / "c", replace(SMALL, seed=8))
    assert population(tmp_path / "c", 2) != population(tmp_path / "a", 2)


def test_an_interrupted_calibration_resumes_to_the_same_posterior(tmp_path):
    straight = tmp_path / "straight"
    small_calibration(straight)
    cut = tmp_path / "cut"
    with pytest.raises(KeyboardInterrupt):
        small_calibration(cut, stop_after=1)
    assert (cut / "population-01.json").exists() and not (cut / "population-02.json").exists()
    small_calibration(cut)
    assert population(cut, 2) == population(straight, 2)


def test_a_folder_with_other_settings_is_refused_but_more_generations_extend_it(tmp_path):
    small_calibration(tmp_path, replace(SMALL, generations=2))
    small_calibration(tmp_path)  # one more generation: an extension
    assert (tmp_path / "population-02.json").exists()
    with pytest.raises(InputError, match="settings"):
        small_calibration(tmp_path, replace(SMALL, particles=13))


def test_tolerances_shrink_and_distances_fall_within_them(tmp_path):
    manifest = small_calibration(tmp_path)
    eps = [g["epsilon"] for g in manifest["generations"]]
    assert eps[0] == float("inf") and eps[2] <= eps[1]
    for g in (1, 2):
        pop = population(tmp_path, g)
        assert max(pop["distance"]) <= pop["epsilon"]
        assert abs(sum(pop["weights"]) - 1) < 1e-9


def test_the_prior_leaves_out_what_a_case_sets():
    prior = assumption_prior(SPECS)
    assert "actors.US.trust.DPRK" not in prior.keys  # the coding sets it in every case
    assert "actors.US.ideal.phasing" not in prior.keys
    assert all(k not in prior.keys for spec in SPECS.values() for k in set_by(spec))
    assert "dynamics.talks.margin" in prior.keys


def test_the_distance_counts_the_class_and_the_months_held():
    spec = SPECS["leap-day-2012"]  # recorded collapse, held half a month
    keys = ("dynamics.talks.margin",)
    runs = run_case(spec, keys, np.array([[0.02]]), np.array([0], dtype=np.uint64), 4, 1)
    d = case_distance(spec, runs)
    miss = 1 - np.mean(runs.outcome == "collapse")
    assert d[0] >= miss  # the months-held term is never negative
    assert d[0] > miss or runs.signed.any()  # with no agreement signed the months-held error is whole


def test_importance_weights_favour_particles_where_the_kernel_is_thin():
    prev = Population(np.array([[0.0], [0.1], [0.2]]), np.full(3, 1 / 3), np.zeros(3), 1.0, 3)
    w = importance_weights(np.array([[0.1], [3.0]]), prev, np.eye(1) * 0.01)
    assert w[1] > w[0]  # far from every parent: less proposal density, more weight


# ---------------------------------------------------------------------- the posterior file
@pytest.fixture(scope="module")
def posterior_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cal")
    done = subprocess.run(
        [*PENINSULA, "calibrate", "--out", str(folder), "--particles", "10", "--generations", "2",
         "--replications", "1", "--screen-samples", "2", "--top", "3", "--seed", "3"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Posterior written to" in done.stdout
    return folder / "posterior.json"


def test_a_replications_draw_does_not_depend_on_its_batch(posterior_file):
    post = read_posterior(posterior_file)
    every = post.pick(11, np.arange(50, dtype=np.uint64))
    assert post.pick(11, np.array([37], dtype=np.uint64))[0] == every[37]
    assert len(set(every.tolist())) > 1


def test_a_posterior_draw_never_overrides_what_a_scenario_sets(posterior_file):
    post = read_posterior(posterior_file)
    key = post.keys[0]
    low, high = sources()[key].low, sources()[key].high
    own = low + 0.123 * (high - low)  # a value of the scenario's own, not the nominal one
    slot = locate(key)
    for spec, expected in ((load_scenario("baseline-2019", [f"{key}={own}"]), "own"), (load_scenario(), "drawn")):
        arrays = replicate(compile_params(spec), 40)
        picked = post.apply(spec, arrays, 1, np.arange(40, dtype=np.uint64))
        written = arrays[slot.array][(slice(None), *slot.index)]
        want = np.full(40, own) if expected == "own" else post.theta[picked, 0]
        assert np.allclose(written, want), expected


def test_backcast_under_the_posterior_says_so(posterior_file, tmp_path):
    done = subprocess.run(
        [*PENINSULA, "backcast", "--posterior", str(posterior_file), "--replications", "5", "--no-sensitivity"],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "one draw from the posterior" in done.stdout


def _bad(tmp_path: Path, edit) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*PENINSULA, "backcast", "--posterior", str(edit), "--replications", "2", "--no-sensitivity"],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.update(model_fingerprint="sha256:other"), "model_fingerprint"),
        (lambda d: d.update(parameters=["actors.US.no_such_thing", *d["parameters"][1:]]), "parameters"),
        (lambda d: d.update(format="something else"), "format"),
        (lambda d: d.update(version=99), "version"),
        (lambda d: d.update(theta=[[1e9] * len(d["parameters"])], weights=[1.0]), "theta"),
        (lambda d: d.update(weights=[-1.0] * len(d["weights"])), "weights"),
    ],
)
def test_a_foreign_or_broken_posterior_is_bad_input(posterior_file, tmp_path, change, field):
    data = json.loads(posterior_file.read_text())
    change(data)
    path = tmp_path / "posterior.json"
    path.write_text(json.dumps(data))
    done = _bad(tmp_path, path)
    assert done.returncode == 2
    assert field in done.stderr and str(path) in done.stderr
    assert "Traceback" not in done.stderr


def test_a_posterior_that_is_not_json_is_bad_input(tmp_path):
    path = tmp_path / "p.json"
    path.write_text("not json")
    done = _bad(tmp_path, path)
    assert done.returncode == 2 and "not a posterior file" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--leave-out", "E99"],
        ["--particles", "0"],
        ["--top", "x"],
    ],
)
def test_bad_calibrate_arguments_are_bad_input(tmp_path, args):
    done = subprocess.run(
        [*PENINSULA, "calibrate", "--out", str(tmp_path / "o"), "--particles", "10", "--generations", "1", *args],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2, done.stdout
    assert "Traceback" not in done.stderr


def test_calibrate_on_a_folder_with_no_cases_is_bad_input(tmp_path):
    (tmp_path / "empty").mkdir()
    done = subprocess.run(
        [*PENINSULA, "calibrate", str(tmp_path / "empty"), "--out", str(tmp_path / "o")],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2 and "no scenario files" in done.stderr


def test_run_draws_from_the_posterior_and_records_it(posterior_file, tmp_path):
    base = [*PENINSULA, "run", "hanoi-2019", "--replications", "20", "--format", "json"]
    nominal = json.loads(subprocess.run(base, capture_output=True, text=True, cwd=tmp_path).stdout)
    done = subprocess.run([*base, "--posterior", str(posterior_file)], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    drawn = json.loads(done.stdout)
    assert drawn["manifest"]["posterior"] == str(posterior_file)
    assert "posterior" not in nominal["manifest"]
    one = subprocess.run(
        [*PENINSULA, "run", "hanoi-2019", "--posterior", str(posterior_file)], capture_output=True, text=True
    )
    assert one.returncode == 0 and "one draw from the posterior" in one.stdout


def test_cross_validation_leaves_each_case_out_and_reports_from_its_results_alone(tmp_path):
    from shutil import copy

    from model.calibration.report import results_text, validation_markdown
    from model.calibration.validation import RESULTS, cross_validate

    folder = tmp_path / "cases"
    folder.mkdir()
    for name in TWO:
        copy(cases()[name], folder / f"{name}.toml")
    tiny = Settings(particles=10, generations=2, replications=1, screen_samples=2, screen_replications=1, top=2)
    results = cross_validate(folder, tmp_path / "out", tiny, runs=10, seed=3)
    assert [c["case"] for c in results["cross_validation"]] == ["E8", "E11"]
    for c in results["cross_validation"]:  # each predicted by a posterior that never saw it
        left = json.loads((tmp_path / "out" / f"without-{c['case']}" / "calibration.json").read_text())
        assert c["case"] not in left["cases"].values()
    saved = json.loads((tmp_path / "out" / RESULTS).read_text())
    page = validation_markdown(saved)
    assert "## Leave one case out" in page and "| E8 |" in page
    assert "Leave-one-case-out, strict:" in results_text(saved)
    assert {c["expectation"] for c in saved["checks"]} >= {"more trust gives more deals"}


def _sweep_with_posterior(folder: Path, posterior: Path, name: str = "post.toml") -> Path:
    from tests.sweep_support import small_experiment

    path = small_experiment(folder, reps=2, chunk=5, levels=2, name=name)
    text = path.read_text().replace("chunk_runs = 5\n", f'chunk_runs = 5\nposterior = "{posterior.name}"\n')
    path.write_text(text)
    return path


def test_a_sweep_draws_from_the_posterior_per_run_and_resume_refuses_another(posterior_file, tmp_path):
    from shutil import copy

    from tests.sweep_support import cli

    copy(posterior_file, tmp_path / "posterior.json")
    exp = _sweep_with_posterior(tmp_path, tmp_path / "posterior.json")
    done = cli("sweep", exp, "--out", tmp_path / "out", "--workers", "1", "--quiet")
    assert done.returncode == 0, done.stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["posterior"]["parameters"] == list(read_posterior(posterior_file).keys)
    data = json.loads((tmp_path / "posterior.json").read_text())
    data["weights"] = list(reversed(data["weights"]))
    (tmp_path / "posterior.json").write_text(json.dumps(data))
    again = cli("sweep", exp, "--out", tmp_path / "out", "--resume", "--workers", "1", "--quiet")
    assert again.returncode == 2 and "posterior" in again.stderr


def test_a_sweep_naming_a_missing_posterior_is_bad_input(tmp_path):
    from tests.sweep_support import cli

    exp = _sweep_with_posterior(tmp_path, tmp_path / "nowhere.json")
    done = cli("sweep", exp, "--out", tmp_path / "out", "--quiet")
    assert done.returncode == 2
    assert "experiment.posterior" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_the_shipped_posterior_was_made_by_this_model():
    """The shipped calibration must be redone when a rule, the schema or a nominal value changes (see
    docs/VALIDATION.md for the command): a posterior from another model means something else here."""
    from model.calibration.report import SHIPPED, load_results

    assert load_results()["model_fingerprint"] == model_fingerprint(), "recalibrate: see docs/VALIDATION.md"
    post = read_posterior(SHIPPED / "all" / "posterior.json")
    assert set(post.keys) == set(load_results()["calibration"]["parameters"])


def test_the_readme_states_the_validation_headline():
    from model.calibration.report import headline, load_results

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for line in headline(load_results()):
        assert f"- {line}" in readme, line
