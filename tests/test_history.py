"""The historical cases: validated, coded by the one mapping, run by name, and backcast through the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from model.history import baselines, cases, load_case, mapped, overrides, variants
from model.scenario.loader import shipped_scenarios

ROOT = Path(__file__).resolve().parents[1]
PENINSULA = [sys.executable, "-m", "model.cli"]
CASES = cases()


def test_six_cases_with_every_outcome_class():
    specs = [load_case(p) for p in CASES.values()]
    assert len(specs) == 6
    assert {s.record.outcome for s in specs} == {"deal", "partial_deal", "collapse", "no_deal"}


@pytest.mark.parametrize("name", list(CASES))
def test_every_case_declares_its_record_and_cites_the_background(name):
    spec = load_case(CASES[name])
    assert spec.record.outcome and spec.record.case.startswith("E")
    assert spec.record.case in spec.record.sources
    text = CASES[name].read_text()
    assert "background" in text


@pytest.mark.parametrize("name", list(CASES))
def test_every_case_uses_the_one_mapping_of_its_coding(name):
    spec = load_case(CASES[name])
    remapped = load_case(CASES[name], overrides(spec.record.coding))
    assert remapped.to_tree() == spec.to_tree(), "the file's values are not its coding's mapping"


def test_the_mapping_is_monotone_in_each_coded_level():
    spec = load_case(CASES["hanoi-2019"])
    low, high = variants(spec.record.coding)["enforcement -1"], variants(spec.record.coding)["enforcement +1"]
    assert mapped(low)["sanctions.enforcement.CHN.coal"] < mapped(high)["sanctions.enforcement.CHN.coal"]
    assert mapped(low)["initial.pressure"] < mapped(high)["initial.pressure"]
    trust_low, trust_high = variants(spec.record.coding)["trust -1"], variants(spec.record.coding)["trust +1"]
    assert mapped(trust_low)["actors.US.trust.DPRK"] < mapped(trust_high)["actors.US.trust.DPRK"]


def test_cases_are_found_by_name_and_run():
    assert "history/hanoi-2019" in shipped_scenarios()
    done = subprocess.run([*PENINSULA, "run", "history/hanoi-2019", "--seed", "1"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Outcome:" in done.stdout


def test_the_phasing_baseline_reads_the_us_position():
    specs = {n: load_case(p) for n, p in CASES.items()}
    rule = baselines(specs)["deal iff the US accepts phasing"]
    assert rule["agreed-framework-1994"] == "deal" and rule["hanoi-2019"] == "no_deal"


def test_backcast_through_the_cli_reports_every_case_and_the_baselines():
    done = subprocess.run(
        [*PENINSULA, "backcast", "--replications", "40", "--no-sensitivity", "--format", "json"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert [c["case"] for c in report["cases"]] == ["E1", "E2", "E5", "E8", "E10", "E11"]
    for c in report["cases"]:
        assert sum(c["shares"].values()) == pytest.approx(1.0)
    assert set(report["baselines"]) == {"always no deal", "deal iff the US accepts phasing"}
    hits, n, _ = report["baselines"]["always no deal"]["strict"]
    assert (hits, n) == (2, 6)


def _backcast(args, tmp_path):
    return subprocess.run([*PENINSULA, "backcast", *args], capture_output=True, text=True, cwd=tmp_path)


def test_backcast_of_a_folder_without_scenarios_is_a_clear_error(tmp_path):
    (tmp_path / "empty").mkdir()
    done = _backcast(["empty"], tmp_path)
    assert done.returncode == 2 and "holds no scenario files" in done.stderr and "Traceback" not in done.stderr
    done = _backcast(["no-such-folder"], tmp_path)
    assert done.returncode == 2 and "not a folder" in done.stderr


def test_backcast_of_a_scenario_without_a_record_names_the_record(tmp_path):
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "plain.toml").write_text((ROOT / "scenarios" / "hanoi-2019.toml").read_text())
    done = _backcast([str(folder)], tmp_path)
    assert done.returncode == 2 and "record" in done.stderr and "Traceback" not in done.stderr


def test_an_unknown_outcome_class_is_refused_with_the_allowed_ones(tmp_path):
    folder = tmp_path / "cases"
    folder.mkdir()
    text = CASES["hanoi-2019"].read_text().replace('outcome = "no_deal"', 'outcome = "stalemate"')
    (folder / "odd.toml").write_text(text)
    done = _backcast([str(folder)], tmp_path)
    assert done.returncode == 2 and "record.outcome" in done.stderr and "no_deal" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_readme_states_the_backcast_score_of_the_generated_doc():
    doc = (ROOT / "docs" / "BACKCAST.md").read_text()
    readme = (ROOT / "README.md").read_text()
    scores = [line for line in doc.splitlines() if line.startswith("Score, ")]
    assert len(scores) == 2
    for line in scores:
        assert f"- {line}" in readme
