"""Outcome rates by design cell, each with a 95% Wilson interval (good near 0 and 1, unlike the normal one)."""

from __future__ import annotations

from typing import Any

import numpy as np

from model.results.summary import wilson

CLASSES = ("deal", "partial_deal", "no_deal", "collapse")
MAX_PRINTED = 40


def cell_columns(manifest: dict[str, Any]) -> list[str]:
    """What makes a design cell: every parameter in a grid, the categorical ones in a sampled design."""
    params = manifest["design"]["parameters"]
    if manifest["design"]["kind"] == "grid":
        return [p["name"] for p in params]
    return [p["name"] for p in params if p["kind"] == "categorical"]


def rates_by_cell(runs, cells: list[str]):
    """One row per cell: runs, the rate of each yes/no outcome and outcome class with its interval, months."""
    import pandas as pd

    groups = runs.groupby(cells, sort=True, dropna=False) if cells else [((), runs)]
    rows = []
    for key, frame in groups:
        key = key if isinstance(key, tuple) else (key,)
        row: dict[str, Any] = dict(zip(cells, key, strict=True))
        row["runs"] = len(frame)
        row.update(_rates(frame))
        rows.append(row)
    return pd.DataFrame(rows)


def is_flag(series) -> bool:
    """A yes/no column, with or without nulls (numpy bool or pandas' nullable boolean)."""
    from pandas.api.types import is_bool_dtype

    return is_bool_dtype(series.dtype)


def is_category(series) -> bool:
    """A column of names (text, categorical or yes/no), under pandas 2's object and pandas 3's string dtypes."""
    import pandas as pd
    from pandas.api.types import is_string_dtype

    return is_string_dtype(series.dtype) or isinstance(series.dtype, pd.CategoricalDtype) or is_flag(series)


def _rates(frame) -> dict[str, float]:
    """Rates over the runs where the value exists: ``collapsed`` among runs with a deal."""
    n = len(frame)
    out: dict[str, float] = {}
    for name in (c for c in frame.columns if is_flag(frame[c])):
        values = frame[name].dropna()
        out.update(_rate(name, int(values.sum()), len(values)))
    if "outcome_class" in frame:
        for cls in CLASSES:
            out.update(_rate(f"class_{cls}", int((frame["outcome_class"] == cls).sum()), n))
    if "month_agreed" in frame:
        months = frame["month_agreed"].to_numpy(dtype=float)
        months = months[np.isfinite(months)]
        out["month_agreed_median"] = float(np.median(months)) if len(months) else float("nan")
        out["month_agreed_mean"] = float(months.mean()) if len(months) else float("nan")
    return out


def _rate(name: str, successes: int, n: int) -> dict[str, float]:
    if n == 0:
        return {name: float("nan"), f"{name}_lo": float("nan"), f"{name}_hi": float("nan")}
    p = successes / n
    lo, hi = wilson(successes, n)
    # At p = 0 or 1 the interval's end equals p up to rounding; keep p inside it exactly.
    return {name: p, f"{name}_lo": min(lo, p), f"{name}_hi": max(hi, p)}


def cells_text(table, cells: list[str]) -> str:
    """The printed summary: cells, runs and the probability of a deal with its interval."""
    if "deal_reached" not in table:
        return table.head(MAX_PRINTED).to_string(index=False)
    shown = table[[*cells, "runs"]].copy()
    shown["P(deal)"] = table["deal_reached"].map("{:.3f}".format)
    shown["95% CI"] = [
        f"{lo:.3f}-{hi:.3f}" for lo, hi in zip(table["deal_reached_lo"], table["deal_reached_hi"], strict=True)
    ]
    if "month_agreed_median" in table:
        shown["median month"] = table["month_agreed_median"].map("{:.0f}".format)
    text = shown.head(MAX_PRINTED).to_string(index=False, float_format=lambda v: f"{v:.3g}")
    if len(shown) > MAX_PRINTED:
        text += f"\n... {len(shown) - MAX_PRINTED} more cells in cells.csv"
    return text
