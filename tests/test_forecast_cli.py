"""``peninsula forecast`` through the installed command: scenarios, tables, JSON, --out, bad input, start-up."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from conftest import REPO
from test_cli_errors import assert_clean_error
from test_fast_start import HEAVY, _loaded_by

from model.core.domain import Issue
from model.forecast.tables import shipped_tables
from model.forecast.validation import PUBLISHED_MEAN, PUBLISHED_MEDIAN

SHARED = REPO.parent / "shared" / "validation"
EC = shipped_tables()["emission-standards-1994"]


def test_scenario_forecast_prints_every_issue_with_rounds_and_baselines(cli):
    done = cli("forecast", "hanoi-2019")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("hanoi-2019: expected-utility forecast")
    for issue in Issue:
        assert f"\n{issue.value} (6 actors)" in out
    assert out.count("baselines  weighted mean") == len(Issue)
    assert out.count("round   median     mean  who moved toward whom") == len(Issue)
    assert "loses a confrontation to" in out or "compromises with" in out or "gives in to" in out


def test_one_issue_and_its_numbers_match_the_library(cli):
    from model.forecast.eum import forecast
    from model.forecast.tables import scenario_table
    from model.scenario.loader import load_scenario

    done = cli("forecast", "baseline-2019", "--issue", "denuclearization", "--format", "json", "--rounds", "4")
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    [dim] = record["dimensions"]
    t = scenario_table(load_scenario("baseline-2019"), Issue.DENUCLEARIZATION)
    expected = forecast(t.position, t.capability, t.salience, rounds=4)
    assert [r["median"] for r in dim["rounds"]] == [r.median for r in expected.rounds]
    assert [r["mean"] for r in dim["rounds"]] == [r.mean for r in expected.rounds]
    assert dim["baselines"] == {"weighted_mean": expected.baseline_mean, "weighted_median": expected.baseline_median}
    assert record["manifest"]["reading"] == "best" and record["manifest"]["max_rounds"] == 4
    assert {a["name"] for a in dim["actors"]} == {"US", "DPRK", "RUS", "CHN", "ROK", "JPN"}


def test_the_ec_table_reproduces_table_2_through_the_command(cli):
    done = cli("forecast", "--table", EC, "--rounds", "8", "--format", "json")
    assert done.returncode == 0, done.stderr
    rounds = json.loads(done.stdout)["dimensions"][0]["rounds"]
    medians = [r["median"] for r in rounds]
    means = [r["mean"] for r in rounds]
    assert all(abs(m - p) <= 0.10 for k, (m, p) in enumerate(zip(medians, PUBLISHED_MEDIAN, strict=True)) if k != 1)
    assert all(abs(m - p) <= 0.10 for m, p in zip(means, PUBLISHED_MEAN, strict=True))


def test_reading_and_options_change_the_forecast(cli):
    literal = cli("forecast", "--table", EC, "--rounds", "8", "--reading", "paper-literal", "--format", "json")
    changed = cli("forecast", "--table", EC, "--rounds", "8", "--option", "q=0.5", "--format", "json")
    assert literal.returncode == 0 and changed.returncode == 0, literal.stderr + changed.stderr
    assert {r["median"] for r in json.loads(literal.stdout)["dimensions"][0]["rounds"]} == {7.0}
    manifest = json.loads(changed.stdout)["manifest"]
    assert manifest["options"]["q"] == 0.5 and manifest["option_changes"] == ["q=0.5"]


@pytest.mark.parametrize("name", sorted(shipped_tables()))
def test_every_shipped_table_prints_per_round_medians_and_means(cli, name):
    done = cli("forecast", "--table", shipped_tables()[name], "--rounds", "5")
    assert done.returncode == 0, done.stderr
    rows = [line.split() for line in done.stdout.splitlines() if line[:7].strip().isdigit()]
    assert [int(r[0]) for r in rows] == list(range(1, len(rows) + 1)) and rows
    assert all(float(r[1]) == float(r[1]) and float(r[2]) == float(r[2]) for r in rows)
    assert "baselines  weighted mean" in done.stdout


@pytest.mark.parametrize("name", sorted(shipped_tables()))
def test_shipped_tables_are_the_shared_validation_files(name):
    """The package's copies equal ../shared/validation (the EC case gained only its source line)."""
    if not SHARED.is_dir():
        pytest.skip("../shared/validation is not on this machine")
    ours = shipped_tables()[name]
    original = SHARED / ours.name if ours.name.startswith("emission") else SHARED / "eum-inputs" / ours.name
    lines = ours.read_text(encoding="utf-8").splitlines()
    expected = original.read_text(encoding="utf-8").splitlines()
    assert _data(lines) == _data(expected)
    assert lines[0].startswith("# source:")


def _data(lines: list[str]) -> list[str]:
    return [line for line in lines if not line.startswith("#")]


def test_out_writes_the_record_and_two_tables(cli, tmp_path):
    done = cli("forecast", "six-party-revival", "--issue", "phasing", "--out", tmp_path / "f")
    assert done.returncode == 0, done.stderr
    assert "Wrote" in done.stdout
    record = json.loads((tmp_path / "f" / "forecast.json").read_text())
    with (tmp_path / "f" / "rounds.csv").open() as f:
        rounds = list(csv.DictReader(f))
    with (tmp_path / "f" / "positions.csv").open() as f:
        positions = list(csv.DictReader(f))
    played = record["dimensions"][0]["rounds"]
    assert [int(r["round"]) for r in rounds] == list(range(len(played) + 1))
    assert float(rounds[-1]["median"]) == played[-1]["median"]
    assert len(positions) == 6 * (len(played) + 1)


def test_forecast_does_not_load_mesa_or_pandas():
    assert _loaded_by(["forecast", "baseline-2019", "--rounds", "2"]) == []
    assert set(HEAVY) >= {"mesa", "pandas"}


def _table(tmp_path: Path, text: str, name: str = "actors.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD_HEADER = "# a comment\nname,capability,position,salience\n"
BAD_TABLES = [
    ("missing-column", "name,capability,position\nA,1,0\nB,1,1\n", ("line 1", "salience", "header")),
    ("negative-capability", GOOD_HEADER + "A,1,0,0.5\nB,-0.2,1,0.5\n", ("line 4, column capability", "-0.2")),
    ("salience-above-scale", GOOD_HEADER + "A,1,0,50\nB,1,1,150\n", ("line 4, column salience", "150", "0-100")),
    ("empty", "# nothing here\n\n", ("is empty",)),
    ("header-only", GOOD_HEADER, ("line 2", "0 actors", "at least 2")),
    ("one-actor", GOOD_HEADER + "A,1,0,0.5\n", ("line 2", "1 actor", "at least 2")),
    ("not-a-number", GOOD_HEADER + "A,1,0,0.5\nB,1,far,0.5\n", ("line 4, column position", "'far'", "not a number")),
    ("short-row", GOOD_HEADER + "A,1,0,0.5\nB,1\n", ("line 4", "2 cells")),
    ("duplicate-name", GOOD_HEADER + "A,1,0,0.5\nA,1,1,0.5\n", ("line 4, column name", "'A'")),
    ("no-weight", GOOD_HEADER + "A,0,0,0.5\nB,1,1,0\n", ("capability", "no actor has both")),
]


@pytest.mark.parametrize(("case", "text", "expected"), BAD_TABLES, ids=[case[0] for case in BAD_TABLES])
def test_bad_table_is_a_clean_error_naming_file_line_and_column(cli, tmp_path, case, text, expected):
    path = _table(tmp_path, text)
    assert_clean_error(cli("forecast", "--table", path), str(path), *expected)


def test_tab_separated_table_with_0_to_100_saliences_reads(cli, tmp_path):
    path = _table(tmp_path, "Actor\tResources\tx\ts\nA\t80\t10\t90\nB\t20\t100\t30\n", "t.tsv")
    done = cli("forecast", "--table", path, "--format", "json")
    assert done.returncode == 0, done.stderr
    actors = json.loads(done.stdout)["dimensions"][0]["actors"]
    assert [a["salience"] for a in actors] == [0.9, 0.3]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("baseline-2019", "--issue", "sanctions"), ("--issue", "'sanctions'", "sanctions_relief", "phasing")),
        (("baseline-2019", "--reading", "literal"), ("--reading", "'literal'", "best", "paper-literal")),
        (("baseline-2019", "--option", "offer=best"), ("--option", "offer", "'best'", "kind-threat", "nearest")),
        (("baseline-2019", "--option", "q=2"), ("--option", "q", "[0, 1]")),
        (("baseline-2019", "--option", "speed=1"), ("--option", "speed=1", "probability", "offer")),
        (("no-such-scenario",), ("no-such-scenario", "shipped", "baseline-2019")),
        (("baseline-2019", "--table", str(EC)), ("--table", "drop the scenario")),
        (("--table", "missing.csv"), ("missing.csv", "no such file")),
    ],
)
def test_bad_arguments_are_clean_errors(cli, args, expected):
    assert_clean_error(cli("forecast", *args), *expected)
