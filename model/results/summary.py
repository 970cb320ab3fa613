"""Outcome distributions over replications, with confidence intervals."""

from __future__ import annotations

from typing import Any

import numpy as np

from model.results.tally import Counts, Distribution

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


def _quantiles(dist: Distribution) -> dict[str, float] | None:
    if dist.n == 0:
        return None
    p10, median, p90 = dist.quantiles([0.1, 0.5, 0.9])
    return {"mean": dist.mean(), "p10": p10, "median": median, "p90": p90}


class Tally:
    """The outcome distribution, built batch by batch: memory stays flat in the number of replications.

    Labels are counted; integer outcomes keep exact counts per value; continuous ones as described in
    :mod:`model.results.tally` (exact up to 65,536 distinct values, then a fine histogram).
    """

    CONTINUOUS = ("month_agreed", "tests", "tension_mean", "income_end", "capability_end")

    def __init__(self) -> None:
        self.n = self.deals = 0
        self.classes, self.packages, self.nearest = Counts(), Counts(), Counts()
        self.dists = {name: Distribution() for name in (*self.CONTINUOUS, "months_held_of_deals", "denuclearization")}
        self.utility: dict[str, float] = {}

    def add(self, out: dict[str, np.ndarray]) -> Tally:
        signed = np.asarray(out["deal_reached"]).astype(bool)
        self.n += len(signed)
        self.deals += int(signed.sum())
        self.classes.add(out["outcome_class"])
        if signed.any():
            self.packages.add(np.asarray(out["package"])[signed])
            self.nearest.add(np.asarray(out["nearest_package"])[signed])
        for name in self.CONTINUOUS:
            self.dists[name].add(out[name])
        self.dists["months_held_of_deals"].add(np.asarray(out["months_held"])[signed])
        self.dists["denuclearization"].add(out["deal_denuclearization"])  # NaN (no agreement) is left out
        for column in (c for c in out if c.startswith("utility_")):
            actor = column.removeprefix("utility_")
            self.utility[actor] = self.utility.get(actor, 0.0) + float(np.sum(out[column]))
        return self

    def summary(self) -> dict[str, Any]:
        n, deals = self.n, self.deals
        return {
            "replications": n,
            "deal_probability": deals / n,
            "deal_probability_95ci": wilson(deals, n),
            "outcome_classes": self.classes.shares(),
            "packages_of_deals": self.packages.shares() if deals else {},
            "nearest_packages_of_deals": self.nearest.shares() if deals else {},
            **{name: _quantiles(self.dists[name]) for name in ("month_agreed", "months_held_of_deals", "tests")},
            **{name: _quantiles(self.dists[name]) for name in ("tension_mean", "income_end", "capability_end")},
            "denuclearization_of_deals": _quantiles(self.dists["denuclearization"]),
            "mean_utility": {actor: total / n for actor, total in self.utility.items()},
        }


def summarize(out: dict[str, np.ndarray]) -> dict[str, Any]:
    """The distribution of outcomes over replications."""
    return Tally().add(out).summary()


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
        ("denuclearization_of_deals", "Denuclearization agreed (deals)"),
    ):
        q = summary[key]
        if q:
            lines.append(
                f"{label}: mean {q['mean']:.2f}, median {q['median']:.2f} (10%-90%: {q['p10']:.2f} to {q['p90']:.2f})"
            )
    if summary.get("mean_utility"):
        lines.append("Mean realised utility: " + ", ".join(f"{a} {u:.3f}" for a, u in summary["mean_utility"].items()))
    return "\n".join(lines)
