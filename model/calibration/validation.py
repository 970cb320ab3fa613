"""History as the test, in one command: calibrate, cross-validate, backcast, and keep every number.

``peninsula calibrate --cross-validate --out DIR`` runs, in DIR:

- ``all/``: the calibration on every case (its ``posterior.json`` is the one to use with ``--posterior``);
- ``without-E1/`` ... : one calibration per case with that case left out, and the left-out case
  backcast under it (leave-one-case-out cross-validation);
- the backcast at the nominal point and under the posterior, each with its coding-sensitivity table;
- ``hanoi-2019``'s no-deal share across the posterior draws;

and writes ``results.json``, from which ``python -m model.docs`` writes ``docs/VALIDATION.md`` without running
the model. The shipped results live in ``docs/validation/``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from model.calibration.driver import run_calibration
from model.calibration.posterior import effective_size
from model.calibration.smc import Settings
from model.results.manifest import model_fingerprint

RESULTS = "results.json"
HANOI = "hanoi-2019"
YEAR = ("scenario.months=12",)
QUIET = ("talks.active=false", "conflict.moratorium=0.5")
CHECKS: tuple[tuple[str, tuple[str, tuple[str, ...]], tuple[str, tuple[str, ...]], str], ...] = (
    # (the expectation, the side expected lower, the side expected higher, the run column compared)
    (
        "more trust gives more deals",
        ("baseline-2019", YEAR),
        ("baseline-2019", (*YEAR, "actors.US.trust.DPRK=0.4", "actors.DPRK.trust.US=0.4")),
        "deal_reached",
    ),
    ("the US accepting phasing gives more deals", ("hanoi-2019", ()), ("hanoi-2019-step-for-step", ()), "deal_reached"),
    (
        "a US hardliner gives fewer deals",
        ("baseline-2019", (*YEAR, 'actors.US.profile="hardliner"')),
        ("baseline-2019", YEAR),
        "deal_reached",
    ),
    (
        "mediation gives more deals",
        ("baseline-2019", YEAR),
        ("baseline-2019", (*YEAR, "talks.mediation=true")),
        "deal_reached",
    ),
    (
        "suspended exercises lower tension",
        ("baseline-2019", (*QUIET, "conflict.exercises_suspended=true")),
        ("baseline-2019", (*QUIET, "conflict.exercises_suspended=false")),
        "tension_mean",
    ),
    ("freeze-for-freeze has fewer tests than the baseline", ("freeze-for-freeze", ()), ("baseline-2019", ()), "tests"),
    (
        "maximum pressure leaves the DPRK less income than leaky enforcement",
        ("maximum-pressure", ()),
        ("leaky-enforcement", ()),
        "income_end",
    ),
)
"""Directions the theory implies and stylized facts, each measured at the nominal point and under the posterior."""


def cross_validate(
    folder: Path | None,
    out: Path,
    settings: Settings,
    runs: int = 200,
    seed: int = 2019,
    say: Callable[[str], None] = lambda _: None,
    workers: int = 1,
) -> dict[str, Any]:
    """Everything docs/VALIDATION.md reports, computed and written to ``out/results.json``.

    The calibrations (on every case, then without each) are independent: with ``workers`` > 1 they run in
    that many processes at once. Each is seeded by ``settings`` alone, so the numbers do not depend on it.
    """
    from model.calibration.smc import write_json
    from model.history import cases, load_case, run_backcast

    started = time.perf_counter()
    specs = {name: load_case(path) for name, path in cases(folder).items()}
    specs = dict(sorted(specs.items(), key=lambda item: int(item[1].record.case[1:])))  # E1, E2, ...
    left_out = [None] + [spec.record.case for spec in specs.values()]
    jobs = [(folder, out / ("all" if case is None else f"without-{case}"), settings, case) for case in left_out]
    done = calibrations(jobs, workers, say)
    full = done[0]
    posterior = full["posterior"]
    held_out = []
    for name, part in zip(specs, done[1:], strict=True):
        alone = run_backcast(folder, runs, seed, sensitivity=False, posterior=part["posterior"], only=name)
        held_out.append(alone["cases"][0] | {"parameters": list(part["posterior"].keys)})
    say("backcasting at the nominal point and under the posterior")
    nominal = run_backcast(folder, runs, seed)
    under = run_backcast(folder, runs, seed, posterior=posterior)
    hanoi = _no_deal_share(HANOI, posterior, runs * 5, seed)
    say("measuring the directions and stylized facts")
    checks = [_check(check, posterior, runs, seed) for check in CHECKS]
    results = {
        "format": "peninsula-validation",
        "version": 1,
        "model_fingerprint": model_fingerprint(),
        "settings": asdict(settings),
        "runs": runs,
        "seed": seed,
        "workers": workers,
        "calibration": {
            "parameters": list(posterior.keys),
            "prior": full["manifest"]["prior"],
            "screen": full["manifest"]["screen"],
            "generations": full["manifest"]["generations"],
            "summary": full["summary"],
            "effective_size": effective_size(posterior.weights),
            "wall_seconds": full["manifest"].get("wall_seconds"),
        },
        "nominal": nominal,
        "posterior": under,
        "cross_validation": held_out,
        "hanoi_2019": hanoi,
        "checks": checks,
        "wall_seconds": time.perf_counter() - started,
    }
    write_json(out / RESULTS, results)
    return results


def calibrations(jobs: list[tuple], workers: int, say: Callable[[str], None]) -> list[dict[str, Any]]:
    """``run_calibration(folder, out, settings, leave_out)`` for each job, in order; in ``workers`` processes.

    A worker process reports its progress to standard error, each line marked with the case it leaves out.
    An interrupted run keeps every finished generation of every calibration (each resumes from its folder).
    """
    if workers <= 1 or len(jobs) == 1:
        results = []
        for folder, out, settings, case in jobs:
            say("calibrating on every case" if case is None else f"calibrating without {case}")
            results.append(run_calibration(folder, out, settings, case, say))
        return results
    from model.sweep.backends import start_pool, stop_pool

    say(f"calibrating on every case and without each of {len(jobs) - 1}, {min(workers, len(jobs))} at a time")
    pool = start_pool(min(workers, len(jobs)))  # the sweep's pool: spawned workers that die with their parent
    try:
        futures = [pool.submit(_calibration_job, *job) for job in jobs]
        results = [future.result() for future in futures]
    except BaseException:
        stop_pool(pool)
        raise
    pool.shutdown()
    return results


def _calibration_job(folder: Path | None, out: Path, settings: Settings, case: str | None) -> dict[str, Any]:
    """One calibration in a worker process; its progress lines name the case it leaves out."""
    import sys

    label = "all cases" if case is None else f"without {case}"
    return run_calibration(folder, out, settings, case, lambda line: print(f"[{label}] {line}", file=sys.stderr))


def _no_deal_share(scenario: str, posterior, runs: int, seed: int) -> dict[str, float]:
    from model.results.runs import run_replications
    from model.scenario.loader import load_scenario

    spec = load_scenario(scenario)
    shares = {}
    for label, post in (("nominal", None), ("posterior", posterior)):
        out = run_replications(spec, seed, runs, posterior=post)
        shares[label] = float(np.mean(np.asarray(out["outcome_class"]) == "no_deal"))
    return shares | {"runs": runs}


def _check(check, posterior, runs: int, seed: int) -> dict[str, Any]:
    """One expectation measured both ways: each side's mean with its 95% interval, and whether it holds."""
    from model.results.runs import run_replications
    from model.scenario.loader import load_scenario

    label, low, high, column = check
    row: dict[str, Any] = {"expectation": label, "column": column, "low": list(low), "high": list(high)}
    for point, post in (("nominal", None), ("posterior", posterior)):
        sides = []
        for name, overrides in (low, high):
            values = np.asarray(
                run_replications(load_scenario(name, overrides), seed, runs, posterior=post)[column], float
            )
            half = 1.96 * values.std(ddof=1) / np.sqrt(len(values))
            sides.append((float(values.mean()), float(values.mean() - half), float(values.mean() + half)))
        row[point] = {
            "low": sides[0],
            "high": sides[1],
            "holds": sides[1][0] > sides[0][0] and sides[1][1] > sides[0][2],
        }
    return row
