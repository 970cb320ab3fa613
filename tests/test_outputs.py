"""Results load clean everywhere: nulls where a value does not exist, every column documented, formats versioned."""

from __future__ import annotations

import json
import shutil

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pyarrow.parquet as pq
import pytest
from sweep_support import cli, small_experiment

from model.analysis import analyze
from model.results.columns import FORMAT_VERSION, NO_DEAL, TABLES, lookup
from model.results.outcomes import OUTCOME_FIELDS
from model.story.monthly import MONTHLY_REPORTERS
from model.sweep.runner import sweep


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    """A small sweep that records every outcome (the experiment names none), so every column is written."""
    folder = tmp_path_factory.mktemp("outputs")
    text = small_experiment(folder, reps=6, chunk=20).read_text()
    path = folder / "all-outcomes.toml"
    path.write_text(
        text.replace('outcomes = ["deal_reached", "outcome_class", "month_agreed", "tests", "income_end"]\n', "")
    )
    sweep(path, folder / "out", workers=1, progress=False)
    return folder / "out"


def _numeric(schema: pl.Schema) -> list[str]:
    return [name for name, dtype in schema.items() if dtype.is_numeric() or dtype == pl.Boolean]


def test_polars_means_of_every_numeric_column_are_numbers(swept):
    frame = pl.read_parquet(swept / "runs" / "*.parquet")
    assert frame["deal_reached"].sum() not in (0, len(frame)), "need runs with and without a deal"
    columns = _numeric(frame.schema)
    assert {"month_agreed", "months_held", "deal_denuclearization", "collapsed"} <= set(columns)
    means = frame.select(pl.col(columns).cast(pl.Float64).mean()).row(0, named=True)
    assert all(np.isfinite(v) for v in means.values()), means


def test_duckdb_means_of_every_numeric_column_are_numbers(swept):
    con = duckdb.connect()
    rows = f"read_parquet('{swept}/runs/*.parquet')"
    types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {rows})").fetchall())
    numeric = [c for c, t in types.items() if t in ("BIGINT", "UBIGINT", "DOUBLE", "BOOLEAN")]
    means = con.execute(f"SELECT {', '.join(f'avg({c}::DOUBLE)' for c in numeric)} FROM {rows}").fetchone()
    assert len(numeric) > 30 and all(v is not None and np.isfinite(v) for v in means), dict(
        zip(numeric, means, strict=True)
    )
    # The mean month of agreement is over runs that agreed, not NaN and not dragged down by zeros.
    deal_only = con.execute(f"SELECT avg(month_agreed), min(month_agreed) FROM {rows} WHERE deal_reached").fetchone()
    assert con.execute(f"SELECT avg(month_agreed) FROM {rows}").fetchone()[0] == pytest.approx(deal_only[0])
    assert deal_only[1] >= 1


def test_no_deal_rows_hold_nulls_not_sentinels(swept):
    table = pq.read_table(swept / "runs").to_pandas(types_mapper=pd.ArrowDtype)
    no_deal = table[~table["deal_reached"].astype(bool)]
    assert len(no_deal) > 0
    for name, column in lookup("runs").items():
        if column.null_when == NO_DEAL:
            assert no_deal[name].isna().all(), name
    deal = table[table["deal_reached"].astype(bool)]
    assert deal["package"].notna().all() and deal["month_agreed"].notna().all()
    assert (table["package"] != "none").all()
    assert table.drop(columns=[n for n, c in lookup("runs").items() if c.null_when]).notna().all().all()


def test_every_written_column_is_in_the_dictionary(swept, tmp_path):
    manifest = json.loads((swept / "manifest.json").read_text())
    parameters = {p["name"] for p in manifest["design"]["parameters"]}
    written = set(pq.read_schema(next((swept / "runs").glob("*.parquet"))).names)
    assert written - parameters <= set(lookup("runs")), written - parameters - set(lookup("runs"))
    out = tmp_path / "batch"
    assert cli("run", "hanoi-2019", "--replications", "4", "--out", out, "--table", "parquet").returncode == 0
    assert set(pq.read_schema(out / "runs.parquet").names) <= set(lookup("runs"))
    assert set(pq.read_schema(out / "months.parquet").names) <= set(lookup("months"))


def test_the_dictionary_knows_every_outcome_and_reporter():
    assert set(OUTCOME_FIELDS) <= set(lookup("runs")), set(OUTCOME_FIELDS) - set(lookup("runs"))
    assert set(MONTHLY_REPORTERS) <= set(lookup("months")), set(MONTHLY_REPORTERS) - set(lookup("months"))
    for _, columns in TABLES.values():
        for column in columns:
            assert (
                column.description and column.unit and column.type in ("bool", "int64", "uint64", "float64", "string")
            )


def test_run_out_csv_leaves_missing_values_empty(cli_runs):
    runs = pd.read_csv(cli_runs / "runs.csv", keep_default_na=False, dtype=str)
    no_deal = runs[runs["deal_reached"] == "False"]
    assert len(no_deal) > 0 and (no_deal["month_agreed"] == "").all() and (no_deal["package"] == "").all()
    deal = runs[runs["deal_reached"] == "True"]
    assert deal["month_agreed"].str.fullmatch(r"\d+").all(), "months are whole numbers, not 12.0"


@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "base"
    done = cli("run", "baseline-2019", "--replications", "40", "--months", "12", "--seed", "5", "--out", out)
    assert done.returncode == 0, done.stderr
    assert json.loads((out / "run.json").read_text())["manifest"]["format_version"] == FORMAT_VERSION
    return out


def _as_format_1(folder):
    """Rewrite a format-2 sweep folder as an older peninsula wrote it: NaN, "none" and 0, no format_version."""
    manifest = json.loads((folder / "manifest.json").read_text())
    for key in ("format_version", "code_fingerprint", "git_dirty"):
        del manifest[key]
    (folder / "manifest.json").write_text(json.dumps(manifest))
    (folder / "journal.jsonl").unlink()  # an older peninsula kept no journal of checksums
    for path in (folder / "runs").glob("*.parquet"):
        frame = pd.read_parquet(path)
        for name in ("package", "nearest_package", "signing_format"):
            frame[name] = frame[name].fillna("none").astype(object)
        for name in ("collapsed",):
            frame[name] = frame[name].astype("boolean").fillna(False).astype(bool)
        frame["month_agreed"] = frame["month_agreed"].astype(float)
        frame["months_held"] = frame["months_held"].fillna(0).astype(np.int64)
        frame.to_parquet(path, index=False)


def test_analyze_reads_a_format_1_folder_as_the_current_format(swept, tmp_path):
    old = tmp_path / "old"
    shutil.copytree(swept, old)
    _as_format_1(old)
    assert pd.read_parquet(old / "runs")["package"].eq("none").any()
    current, converted = analyze(swept), analyze(old)
    pd.testing.assert_frame_equal(current.cells, converted.cells)


def test_analyze_refuses_a_newer_format_and_says_why(swept, tmp_path):
    new = tmp_path / "new"
    shutil.copytree(swept, new)
    manifest = json.loads((new / "manifest.json").read_text())
    manifest["format_version"] = FORMAT_VERSION + 1
    (new / "manifest.json").write_text(json.dumps(manifest))
    done = cli("analyze", new)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "format_version" in done.stderr and f"formats 1 to {FORMAT_VERSION}" in done.stderr


def test_resume_refuses_a_folder_of_another_output_format(tmp_path):
    path = small_experiment(tmp_path, reps=2, chunk=8)
    out = tmp_path / "out"
    sweep(path, out, workers=1, progress=False)
    manifest = json.loads((out / "manifest.json").read_text())
    del manifest["format_version"]
    (out / "manifest.json").write_text(json.dumps(manifest))
    done = cli("sweep", path, "--out", out, "--resume", "--workers", "1")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "output format 1 -> 2" in done.stderr and "mix" in done.stderr
