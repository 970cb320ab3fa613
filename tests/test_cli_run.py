"""The ``peninsula`` command used as intended: run, replications, --out, validate, sources.

Everything goes through the installed script in a subprocess, as a user would
call it; written files go into ``tmp_path``.
"""

from __future__ import annotations

import hashlib
import json
import re

import pandas as pd
import pytest
from conftest import REPO, SCENARIO_FILES
from strategies import outcomes_of, run

from model import __version__
from model.agents.policies import profiles
from model.results.columns import record
from model.results.outcomes import OUTCOME_FIELDS
from model.scenario.loader import load_scenario, resolve
from model.scenario.provenance import sources


@pytest.fixture(scope="module")
def hanoi_json(cli) -> dict:
    done = cli("run", "hanoi-2019", "--seed", "1", "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_run_prints_a_timeline_and_an_outcome(cli):
    done = cli("run", "hanoi-2019", "--seed", "1")
    assert done.returncode == 0, done.stderr
    assert "Feb 2019 (month 1)" in done.stdout
    assert "Hanoi summit" in done.stdout
    assert "US tables" in done.stdout and "DPRK rejects" in done.stdout
    assert "Outcome:" in done.stdout
    assert done.stdout.index("Hanoi summit") < done.stdout.index("Outcome:")


def test_run_without_a_scenario_runs_baseline_2019(cli):
    done = cli("run", "--months", "6")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("baseline-2019:")
    assert "Working-level talks in Stockholm" in done.stdout


def test_json_run_has_manifest_outcome_and_timeline(hanoi_json):
    assert set(hanoi_json) >= {"manifest", "outcome", "timeline"}
    assert hanoi_json["manifest"]["seed"] == 1
    assert set(hanoi_json["outcome"]) == set(OUTCOME_FIELDS)
    months = load_scenario("hanoi-2019").scenario.months
    seen = [record["month"] for record in hanoi_json["timeline"]]
    assert seen == sorted(seen) and set(seen) <= set(range(1, months + 1)) and 1 in seen
    assert {"Scripted", "Tabled", "Answered"} <= {record["type"] for record in hanoi_json["timeline"]}


def test_json_outcome_equals_the_library_run(hanoi_json):
    expected = json.loads(json.dumps(record(outcomes_of(run(load_scenario("hanoi-2019"), 1)))))
    assert hanoi_json["outcome"] == expected
    assert hanoi_json["outcome"]["deal_reached"] is False
    assert hanoi_json["outcome"]["package"] is None and hanoi_json["outcome"]["month_agreed"] is None


def test_the_same_seed_gives_the_same_output_in_another_process(cli, hanoi_json):
    again = json.loads(cli("run", "hanoi-2019", "--seed", "1", "--format", "json").stdout)
    assert again["outcome"] == hanoi_json["outcome"]
    assert again["timeline"] == hanoi_json["timeline"]


def test_set_overrides_reach_the_manifest(cli):
    done = cli("run", "hanoi-2019", "--set", "sanctions.enforcement.RUS.laborers=0.1", "--format", "json")
    manifest = json.loads(done.stdout)["manifest"]
    assert manifest["parameters"]["sanctions"]["enforcement"]["RUS"]["laborers"] == 0.1
    assert manifest["overrides"] == ["sanctions.enforcement.RUS.laborers=0.1"]


def test_replications_print_the_probability_of_a_deal_with_a_95_percent_interval(cli):
    done = cli("run", "hanoi-2019-step-for-step", "--replications", "50")
    assert done.returncode == 0, done.stderr
    assert "Replications: 50" in done.stdout
    line = next(line for line in done.stdout.splitlines() if line.startswith("Probability of a deal"))
    assert "95% CI" in line
    match = re.fullmatch(r"Probability of a deal: ([\d.]+) \(95% CI ([\d.]+) to ([\d.]+)\)", line)
    assert match, line
    p, lo, hi = map(float, match.groups())
    assert 0 <= lo <= p <= hi <= 1


def test_replications_as_json_summarise_every_run(cli):
    done = cli("run", "hanoi-2019", "--replications", "30", "--seed", "4", "--format", "json")
    record = json.loads(done.stdout)
    assert record["summary"]["replications"] == 30
    assert record["manifest"]["root_seed"] == 4 and record["manifest"]["replications"] == 30
    lo, hi = record["summary"]["deal_probability_95ci"]
    assert lo <= record["summary"]["deal_probability"] <= hi


def test_out_writes_the_monthly_table_and_a_run_record(cli, tmp_path):
    out = tmp_path / "hanoi"
    done = cli("run", "hanoi-2019", "--seed", "3", "--out", out)
    assert done.returncode == 0, done.stderr
    months = pd.read_csv(out / "months.csv")
    assert months["month"].tolist() == list(range(0, load_scenario("hanoi-2019").scenario.months + 1))
    assert {"tension", "income", "capability", "trust_US_in_DPRK"} <= set(months.columns)
    manifest = json.loads((out / "run.json").read_text())["manifest"]
    assert manifest["version"] == __version__
    assert manifest["seed"] == 3
    assert manifest["parameters"]["scenario"]["name"] == "hanoi-2019"
    scenario_file = resolve("hanoi-2019")
    assert manifest["scenario_file_hash"] == "sha256:" + hashlib.sha256(scenario_file.read_bytes()).hexdigest()


def test_out_with_replications_writes_one_row_per_run(cli, tmp_path):
    out = tmp_path / "batch"
    done = cli("run", "hanoi-2019", "--replications", "25", "--seed", "9", "--out", out)
    assert done.returncode == 0, done.stderr
    runs = pd.read_csv(out / "runs.csv")
    assert len(runs) == 25 and runs["replication"].tolist() == list(range(25))
    assert runs["seed"].is_unique
    assert json.loads((out / "run.json").read_text())["manifest"]["root_seed"] == 9


def test_table_parquet_is_readable_by_pandas(cli, tmp_path):
    out = tmp_path / "pq"
    done = cli("run", "hanoi-2019", "--out", out, "--table", "parquet")
    assert done.returncode == 0, done.stderr
    frame = pd.read_parquet(out / "months.parquet")
    assert len(frame) == load_scenario("hanoi-2019").scenario.months + 1
    assert frame["income"].between(0, 1).all()


def test_validate_accepts_every_shipped_scenario(cli):
    done = cli("validate", *SCENARIO_FILES, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert len([line for line in done.stdout.splitlines() if line.startswith("ok")]) == len(SCENARIO_FILES)


def test_sources_lists_every_key(cli):
    done = cli("sources")
    assert done.returncode == 0, done.stderr
    missing = [key for key in sources() if f"`{key}`" not in done.stdout]
    assert missing == []


def test_sources_as_json_carries_ranges_and_citations(cli):
    listed = json.loads(cli("sources", "--format", "json").stdout)
    assert listed.keys() == sources().keys()
    entry = listed["actors.US.ideal.phasing"]
    assert entry["low"] <= entry["value"] <= entry["high"] and entry["source"] == "001"


def test_scenarios_lists_names_and_questions(cli):
    done = cli("scenarios")
    for path in SCENARIO_FILES:
        assert path.stem in done.stdout
        assert load_scenario(path).scenario.question in done.stdout


def test_profiles_lists_every_profile(cli):
    done = cli("profiles")
    assert all(name in done.stdout for name in profiles())


def test_main_returns_2_for_bad_input_in_process(capsys):
    from model.cli import main

    assert main(["run", "hanoi-2019", "--set", "talks.speed=3"]) == 2
    assert "talks.speed" in capsys.readouterr().err


def test_out_with_replications_also_writes_every_replication_s_months(cli, tmp_path):
    out = tmp_path / "batch-months"
    done = cli("run", "hanoi-2019", "--replications", "7", "--seed", "9", "--out", out)
    assert done.returncode == 0, done.stderr
    months = pd.read_csv(out / "months.csv")
    assert len(months) == 7 * 4  # months 0..3 of each replication
    assert sorted(months["replication"].unique()) == list(range(7))


def test_monthly_table_does_not_depend_on_the_batch_size(monkeypatch):
    import model.results.runs
    from model.scenario.loader import load_scenario

    spec = load_scenario("hanoi-2019")
    whole: list[pd.DataFrame] = []
    model.results.runs.run_replications(spec, 3, 10, monthly=whole.append)
    monkeypatch.setattr(model.results.runs, "BATCH", 4)
    pieces: list[pd.DataFrame] = []
    model.results.runs.run_replications(spec, 3, 10, monthly=pieces.append)
    assert len(pieces) == 3
    pd.testing.assert_frame_equal(pd.concat(pieces, ignore_index=True), pd.concat(whole, ignore_index=True))


def test_validate_finds_shipped_scenarios_by_name_as_run_does(cli):
    done = cli("validate", "baseline-2019", "history/hanoi-2019")
    assert done.returncode == 0, done.stderr
    assert "ok  baseline-2019:" in done.stdout and "ok  history/hanoi-2019:" in done.stdout
