"""``peninsula calibrate``: the cases, the prior, the calibration and the posterior file, in one call."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from model.calibration.posterior import (
    band_shares,
    effective_size,
    read_posterior,
    summary,
    verdict,
    write_posterior,
)
from model.calibration.prior import assumption_prior
from model.calibration.smc import Settings, calibrate, read_population
from model.core.errors import InputError

POSTERIOR = "posterior.json"


def run_calibration(
    folder: Path | None,
    out: Path,
    settings: Settings,
    leave_out: str | None = None,
    say: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Calibrate on the historical cases of ``folder`` (all but ``leave_out``); write ``out/posterior.json``."""
    from model.history import cases, load_case
    from model.results.manifest import model_fingerprint

    specs = {name: load_case(path) for name, path in cases(folder).items()}
    if leave_out is not None:
        match = [n for n, s in specs.items() if leave_out in (n, s.record.case)]
        if not match:
            allowed = ", ".join(f"{s.record.case} ({n})" for n, s in specs.items())
            raise InputError("--leave-out", "", f"no such case; allowed: {allowed}", leave_out)
        del specs[match[0]]
    if not specs:
        raise InputError("--leave-out", "", "a calibration needs at least one case besides the one left out", leave_out)
    fingerprint = model_fingerprint()
    prior = assumption_prior(specs)
    manifest = calibrate(specs, prior, settings, out, fingerprint, say)
    manifest = dict(manifest, generations=manifest["generations"][: settings.generations])
    last = read_population(out, settings.generations - 1)
    about = {
        "cases": manifest["cases"],
        "left_out": leave_out,
        "settings": manifest["settings"],
        "screen": manifest["screen"],
        "generations": manifest["generations"],
        "wall_seconds": manifest.get("wall_seconds"),
    }
    write_posterior(out / POSTERIOR, tuple(last["parameters"]), last["theta"], last["weights"], fingerprint, about)
    posterior = read_posterior(out / POSTERIOR)
    return {"manifest": manifest, "posterior": posterior, "summary": summary(posterior)}


def calibration_text(result: dict[str, Any], out: Path) -> str:
    """What the calibration found, for the terminal."""
    manifest, posterior = result["manifest"], result["posterior"]
    lines = [
        f"Calibrated {len(posterior.keys)} of {len(manifest['prior'])} assumptions on "
        f"{len(manifest['cases'])} cases ({', '.join(manifest['cases'].values())}).",
        "",
        "Tolerance and median distance by generation:",
    ]
    for i, g in enumerate(manifest["generations"]):
        lines.append(
            f"  {i}: tolerance {tolerance(g['epsilon'])}, median distance {g['median_distance']:.3f}, "
            f"{g['simulated']} candidates"
        )
    lines += ["", "Posterior (weighted mean, 5% to 95%) against the prior range:"]
    shares = band_shares(result["summary"], manifest["prior"])
    for key, s in result["summary"].items():
        low, high = manifest["prior"][key]
        lines.append(
            f"  {key}: {s['mean']:.3f} ({s['p05']:.3f} to {s['p95']:.3f}); prior {low:g} to {high:g}: "
            f"the record {verdict(shares[key])}"
        )
    lines += [
        "",
        f"Effective sample size {effective_size(posterior.weights):.0f} of {len(posterior.weights)}; "
        f"wall time {manifest.get('wall_seconds', 0.0):.0f} s.",
        f"Posterior written to {out / POSTERIOR} (use it with --posterior).",
    ]
    return "\n".join(lines) + "\n"


def tolerance(epsilon: float | None) -> str:
    """A generation's tolerance as shown: none for generation 0 (infinite, stored as null)."""
    return "none" if epsilon is None or epsilon == float("inf") else f"{epsilon:.3f}"
