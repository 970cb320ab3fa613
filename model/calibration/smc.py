"""Which assumptions the record can speak to, and what it says: a Sobol screen, then ABC-SMC.

1. **Screen.** Every assumption-level parameter of :func:`~model.calibration.prior.assumption_prior` is
   varied over its range in a Saltelli design (SALib); the response is the distance from the record
   (:mod:`model.calibration.simulate`). The ``top`` parameters by total-order index are calibrated; the
   rest stay at their nominal values.
2. **ABC-SMC** (population Monte Carlo, Beaumont et al. 2009): generation 0 draws particles from the prior;
   each later generation perturbs particles of the one before (a Gaussian kernel with twice its weighted
   covariance), keeps those whose distance is within the previous generation's ``quantile`` of distances,
   and weights them by prior over kernel density, until it holds ``particles`` of them.

Every particle's runs are rows of one batched model per case, so a generation costs a few batched runs
rather than one simulation per particle (which is how pyabc would run it). All randomness is keyed by
(seed, generation, attempt), and each finished stage is written to the output folder, so an interrupted
calibration resumes where it stopped and ends with the same posterior as one that ran straight through.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from model.calibration.prior import Prior
from model.calibration.simulate import distance
from model.core.errors import InputError, OutputError
from model.scenario.schema import Scenario

MAX_PERTURB_ROUNDS = 1000
"""Rounds of perturbation to fill a batch of candidates inside the prior before giving up."""
SCREEN_GENERATION = 255
"""The generation number that keys the screen's run seeds (ABC generations count from 0)."""


class CalibrationStalled(Exception):
    """A generation could not be filled within its attempts (the tolerance is tighter than the model can meet)."""


@dataclass(frozen=True)
class Settings:
    """What a calibration does; a folder resumes only with the same settings."""

    particles: int = 200
    generations: int = 6
    replications: int = 8  # runs of each particle on each case
    quantile: float = 0.5  # each tolerance is this quantile of the previous generation's distances
    screen_samples: int = 32  # Saltelli base sample: (screen_samples x (D + 2)) parameter sets
    screen_replications: int = 4
    top: int = 12
    seed: int = 2019
    attempt_factor: int = 2  # candidates simulated per attempt, in multiples of ``particles``
    max_attempts: int = 40


@dataclass(frozen=True)
class Population:
    """One generation: ``(N, d)`` particles, their normalised weights and distances, and its tolerance."""

    theta: np.ndarray
    weights: np.ndarray
    distance: np.ndarray
    epsilon: float
    simulated: int  # candidates simulated to fill it


def particle_ids(generation: int, attempt: int, n: int) -> np.ndarray:
    """Numbers that key a candidate's run seeds: unique per (generation, attempt, index)."""
    if n >= 1 << 16 or attempt >= 1 << 8:
        raise ValueError("too many candidates in one attempt")
    return (
        (np.uint64(generation) << np.uint64(24)) | (np.uint64(attempt) << np.uint64(16)) | np.arange(n, dtype=np.uint64)
    )


def screen(cases: dict[str, Scenario], prior: Prior, settings: Settings) -> dict[str, float]:
    """Total-order Sobol index of each parameter for the distance from the record, largest first."""
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    problem = {
        "num_vars": len(prior.keys),
        "names": list(prior.keys),
        "bounds": [[float(lo), float(hi)] for lo, hi in zip(prior.low, prior.high, strict=True)],
    }
    x = prior.snap(sobol_sample.sample(problem, settings.screen_samples, calc_second_order=False, seed=settings.seed))
    ids = np.arange(len(x), dtype=np.uint64) | (np.uint64(SCREEN_GENERATION) << np.uint64(24))
    y = distance(cases, prior.keys, x, ids, settings.screen_replications, settings.seed)
    st = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=settings.seed)["ST"]
    total = {k: float(np.nan_to_num(v)) for k, v in zip(prior.keys, st, strict=True)}
    return dict(sorted(total.items(), key=lambda kv: -kv[1]))


def first_generation(cases, prior: Prior, settings: Settings) -> Population:
    """Generation 0: particles drawn from the prior, every one kept (the tolerance is infinite)."""
    rng = np.random.default_rng([settings.seed, 0, 0])
    theta = prior.sample(rng, settings.particles)
    d = distance(cases, prior.keys, theta, particle_ids(0, 0, len(theta)), settings.replications, settings.seed)
    return Population(theta, np.full(len(theta), 1.0 / len(theta)), d, float("inf"), len(theta))


def next_generation(cases, prior: Prior, settings: Settings, previous: Population, generation: int) -> Population:
    """Perturb, simulate and keep particles within the tolerance until the population is full."""
    epsilon = float(np.quantile(previous.distance, settings.quantile))
    cov = kernel_covariance(previous, prior)
    try:
        chol = np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        chol = None
    if chol is None or not np.isfinite(chol).all():
        raise CalibrationStalled(
            f"generation {generation}: the population before it has collapsed (its spread is not a covariance); "
            "stop at fewer --generations"
        )
    n, batch = settings.particles, settings.particles * settings.attempt_factor
    kept: list[np.ndarray] = []
    kept_d: list[np.ndarray] = []
    simulated = 0
    for attempt in range(settings.max_attempts):
        rng = np.random.default_rng([settings.seed, generation, attempt])
        candidates = perturb(rng, previous, chol, prior, batch)
        d = distance(
            cases,
            prior.keys,
            candidates,
            particle_ids(generation, attempt, batch),
            settings.replications,
            settings.seed,
        )
        simulated += batch
        inside = d <= epsilon
        kept.append(candidates[inside])
        kept_d.append(d[inside])
        if sum(len(k) for k in kept) >= n:
            break
    theta, d = np.concatenate(kept)[:n], np.concatenate(kept_d)[:n]
    if len(theta) < n:
        raise CalibrationStalled(
            f"generation {generation}: only {len(theta)} of {n} particles within tolerance {epsilon:.3f} after "
            f"{settings.max_attempts} attempts; the generations before it are kept: resume with more "
            "--max-attempts, or stop at fewer --generations"
        )
    weights = importance_weights(theta, previous, cov)
    return Population(theta, weights, d, epsilon, simulated)


def kernel_covariance(population: Population, prior: Prior) -> np.ndarray:
    """Twice the weighted covariance of the population, with a floor so that no direction collapses."""
    cov = 2.0 * np.atleast_2d(np.cov(population.theta, rowvar=False, aweights=population.weights))
    floor = 1e-6 * (prior.high - prior.low) ** 2
    return cov + np.diag(np.maximum(floor, 1e-12))


def perturb(rng: np.random.Generator, previous: Population, chol: np.ndarray, prior: Prior, n: int) -> np.ndarray:
    """``n`` candidates inside the prior: a parent drawn by weight, moved by the Gaussian kernel."""
    out = np.empty((0, len(prior.keys)))
    for _ in range(MAX_PERTURB_ROUNDS):
        parents = previous.theta[rng.choice(len(previous.theta), size=n, p=previous.weights)]
        moved = prior.snap(parents + rng.standard_normal((n, len(prior.keys))) @ chol.T)
        out = np.concatenate([out, moved[prior.contains(moved)]])
        if len(out) >= n:
            return out[:n]
    raise CalibrationStalled("the perturbation kernel keeps leaving the prior's bounds; stop at fewer --generations")


def importance_weights(theta: np.ndarray, previous: Population, cov: np.ndarray) -> np.ndarray:
    """w_i proportional to prior(theta_i) / sum_j w_j K(theta_i | theta_j); the prior is flat inside its bounds."""
    inv = np.linalg.inv(cov)
    gap = theta[:, None, :] - previous.theta[None, :, :]
    log_k = -0.5 * np.einsum("ijk,kl,ijl->ij", gap, inv, gap)
    top = log_k.max(axis=1, keepdims=True)
    mixture = np.log((previous.weights[None, :] * np.exp(log_k - top)).sum(axis=1)) + top[:, 0]
    w = np.exp(mixture.min() - mixture)  # every exponent <= 0: no overflow, the largest weight is 1
    return w / w.sum()


# ---------------------------------------------------------------------- the folder: checkpoints and resume
MANIFEST = "calibration.json"


def calibrate(
    cases: dict[str, Scenario],
    prior: Prior,
    settings: Settings,
    folder: Path,
    fingerprint: str,
    say: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Screen, then ABC-SMC, writing each finished stage to ``folder``; resume from what is there."""
    started = time.perf_counter()
    manifest = _start(folder, cases, prior, settings, fingerprint)
    if "screen" not in manifest:
        say(f"screening {len(prior.keys)} assumptions ({settings.screen_samples * (len(prior.keys) + 2)} sets)")
        manifest["screen"] = screen(cases, prior, settings)
        write_json(folder / MANIFEST, manifest)
    chosen = prior.only(tuple(list(manifest["screen"])[: settings.top]))
    population = _last_population(folder, manifest)
    start = len(manifest.get("generations", []))
    for generation in range(start, settings.generations):
        if population is None:
            population = first_generation(cases, chosen, settings)
        else:
            population = next_generation(cases, chosen, settings, population, generation)
        _write_population(folder, generation, chosen.keys, population)
        manifest.setdefault("generations", []).append(
            {
                "epsilon": population.epsilon,
                "simulated": population.simulated,
                "median_distance": float(np.median(population.distance)),
            }
        )
        manifest["wall_seconds"] = manifest.get("wall_seconds", 0.0) + (time.perf_counter() - started)
        started = time.perf_counter()
        write_json(folder / MANIFEST, manifest)
        say(
            f"generation {generation}: tolerance {population.epsilon:.3f}, median distance "
            f"{np.median(population.distance):.3f}, {population.simulated} candidates"
        )
    manifest["parameters"] = list(chosen.keys)
    write_json(folder / MANIFEST, manifest)
    return manifest


def _start(folder: Path, cases, prior: Prior, settings: Settings, fingerprint: str) -> dict[str, Any]:
    wanted = {
        "format": "peninsula-calibration",
        "version": 1,
        "model_fingerprint": fingerprint,
        "cases": {name: spec.record.case for name, spec in cases.items()},
        "inputs_hash": inputs_hash(cases),
        "settings": asdict(settings),
        "prior": {k: [float(lo), float(hi)] for k, lo, hi in zip(prior.keys, prior.low, prior.high, strict=True)},
    }
    path = folder / MANIFEST
    if path.exists():
        try:
            found = json.loads(path.read_text())
        except (OSError, ValueError) as err:
            raise InputError(str(path), "", f"not a calibration manifest ({err})") from None
        # More generations or attempts extend a calibration; any other change would mix two calibrations.
        same = lambda k: _extendable(found.get(k)) == _extendable(wanted[k])  # noqa: E731
        differ = [k for k in wanted if not same(k)]
        if differ:
            raise InputError(
                str(path), differ[0], "this folder holds a calibration with other inputs: use another --out folder"
            )
        found["settings"] = wanted["settings"]
        return found
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(str(folder), "create the folder", err) from None
    write_json(path, wanted)
    return dict(wanted)


def _extendable(value: Any) -> Any:
    """Settings without those a resumed calibration may raise (attempts are keyed by number, generations too)."""
    skip = ("generations", "max_attempts")
    return {k: v for k, v in value.items() if k not in skip} if isinstance(value, dict) else value


def inputs_hash(cases: dict[str, Scenario]) -> str:
    """A hash of what a calibration's distances depend on besides the model: each case as resolved (its
    coding mapped), and the calibration's own code (the distance, the prior, the mapping of codings)."""
    digest = hashlib.sha256()
    for name, spec in sorted(cases.items()):
        digest.update(name.encode() + b"\0" + json.dumps(spec.to_tree(), sort_keys=True, default=str).encode())
    here = Path(__file__).resolve().parent
    for path in [*sorted(here.glob("*.py")), here.parent / "history.py"]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return "sha256:" + digest.hexdigest()


def _population_path(folder: Path, generation: int) -> Path:
    return folder / f"population-{generation:02d}.json"


def _write_population(folder: Path, generation: int, keys: tuple[str, ...], pop: Population) -> None:
    write_json(
        _population_path(folder, generation),
        {
            "parameters": list(keys),
            "theta": pop.theta.tolist(),
            "weights": pop.weights.tolist(),
            "distance": pop.distance.tolist(),
            "epsilon": pop.epsilon,
            "simulated": pop.simulated,
        },
    )


def _last_population(folder: Path, manifest: dict[str, Any]) -> Population | None:
    done = len(manifest.get("generations", []))
    if done == 0:
        return None
    data = read_population(folder, done - 1)
    arrays = [np.array(data[k], dtype=float) for k in ("theta", "weights", "distance")]
    epsilon = float("inf") if data["epsilon"] is None else data["epsilon"]
    return Population(*arrays, epsilon, data["simulated"])


def read_population(folder: Path, generation: int) -> dict[str, Any]:
    """A finished generation's file; a missing or damaged one is bad input naming it."""
    path = _population_path(folder, generation)
    try:
        data = json.loads(path.read_text())
        if not all(k in data for k in ("parameters", "theta", "weights", "distance", "epsilon", "simulated")):
            raise ValueError("a field is missing")
    except (OSError, ValueError) as err:
        problem = f"a finished generation's file is missing or damaged ({err}); start again in a new folder"
        raise InputError(str(path), "", problem) from None
    return data


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write whole or not at all (a crash mid-write leaves the previous file), as standard JSON: an infinite
    tolerance (generation 0) is written as null."""
    tmp = path.with_suffix(".tmp")
    try:
        tmp.write_text(json.dumps(_finite(data), indent=1, allow_nan=False) + "\n")
        os.replace(tmp, path)
    except OSError as err:
        raise OutputError(str(path.parent), f"write {path.name}", err) from None


def _finite(value: Any) -> Any:
    """``value`` with every non-finite float replaced by None (JSON has no infinity)."""
    if isinstance(value, float):
        return value if np.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value
