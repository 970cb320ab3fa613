"""``peninsula play`` and ``peninsula replay``: the seat in a terminal, its log, and the debrief.

Input is read line by line, so a session can be piped (a class exercise, a
test): an answer that is not the number of an option asks again; the end of
input (or ``q``) ends the session cleanly, with the log saved. The log is JSON
(:data:`LOG_FORMAT`, version :data:`LOG_VERSION`, documented in docs/PLAY.md):
the scenario, seat, seed and months, every choice by name, and the outcome, so
that ``peninsula replay`` can run the same session again and show it. A class
played in the browser (:mod:`model.teaching.classroom`) writes version
:data:`CLASS_LOG_VERSION` of the same format: six seats, and for each choice
the actor and whether a student or the model made it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from model.agents.policies import Decision
from model.core.domain import Actor
from model.core.errors import InputError
from model.scenario.schema import Scenario
from model.story.narrate import calendar, outcome_text
from model.teaching.play import Option, Prompt, Run, Session

LOG_FORMAT = "peninsula-play-log"
LOG_VERSION = 1  # a session with one seat (``peninsula play --log``)
CLASS_LOG_VERSION = 2  # a class with six seats (class mode, :mod:`model.teaching.classroom`): seats, and who chose
PLAYERS = ("student", "model")
MODEL_WORDS = {
    "empty": "no student held the seat",
    "late": "the student's time ran out",
    "step": "the teacher stepped the run on",
}
MODEL_REASONS = tuple(MODEL_WORDS)
DEBRIEF_RUNS = 200
VETO_PLAYERS = (Actor.US, Actor.DPRK)


# ------------------------------------------------------------------ what the seat sees
def situation(prompt: Prompt, start: str) -> str:
    """The state of the world for the seat, in a few plain lines."""
    return describe(prompt.view.state, prompt.month, prompt.actor, start)


def describe(s: Mapping[str, np.ndarray], month: int, actor: Actor, start: str) -> str:
    """The state of the world (a snapshot, replication 0) for ``actor`` in ``month``, in a few plain lines."""
    me = actor.index
    counterpart = Actor.US if actor is Actor.DPRK else Actor.DPRK
    agreement = "none in force"
    if bool(s["in_force"][0]):
        kind = "a framework" if bool(s["deal_framework"][0]) else f"step {int(s['steps_done'][0])} of"
        steps = "" if bool(s["deal_framework"][0]) else f" {int(s['deal_steps'][0])}"
        agreement = f"{kind}{steps} in force for {int(s['months_in_force'][0])} months"
    lines = [
        f"{calendar(start, month)} (month {month}), you are {actor.value}.",
        f"  Tension {s['tension'][0]:.2f}; DPRK arsenal {s['capability'][0]:.2f} of its ceiling; sanctions relief "
        f"{s['relief'][0]:.2f}; pressure on the DPRK {s['pressure'][0]:.2f}; talks format "
        f"{'six-party' if int(s['format'][0]) == 1 else 'bilateral'}; agreement: {agreement}.",
    ]
    if actor is not counterpart:
        trust = float(s["trust"][0, me, counterpart.index])
        lines.append(f"  Your trust that {counterpart.value} keeps its word: {trust:.2f}.")
    return "\n".join(lines)


def render(prompt: Prompt, news: list[str], start: str) -> str:
    """What happened since the last decision, the situation, the question, and the numbered options."""
    out = []
    if news:
        out.append("Since your last decision:")
        out += [f"  {n}" for n in news]
        out.append("")
    out.append(situation(prompt, start))
    out.append(f"{prompt.question}{note_on(prompt)}")
    for n, option in enumerate(prompt.options, 1):
        shown = "" if np.isnan(option.value) else f"   your value {option.value:+.3f}"
        out.append(f"  {n}. {option.label}{shown}")
    return "\n".join(out)


def note_on(prompt: Prompt) -> str:
    """What the values of a question mean, where that is not obvious."""
    note = ""
    if prompt.decision is Decision.ACCEPT and prompt.actor not in VETO_PLAYERS:
        note = " (only the US's and the DPRK's signatures decide; yours goes on the record)"
    if prompt.decision is Decision.PROPOSE:
        note = " (values: your expected value, with the chance that the other side signs)"
    if prompt.decision is Decision.ACCEPT:
        note += "\n  (sign: the text's value to you less the surplus your profile demands before it signs)"
    return note


def ask_lines(stream: TextIO, out: TextIO, start: str) -> Callable[[Prompt, list[str]], int | None]:
    """An answer function reading numbers from ``stream``: bad input asks again, end of input ends."""

    def answer(prompt: Prompt, news: list[str]) -> int | None:
        print(render(prompt, news, start), file=out)
        n = len(prompt.options)
        while True:
            print(f"Your choice (1-{n}, q to stop): ", end="", file=out, flush=True)
            text = stream.readline()
            if text == "" or text.strip().lower() in ("q", "quit"):
                print("", file=out)
                return None
            text = text.strip()
            if text.isdigit() and 1 <= int(text) <= n:
                print(f"-> {prompt.options[int(text) - 1].label}\n", file=out)
                return int(text) - 1
            shown = f"{text!r} is not one of the options" if text else "No answer"
            print(f"  {shown}: type a number from 1 to {n}.", file=out)

    return answer


# ------------------------------------------------------------------ the log
def log_record(session: Session, scenario: str, overrides: list[str], outcome: dict[str, Any] | None) -> dict:
    from model.results.manifest import code_record

    return {
        "format": LOG_FORMAT,
        "version": LOG_VERSION,
        "scenario": scenario,
        "overrides": list(overrides),
        "seat": session.actor.value,
        "seed": session.seed,
        "months": session.months,
        "complete": session.complete,
        "choices": session.choices,
        "outcome": outcome,
        "code": code_record(),
    }


def write_log(record: dict, path: Path) -> None:
    from model.core.errors import OutputError

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    except OSError as err:
        raise OutputError(str(path), "write the play log", err) from err


def read_log(path: Path) -> dict:
    """A play log (version 1, one seat) or a class log (version 2, six seats), checked field by field:
    every problem names the file, the field and what is allowed."""
    where = str(path)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(where, "", "no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(where, "", f"not a play log: cannot read it as JSON ({err})") from None
    if not isinstance(record, dict):
        raise InputError(where, "", "not a play log: expected a JSON object")
    if record.get("format") != LOG_FORMAT:
        raise InputError(where, "format", f"allowed: {LOG_FORMAT!r}", record.get("format"))
    version = record.get("version")
    if version not in (LOG_VERSION, CLASS_LOG_VERSION) or isinstance(version, bool):
        raise InputError(
            where, "version", f"this peninsula reads versions {LOG_VERSION} and {CLASS_LOG_VERSION}", version
        )
    _check(where, record, "scenario", str)
    _check(where, record, "seed", int)
    _check(where, record, "months", int)
    _check(where, record, "overrides", list)
    _check(where, record, "choices", list)
    seats = [a.value for a in Actor]
    if version == LOG_VERSION and record.get("seat") not in seats:
        raise InputError(where, "seat", f"allowed: {', '.join(seats)}", record.get("seat"))
    if not isinstance(record.get("complete"), bool):
        raise InputError(where, "complete", "expected true or false", record.get("complete"))
    decisions = [d.value for d in Decision]
    for i, choice in enumerate(record["choices"]):
        key = f"choices[{i}]"
        if not isinstance(choice, dict) or not isinstance(choice.get("chosen"), str):
            raise InputError(where, key, "expected an object with month, decision and chosen", choice)
        if choice.get("decision") not in decisions:
            raise InputError(where, f"{key}.decision", f"allowed: {', '.join(decisions)}", choice.get("decision"))
        if not isinstance(choice.get("month"), int) or isinstance(choice.get("month"), bool):
            raise InputError(where, f"{key}.month", "expected a whole number", choice.get("month"))
    if version == CLASS_LOG_VERSION:
        _check_class(where, record)
    return record


def _check_class(where: str, record: dict) -> None:
    """The fields a class log (version 2) adds: who held each seat, the deadline, and who made each choice."""
    seats, names = record.get("seats"), [a.value for a in Actor]
    if not isinstance(seats, dict) or sorted(seats) != sorted(names) or not set(seats.values()) <= set(PLAYERS):
        raise InputError(where, "seats", f"expected each of {', '.join(names)} mapped to student or model", seats)
    deadline = record.get("deadline")
    if deadline is not None and (not isinstance(deadline, int | float) or isinstance(deadline, bool) or deadline <= 0):
        raise InputError(where, "deadline", "expected null or a number of seconds above 0", deadline)
    for i, choice in enumerate(record["choices"]):
        key = f"choices[{i}]"
        if choice.get("actor") not in names:
            raise InputError(where, f"{key}.actor", f"allowed: {', '.join(names)}", choice.get("actor"))
        if choice.get("by") not in PLAYERS:
            raise InputError(where, f"{key}.by", f"allowed: {', '.join(PLAYERS)}", choice.get("by"))
        if choice["by"] == "model" and choice.get("why") not in MODEL_REASONS:
            raise InputError(where, f"{key}.why", f"allowed: {', '.join(MODEL_REASONS)}", choice.get("why"))


def _check(where: str, record: dict, key: str, kind: type) -> None:
    value = record.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise InputError(where, key, f"expected {kind.__name__}", value)


def _option_logged(prompt: Prompt, choice: dict, i: int, where: str) -> Option:
    """The option a logged choice names, if the choice fits the decision the replay has come to."""
    names = [o.name for o in prompt.options]
    fits = choice["month"] == prompt.month and choice["decision"] == prompt.decision.value
    fits = fits and choice.get("actor", prompt.actor.value) == prompt.actor.value
    if not fits or choice["chosen"] not in names:
        raise InputError(
            where,
            f"choices[{i}]",
            f"does not fit this run (here: month {prompt.month}, {prompt.actor.value}, {prompt.decision.value}, "
            f"options {', '.join(names)}): the scenario or the model changed since the log was saved",
            choice,
        )
    return prompt.options[names.index(choice["chosen"])]


def _shown(choice: dict, option: Option) -> str:
    """How the replay marks a choice: a class log says who made it, a student or the model, and why."""
    if "by" not in choice or choice.get("actor") is None:  # a one-seat log (version 1) says nothing of who
        return f"-> {option.label}"
    who = f"{choice['actor']}'s student" if choice["by"] == "student" else f"the model ({MODEL_WORDS[choice['why']]})"
    return f"-> {option.label} (chosen by {who})"


# ------------------------------------------------------------------ the debrief
def debrief(session: Session, runs: int) -> tuple[dict[str, Any], dict[str, Any], str]:
    """The seat's outcome against the model alone from the same seed and over ``runs`` seeds."""
    from model.results.manifest import row
    from model.results.outcomes import outcomes
    from model.results.runs import run_one, run_replications

    mine = row(outcomes(session.model))
    alone = row(outcomes(run_one(session.spec, session.seed, session.months, narrate=False)))
    many = run_replications(session.spec, session.seed, runs, session.months)
    column = f"utility_{session.actor.value}"
    classes, counts = np.unique(many["outcome_class"], return_counts=True)
    shares = {str(c): int(n) / runs for c, n in zip(classes, counts, strict=True)}
    beaten = float(np.mean(many[column] < mine[column]))
    summary = {
        "you": {"outcome_class": mine["outcome_class"], column: mine[column]},
        "model_alone_same_seed": {"outcome_class": alone["outcome_class"], column: alone[column]},
        "model_over_seeds": {"runs": runs, "outcome_shares": shares, "share_of_runs_you_beat": beaten},
    }
    name = lambda c: c.replace("_", " ")  # noqa: E731
    spread = ", ".join(f"{name(c)} {s:.0%}" for c, s in sorted(shares.items(), key=lambda kv: -kv[1]))
    text = "\n".join(
        [
            f"Debrief ({session.actor.value}, seed {session.seed}):",
            f"  you:                          {name(mine['outcome_class'])}, your realised utility {mine[column]:.3f}",
            f"  the model alone, same seed:   {name(alone['outcome_class'])}, its realised utility {alone[column]:.3f}",
            f"  the model alone, {runs} seeds: {spread}; your utility beats {beaten:.0%} of these runs",
        ]
    )
    return mine, summary, text


# ------------------------------------------------------------------ the commands
def play(
    spec: Scenario,
    scenario: str,
    overrides: list[str],
    actor: Actor,
    seed: int,
    months: int | None,
    log: Path | None,
    runs: int,
    stream: TextIO | None = None,
    out: TextIO | None = None,
) -> int:
    stream, out = stream or sys.stdin, out or sys.stdout
    start = spec.scenario.start
    session = Session(spec, actor, seed, months)
    print(f"{spec.scenario.name}: {spec.scenario.question}", file=out)
    print(
        f"You play {actor.value}; the model plays the other five. Seed {seed}, {session.months} months from "
        f"{start}.\nValues are your own expected utility on the model's one payoff scale: higher is better.\n",
        file=out,
    )
    finished = session.play(ask_lines(stream, out, start))
    outcome = None
    if finished:
        _tell(session.news(), out)
        from model.results.manifest import row
        from model.results.outcomes import outcomes

        print(outcome_text(row(outcomes(session.model)), start), file=out)
        outcome, summary, text = debrief(session, runs)
        print(f"\n{text}", file=out)
    else:
        print(f"The session stopped in month {session.month}, before the run ended.", file=out)
    if log is not None:
        record = log_record(session, scenario, overrides, outcome)
        if finished:
            record["debrief"] = summary
        write_log(record, log)
        print(f"Log saved to {log} (peninsula replay {log} shows it again).", file=out)
    return 0


def replay(path: Path, out: TextIO | None = None) -> int:
    """Run a logged session (one seat, or a class's six) again with the logged choices, showing each."""
    out = out or sys.stdout
    from model.scenario.loader import load_scenario

    record = read_log(path)
    spec = load_scenario(record["scenario"], tuple(record["overrides"]))
    start = spec.scenario.start
    is_class = record["version"] == CLASS_LOG_VERSION
    run = Run(spec, record["seed"], record["months"], tuple(Actor) if is_class else (Actor(record["seat"]),))
    who = f"a class ({_seat_words(record['seats'])})" if is_class else record["seat"]
    print(f"Replay of {path}: {who} in {spec.scenario.name}, seed {record['seed']}.\n", file=out)
    news: list[str] = []
    for i, choice in enumerate(record["choices"]):
        prompt = run.prompt()
        if prompt is None:
            raise InputError(str(path), f"choices[{i}]", "the run ended before this choice: the model changed", choice)
        news += run.news()
        option = _option_logged(prompt, choice, i, str(path))
        if choice.get("why") != "empty":  # a seat nobody held: the timeline says what the model did
            print(render(prompt, news, start), file=out)
            print(f"{_shown(choice, option)}\n", file=out)
            news = []
        run.give(option)
    return _replay_end(run, record, news, out, start)


def _replay_end(run: Run, record: dict, news: list[str], out: TextIO, start: str) -> int:
    """After the logged choices: the run should end exactly as the log says."""
    from model.results.manifest import plain, row
    from model.results.outcomes import outcomes

    prompt = run.prompt()
    if prompt is not None:
        print(render(prompt, news + run.news(), start), file=out)
        if record["complete"]:
            print(
                "The replay asks for more choices than the log holds: the model changed since it was saved.", file=out
            )
            return 1
        print(f"The logged session stopped in month {run.month}, before the run ended.", file=out)
        return 0
    _tell(news + run.news(), out)
    result = row(outcomes(run.model))
    print(outcome_text(result, start), file=out)
    if json.loads(json.dumps(plain(result))) == record.get("outcome"):
        print("\nThe replay ends exactly as the logged session did.", file=out)
    else:
        print("\nThe replay ends differently from the log: the model's code changed since it was saved.", file=out)
    return 0


def _seat_words(seats: dict[str, str]) -> str:
    return ", ".join(f"{actor} {player}" for actor, player in seats.items())


def _tell(news: list[str], out: TextIO) -> None:
    if news:
        print("Since your last decision:\n" + "\n".join(f"  {n}" for n in news) + "\n", file=out)
