"""Sobol and Morris indices through SALib, for sweeps whose design is a SALib design.

The model is stochastic, so each design point's response is its mean over
replications (the probability of a deal; the month of agreement, with runs
that never agree counted as agreeing one month after the end). The design is
rebuilt from the manifest (same parameters, seed and options), so SALib sees
exactly the sample it generated, in point order.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from model.sweep.design import MatrixDesign, morris, sobol
from model.sweep.experiment import Parameter

RESPONSES = {"deal_reached": "probability of a deal", "month_agreed": "month of agreement"}


def design_from_manifest(manifest: dict[str, Any]) -> MatrixDesign:
    """The SALib design the sweep ran, regenerated from what the manifest records."""
    info = manifest["design"]
    params = tuple(
        Parameter(
            p["name"], p["role"], p["kind"], tuple(p["keys"]), p["low"], p["high"], tuple(p["values"]), p["levels"]
        )
        for p in info["parameters"]
    )
    options, seed = info["options"], manifest["root_seed"]
    if info["kind"] == "sobol":
        return sobol(params, options["n"], seed, options["second_order"])
    return morris(params, options["n"], seed, options["morris_levels"])


def responses(runs, manifest: dict[str, Any], points: int) -> dict[str, np.ndarray]:
    """Per-point mean of each response outcome recorded; refuses an unfinished sweep (SALib needs every point)."""
    found = {}
    months = runs["month_agreed"].to_numpy(dtype=float) if "month_agreed" in runs else None
    for name in RESPONSES:
        if name not in runs:
            continue
        values = runs[name].to_numpy(dtype=float)
        if name == "month_agreed" and months is not None:
            values = np.where(np.isfinite(months), months, manifest["months"] + 1)
        sums = np.bincount(runs["point"].to_numpy(), weights=values, minlength=points)
        counts = np.bincount(runs["point"].to_numpy(), minlength=points)
        if (counts == 0).any():
            raise ValueError("the sweep is unfinished: every design point is needed for sensitivity indices; resume it")
        found[name] = sums / counts
    return found


def sobol_indices(design: MatrixDesign, y: np.ndarray, seed: int = 0):
    """First-order (S1) and total (ST) Sobol indices with 95% bootstrap intervals (Saltelli 2010, via SALib)."""
    import pandas as pd
    from SALib.analyze import sobol as sobol_analyze

    second = dict(design.options).get("second_order", False)
    result = sobol_analyze.analyze(design.problem(), np.asarray(y, float), calc_second_order=second, seed=seed)
    names = design.problem()["names"]
    return pd.DataFrame(
        {
            "parameter": names,
            "S1": result["S1"],
            "S1_conf": result["S1_conf"],
            "ST": result["ST"],
            "ST_conf": result["ST_conf"],
        }
    )


def morris_indices(design: MatrixDesign, y: np.ndarray, seed: int = 0):
    """Morris elementary effects (mu*, sigma) per parameter, on each parameter's unit scale (Campolongo et al. 2007)."""
    import pandas as pd
    from SALib.analyze import morris as morris_analyze

    levels = dict(design.options).get("num_levels", 4)
    result = morris_analyze.analyze(design.problem(), design.matrix, np.asarray(y, float), num_levels=levels, seed=seed)
    return pd.DataFrame(
        {
            "parameter": result["names"],
            "mu": result["mu"],
            "mu_star": result["mu_star"],
            "sigma": result["sigma"],
            "mu_star_conf": result["mu_star_conf"],
        }
    )


def indices(runs, manifest: dict[str, Any]):
    """A long table of indices for every response, or None when the design is not a SALib design."""
    import pandas as pd

    if manifest["design"]["kind"] not in ("sobol", "morris"):
        return None
    design = design_from_manifest(manifest)
    frames = []
    for name, y in responses(runs, manifest, design.size).items():
        analyse = sobol_indices if design.kind == "sobol" else morris_indices
        frame = analyse(design, y, seed=manifest["root_seed"] % 2**32)
        frame.insert(0, "outcome", RESPONSES[name])
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else None
