"""The posterior file: what a calibration found, for ``run``, ``sweep`` and ``backcast`` to draw from.

A versioned JSON file (``format = "peninsula-posterior"``) holds the calibrated
parameters, the weighted particles of the last generation, and the
fingerprint of the model that made them (:func:`model.results.manifest.model_fingerprint`):
a posterior from another model is refused, since its parameters meant
something else there. Each run draws one particle by weight, keyed by its own
run seed alone, so a run's draw does not depend on the batch, chunk or process
it runs in, and ``peninsula run --seed S`` draws the same particle.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from model.core.draws import stream_keys
from model.core.errors import InputError
from model.core.params import write

FORMAT = "peninsula-posterior"
VERSION = 1
POSTERIOR_SALT = 0xB05_7E21_0C5A_17ED
"""Mixed into a run's seed to key its posterior draw apart from the run's own draws."""


@dataclass(frozen=True)
class Posterior:
    """Weighted particles over some parameters."""

    path: str
    keys: tuple[str, ...]
    theta: np.ndarray  # (N, d)
    weights: np.ndarray  # (N,), sums to 1

    def pick(self, run_seeds: np.ndarray) -> np.ndarray:
        """The particle each run takes, by weight, keyed by the run's own seed alone: the same in a batch,
        in a sweep's chunk, or alone with ``peninsula run --seed S``."""
        keys = stream_keys(np.asarray(run_seeds, dtype=np.uint64) ^ np.uint64(POSTERIOR_SALT))
        u = (keys >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)
        return np.minimum(np.searchsorted(np.cumsum(self.weights), u, side="right"), len(self.weights) - 1)

    def apply(self, spec, arrays: dict[str, np.ndarray], run_seeds: np.ndarray) -> np.ndarray:
        """Write each run's particle into its row of ``arrays``; return the particles picked.

        The posterior replaces the nominal point only: a parameter that the scenario ``spec`` sets to a
        value of its own (a case's condition, an analyst's choice) keeps that value.
        """
        picked = self.pick(run_seeds)
        own = set_by(spec)
        for j, key in enumerate(self.keys):
            if key not in own:
                write(arrays, key, self.theta[picked, j])
        return picked


def set_by(spec) -> set[str]:
    """Keys a scenario sets to something other than the nominal value, changes in an event, or (a historical
    case) sets by its coding, whatever the value: the conditions a posterior draw must leave alone."""
    from model.core.params import flatten
    from model.scenario.provenance import nominal_tree

    nominal = flatten(nominal_tree())
    tree = flatten({k: v for k, v in spec.to_tree().items() if k not in ("scenario", "events", "record")})
    found = {k for k, v in tree.items() if k in nominal and v != nominal[k]}
    for event in spec.events:
        found |= set(event.set)
    if spec.record is not None:
        from model.history import mapped

        found |= set(mapped(spec.record.coding))
    return found


def write_posterior(path: Path, keys: tuple[str, ...], theta, weights, fingerprint: str, about: dict[str, Any]) -> None:
    from model.calibration.smc import write_json

    data = {
        "format": FORMAT,
        "version": VERSION,
        "model_fingerprint": fingerprint,
        "parameters": list(keys),
        "theta": np.asarray(theta).tolist(),
        "weights": np.asarray(weights).tolist(),
        "about": about,
    }
    write_json(path, data)


def read_posterior(path: Path) -> Posterior:
    """Read and check a posterior file; any problem is bad input naming the file and the field."""
    from model.results.manifest import model_fingerprint
    from model.scenario.provenance import sources

    name = str(path)
    try:
        data = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise InputError(name, "", "no such posterior file") from None
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise InputError(name, "", f"not a posterior file: {err}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError(
            name,
            "format",
            f'not a posterior file (expected format "{FORMAT}")',
            data.get("format") if isinstance(data, dict) else None,
        )
    if data.get("version") != VERSION:
        raise InputError(name, "version", f"this Peninsula reads posterior version {VERSION}", data.get("version"))
    if data.get("model_fingerprint") != model_fingerprint():
        raise InputError(
            name,
            "model_fingerprint",
            "the posterior was calibrated on another model (its rules, schema or nominal values differ); "
            "calibrate again with `peninsula calibrate`",
            data.get("model_fingerprint"),
        )
    keys = data.get("parameters")
    known = sources()
    if not isinstance(keys, list) or not keys or not all(isinstance(k, str) for k in keys):
        raise InputError(name, "parameters", "a non-empty list of parameter keys", keys)
    unknown = [k for k in keys if k not in known or not known[k].is_numeric]
    if unknown:
        raise InputError(name, "parameters", "unknown or non-numeric parameters (see `peninsula sources`)", unknown)
    try:
        theta = np.array(data.get("theta"), dtype=float)
        weights = np.array(data.get("weights"), dtype=float)
    except (TypeError, ValueError):
        raise InputError(name, "theta", "particles must be a table of numbers") from None
    if theta.ndim != 2 or theta.shape[1] != len(keys) or weights.shape != (theta.shape[0],) or not len(weights):
        raise InputError(name, "theta", f"particles must be N rows of {len(keys)} numbers, with N weights")
    if not (np.isfinite(theta).all() and np.isfinite(weights).all() and (weights >= 0).all() and weights.sum() > 0):
        raise InputError(name, "weights", "particles and weights must be finite, weights non-negative, not all 0")
    for j, key in enumerate(keys):
        low, high = known[key].low, known[key].high
        outside = (theta[:, j] < low - 1e-12) | (theta[:, j] > high + 1e-12)
        if outside.any():
            raise InputError(name, f"theta[{key}]", f"values outside the parameter's range [{low}, {high}]")
    return Posterior(name, tuple(keys), theta, weights / weights.sum())


def summary(posterior: Posterior) -> dict[str, dict[str, float]]:
    """Weighted mean and 5%-95% range of each parameter."""
    out = {}
    order = np.argsort(posterior.theta, axis=0)
    for j, key in enumerate(posterior.keys):
        values, w = posterior.theta[order[:, j], j], posterior.weights[order[:, j]]
        cdf = np.cumsum(w)
        q = [float(values[min(np.searchsorted(cdf, p), len(values) - 1)]) for p in (0.05, 0.95)]
        out[key] = {"mean": float(np.sum(w * values)), "p05": q[0], "p95": q[1]}
    return out


def band_shares(summaries: dict[str, dict[str, float]], prior: dict[str, list[float]]) -> dict[str, float]:
    """For each parameter, the share of its prior range that the posterior's 5%-95% band covers."""
    out = {}
    for key, s in summaries.items():
        low, high = prior[key]
        out[key] = (s["p95"] - s["p05"]) / (high - low) if high > low else 1.0
    return out


def verdict(share: float) -> str:
    """What the record says of a parameter whose posterior band covers ``share`` of its prior range."""
    return "pins it down" if share < 0.5 else ("narrows it" if share < 0.8 else "says little")


def effective_size(weights: np.ndarray) -> float:
    """Kish's effective sample size of normalised weights."""
    return float(1.0 / np.sum(np.square(weights)))
