"""Outcome distributions over replications, with confidence intervals."""

from __future__ import annotations

from typing import Any

import numpy as np

Z95 = 1.959963984540054


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion (better than the normal one near 0 and 1).

    >>> [round(x, 3) for x in wilson(8, 10)]
    [0.49, 0.943]
    """
    if n == 0:
        return (float("nan"), float("nan"))
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (float(centre - half), float(centre + half))


def _shares(values: np.ndarray) -> dict[str, float]:
    names, counts = np.unique(values, return_counts=True)
    order = np.argsort(-counts, kind="stable")
    return {str(names[i]): float(counts[i] / len(values)) for i in order}


def _quantiles(values: np.ndarray) -> dict[str, float] | None:
    values = values[np.isfinite(values)]
    if len(values) == 0:
        return None
    q = np.quantile(values, [0.1, 0.5, 0.9])
    return {"mean": float(values.mean()), "p10": float(q[0]), "median": float(q[1]), "p90": float(q[2])}


def summarize(out: dict[str, np.ndarray]) -> dict[str, Any]:
    """The distribution of outcomes over replications."""
    n = len(out["deal_reached"])
    deals = int(out["deal_reached"].sum())
    signed = out["deal_reached"].astype(bool)
    return {
        "replications": n,
        "deal_probability": deals / n,
        "deal_probability_95ci": wilson(deals, n),
        "outcome_classes": _shares(out["outcome_class"]),
        "packages_of_deals": _shares(out["package"][signed]) if deals else {},
        "nearest_packages_of_deals": _shares(out["nearest_package"][signed]) if deals else {},
        "month_agreed": _quantiles(out["month_agreed"]),
        "months_held_of_deals": _quantiles(out["months_held"][signed].astype(float)),
        "tests": _quantiles(out["tests"].astype(float)),
        "tension_mean": _quantiles(out["tension_mean"]),
        "income_end": _quantiles(out["income_end"]),
        "capability_end": _quantiles(out["capability_end"]),
    }


def summary_text(summary: dict[str, Any]) -> str:
    lo, hi = summary["deal_probability_95ci"]
    lines = [
        f"Replications: {summary['replications']}",
        f"Probability of a deal: {summary['deal_probability']:.3f} (95% CI {lo:.3f} to {hi:.3f})",
        "Outcome classes: "
        + ", ".join(f"{k.replace('_', ' ')} {v:.1%}" for k, v in summary["outcome_classes"].items()),
    ]
    if summary["packages_of_deals"]:
        for key, label in (
            ("packages_of_deals", "Packages agreed"),
            ("nearest_packages_of_deals", "Nearest named package"),
        ):
            lines.append(f"{label}: " + ", ".join(f"{k.replace('_', ' ')} {v:.1%}" for k, v in summary[key].items()))
    for key, label in (
        ("month_agreed", "Month of first agreement"),
        ("months_held_of_deals", "Months deals held"),
        ("tests", "DPRK tests"),
        ("tension_mean", "Mean tension"),
        ("income_end", "DPRK income at end"),
        ("capability_end", "DPRK capability at end"),
    ):
        q = summary[key]
        if q:
            lines.append(
                f"{label}: mean {q['mean']:.2f}, median {q['median']:.2f} (10%-90%: {q['p10']:.2f} to {q['p90']:.2f})"
            )
    return "\n".join(lines)
