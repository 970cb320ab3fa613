"""Charts of runs as matplotlib Figures, drawn from plain data so the CLI and a browser app can share them.

Every function takes pandas tables (the monthly table of ``peninsula run``, see
docs/DATA.md) and a list of ``(month, label)`` events, and returns a
:class:`matplotlib.figure.Figure` built without pyplot: no display, no global
state, safe in a server. :func:`save` writes one to PNG, SVG or PDF.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from model.core.domain import Actor, Issue

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

FORMATS = ("png", "svg", "pdf")
Events = Sequence[tuple[int, str]]

STATE_PANELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("tension", ("tension",)),
    ("trust", ("trust_US_in_DPRK", "trust_DPRK_in_US")),
    ("DPRK income (share of unsanctioned)", ("income",)),
    ("DPRK capability (share of ceiling)", ("capability",)),
)

FAN_PANELS: tuple[tuple[str, str], ...] = (
    ("tension", "tension"),
    ("US trust in the DPRK", "trust_US_in_DPRK"),
    ("DPRK trust in the US", "trust_DPRK_in_US"),
    ("DPRK income", "income"),
    ("DPRK capability", "capability"),
    ("DPRK position on denuclearization", "position_DPRK_denuclearization"),
    ("US position on sanctions relief", "position_US_sanctions_relief"),
    ("share of runs with a deal in force", "deal_in_force"),
)
FAN_COLUMNS = tuple(column for _, column in FAN_PANELS)

ACTOR_COLOURS = {"US": "#1f77b4", "DPRK": "#d62728", "RUS": "#9467bd", "CHN": "#ff7f0e", "ROK": "#2ca02c"}
ACTOR_COLOURS["JPN"] = "#8c564b"


def events_of(months: pd.DataFrame, scripted: Events = ()) -> list[tuple[int, str]]:
    """The scenario's scripted events plus what the run did: agreements signed and ended, DPRK tests."""
    found = list(scripted)
    month = months["month"].to_numpy()
    in_force = months["deal_in_force"].to_numpy(dtype=bool)
    tests = np.diff(months["tests"].to_numpy(), prepend=months["tests"].to_numpy()[:1])
    for i in range(1, len(month)):
        if in_force[i] and not in_force[i - 1]:
            found.append((int(month[i]), "agreement signed"))
        if in_force[i - 1] and not in_force[i]:
            found.append((int(month[i]), "agreement ends"))
        if tests[i] > 0:
            found.append((int(month[i]), "DPRK test"))
    return sorted(found, key=lambda event: event[0])


def run_chart(months: pd.DataFrame, events: Events = (), title: str = "") -> Figure:
    """One run over months: tension, trust, DPRK income and capability, then every actor's position per issue.

    Events are dashed lines in every panel, numbered; the numbers are explained in the last panel.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(14, 9), layout="constrained")
    axes = fig.subplots(3, 4, sharex=True).ravel()
    _state_panels(axes[:4], months)
    _position_panels(axes[4:11], months)
    for ax in axes[:11]:
        _mark(ax, events)
    _legend_of_events(axes[11], events)
    for ax in axes[8:11]:
        ax.set_xlabel("month")
    fig.suptitle(title or "One run", fontsize=11)
    return fig


def state_chart(months: pd.DataFrame, events: Events = (), title: str = "", length: int | None = None) -> Figure:
    """The four state panels of :func:`run_chart` alone, small enough for a live view that redraws each month.

    ``length`` fixes the month axis at the run's length, so a run in progress fills it from the left.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 5), layout="constrained")
    axes = fig.subplots(2, 2, sharex=True).ravel()
    _state_panels(axes, months)
    _finish(axes, events, length)
    fig.suptitle(title or "State of the world", fontsize=10)
    return fig


def positions_chart(months: pd.DataFrame, events: Events = (), title: str = "", length: int | None = None) -> Figure:
    """The seven position panels of :func:`run_chart` with the numbered events explained in the eighth."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 5), layout="constrained")
    axes = fig.subplots(2, 4, sharex=True).ravel()
    _position_panels(axes[:7], months)
    _finish(axes[:7], events, length)
    _legend_of_events(axes[7], events)
    fig.suptitle(title or "Positions on each issue (0 to 1)", fontsize=10)
    return fig


def _state_panels(axes, months: pd.DataFrame) -> None:
    x = months["month"].to_numpy()
    for ax, (name, columns) in zip(axes, STATE_PANELS, strict=True):
        for column in columns:
            ax.plot(
                x, months[column].to_numpy(dtype=float), label=column.replace("_", " ") if len(columns) > 1 else None
            )
        _panel(ax, name, len(columns) > 1)


def _position_panels(axes, months: pd.DataFrame) -> None:
    x = months["month"].to_numpy()
    for ax, issue in zip(axes, Issue, strict=True):
        for actor in Actor:
            values = months[f"position_{actor.value}_{issue.value}"].to_numpy(dtype=float)
            ax.plot(x, values, color=ACTOR_COLOURS[actor.value], label=actor.value, linewidth=1.2)
        _panel(ax, f"position: {issue.value.replace('_', ' ')}", issue is Issue.DENUCLEARIZATION)


def _finish(axes, events: Events, length: int | None) -> None:
    """Events marked in every panel; month labels; the month axis fixed at ``length`` when given."""
    for ax in axes:
        _mark(ax, events)
        if length is not None:
            ax.set_xlim(0, length)
    for ax in axes[-2:]:
        ax.set_xlabel("month")


def fan_chart(long: pd.DataFrame, events: Events = (), title: str = "") -> Figure:
    """Many replications over months: the median with 50% and 90% bands (shares for yes/no columns).

    ``long`` has one row per replication and month (the monthly table of ``run --replications``).
    """
    from matplotlib.figure import Figure
    from pandas.api.types import is_bool_dtype

    fig = Figure(figsize=(14, 6.5), layout="constrained")
    axes = fig.subplots(2, 4, sharex=True).ravel()
    grouped = long.groupby("month", sort=True)
    x = np.asarray(sorted(long["month"].unique()))
    for ax, (name, column) in zip(axes, FAN_PANELS, strict=True):
        values = grouped[column]
        if is_bool_dtype(long[column].dtype):
            ax.plot(x, values.mean().to_numpy(dtype=float), color="#333333")
        else:
            bands = values.quantile([0.05, 0.25, 0.5, 0.75, 0.95]).unstack().to_numpy(dtype=float)
            ax.fill_between(x, bands[:, 0], bands[:, 4], color="#9ecae1", label="90%")
            ax.fill_between(x, bands[:, 1], bands[:, 3], color="#4292c6", label="50%")
            ax.plot(x, bands[:, 2], color="#08306b", label="median")
        _panel(ax, name, ax is axes[0])
        _mark(ax, events)
    for ax in axes[4:]:
        ax.set_xlabel("month")
    reps = long["replication"].nunique()
    fig.suptitle(title or f"{reps:,} replications", fontsize=11)
    return fig


def save(fig: Figure, path: Path) -> Path:
    """Write a chart; the file's suffix picks the format (png, svg or pdf)."""
    fig.savefig(path, dpi=100)
    return path


def _panel(ax, title: str, legend: bool) -> None:
    ax.set_title(title, fontsize=9)
    ax.set_ylim(-0.02, 1.02)
    ax.tick_params(labelsize=8)
    ax.grid(alpha=0.3)
    if legend:
        ax.legend(fontsize=7, loc="best")


def _mark(ax, events: Events) -> None:
    for number, (month, _) in enumerate(events, start=1):
        ax.axvline(month, color="#555555", linestyle="--", linewidth=0.7, alpha=0.6)
        if len(events) <= 20:
            ax.text(month, 1.0, str(number), fontsize=6, ha="center", va="bottom", color="#555555")


def _legend_of_events(ax, events: Events) -> None:
    ax.axis("off")
    lines = [
        textwrap.fill(f"{n}. month {month}: {label}", 46, subsequent_indent="   ")
        for n, (month, label) in enumerate(events, start=1)
    ]
    if len(lines) > 14:
        lines = [*lines[:13], f"... {len(lines) - 13} more"]
    ax.text(0, 1, "Events\n" + "\n".join(lines or ["none"]), fontsize=7, va="top", family="monospace")
