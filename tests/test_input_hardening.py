"""Each bad input the reliability audit found: a clear one-line error (exit 2), never a traceback or a
silently wrong answer. Run in this process through ``model.cli.main``.
"""

from __future__ import annotations

import copy
import os
import re
from pathlib import Path

import pytest
from sweep_support import SMALL

from model.cli import main
from model.scenario import validation
from model.scenario.loader import load_scenario

PARENT = '[scenario]\nextends = "hanoi-2019"\n'


def run_cli(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def scenario(tmp_path: Path, text: str, name: str = "bad.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def assert_refused(capsys, args, *expected: str) -> str:
    code, out, err = run_cli(capsys, *args)
    assert code == 2, (code, out, err)
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    for word in expected:
        assert word in err, (word, err)
    return err


SCENARIO_CASES = {
    "a scalar where the scenario table belongs": ('scenario = "x"\n', ("scenario", "must be a table")),
    "a scalar where a table belongs": ('talks = "x"\n' + PARENT, ("talks", "must be a table")),
    "a scalar where an actor belongs": (PARENT + "[actors]\nUS = 3\n", ("actors.US", "must be a table")),
    "deep nesting": (PARENT + "[talks]\nagenda = " + "[" * 3000 + "]" * 3000 + "\n", ("nested deeper",)),
    "deep tables": (PARENT + "[" + ".".join(["t"] * 40) + "]\nx = 1\n", ("nested deeper",)),
    "an event after the last month": (
        PARENT + '[[events]]\nmonth = 7\nlabel = "late"\n',
        ("events[0].month", "7", "last month (3", "allowed 1 to 3"),
    ),
    "a duplicate agenda entry": (
        PARENT + '[talks]\nagenda = ["big_deal", "phased_relief", "big_deal"]\n',
        ("talks.agenda", "big_deal more than once"),
    ),
    "a duplicate agenda entry set by an event": (
        PARENT + '[[events]]\nmonth = 2\nlabel = "x"\nset = { "talks.agenda" = ["big_deal", "big_deal"] }\n',
        ("events[0].set.talks.agenda", "more than once"),
    ),
    '"yes" for a boolean': (PARENT + '[sanctions]\nsnapback = "yes"\n', ("sanctions.snapback", "'yes'", "boolean")),
    '"yes" for a boolean set by an event': (
        PARENT + '[[events]]\nmonth = 2\nlabel = "x"\nset = { "talks.mediation" = "yes" }\n',
        ("events[0].set.talks.mediation", "boolean"),
    ),
    '"2" for a whole number': (PARENT + '[talks]\ncadence = "2"\n', ("talks.cadence", "'2'", "integer")),
    "NaN": (PARENT + "[initial]\ntension = nan\n", ("initial.tension", "not NaN")),
    "a control character in a key": (PARENT + '"a\\u001eb" = 1\n', ("a\\x1eb", "unknown key")),
    "an empty parent": ('[scenario]\nextends = ""\n', ("scenario.extends", "names no scenario file")),
}


@pytest.mark.parametrize("case", list(SCENARIO_CASES))
def test_bad_scenario_file_is_one_clear_line(capsys, tmp_path, case):
    text, expected = SCENARIO_CASES[case]
    path = scenario(tmp_path, text)
    for command in ("validate", "run"):
        assert_refused(capsys, [command, path], path.name, *expected)


def test_set_cannot_change_extends(capsys):
    assert_refused(capsys, ["run", "hanoi-2019", "--set", "scenario.extends=baseline-2019"], "scenario.extends")


def test_set_of_a_whole_table_blames_the_set_not_the_file(capsys):
    assert_refused(capsys, ["run", "hanoi-2019", "--set", "talks={format='bilateral'}"], "--set: talks.", "missing")


def test_set_nested_too_deep_is_refused(capsys):
    assert_refused(capsys, ["run", "hanoi-2019", "--set", "talks.agenda=" + "[" * 2000 + "]" * 2000], "nested deeper")


def test_validate_reports_every_bad_file(capsys, tmp_path):
    good = scenario(tmp_path, PARENT, "good.toml")
    first = scenario(tmp_path, PARENT + "[talks]\nspeed = 3\n", "first.toml")
    second = scenario(tmp_path, 'scenario = "x"\n', "second.toml")
    code, out, err = run_cli(capsys, "validate", first, good, second, tmp_path / "missing.toml")
    assert code == 2 and "Traceback" not in err
    assert "ok  " in out and "good.toml" in out
    for name in ("first.toml", "second.toml", "missing.toml"):
        assert name in err
    assert "3 of 4 files are not valid" in err


def test_out_under_a_file_is_refused(capsys, tmp_path):
    (tmp_path / "file.txt").write_text("keep\n")
    target = tmp_path / "file.txt" / "sub"
    assert_refused(capsys, ["run", "hanoi-2019", "--out", target], str(target), "Not a directory")
    experiment = tmp_path / "small.toml"
    experiment.write_text(SMALL.format(reps=1, chunk=5, levels=2))
    assert_refused(capsys, ["sweep", experiment, "--out", target], str(target), "Not a directory")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_out_that_is_not_writable_is_refused(capsys, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    assert_refused(capsys, ["run", "hanoi-2019", "--out", locked / "sub"], "Permission denied")


def test_run_out_replaces_the_previous_run_and_leaves_nothing_stale(capsys, tmp_path):
    out = tmp_path / "o"
    assert run_cli(capsys, "run", "hanoi-2019", "--replications", "3", "--out", out, "--table", "parquet")[0] == 0
    assert {p.name for p in out.iterdir()} == {"run.json", "months.parquet", "runs.parquet"}
    assert run_cli(capsys, "run", "hanoi-2019", "--out", out)[0] == 0
    assert {p.name for p in out.iterdir()} == {"run.json", "months.csv"}, "files of the previous run are stale"


def test_run_out_refuses_a_folder_with_other_files(capsys, tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    (out / "thesis.docx").write_text("precious")
    assert_refused(capsys, ["run", "hanoi-2019", "--out", out], "thesis.docx", "empty or new folder")
    assert (out / "thesis.docx").read_text() == "precious"


EXPERIMENT_CASES = {
    '"2" for replications': (("replications = 2", 'replications = "2"'), ("experiment.replications", "'2'")),
    '"yes" for a boolean': (('kind = "grid"', 'kind = "grid"\nsecond_order = "yes"'), ("design.second_order",)),
    "sobol with n = 1": (('kind = "grid"', 'kind = "sobol"\nn = 1'), ("design.n", "n >= 2")),
    "morris with n = 1": (('kind = "grid"', 'kind = "morris"\nn = 1'), ("design.n", "n >= 2")),
    "a scalar for a table": (('[design]\nkind = "grid"\n', ""), ("design", "must be a table")),
    "deep nesting": (('kind = "grid"', 'kind = "grid"\nx = ' + "[" * 3000 + "]" * 3000), ("nested deeper",)),
    "not an experiment": (("[experiment]", "[experimental]"), ("not an experiment file",)),
}


@pytest.mark.parametrize("case", list(EXPERIMENT_CASES))
def test_bad_experiment_file_is_one_clear_line(capsys, tmp_path, case):
    (old, new), expected = EXPERIMENT_CASES[case]
    text = SMALL.format(reps=2, chunk=5, levels=2)
    if case.startswith(("sobol", "morris")):  # SALib designs take numeric parameters only
        text = text[: text.index("[levers.relief_schedule]")]
    assert old in text
    path = tmp_path / "exp.toml"
    text = text.replace(old, new, 1)
    if case == "a scalar for a table":
        text = 'design = "grid"\n' + text
    path.write_text(text, encoding="utf-8")
    assert_refused(capsys, ["sweep", path, "--out", tmp_path / "out"], path.name, *expected)
    assert not (tmp_path / "out").exists()


def test_too_many_workers_are_refused_with_the_reason(capsys, tmp_path):
    experiment = tmp_path / "small.toml"
    experiment.write_text(SMALL.format(reps=1, chunk=5, levels=2))
    cores = os.cpu_count() or 1
    err = assert_refused(
        capsys, ["sweep", experiment, "--out", tmp_path / "out", "--workers", 4 * cores + 1], "--workers", "per core"
    )
    assert f"allowed 1 to {4 * cores}" in err
    assert not (tmp_path / "out").exists()


def test_a_sweep_says_how_much_disk_it_will_take_before_it_starts(capsys, tmp_path):
    experiment = tmp_path / "small.toml"
    experiment.write_text(SMALL.format(reps=1, chunk=5, levels=2))
    code, _, err = run_cli(capsys, "sweep", experiment, "--out", tmp_path / "out", "--workers", "1")
    assert code == 0, err
    line = next(line for line in err.splitlines() if "runs to do" in line)
    assert re.search(r"16 runs to do; at most about [\d.]+ (bytes|KB) of Parquet", line), line
    assert line.index("runs to do") < err.index("sweep: 16/16 runs"), "the estimate comes before the runs"
    per_run = int(re.search(r"\((\d+) bytes a run", line)[1])
    written = sum(p.stat().st_size for p in (tmp_path / "out" / "runs").iterdir())
    assert written < 16 * per_run * 20, "the estimate should be of the order of what is written"


def test_validate_checks_each_event_against_the_tree_without_events(monkeypatch):
    """Linear in events: no event's check copies or revalidates the other events."""
    spec = load_scenario("baseline-2019")
    tree = spec.to_tree()
    tree["events"] = [
        {"month": 1 + i % 40, "label": f"e{i}", "set": {"initial.relief": 0.5, "talks.cadence": 2}} for i in range(300)
    ]
    validated, copied = [], []
    real_strict, real_copy = validation.strict, copy.deepcopy
    monkeypatch.setattr(validation, "strict", lambda model, t: validated.append(t) or real_strict(model, t))
    monkeypatch.setattr(validation.copy, "deepcopy", lambda x, *a: copied.append(x) or real_copy(x, *a))
    validation.validate_tree(tree)
    assert len(validated) == 301, "one validation of the whole tree, then one per event"
    assert all("events" not in t or not t["events"] for t in validated[1:]), "an event's check holds no events"
    assert all(not (isinstance(c, dict) and "events" in c) for c in copied), "the tree with its events is never copied"


def test_a_sweep_that_may_not_fit_is_warned_about_even_when_quiet(capsys, tmp_path, monkeypatch):
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr("model.sweep.runner.shutil.disk_usage", lambda path: usage(10**6, 10**6 - 100, 100))
    experiment = tmp_path / "small.toml"
    experiment.write_text(SMALL.format(reps=1, chunk=5, levels=2))
    code, _, err = run_cli(capsys, "sweep", experiment, "--out", tmp_path / "out", "--workers", "1", "--quiet")
    assert code == 0 and "warning: that may not fit; 100 bytes are free" in err, err
