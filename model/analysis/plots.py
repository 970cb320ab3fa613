"""Plots of a sweep, saved as PNG and SVG with matplotlib's Agg backend (no display needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from model.analysis.tables import is_category

MAX_REGIMES = 30


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save(fig, folder: Path, name: str) -> list[Path]:
    paths = [folder / f"{name}.png", folder / f"{name}.svg"]
    for path in paths:
        fig.savefig(path, dpi=120, bbox_inches="tight")
    _pyplot().close(fig)
    return paths


def enforcer_columns(manifest: dict[str, Any]) -> tuple[str, str] | None:
    """The parameters that set CHN and RUS enforcement (one key or all four channels)."""
    found = {}
    for p in manifest["design"]["parameters"]:
        for enforcer in ("CHN", "RUS"):
            if all(k.startswith(f"sanctions.enforcement.{enforcer}.") for k in p["keys"]):
                found.setdefault(enforcer, p["name"])
    return (found["CHN"], found["RUS"]) if len(found) == 2 else None


def _levels(series):
    """Grid levels as they are; a continuous sample in five bins (labelled by their mid-points)."""
    import pandas as pd

    if series.nunique() <= 12:
        return series.round(3)
    return pd.cut(series, 5).map(lambda iv: round(iv.mid, 2)).astype(float)


def deal_heatmap(runs, manifest: dict[str, Any], folder: Path) -> list[Path]:
    """P(deal) over CHN x RUS enforcement; one panel per value of a categorical lever, if there is one."""
    pair = enforcer_columns(manifest)
    if pair is None or "deal_reached" not in runs:
        return []
    plt = _pyplot()
    chn, rus = pair
    data = runs.assign(_chn=_levels(runs[chn]), _rus=_levels(runs[rus]))
    facet = next(
        (
            p["name"]
            for p in manifest["design"]["parameters"]
            if p["kind"] == "categorical" and runs[p["name"]].nunique() > 1
        ),
        None,
    )
    panels = sorted(data[facet].unique()) if facet else [None]
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.8), squeeze=False, layout="constrained")
    for ax, value in zip(axes[0], panels, strict=True):
        part = data if value is None else data[data[facet] == value]
        grid = part.pivot_table(index="_chn", columns="_rus", values="deal_reached", aggfunc="mean")
        image = ax.imshow(grid.to_numpy(dtype=float), origin="lower", vmin=0, vmax=1, cmap="viridis", aspect="auto")
        ax.set_xticks(range(len(grid.columns)), [f"{v:g}" for v in grid.columns])
        ax.set_yticks(range(len(grid.index)), [f"{v:g}" for v in grid.index])
        ax.set_xlabel("RUS enforcement")
        if ax is axes[0][0]:
            ax.set_ylabel("CHN enforcement")
        ax.set_title("P(deal)" + (f", {facet} = {value}" if facet else ""), fontsize=9)
        for (i, j), v in np.ndenumerate(grid.to_numpy(dtype=float)):
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7, color="white" if v < 0.6 else "black")
    fig.colorbar(image, ax=axes[0].tolist(), shrink=0.8, label="probability of a deal")
    return save(fig, folder, "deal_heatmap")


def month_distributions(runs, regimes: list[str], folder: Path) -> list[Path]:
    """Month of first agreement (runs with a deal) by regime, as box plots."""
    if "month_agreed" not in runs:
        return []
    plt = _pyplot()
    deals = runs[np.isfinite(runs["month_agreed"].to_numpy(dtype=float))]
    if regimes and deals.groupby(regimes).ngroups > MAX_REGIMES:
        regimes = [c for c in regimes if is_category(runs[c])][:1] or regimes[:1]
    groups = list(deals.groupby(regimes, sort=True)) if regimes else [("all runs", deals)]
    labels = [
        ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in (k if isinstance(k, tuple) else (k,)))
        for k, _ in groups
    ]
    fig, ax = plt.subplots(figsize=(7, max(2.5, 0.28 * len(groups) + 1)))
    ax.boxplot(
        [g["month_agreed"].to_numpy(dtype=float) for _, g in groups] or [[]], orientation="horizontal", showfliers=False
    )
    ax.set_yticks(range(1, len(labels) + 1), labels, fontsize=7)
    ax.set_xlabel("month of first agreement (runs with a deal)")
    ax.set_title("Month of agreement by regime" + (f" ({', '.join(regimes)})" if regimes else ""), fontsize=9)
    return save(fig, folder, "month_agreed")


def sensitivity_bars(table, folder: Path) -> list[Path]:
    """Bar chart of Sobol S1 and ST (or Morris mu*) per parameter, one panel per outcome."""
    if table is None or table.empty:
        return []
    plt = _pyplot()
    outcomes = list(dict.fromkeys(table["outcome"]))
    fig, axes = plt.subplots(1, len(outcomes), figsize=(5 * len(outcomes), 3.5), squeeze=False)
    for ax, outcome in zip(axes[0], outcomes, strict=True):
        part = table[table["outcome"] == outcome]
        x = np.arange(len(part))
        bars = [("S1", "S1_conf"), ("ST", "ST_conf")] if "S1" in part else [("mu_star", "mu_star_conf")]
        width = 0.8 / len(bars)
        for k, (name, conf) in enumerate(bars):
            ax.bar(x + k * width, part[name], width, yerr=part[conf], label=name, capsize=2)
        ax.set_xticks(x + width * (len(bars) - 1) / 2, part["parameter"], rotation=30, ha="right", fontsize=8)
        ax.set_title(outcome, fontsize=9)
        ax.legend(fontsize=8)
    return save(fig, folder, "sensitivity")
