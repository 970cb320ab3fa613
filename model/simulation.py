"""The Mesa model: six actor agents, a sanctions economy and talks, over many replications at once.

A month (one Mesa step) is a pipeline of named phases (:mod:`model.phases`),
for every replication together::

    scripted events -> UN deadlines -> economy -> [the month's outlook]
    -> enforcement (CHN, RUS choose) -> activity (DPRK, US and ROK choose)
    -> Council (CHN, RUS consent) -> breaches seen and answered
    -> implementation -> aid (JPN chooses) -> walking away (US, DPRK choose)
    -> talks (format, offers, answers, a broker's compromise) -> learning -> positions -> world

Each phase is ``phase(month, state) -> (state, records)``: it reads this
month's givens (:class:`~model.phases.month.Month`) and returns a new state
and the typed records of what happened. A phase in which actors decide
yields each actor's view; the model answers it with the agent's policy
(:mod:`model.agents.policies`) and sends the choice back. :meth:`PeninsulaModel.advance`
runs the month as a generator that pauses where a policy has no answer yet
(a person), so a run can wait for a human seat. The model holds no rule of
its own. A single run is the same model with one replication.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import mesa
import numpy as np

from model.agents.agent import ActorAgent
from model.agents.policies import Choice, Decision, Policy, View, profiles
from model.core import records as rec
from model.core.domain import N_ACTORS, Actor
from model.core.draws import Draws, stream_keys
from model.core.params import Params, compile_params, replicate
from model.core.state import State, initial_state, snapshot
from model.phases import (
    activity,
    aid,
    breaches,
    council,
    economy,
    enforcement,
    implementation,
    learning,
    positions,
    scripted,
    talks,
    valuation,
    walk,
    world,
)
from model.phases.month import Month, Phase
from model.rules.outlook import Outlook
from model.scenario.loader import load_scenario
from model.scenario.schema import Scenario
from model.story.monthly import MONTHLY_REPORTERS

OPENING = (scripted.deadline, economy.phase)
"""Phases before the actors look ahead: what the calendar brings, and the economy it leaves."""

PHASES = (
    enforcement.phase,
    activity.phase,
    council.phase,
    breaches.phase,
    implementation.phase,
    aid.phase,
    walk.phase,
    talks.phase,
    learning.phase,
    positions.phase,
    world.phase,
)
"""The month's phases in order, after the outlook: every decision in them reads that outlook."""


@dataclass(frozen=True)
class Pending:
    """A decision waiting for an answer from outside (a person in the teaching seat)."""

    actor: Actor
    decision: Decision
    view: View


class PeninsulaModel(mesa.Model):
    """The negotiation game. ``PeninsulaModel(scenario="hanoi-2019", rng=42)`` is one run.

    Args:
        scenario: a shipped scenario name, a path, or a validated Scenario.
        rng: the seed of a single run (Mesa's keyword). None draws a fresh seed from the
            operating system's entropy and records it as ``model.seed``, so any run can be repeated.
        seeds: one seed per replication, for a batch; overrides ``rng``.
        params: parameter arrays over the replication axis (from a sweep); default
            the scenario's own, repeated for each seed.
        overrides: ``key=value`` strings applied to the scenario (as ``--set``).
        months: run length; default the scenario's.
        collect: record the monthly table in ``datacollector``.
        narrate: keep replication 0's records (``model.records``) for a timeline in words.
        policies: a policy per actor in place of its profile's (a script, a person).
    """

    def __init__(
        self,
        scenario: str | Path | Scenario = "baseline-2019",
        rng: int | None = None,
        seeds: np.ndarray | list[int] | None = None,
        params: dict[str, np.ndarray] | None = None,
        overrides: tuple[str, ...] = (),
        months: int | None = None,
        collect: bool = True,
        narrate: bool = False,
        policies: Mapping[Actor, Policy] | None = None,
    ) -> None:
        spec = scenario if isinstance(scenario, Scenario) else load_scenario(scenario, overrides)
        if seeds is None:
            seeds = [fresh_seed() if rng is None else rng]
        seeds = np.asarray(seeds, dtype=np.uint64)
        super().__init__(rng=int(seeds[0]))
        self.spec = spec
        self.seed = int(seeds[0])
        self.seeds = seeds
        self.months = months or spec.scenario.months
        self.start_month = int(spec.scenario.start[5:7])
        # The model owns its copy: a caller's arrays are never changed (an event replaces an array, not a value).
        given = None if params is None else {name: array.copy() for name, array in params.items()}
        self.params = Params.of(given if given is not None else replicate(compile_params(spec), len(seeds)))
        self.draws = Draws(stream_keys(seeds))
        self.events: dict[int, list] = {}
        for event in spec.events:
            self.events.setdefault(event.month, []).append(event)
        chosen = dict(policies or {})
        self.agents_by_actor = [
            ActorAgent(self, actor, chosen.get(actor) or profiles()[spec.actors[actor].profile]) for actor in Actor
        ]
        self.narrate = narrate
        self.records: list[rec.Record] = []
        self.memo: dict = {}  # values that depend on the parameters only; a scripted event starts a new one
        self.collect = collect
        start = economy.settle(self.params, initial_state(self.params), adapt=False)
        self.state = start.but(hope=self.outlook(start).fresh_hope(range(N_ACTORS)))
        self.datacollector = mesa.DataCollector(model_reporters=MONTHLY_REPORTERS)
        if collect:
            self.datacollector.collect(self)

    # ------------------------------------------------------------------ the month
    def step(self) -> None:
        for pending in self.advance():
            raise RuntimeError(
                f"{pending.actor.value}'s policy has no answer for {pending.decision.value}: "
                "drive a run with a waiting seat through advance(), not step()"
            )

    def advance(self) -> Iterator[Pending]:
        """Run one month, yielding wherever a policy is still waiting for its answer."""
        s = self.state.but(month=self.state.month + 1)
        events = self.events.get(s.month, [])
        self.params, s, fired = scripted.fire(self.params, s, events)
        if events:
            self.memo = {}
        self._keep(fired)
        m = self.month(s)
        for phase in OPENING:
            s = yield from self._run(phase, m, s)
        # The month's view of the future as it begins: every decision this month reads it (what the actors
        # knew then); an answer to a breach reads it with the trust the breach just cost.
        m = m.seeing(valuation.outlook(m, s))
        for phase in PHASES:
            s = yield from self._run(phase, m, s)
        self.state = s
        if self.collect:
            self.datacollector.collect(self)
        if self.state.month >= self.months:
            self.running = False

    def month(self, s: State) -> Month:
        """This month's givens for the phases."""
        policies = [a.policy for a in self.agents_by_actor]
        return Month(
            number=s.month,
            params=self.params,
            draws=self.draws,
            start_month=self.start_month,
            narrate=self.narrate,
            margin_scale=np.array([getattr(p, "margin_scale", 1.0) for p in policies]),
            concession_scale=np.array([getattr(p, "concession_scale", 1.0) for p in policies]),
            memo=self.memo,
        )

    def _run(self, phase: Callable[[Month, State], Phase | tuple], m: Month, s: State) -> Iterator[Pending]:
        """Run one phase, answering its actors' views with their policies; keep its records."""
        result = phase(m, s)
        if isinstance(result, Generator):
            result = yield from self._answer(result)
        state, records = result
        self._keep(records)
        return state

    def _answer(self, phase: Phase) -> Iterator[Pending]:
        """Drive a deciding phase: each view it yields goes to the actor's agent, each choice back to the phase."""
        try:
            view = next(phase)
            while True:
                view = phase.send((yield from self._decide(view)))
        except StopIteration as done:
            return done.value

    def _decide(self, view: View) -> Generator[Pending, None, Choice]:
        agent = self.agents_by_actor[view.actor.index]
        while True:
            choice = agent.decide(view)
            if choice is not None:
                return choice
            yield Pending(agent.actor, view.decision, view)

    def _keep(self, records: list[rec.Record]) -> None:
        if self.narrate:
            self.records.extend(records)

    def snapshot(self):
        """A read-only view of the state, for decision makers and viewers."""
        return snapshot(self.state)

    @property
    def agents_in_order(self) -> list[ActorAgent]:
        return self.agents_by_actor

    # ------------------------------------------------------------------ readings of the state
    def outlook(self, s: State | None = None) -> Outlook:
        """This month's valuations for every actor (what the policies read)."""
        s = s or self.state
        return valuation.outlook(self.month(s), s)

    def realised_utility(self, s: State | None = None) -> np.ndarray:
        """What each actor gets this month, ``(R, A)``: the flow utility of the state, by its starting preferences."""
        s = s or self.state
        return valuation.realised_utility(self.month(s), s)


def fresh_seed() -> int:
    """A 63-bit seed from the operating system's entropy (Mesa's convention for ``rng=None``)."""
    return int(np.random.SeedSequence().generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))
