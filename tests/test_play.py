"""The seat a person plays: same answers, same run; piped input through the real command; logs and replay."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from model.agents.policies import Decision, ScriptedPolicy, default_policy
from model.core.domain import Actor
from model.results.manifest import row
from model.results.outcomes import outcomes
from model.scenario.loader import load_scenario
from model.simulation import PeninsulaModel
from model.teaching.play import Prompt, Session

PENINSULA = [sys.executable, "-m", "model.cli"]


def _like(policy):
    """An answer function that picks what ``policy`` would have picked, by the option's index."""

    def answer(prompt: Prompt, news: list[str]) -> int:
        index = int(policy.decide(prompt.view).index[0])
        return [o.index for o in prompt.options].index(index)

    return answer


@pytest.mark.parametrize(
    ("scenario", "actor", "script"),
    [
        ("hanoi-2019", Actor.US, {Decision.PROPOSE: "phased_relief"}),
        ("hanoi-2019", Actor.DPRK, {Decision.ACCEPT: "accept"}),
        ("baseline-2019", Actor.CHN, {Decision.ENFORCE: "less"}),
        ("baseline-2019", Actor.ROK, {Decision.EXERCISE: "hold"}),
    ],
)
def test_a_seat_answering_as_a_script_gives_the_scripts_run(scenario, actor, script):
    spec = load_scenario(scenario)
    scripted = ScriptedPolicy("script", script)
    session = Session(spec, actor, seed=3, months=12)
    assert session.play(_like(scripted))
    model = PeninsulaModel(spec, rng=3, months=12, policies={actor: scripted})
    model.run_for(model.months)
    assert row(outcomes(session.model)) == row(outcomes(model))
    assert np.array_equal(session.model.state.ideal, model.state.ideal)


def test_a_seat_answering_as_the_model_gives_the_models_run():
    spec = load_scenario("baseline-2019")
    session = Session(spec, Actor.US, seed=5, months=18)
    assert session.play(_like(default_policy()))
    alone = PeninsulaModel(spec, rng=5, months=18)
    alone.run_for(alone.months)
    assert row(outcomes(session.model)) == row(outcomes(alone))
    assert session.choices, "the US is asked something in 18 months of talks"


def test_different_answers_make_a_different_run():
    spec = load_scenario("hanoi-2019")
    signs = Session(spec, Actor.DPRK, seed=1)
    signs.play(
        lambda prompt, news: (
            [o.name for o in prompt.options].index("accept") if prompt.decision is Decision.ACCEPT else 0
        )
    )
    refuses = Session(spec, Actor.DPRK, seed=1)
    refuses.play(
        lambda prompt, news: (
            [o.name for o in prompt.options].index("reject") if prompt.decision is Decision.ACCEPT else 0
        )
    )
    assert row(outcomes(signs.model))["deal_reached"] and not row(outcomes(refuses.model))["deal_reached"]


def test_options_carry_the_actors_own_values_on_the_one_scale():
    spec = load_scenario("hanoi-2019")
    seen: list[Prompt] = []

    def answer(prompt, news):
        seen.append(prompt)
        return 0

    Session(spec, Actor.DPRK, seed=1).play(answer)
    accept = next(p for p in seen if p.decision is Decision.ACCEPT)
    values = {o.name: o.value for o in accept.options}
    expected = accept.view.options
    assert values["accept"] == pytest.approx(float(expected["accept"][0]))
    assert values["reject"] == pytest.approx(float(expected["reject"][0]))
    assert all(np.isfinite(o.value) for p in seen for o in p.options if o.name != "none")


def _play(args, text, tmp_path):
    return subprocess.run(
        [*PENINSULA, "play", *args], input=text, capture_output=True, text=True, cwd=tmp_path, timeout=300
    )


@pytest.mark.parametrize("actor", [a.value for a in Actor])
def test_every_seat_plays_through_bad_input_to_a_debrief_and_its_log_replays(actor, tmp_path):
    """Each of the six seats, in a case where every one decides (E5: six-party talks, a deal, Japan's aid)."""
    log = tmp_path / "session.json"
    bad = "abc\n99\n\n"  # letters, out of range, an empty line: each asks again
    args = ["history/initial-actions-2007", "--as", actor, "--runs", "20", "--seed", "2", "--log", str(log)]
    done = _play(args, bad + "2\n" * 200, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Debrief" in done.stdout and "Traceback" not in done.stdout + done.stderr
    assert done.stdout.count("type a number from 1 to") == 3
    record = json.loads(log.read_text())
    assert record["complete"] and record["choices"], "the seat decided at least once"
    shown = subprocess.run([*PENINSULA, "replay", str(log)], capture_output=True, text=True, timeout=300)
    assert shown.returncode == 0, shown.stderr
    assert "ends exactly as the logged session did" in shown.stdout


def test_bad_answers_ask_again_and_end_of_input_saves_the_log(tmp_path):
    log = tmp_path / "session.json"
    done = _play(["hanoi-2019", "--as", "dprk", "--seed", "1", "--log", str(log)], "abc\n0\n99\n\n", tmp_path)
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert done.stdout.count("type a number from 1 to") == 4
    assert "stopped in month 1" in done.stdout
    record = json.loads(log.read_text())
    assert record["complete"] is False and record["choices"] == [] and record["version"] == 1


def test_a_logged_session_replays_to_the_same_outcome(tmp_path):
    log = tmp_path / "session.json"
    answers = "2\n1\n1\n1\n2\n1\n" + "1\n" * 100
    played = _play(["hanoi-2019", "--as", "US", "--seed", "1", "--log", str(log), "--runs", "20"], answers, tmp_path)
    assert played.returncode == 0, played.stderr
    record = json.loads(log.read_text())
    assert record["complete"] and record["choices"] and record["outcome"]["outcome_class"]
    _play(
        ["hanoi-2019", "--as", "US", "--seed", "1", "--log", str(tmp_path / "b.json"), "--runs", "20"],
        answers,
        tmp_path,
    )
    assert json.loads((tmp_path / "b.json").read_text())["choices"] == record["choices"]
    shown = subprocess.run([*PENINSULA, "replay", str(log)], capture_output=True, text=True, timeout=300)
    assert shown.returncode == 0, shown.stderr
    assert "ends exactly as the logged session did" in shown.stdout
    for choice in record["choices"]:
        assert f"month {choice['month']}" in shown.stdout


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ("not json", "cannot read it as JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"format": "other"}', "format"),
        ('{"format": "peninsula-play-log", "version": 9}', "version"),
        (
            '{"format": "peninsula-play-log", "version": 1, "scenario": "hanoi-2019", "seed": 1, "months": 3, '
            '"overrides": [], "choices": [], "seat": "FRA"}',
            "seat",
        ),
        (
            '{"format": "peninsula-play-log", "version": 1, "scenario": "hanoi-2019", "seed": 1, "months": 3, '
            '"overrides": [], "seat": "US", "complete": true, "choices": [{"month": 1, "decision": "fly", '
            '"chosen": "x"}]}',
            "choices[0].decision",
        ),
        (
            '{"format": "peninsula-play-log", "version": 1, "scenario": "hanoi-2019", "seed": 1, "months": 3, '
            '"overrides": [], "seat": "US", "complete": true, "choices": [{"month": 1, "decision": "propose", '
            '"chosen": "moon_treaty"}]}',
            "does not fit this run",
        ),
        (
            '{"format": "peninsula-play-log", "version": 1, "scenario": "no-such-scenario", "seed": 1, "months": 3, '
            '"overrides": [], "seat": "US", "complete": true, "choices": []}',
            "no-such-scenario",
        ),
        (
            '{"format": "peninsula-play-log", "version": 1, "scenario": "hanoi-2019", "seed": 1, "months": 3, '
            '"overrides": [], "seat": "US", "choices": []}',
            "complete",
        ),
    ],
)
def test_a_bad_log_is_refused_with_its_field_named(content, field, tmp_path):
    log = tmp_path / "bad.json"
    log.write_text(content)
    done = subprocess.run([*PENINSULA, "replay", str(log)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert field in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["hanoi-2019", "--as", "FRA"], "invalid choice"),
        (["hanoi-2019"], "--as"),
        (["no-such-scenario", "--as", "US"], "no-such-scenario"),
        (["hanoi-2019", "--as", "US", "--set", "actors.XYZ.profile=default"], "XYZ"),
    ],
)
def test_bad_play_arguments_get_a_clear_error(args, message, tmp_path):
    done = _play(args, "", tmp_path)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


def test_the_session_shown_in_docs_play_is_what_the_command_prints(tmp_path):
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "PLAY.md").read_text()
    blocks = [b.split("```", 1)[0] for b in doc.split("```text\n")[1:]]
    assert len(blocks) == 2
    done = _play(["hanoi-2019", "--as", "US", "--seed", "1", "--runs", "200"], "2\n2\n1\n1\n1\n", tmp_path)
    for block in blocks:
        for text in block.strip().splitlines():
            assert text in done.stdout
