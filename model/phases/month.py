"""What every phase of a month is given, and how a phase asks an actor to decide.

A phase is a function ``phase(m, s) -> (state, records)`` of this month's
:class:`Month` (parameters, draws, the outlook the actors see) and the state.
It changes nothing in place: it returns a new state and the typed records of
what happened and why (:mod:`model.core.records`). A phase in which actors
decide is a generator: each decision is one :func:`ask`, which yields the
actor's :class:`~model.agents.policies.View` and receives its
:class:`~model.agents.policies.Choice`. The Mesa model answers the view with the
actor's policy (a rule, a script or a person), so no phase knows who decides
or how, and a seat that waits for a person simply pauses the generator.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from model.agents.policies import Choice, Decision, View
from model.core import records as rec
from model.core.domain import N_ACTORS, Actor
from model.core.draws import Draws, Purpose
from model.core.params import Params
from model.core.state import State, merge_rows, snapshot
from model.rules.outlook import Outlook, take_rows

ACTORS = list(Actor)
DECISION_CODE = {d: i for i, d in enumerate(Decision)}
FIRST_DECISIONS = 11
"""Decisions whose draws were laid out first, in blocks per actor; later ones get blocks after all of them,
so that adding a decision leaves every earlier draw (and so every earlier run) as it was."""

Records = list[rec.Record]
Phase = Generator[View, Choice, tuple[State, Records]]
"""A deciding phase: yields the views its actors must answer, returns the new state and its records."""


@dataclass(frozen=True)
class Month:
    """One month's givens, the same for every phase: nothing here changes while the month runs.

    ``memo`` keeps values that depend only on the parameters (a scripted event
    starts a new one); ``narrate`` asks the phases for the records of
    replication 0, which the timeline in words reads.
    """

    number: int
    params: Params
    draws: Draws
    start_month: int  # calendar month of month 1 (1 = January)
    narrate: bool
    margin_scale: np.ndarray  # (A,) each actor's policy's multiplier of the surplus it demands
    concession_scale: np.ndarray  # (A,) each actor's policy's multiplier of how readily its position moves
    memo: dict = field(default_factory=dict, compare=False)
    outlook: Outlook | None = None  # the month's view of the future as it begins (after the economy)

    @property
    def replications(self) -> int:
        return len(self.draws.keys)

    def seeing(self, outlook: Outlook) -> Month:
        return replace(self, outlook=outlook)

    def subset(self, rows: np.ndarray) -> Month:
        """The same month for some replications only: their parameters, draws, outlook and memo."""
        r = self.replications
        return replace(
            self,
            params=take_rows(self.params, rows, r),
            draws=Draws(self.draws.keys[rows]),
            narrate=self.narrate and rows[0] == 0,
            memo=take_rows(self.memo, rows, r),
            outlook=None if self.outlook is None else self.outlook.subset(rows),
        )

    def memoised(self, key, compute: Callable, *args):
        """A value that depends only on the parameters, computed once this month (and until an event)."""
        if key not in self.memo:
            self.memo[key] = compute(*args)
        return self.memo[key]


def ask(
    m: Month,
    s: State,
    outlook: Outlook,
    actor: int,
    decision: Decision,
    option_values: Mapping[str, np.ndarray],
    asked: np.ndarray,
    stage: int = 0,
    context: Mapping[str, Any] | None = None,
    deliberate: bool = False,
) -> Generator[View, Choice, Choice]:
    """Ask one actor to decide: yield its view, return its choice.

    A ``deliberate`` decision (an offer, an answer, keeping or ending an agreement) has the spread
    ``decision_noise``; monthly acts (tests, exercises) have ``activity_noise``, and a month's step of
    enforcement, whose stakes are a step's worth, ``activity_noise`` times the step.
    """
    draws = noise(m, actor, decision, stage, max(len(option_values), 1), asked)
    if decision is Decision.WALK:
        # The unobserved part of a party's judgement of an agreement lasts as long as the agreement:
        # staying and walking away reuse the draws it accepted the agreement with.
        draws = np.where(s.in_force[:, None], s.deal_noise[:, actor], draws)
    scale = m.params.decision_noise if deliberate else m.params.activity_noise
    if decision is Decision.ENFORCE:  # a month's move is small: so is the unobserved part of judging it
        scale = scale * m.params.delivery_step
    view = View(
        ACTORS[actor], decision, s.month, snapshot(s), outlook, option_values, asked, draws, scale, dict(context or {})
    )
    return (yield view)


def noise(m: Month, actor: int, decision: Decision, stage: int, n: int, asked: np.ndarray | None = None) -> np.ndarray:
    """Standard normal draws ``(R, n)`` for one actor's decision at a stage of a month.

    With ``asked``, only the replications that decide are drawn (the others get 0): a run's draws
    are keyed by its own seed, so they are the same as if every replication had been drawn.
    """
    code = DECISION_CODE[decision]
    block = (
        actor * FIRST_DECISIONS + code
        if code < FIRST_DECISIONS
        else (N_ACTORS * FIRST_DECISIONS + (code - FIRST_DECISIONS) * N_ACTORS + actor)
    )
    offset = block * 8 + stage
    if asked is None or asked.all():
        return m.draws.normal(m.number, Purpose.CHOICE, n, offset=offset)
    values = np.zeros((len(asked), n))
    if asked.any():
        values[asked] = Draws(m.draws.keys[asked]).normal(m.number, Purpose.CHOICE, n, offset=offset)
    return values


def chose(
    m: Month, s: State, actor: int, decision: Decision, choice: Choice, asked: np.ndarray, detail: dict | None = None
) -> Records:
    """The record of replication 0's choice, where it was asked and the month is narrated."""
    if not (m.narrate and asked[0]):
        return []
    names = list(choice.values)
    values = {k: float(np.asarray(v)[0]) for k, v in choice.values.items() if np.ndim(v) == 1}
    chosen = names[int(choice.index[0])] if 0 <= int(choice.index[0]) < len(names) else "none"
    return [rec.Chose(s.month, ACTORS[actor].value, decision.value, chosen, values, detail or {})]


def on_rows(m: Month, s: State, rows: np.ndarray, phase: Callable[[Month, State], Phase]) -> Phase:
    """Run a phase on some replications only (those it concerns), then put them back.

    Every draw is keyed by its run's own seed, so the result is the same as
    running the phase on every row.
    """
    if len(rows) == s.replications:
        return (yield from phase(m, s))
    part, records = yield from phase(m.subset(rows), take_rows(s, rows, s.replications))
    return merge_rows(s, part, rows), records
