"""Worksheets cannot rot: every key is recomputed, every claim checked, every command run, every number shown."""

from __future__ import annotations

import io
import json
import shlex
from functools import cache

import pytest

from model.cli import main
from model.core.errors import InputError
from model.teaching import exercises

SHEETS = {n: exercises.load(p) for n, p in exercises.shipped().items()}


@cache
def values(number: int) -> dict[str, float]:
    return exercises.values_of(SHEETS[number])


def test_at_least_six_worksheets_numbered_from_one():
    assert len(SHEETS) >= 6
    assert list(SHEETS) == list(range(1, len(SHEETS) + 1))
    assert len({s.id for s in SHEETS.values()}) == len(SHEETS)


@pytest.mark.parametrize("number", list(SHEETS))
def test_every_claim_of_the_key_holds_in_the_model(number):
    text, holds = exercises.teacher_key(SHEETS[number], values(number))
    failed = [c.says for c, ok in exercises.checks_of(SHEETS[number], values(number)) if not ok]
    assert holds, f"exercise {number}: no longer holds: {failed}"
    assert "{" not in text.split("Computed from")[0], "every placeholder is filled"


@pytest.mark.parametrize("number", list(SHEETS))
def test_every_number_of_the_key_comes_from_a_command_on_the_sheet(number):
    sheet = SHEETS[number]
    for m in sheet.measure:
        assert m.command() in sheet.commands, f"{m.name}: the students cannot reproduce it"


def _shown(summary: dict, m: exercises.Measure) -> float:
    """Where a measure stands in the summary a student's command prints."""
    if m.column == "deal_reached":
        return summary["deal_probability"]
    if m.column == "outcome_class":
        return summary["outcome_classes"].get(m.value, 0.0)
    if m.column.startswith("utility_"):
        return summary["mean_utility"][m.column.removeprefix("utility_")]
    key = {"deal_denuclearization": "denuclearization_of_deals", "months_held": "months_held_of_deals"}
    return summary[key.get(m.column, m.column)][m.statistic]


def _shown_by_one_run(outcome: dict, m: exercises.Measure) -> float:
    """Where one run's value stands in the outcome ``peninsula run --seed S --format json`` prints."""
    found = outcome[m.column]
    return float(found == m.value) if m.value is not None else float(found)


@pytest.mark.parametrize("number", list(SHEETS))
def test_every_command_runs_and_shows_the_keys_numbers(number, capsys, monkeypatch):
    sheet = SHEETS[number]
    for command in sheet.commands:
        argv = shlex.split(command)[1:]
        if argv[0] == "app":  # it serves until stopped: test_a_class_command_starts_class_mode_on_the_keys_seed
            continue
        monkeypatch.setattr("sys.stdin", io.StringIO("1\n" * 500))  # a play session answers 1 throughout
        if argv[0] == "play":
            argv += ["--runs", "20"]
        json_out = argv[0] == "run"
        assert main(argv + (["--format", "json"] if json_out else [])) == 0, command
        printed = capsys.readouterr().out
        if not json_out:
            continue
        record = json.loads(printed)
        for m in sheet.measure:
            if m.command() == command:
                one = m.statistic == "value"
                shown = _shown_by_one_run(record["outcome"], m) if one else _shown(record["summary"], m)
                assert shown == pytest.approx(values(number)[m.name], abs=0.005), m.name


CLASS_SHEETS = [n for n, s in SHEETS.items() if any(c.startswith("peninsula app ") for c in s.commands)]


def test_a_class_exercise_is_shipped():
    assert CLASS_SHEETS, "issue 17 asks for one class exercise played in class mode"


@pytest.mark.parametrize("number", CLASS_SHEETS)
def test_a_class_command_starts_class_mode_on_the_keys_seed(number, monkeypatch):
    """The class is served (not really: serve is replaced) with the scenario and seed of the key's baseline."""
    import inspect

    from model.cli import build_parser
    from model.teaching import classroom_web

    sheet = SHEETS[number]
    baseline = [m for m in sheet.measure if m.statistic == "value"]
    assert baseline, "a class exercise's key holds the model-only run of the class's seed"
    default_seed = inspect.signature(classroom_web.serve).parameters["seed"].default
    assert {(m.scenario, m.seed) for m in baseline} == {(baseline[0].scenario, default_seed)}
    served = []
    monkeypatch.setattr(classroom_web, "serve", lambda *args, **kw: served.append((args, kw)))
    uvicorn = pytest.importorskip("uvicorn", reason="class mode serves with uvicorn (the app extra)")

    def never(*args, **kw):  # were serve bound by name elsewhere, the test must fail, not serve for ever
        raise AssertionError("the class command served a class: it must call model.classroom_web.serve")

    monkeypatch.setattr(uvicorn.Server, "run", never)
    monkeypatch.setattr("model.app.serve.check_port", lambda host, port: None)  # a class on 8765 here is no failure
    for command in (c for c in sheet.commands if c.startswith("peninsula app ")):
        argv = shlex.split(command)[1:]
        build_parser().parse_args(argv)  # the worksheet's command is one the CLI takes
        assert main(argv) == 0, command
        (args, kw), *_ = served
        named = dict(zip(("scenario", "host", "port", "deadline"), args, strict=False)) | kw
        assert named["scenario"] == baseline[0].scenario and named.get("seed", default_seed) == default_seed
        assert named["deadline"] == float(argv[argv.index("--deadline") + 1])


def test_the_students_sheet_has_no_key_and_the_key_says_where_its_numbers_come_from(capsys):
    assert main(["exercise", "show", "1"]) == 0
    sheet = capsys.readouterr().out
    assert "Questions:" in sheet and "Key to" not in sheet and "Computed from" not in sheet
    assert main(["exercise", "key", "why-hanoi-failed"]) == 0
    key = capsys.readouterr().out
    assert "Computed from:" in key and "[holds]" in key


def test_a_key_whose_claim_fails_says_so():
    sheet = SHEETS[1].model_copy(
        update={"check": (exercises.Check(left="hanoi_no_deal", op="<", right=0.5, says="Hanoi mostly succeeds"),)}
    )
    text, holds = exercises.teacher_key(sheet, values(1))
    assert not holds and "NO LONGER HOLDS" in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["exercise", "show", "99"], "no such exercise"),
        (["exercise", "key", "no-such-sheet"], "no such exercise"),
        (["exercise", "show"], "name an exercise"),
    ],
)
def test_an_unknown_exercise_is_a_clear_error(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


VALID = (
    'number = 1\nid = "x"\ntitle = "t"\ngoal = "g"\ncommands = ["peninsula run x"]\nquestions = ["q"]\n'
    'key = "{a:.2f}"\n'
)
MEASURE = '[[measure]]\nname = "a"\nscenario = "x"\nstatistic = "mean"\ncolumn = "tests"\n'


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("number = [", "not a readable worksheet"),
        ("surprise = 2\n" + VALID + MEASURE, "surprise"),
        (VALID.replace("{a:.2f}", "{nothing}") + MEASURE, "nothing"),
        (VALID.replace("peninsula run x", "rm -rf /") + MEASURE, "must start with 'peninsula '"),
        (VALID.replace("{a:.2f}", "{a.__class__}") + MEASURE, "a.__class__"),
        (VALID + MEASURE.replace('"mean"', '"share"'), "a share needs the value"),
        (VALID, "measure"),
    ],
)
def test_a_bad_worksheet_file_names_the_file_and_the_problem(text, field, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(InputError) as err:
        exercises.load(path)
    assert str(path) in str(err.value) and field in str(err.value)
