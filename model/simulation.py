"""The Mesa model: six actor agents, a sanctions economy and talks, over many replications at once.

A month (one Mesa step) is a pipeline of decision points and rules, for every
replication together::

    scripted events -> economy -> enforcement (CHN, RUS choose)
    -> DPRK activity and exercises (DPRK, US and ROK choose) -> their effects
    -> new resolution (CHN, RUS consent) -> breaches seen and answered
    -> implementation of an agreement in force -> walking away (US, DPRK choose)
    -> talks (format, offers, answers, a broker's compromise) -> beliefs, positions, the world

At each decision point the model builds each asked actor's :class:`View`,
asks its policy (:mod:`model.policies`) and applies the choice with the
rules (:mod:`model.rules`). :meth:`PeninsulaModel.advance` runs the month as
a generator that pauses where a policy has no answer yet (a person), so a
run can wait for a human seat. A single run is the same model with one
replication.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from model import chronicle as rec
from model.agents import ActorAgent
from model.domain import (
    ALLIES_OF_US,
    EXERCISING,
    N_ACTORS,
    SCOPED_ACTIVITIES,
    VETO_PLAYERS,
    Activity,
    Actor,
    AgreementKind,
    Cause,
    Coverage,
    Enforcer,
    Issue,
    Proposal,
    TalksFormat,
)
from model.draws import Draws, Purpose, stream_keys
from model.loader import load_scenario
from model.params import STATE_FIELDS, compile_params, encode, locate, replicate
from model.policies import Choice, Decision, Policy, View, profiles
from model.reporters import MONTHLY_REPORTERS
from model.rules import beliefs, conflict, economy, enforcement, implementation, options, positions, talks
from model.rules.outlook import Outlook, normal_cdf, spread_rows, take_rows
from model.rules.paths import (
    Offers,
    Progress,
    Situation,
    arsenal_keep,
    covered,
    credibility_of_guarantees,
    persistence,
)
from model.rules.utility import Preferences, World, flow, weights
from model.scenario import Scenario
from model.state import NO_ONE, State, initial_state, merge_rows, snapshot

US, DPRK, CHN, RUS, JPN = (a.index for a in (Actor.US, Actor.DPRK, Actor.CHN, Actor.RUS, Actor.JPN))
VETOES = tuple(a.index for a in VETO_PLAYERS)
ENFORCERS = tuple(Actor(e.value).index for e in Enforcer)
SIX = TalksFormat.SIX_PARTY.index
SQ = Proposal.STATUS_QUO.index
K = {issue: issue.index for issue in Issue}
ACT = {a: a.index for a in Activity}
DECISION_CODE = {d: i for i, d in enumerate(Decision)}
FIRST_DECISIONS = 11
"""Decisions whose draws were laid out first, in blocks per actor; later ones get blocks after all of them,
so that adding a decision leaves every earlier draw (and so every earlier run) as it was."""


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
        # Events change parameters while the model runs, so the model owns its copy.
        given = None if params is None else {name: array.copy() for name, array in params.items()}
        self.params = given if given is not None else replicate(compile_params(spec), len(seeds))
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
        self._starting_prefs: list[Preferences] | None = None
        self._constants: dict = {}
        self.collect = collect
        start = self._economy(initial_state(self.params), adapt=False)
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
        p = self.params
        s = self.state.but(month=self.state.month + 1)
        before = s.enforcement_start
        s, summit, called = self._scripted_events(s)
        sanctioned = (s.enforcement_start > before).any(axis=(1, 2))
        s = self._deadline(s)
        s = self._economy(s)
        # The month's view of the future as it begins: every decision this month reads it (what the actors
        # knew then); an answer to a breach reads it with the trust the breach just cost.
        self._seen = self.outlook(s)
        s = yield from self._enforce(s)
        s, act, exercised = yield from self._activity(s)
        s = yield from self._council(s, act)
        s = yield from self._breaches_seen(s, act, exercised, sanctioned)
        s = yield from self._implement(s)
        s = yield from self._aid(s)
        s = yield from self._walk(s)
        scheduled = s.in_force & ~s.deal_framework
        due = p["active"] & ~scheduled & ((s.month % p["cadence"] == 0) | called)
        if due.any():
            rows = np.flatnonzero(due)
            s = yield from self._on_rows(rows, s, lambda sub: self._talks(sub, due[rows], summit[rows]))
        s = self._learn(s, act)
        s = self._move_positions(s)
        self.state = self._world(s)
        if self.collect:
            self.datacollector.collect(self)
        if self.state.month >= self.months:
            self.running = False

    def snapshot(self):
        """A read-only view of the state, for decision makers and viewers."""
        return snapshot(self.state)

    @property
    def agents_in_order(self) -> list[ActorAgent]:
        return self.agents_by_actor

    def _on_rows(self, rows: np.ndarray, s: State, stage) -> Iterator[Pending]:
        """Run a stage on some replications only (those it concerns), then put them back.

        The stage sees the parameters, draws and this month's outlook of those
        rows; every draw is keyed by its run's own seed, so the result is the
        same as running the stage on every row.
        """
        if len(rows) == s.replications:
            return (yield from stage(s))
        r = s.replications
        saved = (self.params, self.draws, self._seen, self.narrate, self._constants)
        self.params = take_rows(self.params, rows, r)
        self.draws = Draws(self.draws.keys[rows])
        self._seen = self._seen.subset(rows)
        self.narrate = self.narrate and rows[0] == 0
        self._constants = take_rows(self._constants, rows, r)
        try:
            part = yield from stage(take_rows(s, rows, r))
        finally:
            self.params, self.draws, self._seen, self.narrate, self._constants = saved
        return merge_rows(s, part, rows)

    # ------------------------------------------------------------------ asking the agents
    def _ask(
        self,
        s: State,
        outlook: Outlook,
        actor: int,
        decision: Decision,
        option_values: Mapping[str, np.ndarray],
        asked: np.ndarray,
        stage: int = 0,
        context: Mapping[str, Any] | None = None,
        deliberate: bool = False,
    ) -> Iterator[Pending]:
        """Ask one actor's policy (a generator: it pauses while the policy waits); returns its Choice.

        A ``deliberate`` decision (an offer, an answer, keeping or ending an agreement) has the spread
        ``decision_noise``; monthly acts (tests, exercises) have ``activity_noise``, and a month's step of
        enforcement, whose stakes are a step's worth, ``activity_noise`` times the step.
        """
        noise = self._noise(s.month, actor, decision, stage, max(len(option_values), 1), asked)
        if decision is Decision.WALK:
            # The unobserved part of a party's judgement of an agreement lasts as long as the agreement:
            # staying and walking away reuse the draws it accepted the agreement with.
            noise = np.where(s.in_force[:, None], s.deal_noise[:, actor], noise)
        scale = self.params["decision_noise" if deliberate else "activity_noise"]
        if decision is Decision.ENFORCE:  # a month's move is small: so is the unobserved part of judging it
            scale = scale * self.params["delivery_step"]
        view = View(
            Actor(list(Actor)[actor]),
            decision,
            s.month,
            snapshot(s),
            outlook,
            option_values,
            asked,
            noise,
            scale,
            dict(context or {}),
        )
        agent = self.agents_by_actor[actor]
        while True:
            choice = agent.decide(view)
            if choice is not None:
                return choice
            yield Pending(agent.actor, decision, view)

    def _noise(
        self, month: int, actor: int, decision: Decision, stage: int, n: int, asked: np.ndarray | None = None
    ) -> np.ndarray:
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
            return self.draws.normal(month, Purpose.CHOICE, n, offset=offset)
        noise = np.zeros((len(asked), n))
        if asked.any():
            noise[asked] = Draws(self.draws.keys[asked]).normal(month, Purpose.CHOICE, n, offset=offset)
        return noise

    def _note(self, record: rec.Record) -> None:
        if self.narrate:
            self.records.append(record)

    def _note_choice(
        self, s: State, actor: int, decision: Decision, choice: Choice, asked: np.ndarray, detail: dict | None = None
    ) -> None:
        if self.narrate and asked[0]:
            names = list(choice.values)
            values = {k: float(np.asarray(v)[0]) for k, v in choice.values.items() if np.ndim(v) == 1}
            chosen = names[int(choice.index[0])] if 0 <= int(choice.index[0]) < len(names) else "none"
            self._note(rec.Chose(s.month, list(Actor)[actor].value, decision.value, chosen, values, detail or {}))

    # ------------------------------------------------------------------ scripted events and the economy
    def _scripted_events(self, s: State) -> tuple[State, np.ndarray, np.ndarray]:
        """Fire this month's scripted events; return the state and (summit, talks called) masks.

        An event's changes become the new parameters; quantities that are also
        state (positions, trust, enforcement, format) change in the state too.
        """
        summit = np.zeros(s.replications, dtype=bool)
        called = summit.copy()
        for event in self.events.get(s.month, []):
            summit |= event.summit
            called |= event.summit | event.talks
            for key, value in event.set.items():
                slot = locate(key)
                index = (slice(None), *slot.index)
                self.params[slot.array][index] = encode(key, value)
                if slot.array in STATE_FIELDS:
                    field = STATE_FIELDS[slot.array]
                    array = getattr(s, field).copy()
                    array[index] = encode(key, value)
                    s = s.but(**{field: array})
            self._starting_prefs, self._constants = None, {}
            self._note(rec.Scripted(s.month, event.label))
        return s, summit, called

    def _deadline(self, s: State) -> State:
        """The UN deadline for the DPRK's workers abroad, where it falls this month (not a new sanction)."""
        due = self.params["laborers_deadline"] == s.month
        if not due.any():
            return s
        if self.narrate and due[0]:
            self._note(rec.Scripted(s.month, "UN deadline for sending DPRK workers abroad home (UNSCR 2397)"))
        return s.but(
            enforcement_start=enforcement.deadline(s.enforcement_start, self.params["laborers_deadline_step"], due)
        )

    def _delivered(self, s: State) -> np.ndarray:
        return enforcement.delivered(s.enforcement_start, s.delivery_shift)

    def _reach(self) -> np.ndarray:
        """Share of the sanctions' bite the regime's relief lifts (it may lift UN measures only)."""
        return economy.relief_reach(self.params["relief_from"], self.params["us_unilateral_share"])

    def _felt_relief(self, s: State) -> np.ndarray:
        """Relief in force as the economy feels it (see :func:`model.rules.economy.effective_relief`)."""
        return economy.effective_relief(s.relief, self.params["initial_relief"], self._reach())

    def _economy(self, s: State, adapt: bool = True) -> State:
        p = self.params
        income = economy.income(self._delivered(s), p["income_share"], p["rest_of_world"], self._felt_relief(s))
        pressure = economy.pressure(s.pressure, income, p["need"], p["adaptation"]) if adapt else s.pressure
        return s.but(income=income, pressure=pressure)

    # ------------------------------------------------------------------ the outlook: values on the one scale
    def outlook(self, s: State | None = None) -> Outlook:
        """This month's valuations for every actor (what the policies read)."""
        s = s or self.state
        p = self.params
        situation = self._situation(s)
        agenda = talks.in_talks_format(
            talks.named_offers(p["proposals"], p["proposal_kind"], p["proposal_scope"], p["max_phases"]),
            s.format == SIX,
        )
        scale = np.array([getattr(a.policy, "margin_scale", 1.0) for a in self.agents_by_actor])
        in_force = s.in_force.any()
        deal = None
        if in_force:
            point = s.deal_point.copy()
            point[:, K[Issue.ECONOMIC_COOPERATION]] *= self._cooperation_paid(s)
            deal = Offers(point[:, None], s.deal_framework[:, None], s.deal_scope[:, None], s.deal_steps[:, None])
        progress = (
            Progress(s.steps_done, implementation.months_to_next(s, p["duration"]), s.relief) if in_force else None
        )
        return Outlook(
            situation=situation,
            prefs=tuple(self._preferences(s.ideal, a, situation) for a in range(N_ACTORS)),
            reads=p["reads_ambiguous_as_covered"],
            agenda=agenda,
            on_agenda=p["agenda"] & talks.SIGNABLE,
            margin=p["margin"][:, None] * p["resolve"] * scale,
            noise=p["decision_noise"],
            beliefs=s.yield_belief,
            hope=s.hope,
            in_force=s.in_force,
            deal=deal,
            progress=progress,
        )

    def _named(self) -> Offers:
        """The named proposals as drafted (before the talks' format makes them six-party texts)."""
        p = self.params
        return talks.named_offers(p["proposals"], p["proposal_kind"], p["proposal_scope"], p["max_phases"])

    def _situation(self, s: State) -> Situation:
        p = self.params
        delivered = self._delivered(s)
        base, slope = economy.income_coefficients(delivered, p["income_share"], p["rest_of_world"])
        trade_base, trade_slope = economy.trade_coefficients(delivered, p["income_share"])
        # Both are lines in the relief the economy feels, r0 + reach (r - r0): lines in r again.
        reach, initial = self._reach(), p["initial_relief"]
        base, slope = base + slope * initial * (1.0 - reach), slope * reach
        trade_base = trade_base + trade_slope * (initial * (1.0 - reach))[:, None]
        trade_slope = trade_slope * reach[:, None]
        sq = p["proposals"][:, SQ].copy()
        sq[:, K[Issue.SANCTIONS_RELIEF]] = s.relief
        sq[:, K[Issue.EXERCISE_RESTRAINT]] = p["exercises_suspended"]
        sq[:, K[Issue.MULTILATERAL_FORMAT]] = s.format == SIX
        return Situation(
            sq_point=sq,
            relief=s.relief,
            initial_relief=p["initial_relief"],
            arsenal=s.capability,
            income_base=base,
            income_slope=slope,
            need=p["need"],
            trade_base=trade_base,
            trade_slope=trade_slope,
            tension=s.tension,
            test_rate=s.test_rate,
            exercise_rate=p["exercise_months"].mean(axis=1) * ~p["exercises_suspended"],
            test_tension=p["test_tension"],
            exercise_tension=p["exercise_tension"],
            tension_decay=p["tension_decay"],
            growth=p["capability_growth"],
            horizon=p["horizon"],
            duration=p["duration"].astype(float),
            schedule=p["relief_schedule"],
            snapback=p["snapback"],
            restored=economy.restored_share(p["relief_from"], p["us_unilateral_share"], p["un_reimposition"]),
            trust=s.trust,
            guarantor_weight=p["guarantor_weight"],
            pressure_forecast=s.pressure_forecast,
            yield_hazard=p["yield_hazard"],
        )

    def _preferences(self, ideal: np.ndarray, actor: int, situation: Situation | None = None) -> Preferences:
        p = self.params
        term = "regime" if actor == DPRK else "trade" if actor in ENFORCERS else "none"
        patience = p["patience"][:, actor]
        return Preferences(
            ideal=ideal[:, actor],
            weight=weights(p["salience"][:, actor]),
            security=p["security_weight"][:, actor],
            economy=p["economy_weight"][:, actor],
            tension=p["tension_weight"][:, actor],
            patience=p["patience"][:, actor],
            owns_arsenal=actor == DPRK,
            curvature=p["security_curvature"],
            economy_term=term,
            persistence=None
            if situation is None
            else self._constant(("persistence", actor), persistence, situation, patience),
            keep=None if situation is None else self._constant(("keep", actor), arsenal_keep, situation, patience),
        )

    def _constant(self, key, compute, *args):
        """A value that depends only on the parameters, computed once (until a scripted event changes them)."""
        if key not in self._constants:
            self._constants[key] = compute(*args)
        return self._constants[key]

    def _conflict(self, s: State) -> options.Conflict:
        p = self.params
        return options.Conflict(
            test_gain=p["test_capability_gain"],
            tension={
                Activity.STRATEGIC_TEST: p["test_tension"],
                Activity.LAUNCH: p["launch_tension"],
                Activity.SHORT_RANGE: p["short_range_tension"],
            },
            drive={
                Activity.STRATEGIC_TEST: p["test_drive"],
                Activity.LAUNCH: p["launch_drive"],
                Activity.SHORT_RANGE: p["short_range_drive"],
            },
            moratorium=p["moratorium"],
            moratorium_cost=p["moratorium_cost"],
            exercise_tension=p["exercise_tension"],
            exercise_value=p["exercise_value"],
            exercise_reaction=p["exercise_reaction"],
            answering=s.exercised_last,
            curvature=p["security_curvature"],
            tightening_step=p["tightening_step"],
            delivery_step=p["delivery_step"],
            deterrence=p["deterrence"],
            talks_support=p["talks_support"],
            standing=p["standing"],
            engaged=p["active"] | s.in_force,
        )

    # ------------------------------------------------------------------ enforcement
    def _enforce(self, s: State) -> Iterator[Pending]:
        """China and Russia each deliver a step less, the same, or a step more of the mandate."""
        p = self.params
        out, conf = self._seen, self._conflict(s)
        asked = ~p["pin_delivery"]
        if not asked.any():
            return s
        choice = np.zeros((s.replications, len(Enforcer)))
        picks = []
        for e, actor in enumerate(ENFORCERS):
            values = options.enforce(out, actor, conf, s.delivery_shift[:, e])
            picked = yield from self._ask(s, out, actor, Decision.ENFORCE, values, asked)
            choice[:, e] = np.where(asked, picked.index - 1, 0)  # less, hold, more -> -1, 0, +1
            picks.append(picked)
        shift = enforcement.adjust(s.delivery_shift, choice, p["delivery_step"], p["pin_delivery"])
        if self.narrate:  # a month's step is small: the timeline says when delivery has moved a tenth
            for e, actor in enumerate(ENFORCERS):
                if np.floor(shift[0, e] * 10 + 1e-9) != np.floor(s.delivery_shift[0, e] * 10 + 1e-9):
                    self._note_choice(s, actor, Decision.ENFORCE, picks[e], asked, {"shift": float(shift[0, e])})
        return s.but(delivery_shift=shift)

    # ------------------------------------------------------------------ DPRK activity and exercises
    def _activity(self, s: State) -> Iterator[Pending]:
        p = self.params
        out, conf = self._seen, self._conflict(s)
        ready = self.draws.uniform(s.month, Purpose.OPPORTUNITY, 3) < np.stack(
            [p["short_range_opportunity"], p["launch_opportunity"], p["test_opportunity"]], axis=1
        )
        council_odds = self._council_odds(out, conf, s)
        values = options.provoke(out, conf, council_odds)
        # options in order none, short-range, launch, strategic test; each act only when it is ready
        offered = {
            name: v if i == 0 else np.where(ready[:, i - 1], v, -np.inf) for i, (name, v) in enumerate(values.items())
        }
        picked = yield from self._ask(s, out, DPRK, Decision.PROVOKE, offered, np.ones(s.replications, bool))
        act = picked.index
        if self.narrate and act[0] != ACT[Activity.NONE]:
            self._note_choice(s, DPRK, Decision.PROVOKE, picked, np.ones(1, bool))
        s = s.but(test_rate=np.where(s.in_force, s.test_rate, self._expected_test_rate(values, p)))
        month_of_year = (self.start_month - 1 + s.month - 1) % 12
        season = p["exercise_months"][:, month_of_year] & ~p["exercises_suspended"]
        exercised = season.copy()
        for actor in (a.index for a in EXERCISING):
            if season.any():
                ex_values = options.exercise(out, actor, conf)
                picked = yield from self._ask(s, out, actor, Decision.EXERCISE, ex_values, season)
                exercised &= picked.index == 0
                self._note_choice(s, actor, Decision.EXERCISE, picked, season)
        return self._apply_activity(s, act, exercised), act, exercised

    def _expected_test_rate(self, values: Mapping[str, np.ndarray], p: dict) -> np.ndarray:
        """What the others expect of DPRK strategic tests: readiness times the chance a test beats holding back."""
        gap = values[Activity.STRATEGIC_TEST.value] - values[Activity.NONE.value]
        return p["test_opportunity"] * normal_cdf(gap / p["activity_noise"])

    def _apply_activity(self, s: State, act: np.ndarray, exercised: np.ndarray) -> State:
        p = self.params
        tested = act == ACT[Activity.STRATEGIC_TEST]
        added = conflict.activity_tension(act, p["test_tension"], p["launch_tension"], p["short_range_tension"])
        added = added + exercised * p["exercise_tension"]
        counts = s.activities.copy()
        counts[np.arange(s.replications), act] += 1
        grown = conflict.test_gain(s.capability, p["test_capability_gain"], tested)
        cut = s.deal_point[:, K[Issue.DENUCLEARIZATION]] * s.implemented_share
        live = s.in_force & ~s.deal_framework  # a test during an agreement adds to what the steps cut from
        s = s.but(
            tension=conflict.raise_tension(s.tension, added),
            capability=grown,
            capability_at_signing=np.where(live, grown / np.maximum(1.0 - cut, 1e-9), s.capability_at_signing),
            activities=counts,
            exercises=s.exercises + exercised,
            exercised_last=exercised,
        )
        # Outside an agreement, a test or launch is evidence of hostility to all; an exercise, to the DPRK.
        hostile = np.isin(act, [ACT[a] for a in SCOPED_ACTIVITIES]) & ~s.in_force
        everyone = np.arange(N_ACTORS) != DPRK
        trust, count = beliefs.observe(
            s.trust,
            s.trust_count,
            np.broadcast_to(everyone, (s.replications, N_ACTORS)),
            DPRK,
            0.0,
            np.where(hostile, p["test_evidence"], 0.0),
            p["memory"],
        )
        dprk_only = np.broadcast_to(np.arange(N_ACTORS) == DPRK, (s.replications, N_ACTORS))
        for ally in (a.index for a in EXERCISING):
            trust, count = beliefs.observe(
                trust,
                count,
                dprk_only,
                ally,
                0.0,
                np.where(exercised & ~s.in_force, p["exercise_evidence"], 0.0),
                p["memory"],
            )
        if self.narrate:
            if act[0] != ACT[Activity.NONE]:
                self._note(rec.Activity(s.month, list(Activity)[int(act[0])].value, float(added[0])))
            if exercised[0]:
                self._note(rec.Activity(s.month, "exercise", float(p["exercise_tension"][0])))
        return s.but(
            trust=trust,
            trust_count=count,
            yield_belief=beliefs.after_test(s.yield_belief, p["test_likelihood_ratio"], tested),
        )

    # ------------------------------------------------------------------ the Security Council
    def _council_odds(self, out: Outlook, conf: options.Conflict, s: State) -> np.ndarray:
        """The DPRK's estimate that China and Russia would both consent to a new resolution."""
        gap = 1.0 - self._delivered(s).mean(axis=2)
        odds = np.ones(s.replications)
        for e, actor in enumerate(ENFORCERS):
            v = options.council(out, actor, conf, gap[:, e])
            odds = odds * normal_cdf((v["consent"] - v["veto"]) / self.params["activity_noise"])
        return odds

    def _council(self, s: State, act: np.ndarray) -> Iterator[Pending]:
        """After a strategic test or a launch, a new resolution passes if China and Russia both consent."""
        p = self.params
        asked = np.isin(act, [ACT[a] for a in SCOPED_ACTIVITIES])
        if not asked.any():
            return s
        out, conf = replace(self._seen, situation=self._situation(s), _cache={}), self._conflict(s)
        gap = 1.0 - self._delivered(s).mean(axis=2)
        passes = asked.copy()
        for e, actor in enumerate(ENFORCERS):
            picked = yield from self._ask(
                s, out, actor, Decision.COUNCIL, options.council(out, actor, conf, gap[:, e]), asked
            )
            passes &= picked.index == 0
            self._note_choice(s, actor, Decision.COUNCIL, picked, asked)
        if self.narrate and passes[0]:
            self._note(rec.Activity(s.month, "resolution", 0.0))
        start = enforcement.tighten(s.enforcement_start, p["tightening_step"], passes)
        return s.but(enforcement_start=start, tightenings=s.tightenings + passes)

    # ------------------------------------------------------------------ an agreement in force
    def _breaches_seen(
        self, s: State, act: np.ndarray, exercised: np.ndarray, sanctioned: np.ndarray
    ) -> Iterator[Pending]:
        """Acts the other side reads as breaches, and its answer: tolerate, or end the agreement.

        The US (and its allies) read the text with their reading of ambiguous
        scope; the DPRK reads an exercise against agreed restraint as a breach
        in proportion to the restraint agreed, and a new sanction (a scripted
        one, or a resolution) as a breach. (A benefit withheld when it falls
        due is seen in :meth:`_implement`.)
        """
        p = self.params
        live = s.in_force.copy()
        if not live.any():
            return s
        us_reads = covered(s.deal_scope[:, None], p["reads_ambiguous_as_covered"][:, US])[:, 0]
        test = (act == ACT[Activity.STRATEGIC_TEST]) & (us_reads[:, 0] > 0)
        launch = (act == ACT[Activity.LAUNCH]) & (us_reads[:, 1] > 0)
        restraint = s.deal_point[:, K[Issue.EXERCISE_RESTRAINT]]
        cases = [
            (DPRK, US, live & test, Cause.COVERED_TEST, np.ones(s.replications)),
            (DPRK, US, live & launch, Cause.COVERED_LAUNCH, np.ones(s.replications)),
            (US, DPRK, live & exercised & (restraint > 0), Cause.EXERCISE, restraint),
            (US, DPRK, live & sanctioned, Cause.NEW_SANCTIONS, np.ones(s.replications)),
        ]
        for stage, (breaker, victim, seen, cause, weight) in enumerate(cases):
            if seen.any():
                s = yield from self._answer_breach(s, breaker, victim, seen & s.in_force, cause, weight, stage)
        return s

    def _answer_breach(
        self, s: State, breaker: int, victim: int, seen: np.ndarray, cause: Cause, weight: np.ndarray, stage: int
    ) -> Iterator[Pending]:
        p = self.params
        if not seen.any():
            return s
        observer = np.broadcast_to(np.arange(N_ACTORS) == victim, (s.replications, N_ACTORS))
        trust, count = beliefs.observe(
            s.trust,
            s.trust_count,
            observer,
            breaker,
            0.0,
            np.where(seen, p["breach_evidence"] * weight, 0.0),
            p["memory"],
        )
        s = s.but(trust=trust, trust_count=count)
        if self.narrate and seen[0]:
            self._note(rec.Breach(s.month, list(Actor)[breaker].value, list(Actor)[victim].value, cause.value))
        out = self._seen.with_trust(s.trust)
        picked = yield from self._ask(
            s,
            out,
            victim,
            Decision.RESPOND,
            options.respond(out, victim, p["precedent"] * weight),
            seen,
            stage,
            {"cause": cause.value},
            deliberate=True,
        )
        self._note_choice(s, victim, Decision.RESPOND, picked, seen)
        ended = seen & (picked.index == 1)
        return self._collapse(s, ended, cause, breaker, victim)

    def _collapse(self, s: State, ended: np.ndarray, cause: Cause, breaker: int, ender: int) -> State:
        p = self.params
        if not ended.any():
            return s
        s = implementation.end(
            s,
            ended,
            np.full(s.replications, cause.index),
            np.full(s.replications, breaker),
            np.full(s.replications, ender == US),
            p["snapback"],
            p["initial_relief"],
            economy.restored_share(p["relief_from"], p["us_unilateral_share"], p["un_reimposition"]),
        )
        if self.narrate and ended[0]:
            names = list(Actor)
            self._note(rec.Collapsed(s.month, cause.value, names[breaker].value, names[ender].value))
        return s

    def _implement(self, s: State) -> Iterator[Pending]:
        """Steps fall due and are delivered (or held up); relief follows the schedule; trust learns from it."""
        p = self.params
        active = s.in_force.copy()
        if not active.any():
            return s
        held_up = self.draws.uniform(s.month, Purpose.STEP_DELAY) < p["step_delay_rate"]
        relief_before = s.relief
        s, delivered, late = implementation.advance(s, active, p["duration"], held_up)
        s = implementation.deliver(s, p["relief_schedule"], p["initial_relief"])
        # Benefits that fall due are withheld while the regime says so (a scripted event: E1's fuel oil).
        withheld = p["withhold_relief"] & active & (s.relief > relief_before)
        s = s.but(relief=np.where(withheld, relief_before, s.relief))
        everyone = np.broadcast_to(np.arange(N_ACTORS) != DPRK, (s.replications, N_ACTORS))
        trust, count = beliefs.observe(
            s.trust, s.trust_count, everyone, DPRK, 1.0, np.where(delivered, p["step_evidence"], 0.0), p["memory"]
        )
        s = self._relief_evidence(s.but(trust=trust, trust_count=count), active & (s.relief > relief_before))
        if self.narrate and active[0]:
            if delivered[0]:
                self._note(
                    rec.StepDelivered(
                        s.month, int(s.steps_done[0]), int(s.deal_steps[0]), bool(late[0]), float(s.relief[0])
                    )
                )
            elif s.months_late[0] > 0:
                self._note(rec.StepHeldUp(s.month, int(s.steps_done[0]) + 1, int(s.months_late[0])))
        if withheld.any():
            s = yield from self._answer_breach(
                s, US, DPRK, withheld & s.in_force, Cause.WITHHELD_BENEFIT, np.ones(s.replications), 5
            )
        overdue = active & (s.months_late == p["late_tolerance"] + 1)
        if overdue.any():
            s = yield from self._answer_breach(
                s, DPRK, US, overdue & s.in_force, Cause.LATE_STEP, np.ones(s.replications), 4
            )
        return s

    def _aid(self, s: State) -> Iterator[Pending]:
        """Japan pays its share of the agreement's economic cooperation this month, or withholds it (E5).

        Withheld aid is not a breach: the others deliver their shares, and the
        DPRK values the agreement with Japan's share missing from the next month.
        """
        p = self.params
        owed = s.in_force & ~s.deal_framework & (s.deal_point[:, K[Issue.ECONOMIC_COOPERATION]] > 0)
        asked = owed & (p["japan_share"] > 0)
        if not asked.any():
            return s.but(aid_withheld=np.zeros(s.replications, dtype=bool))
        values = options.aid(self._seen, JPN, p["japan_share"], p["japan_linkage"])
        picked = yield from self._ask(s, self._seen, JPN, Decision.AID, values, asked)
        withheld = asked & (picked.index == 1)
        if self.narrate and asked[0] and withheld[0] != s.aid_withheld[0]:
            self._note_choice(s, JPN, Decision.AID, picked, asked)
        return s.but(aid_withheld=withheld, aid_withheld_months=s.aid_withheld_months + withheld)

    def _cooperation_paid(self, s: State) -> np.ndarray:
        """Share of the agreement's economic cooperation actually paid: all of it unless Japan withholds."""
        return 1.0 - self.params["japan_share"] * s.aid_withheld

    def _relief_evidence(self, s: State, gave: np.ndarray) -> State:
        """Relief delivered is evidence, for the DPRK, that the US keeps its word."""
        p = self.params
        dprk = np.broadcast_to(np.arange(N_ACTORS) == DPRK, (s.replications, N_ACTORS))
        trust, count = beliefs.observe(
            s.trust, s.trust_count, dprk, US, 1.0, np.where(gave, p["step_evidence"], 0.0), p["memory"]
        )
        return s.but(trust=trust, trust_count=count)

    def _walk(self, s: State) -> Iterator[Pending]:
        """Each veto player keeps the agreement in force or walks away from it."""
        p = self.params
        for j, actor in enumerate(VETOES):
            live = s.in_force.copy()
            if not live.any():
                return s
            out = self._seen
            picked = yield from self._ask(
                s, out, actor, Decision.WALK, options.walk(out, actor), live, 0, deliberate=True
            )
            walked = live & (picked.index == 1)
            if self.narrate and walked[0]:
                self._note_choice(s, actor, Decision.WALK, picked, live)
            other = VETOES[1 - j]
            observer = np.broadcast_to(np.arange(N_ACTORS) == other, (s.replications, N_ACTORS))
            trust, count = beliefs.observe(
                s.trust, s.trust_count, observer, actor, 0.0, np.where(walked, p["breach_evidence"], 0.0), p["memory"]
            )
            s = self._collapse(s.but(trust=trust, trust_count=count), walked, Cause.WALKED_AWAY, actor, actor)
        return s

    # ------------------------------------------------------------------ talks
    def _talks(self, s: State, due: np.ndarray, summit: np.ndarray) -> Iterator[Pending]:
        p = self.params
        changed = s.format.copy()
        s = yield from self._format_change(s, due, summit)
        out = self._seen if (changed == s.format).all() else self._seen.in_format(s.format == SIX, self._named())
        hope = out.fresh_hope([*VETOES, *np.flatnonzero(p["brokers"].any(axis=0)).tolist()])
        out = out.with_hope(hope)
        s = s.but(hope=np.where(due[:, None], hope, s.hope))
        six = s.format == SIX
        boost = summit * p["summit_boost"]
        setter = np.where(six, CHN, p["setter"])
        agreed = np.zeros(s.replications, dtype=bool)
        # 1. the agenda setter tables a named proposal; 2. a veto player counters
        for stage, proposer_of in enumerate((setter, self._counter_proposer(setter))):
            open_ = due & ~agreed & (proposer_of >= 0)
            slot = np.full(s.replications, -1)
            for actor in range(N_ACTORS):
                asked = open_ & (proposer_of == actor)
                if asked.any():
                    responders = [v for v in VETOES if v != actor]
                    ev = options.propose(out, actor, responders, boost)
                    joint = sum(out.agenda_values(v) for v in VETOES)
                    values = {
                        "offers": ev,
                        "no_offer": out.no_deal(actor),
                        "joint": joint,
                        "own": options.opening(out, actor, boost),
                    }
                    picked = yield from self._ask(
                        s, out, actor, Decision.PROPOSE, values, asked, stage, {"names": [p.value for p in Proposal]}
                    )
                    slot = np.where(asked, picked.index, slot)
                    self._note_tabled(s, out, actor, asked, picked.index, ev, out.agenda.point)
            offers = out.agenda.take(np.maximum(slot, 0))
            yes, taste = yield from self._answers(s, out, offers, slot >= 0, boost, stage, self._names(slot))
            signing = open_ & (slot >= 0) & yes
            s = self._sign(s, signing, out.agenda, slot, slot, np.full(s.replications, NO_ONE), taste)
            agreed |= signing
        # 3. a broker tables the compromise of greatest joint surplus
        mediated = due & ~agreed & (six | p["mediation"])
        if mediated.any():
            s, signed = yield from self._broker(s, out, mediated, boost, six)
            agreed |= signed
        if self.narrate and due[0] and not agreed[0]:
            self._note(rec.NoAgreement(s.month, list(TalksFormat)[int(s.format[0])].value))
        return s.but(
            talks_held=s.talks_held + due,
            failed_rounds=np.where(due & ~agreed, s.failed_rounds + 1, s.failed_rounds),
        )

    def _counter_proposer(self, setter: np.ndarray) -> np.ndarray:
        """The veto player that is not the setter counters; with a non-veto setter, nobody does."""
        return np.where(setter == US, DPRK, np.where(setter == DPRK, US, -1))

    def _names(self, slot: np.ndarray) -> list[str]:
        return [list(Proposal)[int(slot[0])].value if slot[0] >= 0 else "none"]

    def _note_tabled(self, s, out, actor, asked, slot, ev, points) -> None:
        if not (self.narrate and asked[0]):
            return
        k = int(slot[0])
        name = list(Proposal)[k].value if k >= 0 else None
        odds = None
        if k >= 0:
            others = [v for v in VETOES if v != actor]
            odds = float(np.prod([out.accept_probability(v, out.agenda_values(v))[0, k] for v in others]))
        self._note(
            rec.Tabled(
                s.month,
                list(Actor)[actor].value,
                name,
                tuple(np.round(points[0, k], 2).tolist()) if k >= 0 else None,
                float(ev[0, k]) if k >= 0 else None,
                float(out.no_deal(actor)[0]),
                odds,
            )
        )

    def _answers(self, s, out, offers: Offers, tabled, boost, stage: int, names: list[str]) -> Iterator[Pending]:
        """The veto players answer (and, in a narrated six-party round, the others say where they stand).

        Returns the mask where every veto player accepts, and each party's draws
        ``(R, A, 2)`` (its lasting taste for the text, if it is signed).
        """
        yes = tabled.copy()
        taste = np.zeros((s.replications, N_ACTORS, 2))
        present = np.where((s.format == SIX)[:, None], True, np.isin(np.arange(N_ACTORS), VETOES)[None, :])
        for actor in range(N_ACTORS):
            asked = tabled & present[:, actor]
            if not asked.any() or (actor not in VETOES and not self.narrate):
                continue
            values = options.accept(out, actor, offers, boost)
            picked = yield from self._ask(s, out, actor, Decision.ACCEPT, values, asked, stage, deliberate=True)
            taste[:, actor] = self._noise(s.month, actor, Decision.ACCEPT, stage, 2)
            if actor in VETOES:
                yes &= picked.index == 0
            if self.narrate and asked[0]:
                demand = float(out.margin[0, actor] - boost[0])
                self._note(
                    rec.Answered(
                        s.month,
                        list(Actor)[actor].value,
                        names[0],
                        bool(picked.index[0] == 0),
                        float(values["accept"][0]) + demand,
                        float(out.status_quo(actor)[0]),
                        float(out.waiting(actor)[0]),
                        demand,
                        actor in VETOES,
                    )
                )
        return yes, taste

    def _compromise(self, out: Outlook, boost: np.ndarray, broker: np.ndarray) -> dict[str, Any]:
        """The broker's rule: of the agreements on the agenda and blends of the favourites of the two veto
        players and of the broker, the one of greatest joint surplus for the veto players (the largest Nash
        product of their gains). The broker's own favourite enters only as a text to blend with."""
        key = ("compromise", id(boost), broker.tobytes())
        if key in out._cache:
            return out._cache[key][1]
        usable = out.on_agenda & ~out.agenda.framework
        mixed_key = ("mixed", broker.tobytes())
        if mixed_key not in out._cache:
            out._cache[mixed_key] = self._blends(out, usable, broker)
        mixed = out._cache[mixed_key]
        candidates = talks.join(out.agenda, mixed)
        valid = np.concatenate([usable, np.repeat(usable.any(axis=1)[:, None], mixed.steps.shape[1], axis=1)], axis=1)
        values = {v: np.concatenate([out.agenda_values(v), out.value(v, mixed)], axis=1) for v in VETOES}
        gains = [values[v] - (out.no_deal(v) + out.margin[:, v] - boost)[:, None] for v in VETOES]
        plan = {
            "candidates": candidates,
            "valid": valid,
            "values": values,
            "nash": talks.nash_slot(*gains, valid),
            "named": out.agenda.steps.shape[1],
            "mixed": mixed,
        }
        out._cache[key] = (boost, plan)
        return plan

    def _blends(self, out: Outlook, usable: np.ndarray, broker: np.ndarray) -> Offers:
        """Blends of the US's and the DPRK's favourites (3/4, 1/2, 1/4) and of each with the broker's (1/2)."""

        def favourite(actors: np.ndarray) -> np.ndarray:
            pick = np.zeros(out.replications, dtype=np.int64)
            for actor in np.unique(actors):
                rows = actors == actor
                best = np.argmax(np.where(usable, out.agenda_values(int(actor)), -np.inf), axis=1)
                pick = np.where(rows, best, pick)
            return pick

        us, dprk = favourite(np.full(out.replications, US)), favourite(np.full(out.replications, DPRK))
        own = favourite(np.where(broker >= 0, broker, US))
        phases = self.params["max_phases"]
        return talks.join(
            talks.blends(out.agenda, us, dprk, phases),
            talks.join(
                talks.blends(out.agenda, us, own, phases, (0.5,)), talks.blends(out.agenda, dprk, own, phases, (0.5,))
            ),
        )

    def _broker(self, s, out, mediated, boost, six) -> Iterator[Pending]:
        broker = self._broker_of(six)
        plan = self._compromise(out, boost, broker)
        candidates, nash = plan["candidates"], plan["nash"]
        slot = np.full(s.replications, -1)
        for actor in np.unique(broker[mediated & (broker >= 0)]):
            asked = mediated & (broker == actor)
            picked = yield from self._ask(
                s,
                out,
                int(actor),
                Decision.BROKER,
                {"nash": nash},
                asked,
                2,
                {"candidates": candidates, "valid": plan["valid"], "named": plan["named"]},
            )
            slot = np.where(asked, picked.index, slot)
        tabled = mediated & (slot >= 0)
        offers = candidates.take(np.maximum(slot, 0))
        package = np.where(slot < plan["named"], slot, talks.BROKERED)
        name = list(Proposal)[int(slot[0])].value if 0 <= slot[0] < plan["named"] else "compromise"
        if self.narrate and tabled[0]:
            k = int(slot[0])
            self._note(
                rec.Tabled(
                    s.month,
                    list(Actor)[int(broker[0])].value,
                    name,
                    tuple(np.round(candidates.point[0, k], 2).tolist()),
                    None,
                    0.0,
                    None,
                    True,
                )
            )
        yes, taste = yield from self._answers(s, out, offers, tabled, boost, 2, [name])
        signing = tabled & yes
        s = self._sign(s, signing, candidates, slot, package, broker, taste)
        return s, signing

    def _broker_of(self, six: np.ndarray) -> np.ndarray:
        """China hosts six-party talks; in mediated bilateral talks the broker with most clout brokers."""
        p = self.params
        clout = np.where(p["brokers"], p["capability"], -1.0)
        best = np.where(clout.max(axis=1) >= 0, np.argmax(clout, axis=1), -1)
        return np.where(six & p["brokers"][:, CHN], CHN, best)

    def _sign(self, s: State, signing, offers: Offers, slot, package, broker, taste) -> State:
        if not signing.any():
            return s
        before = s.relief
        s = talks.sign(s, signing, offers, slot, package, broker, taste)
        s = implementation.deliver(s, self.params["relief_schedule"], self.params["initial_relief"])
        s = self._relief_evidence(s, signing & (s.relief > before))  # relief paid upfront is a promise kept
        if self.narrate and signing[0]:
            k = int(slot[0])
            name = list(Proposal)[int(package[0])].value if package[0] < len(Proposal) else "compromise"
            kind = AgreementKind.FRAMEWORK if offers.framework[0, k] else AgreementKind.AGREEMENT
            scope = {
                part: list(Coverage)[int(offers.scope[0, k, i])].value for i, part in enumerate(("tests", "launches"))
            }
            self._note(
                rec.Signed(
                    s.month,
                    name,
                    kind.value,
                    int(offers.steps[0, k]),
                    list(TalksFormat)[int(s.format[0])].value,
                    tuple(np.round(offers.point[0, k], 2).tolist()),
                    scope,
                )
            )
        return s

    def _format_change(self, s: State, due: np.ndarray, summit: np.ndarray) -> Iterator[Pending]:
        """After failed bilateral rounds a broker may call for six-party talks; both veto players must consent."""
        p = self.params
        want = due & p["allow_format_change"] & (s.format != SIX) & (s.failed_rounds >= p["switch_after"])
        if not want.any():
            return s
        boost = summit * p["summit_boost"]
        out = self._seen
        deciders = sorted({*VETOES, *np.flatnonzero(p["brokers"].any(axis=0)).tolist()})
        rows = np.flatnonzero(want)
        sub, sub_boost = out.subset(rows), boost[rows]
        saved, self.params = self.params, take_rows(self.params, rows, s.replications)
        try:
            value = {}
            named = self._named()
            for f in (SIX, 1 - SIX):
                o = sub.in_format(np.full(len(rows), f == SIX), named)
                plan = self._round_outlook(o, f, sub_boost)
                value[f] = {a: spread_rows(self._round_value(o, plan, a), rows, s.replications) for a in deciders}
        finally:
            self.params = saved
        called = np.zeros(s.replications, dtype=bool)
        caller = np.full(s.replications, -1)
        for actor in np.flatnonzero(p["brokers"].any(axis=0)):
            asked = want & p["brokers"][:, actor] & ~called
            if not asked.any():
                continue
            picked = yield from self._ask(
                s,
                out,
                int(actor),
                Decision.CALL_FORMAT,
                {"call": value[SIX][actor], "wait": value[1 - SIX][actor]},
                asked,
                deliberate=True,
            )
            self._note_choice(s, int(actor), Decision.CALL_FORMAT, picked, asked)
            newly = asked & (picked.index == 0)
            caller = np.where(newly, actor, caller)
            called |= newly
        consent = called.copy()
        for actor in VETOES:
            if called.any():
                picked = yield from self._ask(
                    s,
                    out,
                    actor,
                    Decision.CONSENT_FORMAT,
                    {"consent": value[SIX][actor], "decline": value[1 - SIX][actor]},
                    called,
                    deliberate=True,
                )
                self._note_choice(s, actor, Decision.CONSENT_FORMAT, picked, called)
                consent &= picked.index == 0
        if self.narrate and consent[0]:
            self._note(rec.FormatChanged(s.month, list(Actor)[int(caller[0])].value))
        return s.but(format=np.where(consent, SIX, s.format), failed_rounds=np.where(consent, 0, s.failed_rounds))

    def _round_outlook(self, out: Outlook, fmt: int, boost: np.ndarray) -> dict[str, Any]:
        """What a round in a format would table, and the chance each text is signed (for a format's value).

        A text is worth the same whoever tables it; the format decides who sets
        the agenda, whether a broker tables a compromise, and the value of no
        agreement (through the format issue).
        """
        p = self.params
        r = out.replications
        setter = np.full(r, CHN) if fmt == SIX else p["setter"]
        first, odds1 = np.zeros(r, dtype=np.int64), np.zeros(r)
        for proposer in np.unique(setter):
            rows = setter == proposer
            responders = [v for v in VETOES if v != proposer]
            ev = options.propose(out, int(proposer), responders, boost)
            k = np.argmax(ev, axis=1)
            tables = np.isfinite(ev.max(axis=1)) & (ev.max(axis=1) > out.no_deal(int(proposer)))
            odds = np.ones(r)
            for v in responders:
                odds = odds * out.accept_probability(v, out.agenda_values(v) + boost[:, None])[np.arange(r), k]
            first = np.where(rows, k, first)
            odds1 = np.where(rows & tables, odds, odds1)
        plan = self._compromise(out, boost, self._broker_of(np.full(r, fmt == SIX)))
        k3 = plan["nash"]
        rows = np.arange(r)
        odds3 = np.prod(
            [out.accept_probability(v, plan["values"][v] + boost[:, None])[rows, k3] for v in VETOES], axis=0
        )
        mediated = (fmt == SIX) | p["mediation"]
        return {"first": first, "odds1": odds1, "third": k3, "odds3": np.where(mediated, odds3, 0.0), "plan": plan}

    def _round_value(self, out: Outlook, plan: dict[str, Any], actor: int) -> np.ndarray:
        """An actor's expectation of a round: the setter's text, else the broker's, else no agreement."""
        rows = np.arange(out.replications)
        first = out.agenda_values(actor)[rows, plan["first"]]
        compromise = plan["plan"]
        values = compromise["values"].get(actor)
        if values is None:
            values = np.concatenate([out.agenda_values(actor), out.value(actor, compromise["mixed"])], axis=1)
        third = values[rows, plan["third"]]
        later = plan["odds3"] * third + (1 - plan["odds3"]) * out.no_deal(actor)
        return plan["odds1"] * first + (1 - plan["odds1"]) * later

    # ------------------------------------------------------------------ beliefs, positions and the world
    def _learn(self, s: State, act: np.ndarray) -> State:
        """Months of pressure without a concession lower the hope that pressure works; the forecast follows leakage."""
        p = self.params
        waiting = p["active"] & ~s.in_force
        belief = beliefs.no_concession(s.yield_belief, s.pressure, p["yield_hazard"], waiting)
        income = economy.income(self._delivered(s), p["income_share"], p["rest_of_world"], self._felt_relief(s))
        settled = economy.target_pressure(income, p["need"])
        return s.but(
            yield_belief=belief, pressure_forecast=beliefs.forecast(s.pressure_forecast, settled, p["forecast_rate"])
        )

    def _move_positions(self, s: State) -> State:
        """US and DPRK positions follow allies and patrons, anchored to their own (no agreement in force)."""
        p = self.params
        open_ = p["active"] & ~s.in_force
        if not open_.any():
            return s
        ideal = s.ideal.copy()
        delivered = self._delivered(s).mean(axis=2)
        for mover, pressers, clout in (
            (US, [a.index for a in ALLIES_OF_US], p["capability"][:, [a.index for a in ALLIES_OF_US]]),
            (DPRK, list(ENFORCERS), p["capability"][:, list(ENFORCERS)] * delivered),
        ):
            scale = getattr(self.agents_by_actor[mover].policy, "concession_scale", 1.0)
            lam = np.where(open_, np.clip(p["susceptibility"] * (1 - p["resolve"][:, mover]) * scale, 0, 1), 0.0)
            row = positions.influence(p["self_weight"], clout)
            moved = positions.friedkin_johnsen(s.ideal[:, mover], p["ideal"][:, mover], s.ideal[:, pressers], row, lam)
            ideal[:, mover] = np.where(open_[:, None], moved, s.ideal[:, mover])  # held while an agreement is in force
            if self.narrate:
                change = ideal[0, mover] - s.ideal[0, mover]
                k = int(np.argmax(np.abs(change)))
                if abs(change[k]) >= 0.01:
                    self._note(
                        rec.Moved(
                            s.month,
                            list(Actor)[mover].value,
                            tuple(list(Actor)[j].value for j in pressers),
                            list(Issue)[k].value,
                            float(change[k]),
                        )
                    )
        return s.but(ideal=ideal)

    def _world(self, s: State) -> State:
        p = self.params
        reads = covered(s.deal_scope[:, None], p["reads_ambiguous_as_covered"][:, DPRK])[:, 0, 0] > 0
        frozen = s.in_force & ~s.deal_framework & reads  # the DPRK holds its programme where it reads tests covered
        capability = conflict.grow_arsenal(s.capability, p["capability_growth"], frozen)
        tension = conflict.decay(s.tension, p["tension_decay"])
        s = s.but(capability=capability, tension=tension)
        return s.but(
            tension_sum=s.tension_sum + s.tension,
            tension_peak=np.maximum(s.tension_peak, s.tension),
            utility_sum=s.utility_sum + self.realised_utility(s),
        )

    def realised_utility(self, s: State | None = None) -> np.ndarray:
        """What each actor gets this month, ``(R, A)``: the flow utility of the state, by its starting preferences."""
        s = s or self.state
        p = self.params
        world = self._world_now(s)
        if self._starting_prefs is None:  # rebuilt after a scripted event changes the parameters
            self._starting_prefs = [self._preferences(p["ideal"], a) for a in range(N_ACTORS)]
        prefs = self._starting_prefs
        enforcer = {a: e for e, a in enumerate(ENFORCERS)}
        return np.stack([flow(prefs[a], world, enforcer.get(a))[:, 0] for a in range(N_ACTORS)], axis=1)

    def _world_now(self, s: State) -> World:
        p = self.params
        share = np.where(s.in_force & ~s.deal_framework, s.implemented_share, 0.0)
        live = s.in_force[:, None]
        point = np.where(live, s.deal_point, p["proposals"][:, SQ])
        point[:, K[Issue.DENUCLEARIZATION]] = s.deal_point[:, K[Issue.DENUCLEARIZATION]] * share
        paid = self._cooperation_paid(s)
        point[:, K[Issue.ECONOMIC_COOPERATION]] = s.deal_point[:, K[Issue.ECONOMIC_COOPERATION]] * share * paid
        point[:, K[Issue.SANCTIONS_RELIEF]] = s.relief
        restraint = np.where(s.in_force, s.deal_point[:, K[Issue.EXERCISE_RESTRAINT]], 0.0)
        point[:, K[Issue.EXERCISE_RESTRAINT]] = np.maximum(restraint, p["exercises_suspended"])
        point[:, K[Issue.MULTILATERAL_FORMAT]] = np.where(
            s.in_force, point[:, K[Issue.MULTILATERAL_FORMAT]], s.format == SIX
        )
        kappa = credibility_of_guarantees(s.trust, p["guarantor_weight"], point[:, K[Issue.MULTILATERAL_FORMAT]])
        trade = np.stack(economy.trade_coefficients(self._delivered(s), p["income_share"]))
        trade_kept = trade[0] + trade[1] * self._felt_relief(s)[:, None]
        return World(
            point[:, None],
            s.capability[:, None],
            kappa[:, None],
            (1.0 - s.pressure)[:, None],
            trade_kept[:, None],
            s.tension[:, None],
        )


def fresh_seed() -> int:
    """A 63-bit seed from the operating system's entropy (Mesa's convention for ``rng=None``)."""
    return int(np.random.SeedSequence().generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))
