"""Calibration on the record: reproducible from its seed, resumable, and its posterior file checked."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from model.calibration.posterior import Posterior, read_posterior
from model.calibration.prior import assumption_prior
from model.calibration.simulate import HELD_WEIGHT, CaseRuns, case_distance
from model.calibration.smc import Population, Settings, calibrate, importance_weights
from model.core.errors import InputError
from model.core.params import compile_params, locate, replicate
from model.history import cases, load_case
from model.results.manifest import model_fingerprint
from model.scenario.loader import load_scenario
from model.scenario.provenance import sources

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


def test_more_attempts_extend_a_folder_but_an_edited_case_is_refused(tmp_path):
    small_calibration(tmp_path)
    small_calibration(tmp_path, replace(SMALL, max_attempts=SMALL.max_attempts + 5))  # resumes: attempts are keyed
    edited = dict(TWO)
    name = next(iter(edited))
    edited[name] = load_case(cases()[name], ("dynamics.talks.margin=0.031",))
    with pytest.raises(InputError, match="inputs_hash"):
        calibrate(edited, assumption_prior(TWO), SMALL, tmp_path, model_fingerprint())


def test_the_files_are_standard_json_with_no_infinity(tmp_path):
    small_calibration(tmp_path)
    for path in tmp_path.glob("*.json"):
        text = path.read_text()
        assert "Infinity" not in text and "NaN" not in text, path.name
        json.loads(text)
    assert json.loads((tmp_path / "population-00.json").read_text())["epsilon"] is None


def test_tolerances_shrink_and_distances_fall_within_them(tmp_path):
    manifest = small_calibration(tmp_path)
    eps = [g["epsilon"] for g in manifest["generations"]]
    assert eps[0] == float("inf") and eps[2] <= eps[1]
    for g in (1, 2):
        pop = population(tmp_path, g)
        assert max(pop["distance"]) <= pop["epsilon"]
        assert abs(sum(pop["weights"]) - 1) < 1e-9


def test_the_prior_leaves_out_what_a_case_sets():
    from model.history import mapped

    prior = assumption_prior(SPECS)
    coded = {k for spec in SPECS.values() for k in mapped(spec.record.coding)}
    assert coded and not coded & set(prior.keys)  # a coded level is a case's condition, never calibrated
    written = {"initial.capability", "conflict.moratorium"}  # set in the case files themselves
    assert not written & set(prior.keys)
    assert "dynamics.talks.margin" in prior.keys


def test_whole_number_parameters_are_drawn_uniformly_over_the_integers():
    prior = assumption_prior(SPECS)
    j = next(i for i, k in enumerate(prior.keys) if prior.integer[i])
    draws = prior.sample(np.random.default_rng(0), 20_000)[:, j]
    values, counts = np.unique(draws, return_counts=True)
    assert values.tolist() == list(range(int(prior.low[j]), int(prior.high[j]) + 1))
    assert counts.min() / counts.max() > 0.85


def test_the_distance_counts_the_class_and_the_months_held():
    """Leap Day: recorded collapse, held half a month, read over a 3-month window."""
    spec = SPECS["leap-day-2012"]
    runs = CaseRuns(
        outcome=np.array([["collapse", "collapse", "deal", "no_deal"]]),
        signed=np.array([[True, True, True, False]]),
        months_held=np.array([[0.5, 2.5, 3.0, 0.0]]),
    )
    held = np.mean([0.5, 2.5, 3.0])  # the signed runs, cut at the window
    expected = 0.5 + HELD_WEIGHT * abs(held - 0.5) / 3
    assert case_distance(spec, runs)[0] == pytest.approx(expected)
    nobody = CaseRuns(np.array([["no_deal"] * 2]), np.zeros((1, 2), bool), np.zeros((1, 2)))
    assert case_distance(spec, nobody)[0] == pytest.approx(1.0 + HELD_WEIGHT)  # no agreement: the whole error
    no_held = SPECS["hanoi-2019"]  # recorded no deal, no months held: the class alone
    assert case_distance(no_held, nobody)[0] == 0.0


def test_importance_weights_are_the_prior_over_the_weighted_kernel_mixture():
    """w_i proportional to 1 / sum_j w_j N(theta_i; theta_j, cov), checked against the formula, far points too."""
    prev = Population(np.array([[0.0, 0.0], [0.1, 0.3], [0.2, -0.1]]), np.array([0.6, 0.3, 0.1]), np.zeros(3), 1.0, 3)
    cov = np.array([[0.01, 0.002], [0.002, 0.02]])
    theta = np.array([[0.1, 0.0], [0.05, 0.2], [4.0, 4.0]])
    inv = np.linalg.inv(cov)
    density = np.array(
        [
            sum(w * np.exp(-0.5 * (x - m) @ inv @ (x - m)) for w, m in zip(prev.weights, prev.theta, strict=True))
            for x in theta
        ]
    )
    near = importance_weights(theta[:2], prev, cov)
    assert near == pytest.approx((1 / density[:2]) / (1 / density[:2]).sum())
    far = importance_weights(theta, prev, cov)  # the far one's density underflows: all the weight, no NaN
    assert np.isfinite(far).all() and far.sum() == pytest.approx(1.0) and far[2] == pytest.approx(1.0)


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


def test_a_runs_draw_depends_on_its_seed_alone_and_follows_the_weights(posterior_file):
    post = read_posterior(posterior_file)
    seeds = np.arange(1000, 1050, dtype=np.uint64)
    every = post.pick(seeds)
    assert post.pick(seeds[37:38])[0] == every[37]
    lopsided = Posterior("x", post.keys, post.theta[:2], np.array([0.9, 0.1]))
    share = np.mean(lopsided.pick(np.arange(20_000, dtype=np.uint64)) == 0)
    assert 0.88 < share < 0.92


def test_run_seed_reproduces_a_replication_under_the_posterior(posterior_file):
    """`peninsula run --seed S --posterior P` is replication k of `--replications N` when S is k's seed."""
    from model.results.outcomes import outcomes
    from model.results.runs import run_one, run_replications

    post = read_posterior(posterior_file)
    spec = load_scenario("history/leap-day-2012")
    many = run_replications(spec, 5, 30, posterior=post)
    for k in (0, 17, 29):
        alone = outcomes(run_one(spec, int(many["seed"][k]), narrate=False, posterior=post))
        for column in ("outcome_class", "months_held", "income_end", "tension_mean"):
            assert alone[column][0] == many[column][k], (k, column)


def test_a_posterior_draw_never_overrides_what_a_scenario_sets(posterior_file):
    post = read_posterior(posterior_file)
    key = post.keys[0]
    low, high = sources()[key].low, sources()[key].high
    own = low + 0.123 * (high - low)  # a value of the scenario's own, not the nominal one
    slot = locate(key)
    for spec, expected in ((load_scenario("baseline-2019", [f"{key}={own}"]), "own"), (load_scenario(), "drawn")):
        arrays = replicate(compile_params(spec), 40)
        picked = post.apply(spec, arrays, np.arange(40, dtype=np.uint64))
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


def test_run_with_a_broken_posterior_is_bad_input(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"format": "peninsula-posterior", "version": 1, "model_fingerprint": "sha256:x"}))
    for extra in ([], ["--replications", "5"]):
        done = subprocess.run(
            [*PENINSULA, "run", "hanoi-2019", "--posterior", str(path), *extra], capture_output=True, text=True
        )
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert str(path) in done.stderr and "model_fingerprint" in done.stderr


def test_a_posterior_that_is_not_json_is_bad_input(tmp_path):
    path = tmp_path / "p.json"
    path.write_text("not json")
    done = _bad(tmp_path, path)
    assert done.returncode == 2 and "not a posterior file" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--leave-out", "E99"],
        ["--leave-out", "E1", "--cross-validate"],
        ["--particles", "0"],
        ["--top", "x"],
        ["--workers", "2"],  # one calibration is one process: workers go with --cross-validate
        ["--workers", "0", "--cross-validate"],
    ],
)
def test_bad_calibrate_arguments_are_bad_input(tmp_path, args):
    done = subprocess.run(
        [*PENINSULA, "calibrate", "--out", str(tmp_path / "o"), "--particles", "10", "--generations", "1", *args],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2, done.stdout
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("args", [["--workers", "2"], ["--workers", "0", "--cross-validate"]])
def test_bad_workers_name_the_flag(tmp_path, args):
    done = subprocess.run(
        [*PENINSULA, "calibrate", "--out", str(tmp_path / "o"), *args], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 2 and "--workers" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "o").exists()  # refused before anything is written


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


def _two_cases(tmp_path: Path) -> Path:
    """A folder holding copies of the two historical cases of TWO."""
    from shutil import copy

    folder = tmp_path / "cases"
    folder.mkdir()
    for name in TWO:
        copy(cases()[name], folder / f"{name}.toml")
    return folder


def test_cross_validation_leaves_each_case_out_and_reports_from_its_results_alone(tmp_path):
    from model.calibration.report import results_text, validation_markdown
    from model.calibration.validation import RESULTS, cross_validate

    folder = _two_cases(tmp_path)
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


def test_cross_validation_in_worker_processes_gives_the_serial_numbers(tmp_path):
    from model.calibration.validation import cross_validate

    folder = _two_cases(tmp_path)
    tiny = Settings(particles=10, generations=2, replications=2, screen_samples=2, screen_replications=1, top=2)
    serial = cross_validate(folder, tmp_path / "serial", tiny, runs=10, seed=3, workers=1)
    lines = []
    parallel = cross_validate(folder, tmp_path / "parallel", tiny, runs=10, seed=3, say=lines.append, workers=2)
    assert "2 at a time" in lines[0]
    assert _numbers(parallel, tmp_path / "parallel") == _numbers(serial, tmp_path / "serial")
    for part in ("all", "without-E8", "without-E11"):  # each calibration wrote its own folder
        assert (tmp_path / "parallel" / part / "posterior.json").is_file()


def _numbers(results, out: Path):
    """A results.json without its wall times and workers, its own folder named OUT: what another run must reproduce."""
    data = json.loads(json.dumps(results, default=str).replace(str(out), "OUT"))

    def strip(x):
        if isinstance(x, dict):
            return {k: strip(v) for k, v in x.items() if k not in ("wall_seconds", "workers")}
        return [strip(v) for v in x] if isinstance(x, list) else x

    return strip(data)


def _sweep_with_posterior(folder: Path, posterior: Path, name: str = "post.toml") -> Path:
    from tests.sweep_support import small_experiment

    path = small_experiment(folder, reps=2, chunk=5, levels=2, name=name)
    text = path.read_text().replace("chunk_runs = 5\n", f'chunk_runs = 5\nposterior = "{posterior.name}"\n')
    path.write_text(text)
    return path


def test_a_sweep_draws_from_the_posterior_per_run_and_resume_refuses_another(posterior_file, tmp_path):

    from tests.sweep_support import cli

    # A posterior over parameters that move the outcomes read below, at the ends of their ranges.
    data = json.loads(posterior_file.read_text())
    keys = ["dynamics.conflict.test_opportunity", "dynamics.conflict.test_drive", "dynamics.talks.margin"]
    data.update(parameters=keys, theta=[[0.15, 0.0, 0.0], [0.5, 0.04, 0.06]], weights=[0.5, 0.5])
    (tmp_path / "posterior.json").write_text(json.dumps(data))
    exp = _sweep_with_posterior(tmp_path, tmp_path / "posterior.json")
    done = cli("sweep", exp, "--out", tmp_path / "out", "--workers", "1", "--quiet")
    assert done.returncode == 0, done.stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["posterior"]["parameters"] == keys
    _rows_are_runs_under_the_posterior(tmp_path / "out", manifest, read_posterior(tmp_path / "posterior.json"))
    data = json.loads((tmp_path / "posterior.json").read_text())
    data["weights"] = [0.9, 0.1]
    (tmp_path / "posterior.json").write_text(json.dumps(data))
    again = cli("sweep", exp, "--out", tmp_path / "out", "--resume", "--workers", "1", "--quiet")
    assert again.returncode == 2 and "posterior" in again.stderr


def _rows_are_runs_under_the_posterior(out: Path, manifest: dict, post) -> None:
    """Each row, alone with its seed, its inputs as --set and the posterior, gives the same outcomes."""
    import pandas as pd

    from model.results.outcomes import outcomes
    from model.results.runs import run_one

    rows = pd.read_parquet(out / "runs")
    parameters = manifest["design"]["parameters"]
    show = lambda v: f'"{v}"' if isinstance(v, str) else repr(float(v))  # noqa: E731
    for _, row in rows.sample(4, random_state=2).iterrows():
        overrides = [f"{key}={show(row[p['name']])}" for p in parameters for key in p["keys"]]
        spec = load_scenario(manifest["scenario_file"], overrides)
        alone = outcomes(run_one(spec, int(row["seed"]), narrate=False, posterior=post))
        for name in ("deal_reached", "outcome_class", "tests", "income_end"):
            assert alone[name][0] == pytest.approx(row[name]), name


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
