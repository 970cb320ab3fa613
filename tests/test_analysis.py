"""Analysis: the SALib path against the Ishigami function's known indices, and analyze/report on real sweeps."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sweep_support import cli, small_experiment

from model.analysis.sensitivity import design_from_manifest, morris_indices, sobol_indices
from model.sweep.design import sobol
from model.sweep.experiment import Parameter
from model.sweep.runner import sweep
from model.sweep.store import read_manifest

# Ishigami & Homma (1990) with a = 7, b = 0.1: analytic first-order and total indices.
S1 = [0.3139, 0.4424, 0.0]
ST = [0.5576, 0.4424, 0.2437]


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_wiring_reproduces_ishigami_indices():
    params = tuple(Parameter(f"x{i}", "uncertainty", "real", (f"k.x{i}",), -math.pi, math.pi) for i in range(1, 4))
    design = sobol(params, 2**13, root_seed=1)
    assert design.size == 2**13 * (3 + 2)
    columns = design.columns(np.arange(design.size))
    x = np.column_stack([columns[p.name] for p in params])
    table = sobol_indices(design, ishigami(x), seed=1)
    assert table["S1"].to_numpy() == pytest.approx(S1, abs=0.03)
    assert table["ST"].to_numpy() == pytest.approx(ST, abs=0.03)
    assert (table["S1_conf"] < 0.05).all()


def test_morris_ranks_ishigami_inputs():
    from model.sweep.design import morris

    params = tuple(Parameter(f"x{i}", "uncertainty", "real", (f"k.x{i}",), -math.pi, math.pi) for i in range(1, 4))
    design = morris(params, 200, root_seed=2)
    columns = design.columns(np.arange(design.size))
    x = np.column_stack([columns[p.name] for p in params])
    table = morris_indices(design, ishigami(x))
    assert table["mu_star"].to_numpy().argsort().tolist() == [2, 0, 1]


SOBOL_EXPERIMENT = """
[experiment]
name = "tiny-sensitivity"
question = "Does the sensitivity path run end to end on the model?"
scenario = "baseline-2019"
root_seed = 3
replications = 2
outcomes = ["deal_reached", "month_agreed"]

[design]
kind = "sobol"
n = 8

[levers.chn_enforcement]
type = "real"
range = [0.2, 1.0]
keys = ["sanctions.enforcement.CHN.trade", "sanctions.enforcement.CHN.coal"]

[uncertainties.dprk_resolve]
type = "real"
key = "actors.DPRK.resolve"
range = [0.5, 0.9]
"""


def test_design_is_rebuilt_from_the_manifest(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(SOBOL_EXPERIMENT)
    sweep(path, tmp_path / "out", workers=1, progress=False)
    manifest = read_manifest(tmp_path / "out")
    runs = pd.read_parquet(tmp_path / "out" / "runs").sort_values(["point", "replication"])
    rebuilt = design_from_manifest(manifest)
    first = runs[runs["replication"] == 0]
    assert first["chn_enforcement"].to_numpy() == pytest.approx(
        rebuilt.columns(np.arange(rebuilt.size))["chn_enforcement"]
    )
    done = cli("report", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(tmp_path / "out" / "analysis" / "sensitivity.csv")
    assert set(table["outcome"]) == {"probability of a deal", "month of agreement"}
    assert (tmp_path / "out" / "analysis" / "sensitivity.svg").is_file()


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("analysis")
    out = folder / "out"
    sweep(small_experiment(folder, reps=10, chunk=50, levels=2), out, workers=1, progress=False)
    done = cli("analyze", out)
    assert done.returncode == 0, done.stderr
    return out, done.stdout


def test_rates_by_cell_have_wilson_intervals(analysed):
    out, printed = analysed
    cells = pd.read_csv(out / "analysis" / "cells.csv")
    assert len(cells) == 16 and (cells["runs"] == 10).all()
    assert (cells["deal_reached_lo"] <= cells["deal_reached"]).all()
    assert (cells["deal_reached"] <= cells["deal_reached_hi"]).all()
    runs = pd.read_parquet(out / "runs")
    first = cells.iloc[0]
    match = runs[
        (runs["chn_enforcement"] == first["chn_enforcement"])
        & (runs["rus_enforcement"] == first["rus_enforcement"])
        & (runs["relief_schedule"] == first["relief_schedule"])
        & (runs["dprk_profile"] == first["dprk_profile"])
    ]
    assert first["deal_reached"] == pytest.approx(match["deal_reached"].mean())
    assert "P(deal)" in printed and "95% CI" in printed


def test_plots_are_saved_as_png_and_svg(analysed):
    out, _ = analysed
    for name in ("deal_heatmap", "month_agreed"):
        assert (out / "analysis" / f"{name}.png").read_bytes()[:4] == b"\x89PNG"
        assert "<svg" in (out / "analysis" / f"{name}.svg").read_text()[:500]


def test_report_is_one_self_contained_html_file(analysed):
    out, _ = analysed
    done = cli("report", out)
    assert done.returncode == 0, done.stderr
    page = (out / "report.html").read_text()
    assert page.count("data:image/png;base64,") >= 2
    assert "src='http" not in page and 'src="http' not in page
    assert "Wilson" in page and "small" in page


def test_report_starts_with_a_summary_of_p_deal_per_regime(analysed):
    import re

    out, _ = analysed
    assert cli("report", out).returncode == 0
    page = (out / "report.html").read_text()
    summary = page[page.index("<h2>Summary</h2>") : page.index("<h2>Plots</h2>")]
    assert page.index("<h2>Summary</h2>") < page.index("<dl>"), "the answer comes before the facts"
    assert "Does the small test sweep give the same rows everywhere?" in summary
    cells = pd.read_csv(out / "analysis" / "cells.csv")
    listed = re.findall(r"<li>(.*?): P\(deal\) ([\d.]+) \(95% CI ([\d.]+) to ([\d.]+), (\d+) runs\)</li>", summary)
    assert len(listed) == 10, "five highest and five lowest of 16 regimes"
    best = cells.sort_values("deal_reached", ascending=False, kind="stable").iloc[0]
    assert listed[0][1:] == (
        f"{best['deal_reached']:.3f}",
        f"{best['deal_reached_lo']:.3f}",
        f"{best['deal_reached_hi']:.3f}",
        str(best["runs"]),
    )
    assert "relief_schedule = " in listed[0][0] and "chn_enforcement = " in listed[0][0]
    overall = cells["deal_reached"].mul(cells["runs"]).sum() / cells["runs"].sum()
    assert f"over all 160 runs: {overall:.3f}" in summary
    assert "overflow-x: auto" in page and "<div class='wide'><table" in page


def test_report_summary_names_the_most_influential_parameters(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(SOBOL_EXPERIMENT)
    sweep(path, tmp_path / "out", workers=1, progress=False)
    assert cli("report", tmp_path / "out").returncode == 0
    page = (tmp_path / "out" / "report.html").read_text()
    summary = page[page.index("<h2>Summary</h2>") : page.index("<h2>Plots</h2>")]
    assert "Most influential parameters</b> (ST)" in summary
    assert "probability of a deal: " in summary and "dprk_resolve" in summary


def test_categorical_columns_are_found_under_either_pandas_string_dtype():
    from model.analysis.tables import is_category, is_flag

    assert is_category(pd.Series(["a", "b"], dtype=object))
    assert is_category(pd.Series(["a", "b"], dtype="string"))
    assert is_category(pd.Series(["a", "b"]).astype("category"))
    assert not is_category(pd.Series([0.2, 0.4]))
    assert is_flag(pd.Series([True, None], dtype="boolean")) and not is_flag(pd.Series([1, 0]))
