"""The browser app without a browser: its controls are ``--set`` keys, its seat is the terminal's, its errors are clean.

The page itself is driven in a real browser in tests/test_app_browser.py.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from model.app import controls
from model.app.run import AppModel, fan
from model.core.domain import Actor
from model.results.manifest import row
from model.results.outcomes import outcomes
from model.scenario.loader import load_scenario
from model.simulation import PeninsulaModel
from model.teaching.terminal import log_record

PENINSULA = [sys.executable, "-m", "model.cli"]


def _start(scenario: str = "hanoi-2019") -> tuple[tuple[str, object], ...]:
    return tuple(controls.start_values(load_scenario(scenario)).items())


def _moved(control: controls.Control, now):
    """A value of ``control`` other than ``now``."""
    if control.kind == "unit":
        return 0.05 if now != 0.05 else 0.95
    if control.kind == "flag":
        return not now
    return next(choice for choice in reversed(control.choices) if choice != now)


# ------------------------------------------------------------------ controls are --set keys
def test_controls_left_where_they_started_set_nothing():
    start = dict(_start())
    model = AppModel("hanoi-2019", start=tuple(start.items()), **start)
    assert model.error is None and model.overrides == []
    assert model.command() == "peninsula run hanoi-2019 --seed 0"


@pytest.mark.parametrize("control", controls.CONTROLS, ids=lambda c: c.name)
def test_each_control_sets_its_scenario_key(control):
    start = dict(_start())
    value = _moved(control, start[control.name])
    model = AppModel("hanoi-2019", start=tuple(start.items()), **{control.name: value})
    assert model.error is None, model.error
    assert model.overrides == [f"{control.key}={controls.text_of(value)}"]
    assert controls.value_at(model.spec, control.key) == value
    assert controls.value_at(load_scenario("hanoi-2019"), control.key) != value


def test_a_control_at_its_start_keeps_the_chosen_scenarios_own_value():
    """Launched on hanoi-2019, switched to maximum-pressure: untouched sliders do not carry Hanoi's values over."""
    start = _start("hanoi-2019")
    model = AppModel("maximum-pressure", start=start, **dict(start))
    assert model.overrides == []
    assert model.spec == load_scenario("maximum-pressure")


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"extra": "sanctions.enforcement.CHN.coal=2"}, "sanctions.enforcement.CHN.coal"),
        ({"extra": "talks.no_such_key=1"}, "no_such_key"),
        ({"seed": "minus one"}, "seed"),
        ({"seed": str(2**64)}, "seed"),
        ({"seat": "UN"}, "seat"),
        ({"scenario_name": "no-such-scenario"}, "no such file or shipped scenario"),
    ],
)
def test_a_bad_setting_is_named_and_nothing_runs(settings, named):
    model = AppModel(**settings)
    assert model.error is not None and named in model.error
    model.step()
    model.run_on()
    assert model.month == 0 and not model.running


def test_the_extra_box_takes_several_settings_validated_by_the_loader():
    model = AppModel("hanoi-2019", extra="talks.mediation=true;\n sanctions.enforcement.RUS.laborers=0.1 ")
    assert model.error is None
    assert model.spec.talks.mediation is True
    assert controls.value_at(model.spec, "sanctions.enforcement.RUS.laborers") == 0.1
    assert "--set sanctions.enforcement.RUS.laborers=0.1" in model.command()


# ------------------------------------------------------------------ stepping and the seat
def test_step_is_one_month_and_run_on_goes_to_the_end():
    model = AppModel("baseline-2019", seed="4")
    model.step()
    assert model.month == 1 and not model.finished
    model.run_on()
    assert model.finished and model.month == 48 and not model.running
    alone = PeninsulaModel("baseline-2019", rng=4, narrate=True)
    alone.run_for(alone.months)
    assert row(outcomes(model.run)) == row(outcomes(alone))
    assert model.timeline() and "Outcome:" in model.outcome()


def _as_the_model(model: AppModel) -> int:
    """The position of the option the seat's own profile would choose (what the model-only run does)."""
    index = int(model.session.seat.fallback.decide(model.prompt.view).index[0])
    return [o.index for o in model.prompt.options].index(index)


@pytest.mark.parametrize("actor", list(Actor), ids=lambda a: a.value)
def test_a_seat_answering_as_the_model_gives_the_model_only_run(actor):
    model = AppModel("baseline-2019", seed="6", seat=actor.value)
    asked = 0
    while not model.finished:
        model.step()
        while model.prompt is not None:
            model.step()  # waiting: a step does nothing until the seat answers
            assert model.prompt is not None
            model.answer(_as_the_model(model))
            asked += 1
    alone = PeninsulaModel("baseline-2019", rng=6)
    alone.run_for(alone.months)
    assert row(outcomes(model.run)) == row(outcomes(alone))
    assert asked == len(model.session.choices)
    assert asked > 0 or actor is Actor.ROK, "every seat but the ROK's (exercises suspended) is asked in four years"


def test_a_choice_unlike_the_models_changes_the_run_and_shows_in_the_timeline():
    """Seed 0 of hanoi-2019: the DPRK alone rejects the US's big deal; the student in its seat signs it."""
    model = AppModel("hanoi-2019", seed="0", seat="DPRK")
    model.step()
    assert model.prompt is not None and model.prompt.decision.value == "accept"
    model.answer([o.name for o in model.prompt.options].index("accept"))
    while not model.finished:
        model.run_on()
        if model.prompt is not None:
            model.answer(_as_the_model(model))
    assert "DPRK accepts" in model.timeline() and "Signed in bilateral talks: big deal" in model.timeline()
    alone = PeninsulaModel("hanoi-2019", rng=0, narrate=True)
    alone.run_for(alone.months)
    assert row(outcomes(model.run))["package"] == "big_deal" != row(outcomes(alone))["package"]


def test_a_browser_session_log_replays_in_the_terminal(tmp_path):
    model = AppModel("hanoi-2019", seed="1", seat="US", extra="talks.mediation=true")
    while not model.finished:
        model.run_on()
        if model.prompt is not None:
            model.answer(len(model.prompt.options) - 1)
    outcome = json.loads(json.dumps(row(outcomes(model.run)), default=str))
    log = tmp_path / "app.json"
    log.write_text(json.dumps(log_record(model.session, model.scenario_name, model.overrides, outcome), default=str))
    shown = subprocess.run([*PENINSULA, "replay", str(log)], capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0, shown.stderr
    assert "ends exactly as the logged session did" in shown.stdout


def test_the_fan_summary_is_the_command_lines(cli):
    spec = load_scenario("hanoi-2019", ["sanctions.enforcement.RUS.coal=0.1"])
    figure, summary = fan(spec, 3, 60)
    assert len([ax for ax in figure.axes if ax.get_title()]) == 8
    done = cli(
        "run", "hanoi-2019", "--seed", "3", "--replications", "60", "--set", "sanctions.enforcement.RUS.coal=0.1"
    )
    assert done.returncode == 0, done.stderr
    assert summary.strip() in done.stdout


# ------------------------------------------------------------------ peninsula app: bad input through the real command
def _app(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*PENINSULA, "app", *args], capture_output=True, text=True, timeout=60, env=env or os.environ.copy()
    )


def _one_clean_line(done: subprocess.CompletedProcess, fragment: str) -> None:
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("peninsula: error:") and fragment in lines[0], done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_app_with_an_unknown_scenario_is_a_clean_error():
    _one_clean_line(_app("no-such-scenario", "--port", "1"), "no such file or shipped scenario")


def test_app_on_a_port_in_use_is_a_clean_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        _one_clean_line(_app("--port", str(port)), f"cannot listen on 127.0.0.1:{port}")


def test_app_without_solara_names_the_extra(tmp_path: Path):
    (tmp_path / "sitecustomize.py").write_text("import sys\nsys.modules['solara'] = None  # as if not installed\n")
    env = os.environ | {"PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    _one_clean_line(_app("--port", "1", env=env), 'pip install -e ".[app]"')


def test_deadline_belongs_to_class_mode():
    _one_clean_line(_app("--deadline", "30"), "--deadline")


# ------------------------------------------------------------------ the seat's panel, rendered without a browser
def test_the_seat_panel_takes_a_click_as_the_choice():
    solara = pytest.importorskip("solara")
    import ipyvuetify as v

    from model.app.page import SeatPanel

    model = AppModel("hanoi-2019", seed="0", seat="DPRK")
    model.step()
    _box, rc = solara.render(SeatPanel(model), handle_error=False)
    label = next(f"{n}. {o.label}" for n, o in enumerate(model.prompt.options, 1) if o.name == "accept")
    rc.find(v.Btn, children=[label]).assert_single()
    rc.find(v.Btn, children=[label]).widget.click()
    assert model.session.choices == [{"month": 1, "decision": "accept", "chosen": "accept"}]
    assert "DPRK accepts" in model.timeline()
    rc.close()


# ------------------------------------------------------------------ answers, threads and the log (review findings)
def _seated(actor: str = "US") -> AppModel:
    model = AppModel("baseline-2019", seat=actor)
    model.run_on()
    assert model.prompt is not None
    return model


def test_a_second_click_on_an_answered_prompt_answers_nothing_else():
    model = _seated()
    first = model.prompt
    assert model.answer(0, first)
    taken = list(model.session.choices)
    if model.prompt is None:
        model.run_on()
    assert model.prompt is not first
    assert not model.answer(0, first), "a click naming the old prompt must not answer the new one"
    assert model.session.choices == taken


@pytest.mark.parametrize("actor", ["US", "DPRK", "CHN", "RUS"])
def test_steps_from_another_thread_while_the_seat_answers_never_break_the_run(actor):
    """SolaraViz's play loop steps from a worker thread; the seat answers from the page's: one lock.

    (Without the lock, the two threads meet inside the month's generator in a share of these runs.)
    """
    import threading

    model = _seated(actor)
    stop = threading.Event()
    errors: list[BaseException] = []

    def play_loop() -> None:
        while not stop.is_set():
            try:
                model.step()
            except BaseException as err:  # any error here is the failure under test
                errors.append(err)
                return

    import sys

    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns as often as they can: a race, if there is one, shows
    worker = threading.Thread(target=play_loop)
    worker.start()
    try:
        for _ in range(4000):
            with model.lock:
                prompt = model.prompt
            if prompt is not None:
                model.answer(0, prompt)
            elif model.finished:
                break
    finally:
        stop.set()
        worker.join()
        sys.setswitchinterval(switch)
    assert errors == []
    model.run_on()
    while model.prompt is not None:
        model.answer(0, model.prompt)
        model.run_on()
    assert model.finished


def test_a_session_finished_in_the_app_is_logged_complete():
    model = AppModel("hanoi-2019", seat="US")
    model.run_on()
    while model.prompt is not None:
        model.answer(0, model.prompt)
        model.run_on()
    assert model.finished and model.session.complete


def test_the_page_address_chooses_the_scenario():
    assert controls.chosen_scenario("scenario=maximum-pressure", "hanoi-2019") == "maximum-pressure"
    assert controls.chosen_scenario("", "hanoi-2019") == "hanoi-2019"
