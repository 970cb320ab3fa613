"""Charts show the data they are given: pixels change with the scenario, lines carry the monthly values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.image import imread

from model import charts
from model.results.manifest import monthly_table
from model.results.runs import run_one


def _pixels(path) -> np.ndarray:
    image = imread(path)
    assert image.ndim == 3 and image.shape[0] > 400
    ink = (image[..., :3] < 0.9).any(axis=2).mean()
    assert ink > 0.05, f"{path} is nearly blank ({ink:.1%} ink)"
    return image[..., :3]


def _differ(a: np.ndarray, b: np.ndarray) -> float:
    assert a.shape == b.shape, "charts have a fixed size"
    return float((np.abs(a - b).sum(axis=2) > 0.1).mean())


@pytest.mark.parametrize("extra", [(), ("--replications", "40")], ids=["one run", "fan chart"])
def test_plot_changes_with_the_scenario(cli, tmp_path, extra):
    paths = {}
    for name in ("maximum-pressure", "leaky-enforcement"):
        paths[name] = tmp_path / f"{name}.png"
        done = cli("run", name, "--seed", "2", *extra, "--plot", paths[name])
        assert done.returncode == 0, done.stderr
        assert f"Wrote {paths[name]}" in done.stdout
    assert _differ(*(_pixels(p) for p in paths.values())) > 0.01


def test_run_chart_draws_the_monthly_values_and_marks_events():
    months = monthly_table(run_one(_spec(), seed=4, narrate=False))
    events = charts.events_of(months, [(3, "a summit")])
    fig = charts.run_chart(months, events)
    income = next(ax for ax in fig.axes if ax.get_title().startswith("DPRK income"))
    assert np.array_equal(income.lines[0].get_ydata(), months["income"].to_numpy())
    marked = [line.get_xdata()[0] for line in income.lines[1:]]
    assert marked == [month for month, _ in events] and 3 in marked
    positions = [ax for ax in fig.axes if ax.get_title().startswith("position:")]
    assert len(positions) == 7 and all(len(ax.lines) >= 6 for ax in positions)


def test_fan_chart_bands_are_the_quantiles_of_the_replications():
    long = pd.DataFrame(
        {
            "replication": np.repeat(np.arange(100), 2),
            "month": np.tile([0, 1], 100),
            **{c: np.tile([0.0, 1.0], 100) for c in charts.FAN_COLUMNS},
        }
    )
    long["tension"] = np.repeat(np.linspace(0, 1, 100), 2)
    long["deal_in_force"] = np.tile([False, True], 100)
    fig = charts.fan_chart(long)
    tension = fig.axes[0]
    assert np.allclose(tension.lines[0].get_ydata(), [0.5, 0.5])
    band = tension.collections[0].get_paths()[0].vertices[:, 1]
    assert np.isclose(band.min(), 0.05, atol=0.01) and np.isclose(band.max(), 0.95, atol=0.01)
    share = fig.axes[7].lines[0].get_ydata()
    assert share.tolist() == [0.0, 1.0]


def test_plot_needs_a_known_format(cli, tmp_path):
    done = cli("run", "hanoi-2019", "--plot", tmp_path / "chart.bmp")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "--plot" in done.stderr and "png, svg, pdf" in done.stderr


def _spec():
    from model.scenario.loader import load_scenario

    return load_scenario("baseline-2019")
