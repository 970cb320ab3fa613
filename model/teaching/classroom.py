"""A class in one run: six seats of one shared run, each held by a student with a join code or played by the model.

One :class:`ClassSession` lives in the server process (not in a browser tab),
so every student and the teacher see and drive the same run. The teacher
creates it and reads a join code per seat; a student claims a seat with its
code (the code is the only way in, and entering it again after a reload gets
the seat back). The run is a :class:`model.teaching.play.Run` with a seat at every
actor: at each decision a seat nobody holds is answered at once by the
actor's own profile, as in a model-only run, and a held seat waits for its
student. The model asks one actor at a time in the month's order
(docs/ODD.md, section 3), so at most one seat waits at any moment and a
month ends only when every student has answered every decision it had in it.
The run also moves on when the teacher steps it, or when the teacher's
per-decision deadline runs out; then the seat's profile answers and the log
says so.

Nothing runs between calls: every change happens inside a public method,
under one lock, so the browser requests of many students can call it from
many threads, and a test can drive it with an injected clock and no sleeping.
The log is version :data:`~model.teaching.terminal.CLASS_LOG_VERSION` of the play
log, which ``peninsula replay`` shows again.
"""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from model.core.domain import Actor
from model.scenario.schema import Scenario
from model.teaching.play import Option, Prompt, Run

CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud and typed from a projector
CODE_LENGTH = 6


class Refused(Exception):
    """A request the class cannot take (a wrong code, an answer out of turn); the message says why."""


@dataclass
class SeatState:
    """One seat: its code, whether a student holds it, and when a browser last asked about it."""

    actor: Actor
    code: str
    held: bool = False
    ever_held: bool = False
    last_seen: float | None = None
    answers: int = 0
    late: int = 0


@dataclass(frozen=True)
class Waiting:
    """The decision the run waits for: whose it is, its number in the class (a ticket), and when it was asked."""

    prompt: Prompt
    ticket: int
    since: float


def new_code() -> str:
    """A join code: six letters and digits from the operating system's randomness (not the model's)."""
    return "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH))


@dataclass
class ClassSession:
    """The shared run of a class; every public method takes the lock.

    Args:
        spec: the scenario; ``scenario`` and ``overrides`` are how it was named (for the log and replay).
        seed, months: as for ``peninsula play``.
        deadline: seconds a student has for each decision, or None for no limit (the teacher may change it).
        clock: seconds, monotonic; injected so that tests of the deadline need no waiting.
        codes: makes the join codes (injected in tests; distinct codes are drawn until all six differ).
    """

    spec: Scenario
    scenario: str
    overrides: tuple[str, ...] = ()
    seed: int = 0
    months: int | None = None
    deadline: float | None = None
    clock: Callable[[], float] = time.monotonic
    codes: Callable[[], str] = new_code
    choices: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.lock = threading.RLock()  # public so that a page can read several things as of one moment
        self.run = Run(self.spec, self.seed, self.months, tuple(Actor))
        self.months = self.run.model.months
        self.seats = {actor: SeatState(actor, code) for actor, code in zip(Actor, self._distinct_codes(), strict=True)}
        self.started = False
        self.timeline: list[str] = []
        self._waiting: Waiting | None = None
        self._tickets = 0
        self._check_deadline(self.deadline)

    def _distinct_codes(self) -> list[str]:
        found: list[str] = []
        while len(found) < len(Actor):
            code = self.codes().strip().upper()
            if code and code not in found:
                found.append(code)
        return found

    # ------------------------------------------------------------------ students
    def join(self, code: str) -> Actor:
        """The seat whose code this is, now held by the student; again the same seat after a reload."""
        with self.lock:
            seat = self._seat(code)
            seat.held = seat.ever_held = True
            seat.last_seen = self.clock()
            return seat.actor

    def answer(self, code: str, ticket: int, option: str) -> None:
        """A student's answer to the decision ``ticket``; refused if it is not that seat's turn or not an option."""
        with self.lock:
            self._expire()
            seat = self._seat(code)
            seat.last_seen = self.clock()
            waiting = self._waiting
            if not seat.held:
                raise Refused(f"join the {seat.actor.value} seat first")
            if waiting is None or waiting.prompt.actor is not seat.actor or waiting.ticket != ticket:
                raise Refused("that decision is no longer open: the run has moved on")
            chosen = next((o for o in waiting.prompt.options if o.name == option), None)
            if chosen is None:
                names = ", ".join(o.name for o in waiting.prompt.options)
                raise Refused(f"{option!r} is not one of the options ({names})")
            seat.answers += 1
            self._give(waiting.prompt, chosen, by="student")
            self._drive()

    def seen(self, code: str) -> Actor:
        """Note that a student's browser asked about its seat (the teacher sees who is connected)."""
        with self.lock:
            self._expire()
            seat = self._seat(code)
            seat.last_seen = self.clock()
            return seat.actor

    def _seat(self, code: str) -> SeatState:
        typed = code.strip().upper()
        for seat in self.seats.values():
            if secrets.compare_digest(seat.code, typed):
                return seat
        raise Refused("no seat has that code: ask your teacher for your seat's code")

    # ------------------------------------------------------------------ the teacher
    def start(self) -> None:
        """Begin the run: it goes on until a held seat has to decide (or to the end, if no seat is held)."""
        with self.lock:
            self.started = True
            self._drive()

    def step(self) -> None:
        """The teacher moves the run on: the waiting seat's profile answers for it (or the run starts)."""
        with self.lock:
            if not self.started:
                self.start()
                return
            if self._waiting is not None:
                prompt = self._waiting.prompt
                self._give(prompt, self.run.default(prompt), by="model", why="step")
                self._drive()

    def set_deadline(self, seconds: float | None) -> None:
        """Seconds per decision from now on (the decision waiting now counts from when it was asked)."""
        with self.lock:
            self._check_deadline(seconds)
            self.deadline = seconds
            self._expire()

    def tick(self) -> None:
        """Apply the deadline: called by the server every second and before every request."""
        with self.lock:
            self._expire()

    @staticmethod
    def _check_deadline(seconds: float | None) -> None:
        if seconds is not None and not (math.isfinite(seconds) and seconds > 0):
            raise Refused(f"a deadline is a finite number of seconds above 0, not {seconds!r}")

    # ------------------------------------------------------------------ the run
    def _drive(self) -> None:
        """Move the run on until a held seat must decide, answering every seat nobody holds by its profile."""
        if not self.started:
            return
        while (prompt := self.run.prompt()) is not None:
            if self.seats[prompt.actor].held:
                if self._waiting is None or self._waiting.prompt is not prompt:
                    self._tickets += 1
                    self._waiting = Waiting(prompt, self._tickets, self.clock())
                break
            self._give(prompt, self.run.default(prompt), by="model", why="empty")
        self.timeline += self.run.news()

    def _expire(self) -> None:
        """If the waiting seat's time is up, its profile answers for it, and the log says the student was late."""
        waiting = self._waiting
        if waiting is None or self.deadline is None or self.clock() - waiting.since < self.deadline:
            return
        self.seats[waiting.prompt.actor].late += 1
        self._give(waiting.prompt, self.run.default(waiting.prompt), by="model", why="late")
        self._drive()

    def _give(self, prompt: Prompt, option: Option, by: str, why: str | None = None) -> None:
        choice = {
            "month": prompt.month,
            "decision": prompt.decision.value,
            "actor": prompt.actor.value,
            "chosen": option.name,
            "by": by,
        }
        self.choices.append(choice if why is None else choice | {"why": why})
        self.run.give(option)
        self._waiting = None

    # ------------------------------------------------------------------ what the pages read
    @property
    def waiting(self) -> Waiting | None:
        with self.lock:
            return self._waiting

    @property
    def ended(self) -> bool:
        with self.lock:
            return self.started and self.run.ended

    def seconds_left(self) -> float | None:
        """Seconds before the deadline answers for the waiting seat (None: no deadline or nothing waiting)."""
        with self.lock:
            if self._waiting is None or self.deadline is None:
                return None
            return max(0.0, self.deadline - (self.clock() - self._waiting.since))

    def outcome(self) -> dict[str, Any] | None:
        """The run's outcome row once it has ended."""
        from model.results.manifest import plain, row
        from model.results.outcomes import outcomes

        with self.lock:
            return plain(row(outcomes(self.run.model))) if self.ended else None

    def log(self) -> dict[str, Any]:
        """The session log (play log version 2): what ``peninsula replay`` reads to show the class again."""
        from model.results.manifest import code_record
        from model.teaching.terminal import CLASS_LOG_VERSION, LOG_FORMAT

        with self.lock:
            return {
                "format": LOG_FORMAT,
                "version": CLASS_LOG_VERSION,
                "scenario": self.scenario,
                "overrides": list(self.overrides),
                "seats": {a.value: "student" if s.ever_held else "model" for a, s in self.seats.items()},
                "seed": self.seed,
                "months": self.months,
                "deadline": self.deadline,
                "complete": self.ended,
                "choices": [dict(c) for c in self.choices],
                "outcome": self.outcome(),
                "code": code_record(),
            }
