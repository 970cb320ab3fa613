"""The class session: codes, turns, the teacher's step, the deadline on an injected clock, and a log that replays."""

from __future__ import annotations

import io
import json
import threading
from itertools import count

import pytest

from model.core.domain import Actor
from model.results.manifest import monthly_table, row
from model.results.outcomes import outcomes
from model.results.runs import run_one
from model.scenario.loader import load_scenario
from model.teaching.classroom import CODE_LETTERS, ClassSession, Refused
from model.teaching.terminal import read_log, replay


class Clock:
    """Seconds that pass only when a test says so."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _session(scenario: str = "hanoi-2019", seed: int = 0, months: int | None = None, **kw) -> ClassSession:
    return ClassSession(load_scenario(scenario), scenario, seed=seed, months=months, **kw)


def _code(session: ClassSession, actor: Actor) -> str:
    return session.seats[actor].code


def _answer_as_model(session: ClassSession) -> None:
    """Answer whatever waits with the option the seat's own profile would choose."""
    waiting = session.waiting
    session.answer(_code(session, waiting.prompt.actor), waiting.ticket, session.run.default(waiting.prompt).name)


def test_each_seat_has_its_own_code_and_the_code_is_the_only_way_in():
    session = _session()
    codes = [s.code for s in session.seats.values()]
    assert len(set(codes)) == 6 and all(len(c) == 6 and set(c) <= set(CODE_LETTERS) for c in codes)
    assert session.join(f"  {_code(session, Actor.DPRK).lower()} ") is Actor.DPRK  # as typed from a projector
    for wrong in ["", "ZZZZZZ", _code(session, Actor.US)[:-1], "US"]:
        with pytest.raises(Refused, match="no seat has that code"):
            session.join(wrong)
    assert [a for a, s in session.seats.items() if s.held] == [Actor.DPRK]


def test_the_same_code_drawn_twice_still_gives_six_different_codes():
    drawn = iter(["AAAAAA", "AAAAAA", "BBBBBB", "CCCCCC", "CCCCCC", "DDDDDD", "EEEEEE", "FFFFFF"])
    session = _session(codes=lambda: next(drawn))
    assert [s.code for s in session.seats.values()] == ["AAAAAA", "BBBBBB", "CCCCCC", "DDDDDD", "EEEEEE", "FFFFFF"]


def test_a_student_who_reconnects_gets_the_seat_and_its_open_decision_back():
    session = _session()
    session.join(_code(session, Actor.US))
    session.start()
    ticket = session.waiting.ticket
    assert session.waiting.prompt.actor is Actor.US
    assert session.join(_code(session, Actor.US)) is Actor.US  # the page reloads, or another browser
    assert session.waiting.ticket == ticket and session.seats[Actor.US].held
    session.answer(_code(session, Actor.US), ticket, "phased_relief")
    assert session.choices[-1] == {
        "month": 1,
        "decision": "propose",
        "actor": "US",
        "chosen": "phased_relief",
        "by": "student",
    }


def test_the_run_waits_for_every_students_seat_and_moves_on_for_nobody_else():
    session = _session(clock=Clock())
    session.join(_code(session, Actor.US))
    session.join(_code(session, Actor.DPRK))
    session.start()
    asked = []
    while session.waiting.prompt.month == 1:
        for _ in range(3):  # polls, and the other seat trying out of turn, move nothing
            session.tick()
            other = Actor.DPRK if session.waiting.prompt.actor is Actor.US else Actor.US
            with pytest.raises(Refused, match="no longer open"):
                session.answer(_code(session, other), session.waiting.ticket, "accept")
        assert session.run.model.state.month == 0, "month 1 is not over while a student has not answered"
        asked.append(session.waiting.prompt.actor)
        _answer_as_model(session)
    assert set(asked) == {Actor.US, Actor.DPRK}, "both students decide in month 1 at Hanoi"
    assert session.run.model.state.month == 1, "with both answered, month 1 ended and the run went on"
    assert all(c["by"] == "model" and c["why"] == "empty" for c in session.choices if c["actor"] in ("CHN", "RUS"))


def test_an_answer_out_of_turn_stale_or_not_an_option_is_refused():
    session = _session()
    session.join(_code(session, Actor.US))
    with pytest.raises(Refused, match="no longer open"):
        session.answer(_code(session, Actor.US), 1, "big_deal")  # the run has not started
    session.start()
    ticket = session.waiting.ticket
    with pytest.raises(Refused, match="not one of the options"):
        session.answer(_code(session, Actor.US), ticket, "moon_treaty")
    with pytest.raises(Refused, match="join the DPRK seat first"):
        session.answer(_code(session, Actor.DPRK), ticket, "accept")
    session.answer(_code(session, Actor.US), ticket, "big_deal")
    with pytest.raises(Refused, match="no longer open"):
        session.answer(_code(session, Actor.US), ticket, "big_deal")  # the same answer, sent twice


def test_many_browsers_answering_at_once_are_taken_once():
    session = _session()
    session.join(_code(session, Actor.US))
    session.start()
    ticket, taken, refused = session.waiting.ticket, [], []

    def send() -> None:
        try:
            session.answer(_code(session, Actor.US), ticket, "big_deal")
            taken.append(1)
        except Refused:
            refused.append(1)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert (len(taken), len(refused)) == (1, 7)
    assert sum(c["by"] == "student" for c in session.choices) == 1


def test_the_teachers_step_answers_for_the_waiting_seat_as_its_profile_would():
    session = _session()
    session.join(_code(session, Actor.US))
    session.step()  # the first step starts the run
    assert session.started and session.waiting.prompt.actor is Actor.US
    prompt = session.waiting.prompt
    expected = session.run.default(prompt).name
    session.step()
    assert session.choices[-1] == {
        "month": prompt.month,
        "decision": prompt.decision.value,
        "actor": "US",
        "chosen": expected,
        "by": "model",
        "why": "step",
    }
    assert session.waiting is None or session.waiting.prompt is not prompt


def test_a_deadline_that_runs_out_lets_the_model_answer_and_the_log_says_so():
    clock = Clock()
    session = _session(clock=clock, deadline=30)
    session.join(_code(session, Actor.US))
    session.start()
    first = session.waiting
    clock.now = 29.5
    session.tick()
    assert session.waiting is first and session.seconds_left() == pytest.approx(0.5)
    clock.now = 30.0
    session.tick()
    assert session.choices[-1]["by"] == "model" and session.choices[-1]["why"] == "late"
    assert session.choices[-1]["chosen"] == session.run.default(first.prompt).name
    assert session.seats[Actor.US].late == 1
    second = session.waiting
    assert second.prompt is not first.prompt and second.since == 30.0, "the next decision gets its own time"
    with pytest.raises(Refused, match="no longer open"):  # the late answer arrives after all
        session.answer(_code(session, Actor.US), first.ticket, "phased_relief")
    session.set_deadline(None)
    clock.now = 10_000.0
    session.tick()
    assert session.waiting is second, "without a deadline the run waits as long as it takes"
    session.set_deadline(5)  # counted from when the decision was asked: long past
    assert session.waiting is not second and session.seats[Actor.US].late == 2
    for bad in (0, -3):
        with pytest.raises(Refused, match="above 0"):
            session.set_deadline(bad)


@pytest.mark.parametrize(("scenario", "months", "held"), [("six-party-revival", 12, tuple(Actor))])
def test_students_answering_as_the_model_would_give_exactly_the_model_only_run(scenario, months, held):
    session = _session(scenario, seed=4, months=months)
    for actor in held:
        session.join(_code(session, actor))
    session.start()
    students = count()
    while session.waiting is not None:
        _answer_as_model(session)
        next(students)
    alone = run_one(load_scenario(scenario), 4, months)
    assert session.ended and next(students) > 20
    assert row(outcomes(session.run.model)) == row(outcomes(alone))
    assert monthly_table(session.run.model).equals(monthly_table(alone))
    assert {c["actor"] for c in session.choices if c["by"] == "student"} == {a.value for a in Actor}


def test_with_no_student_the_run_is_the_model_only_run():
    session = _session("hanoi-2019", seed=2)
    session.start()
    assert session.ended and session.outcome() == json.loads(
        json.dumps(row(outcomes(run_one(load_scenario("hanoi-2019"), 2))))
    )
    assert all(c["why"] == "empty" for c in session.choices)


def _played(clock: Clock) -> ClassSession:
    """A class at Hanoi: the US and DPRK held, one answer late, one stepped by the teacher, the rest answered."""
    session = _session(clock=clock, deadline=60)
    session.join(_code(session, Actor.US))
    session.join(_code(session, Actor.DPRK))
    session.start()
    session.answer(_code(session, Actor.US), session.waiting.ticket, "phased_relief")
    clock.now += 61
    session.tick()
    session.step()
    while session.waiting is not None:
        prompt = session.waiting.prompt
        session.answer(_code(session, prompt.actor), session.waiting.ticket, prompt.options[-1].name)
    return session


def test_the_exported_log_replays_the_class_exactly(tmp_path):
    session = _played(Clock())
    record = session.log()
    assert record["version"] == 2 and record["complete"] and record["deadline"] == 60
    assert record["seats"] == {"US": "student", "DPRK": "student", "RUS": "model", "CHN": "model"} | {
        "ROK": "model",
        "JPN": "model",
    }
    assert [c.get("why") for c in record["choices"] if c["actor"] in ("US", "DPRK")][:3] == [None, "late", "step"]
    path = tmp_path / "class.json"
    path.write_text(json.dumps(record))
    assert read_log(path)["choices"] == record["choices"]
    out = io.StringIO()
    assert replay(path, out) == 0
    shown = out.getvalue()
    assert "ends exactly as the logged session did" in shown
    assert "chosen by US's student" in shown and "the student's time ran out" in shown
    assert "the teacher stepped the run on" in shown


def test_a_log_exported_mid_class_replays_to_where_the_class_stopped(tmp_path):
    session = _session()
    session.join(_code(session, Actor.DPRK))
    session.start()
    record = session.log()
    assert record["complete"] is False and record["outcome"] is None
    path = tmp_path / "part.json"
    path.write_text(json.dumps(record))
    out = io.StringIO()
    assert replay(path, out) == 0 and "stopped in month 1" in out.getvalue()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda r: r.update(seats={"US": "student"}), "seats"),
        (lambda r: r["seats"].update(US="robot"), "seats"),
        (lambda r: r.update(deadline=-1), "deadline"),
        (lambda r: r["choices"][0].update(actor="FRA"), "choices[0].actor"),
        (lambda r: r["choices"][0].update(by="robot"), "choices[0].by"),
        (lambda r: r["choices"][0].update(by="model", why="bored"), "choices[0].why"),
        (lambda r: r["choices"][0].update(actor="RUS"), "does not fit this run"),
    ],
)
def test_a_bad_class_log_is_refused_with_its_field_named(change, field, tmp_path):
    from model.core.errors import InputError

    record = _played(Clock()).log()
    assert record["choices"][0]["actor"] == "CHN"  # the month opens with enforcement
    change(record)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(record))
    with pytest.raises(InputError, match=field.replace("[", r"\[").replace("]", r"\]")):
        replay(path, io.StringIO())


# ------------------------------------------------------------------ what the pages read (no server, no browser)
def test_a_students_page_shows_its_turn_with_its_own_values_and_the_others_wait():
    from model.teaching.classroom_web import student_state

    clock = Clock()
    session = _session(clock=clock, deadline=45)
    session.join(_code(session, Actor.US))
    session.join(_code(session, Actor.DPRK))
    us = student_state(session, _code(session, Actor.US))
    assert not us["started"] and us["turn"] is None
    session.start()
    clock.now = 5.0
    us = student_state(session, _code(session, Actor.US))
    dprk = student_state(session, _code(session, Actor.DPRK))
    prompt = session.waiting.prompt
    assert us["turn"]["ticket"] == session.waiting.ticket and us["turn"]["seconds_left"] == 40.0
    assert [(o["name"], o["value"]) for o in us["turn"]["options"]] == [
        (o.name, round(o.value, 3)) for o in prompt.options
    ]
    assert dprk["turn"] is None and dprk["waiting_for"] == "US"
    assert "you are DPRK" in dprk["situation"] and "Feb 2019 (month 1)" in dprk["situation"]
    assert "Hanoi summit." in " ".join(us["timeline"])
    clock.now = 45.0
    session.tick()
    told = student_state(session, _code(session, Actor.US))["answered_for_you"]
    assert told.startswith("The model answered your last decision (propose) for you") and "time ran out" in told
    with pytest.raises(Refused):
        student_state(session, "NOPE00")


def test_the_teachers_page_shows_codes_connections_and_whom_the_run_waits_for():
    from model.teaching.classroom_web import CONNECTED_SECONDS, teacher_state

    clock = Clock()
    session = _session(clock=clock)
    session.join(_code(session, Actor.US))
    session.start()
    clock.now = CONNECTED_SECONDS / 2
    session.seen(_code(session, Actor.US))
    view = teacher_state(session)
    seats = {s["actor"]: s for s in view["seats"]}
    assert {a: s["code"] for a, s in seats.items()} == {a.value: s.code for a, s in session.seats.items()}
    assert seats["US"]["held"] and seats["US"]["connected"] and seats["US"]["waiting"]
    assert not seats["DPRK"]["held"] and not seats["DPRK"]["connected"]
    assert view["waiting"]["actor"] == "US" and view["month"] == 1 and view["months_done"] == 0
    clock.now += CONNECTED_SECONDS + 1
    assert not {s["actor"]: s for s in teacher_state(session)["seats"]}["US"]["connected"]
    session.step()
    while session.waiting is not None:
        session.step()
    done = teacher_state(session)
    assert done["ended"] and done["answered"] == {"student": 0, "late": 0, "step": 3}
    assert done["outcome"].startswith("Outcome:") and done["model_alone"].startswith("Outcome:")


def test_a_port_in_use_or_a_bad_deadline_is_a_clear_error():
    import socket

    from model.core.errors import InputError
    from model.teaching.classroom_web import bind, serve

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with pytest.raises(InputError, match=rf"--port: cannot serve on 127.0.0.1:{port}"):
            bind("127.0.0.1", port)
    with pytest.raises(InputError, match="--deadline"):
        serve("hanoi-2019", "127.0.0.1", 0, -5)
    with pytest.raises(InputError, match="no-such-scenario"):
        serve("no-such-scenario", "127.0.0.1", 0, None)


@pytest.mark.parametrize("seconds", [0, -5, float("inf"), float("nan")])
def test_a_deadline_must_be_a_finite_number_of_seconds_above_zero(seconds):
    """An infinite deadline would break every page's JSON; zero or less would expire at once."""
    with pytest.raises(Refused, match="finite number of seconds above 0"):
        _session(deadline=seconds)
    session = _session()
    with pytest.raises(Refused, match="finite number of seconds above 0"):
        session.set_deadline(seconds)
    assert session.deadline is None
