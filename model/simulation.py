"""The Mesa model: six actor agents, a sanctions economy and talks, over many replications at once.

Each month (one Mesa step) runs, for every replication together:
scripted events -> economy and pressure -> exercises and tests -> talks (when
due and no agreement is in force) -> implementation of an agreement in force
-> arsenal, tension, trust and positions -> realised utility. A single run is
the same model with one replication.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mesa
import numpy as np

from model.agents import ActorAgent
from model.domain import (
    ALLIES_OF_US,
    MEDIATORS,
    N_ACTORS,
    VETO_PLAYERS,
    Actor,
    Enforcer,
    Issue,
    Proposal,
    TalksFormat,
)
from model.draws import Draws, Purpose, stream_keys
from model.loader import load_scenario
from model.observe import MONTHLY_REPORTERS, round_note
from model.params import STATE_FIELDS, compile_params, encode, locate, replicate
from model.profiles import PROFILES
from model.rules import conflict, economy, implementation, positions
from model.rules.talks import Round, Table, negotiate
from model.rules.utility import utility
from model.scenario import Scenario
from model.state import initial_state, snapshot

US, DPRK, CHN, RUS = (a.index for a in (Actor.US, Actor.DPRK, Actor.CHN, Actor.RUS))
VETOES = tuple(a.index for a in VETO_PLAYERS)
ALLIES = [a.index for a in ALLIES_OF_US]
PATRONS = [Actor(e.value).index for e in Enforcer]  # China and Russia, in the enforcement table's order
PHASING = Issue.PHASING.index
IGNORE_PHASING = np.arange(len(Issue)) == PHASING
SIGNABLE = np.array([p is not Proposal.STATUS_QUO for p in Proposal])
# Whose compliance each actor worries about: the US and DPRK each other, everyone else the DPRK.
COUNTERPART = np.array([DPRK if a == US else US if a == DPRK else DPRK for a in range(N_ACTORS)])
SIX_PARTY = TalksFormat.SIX_PARTY.index
COMPROMISE_PACKAGE = len(Proposal)  # package code of a mediator's compromise
MEDIATOR_MASK = np.isin(np.arange(N_ACTORS), [a.index for a in MEDIATORS]).astype(float)
# In an all-at-once deal the DPRK disarms first and the benefits come at the end (seed 004).
FIRST_MOVER = (np.arange(N_ACTORS) == DPRK).astype(float)


def fresh_seed() -> int:
    """A 63-bit seed from the system's entropy (numpy's SeedSequence), for a model given no seed."""
    return int(np.random.SeedSequence().generate_state(1, np.uint64)[0] >> np.uint64(1))


class PeninsulaModel(mesa.Model):
    """The negotiation game. ``PeninsulaModel(scenario="hanoi-2019", rng=42)`` is one run.

    Args:
        scenario: a shipped scenario name, a path, or a validated Scenario.
        rng: the seed of a single run (Mesa's keyword). None, as ``mesa.batch_run`` passes for
            ``iterations``, draws a fresh seed from the system's entropy; the seed used is
            always ``model.seed`` and in the monthly table, so any run can be repeated.
        seeds: one seed per replication, for a batch; overrides ``rng`` for the rules.
        params: parameter arrays over the replication axis (from a sweep); default
            the scenario's own, repeated for each seed.
        overrides: ``key=value`` strings applied to the scenario (as ``--set``).
        months: run length; default the scenario's.
        collect: record the monthly table in ``datacollector``.
        narrate: record replication 0's events for a timeline in words.
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
    ) -> None:
        spec = scenario if isinstance(scenario, Scenario) else load_scenario(scenario, overrides)
        seeds = np.asarray([fresh_seed() if rng is None else rng] if seeds is None else seeds, dtype=np.uint64)
        super().__init__(rng=int(seeds[0]))
        self.spec = spec
        self.seeds = seeds
        self.seed = int(seeds[0])
        self.months = months or spec.scenario.months
        self.start_month = int(spec.scenario.start[5:7])
        # Events change parameters while the model runs, so the model owns its copy.
        given = None if params is None else {name: array.copy() for name, array in params.items()}
        self.params = given if given is not None else replicate(compile_params(spec), len(seeds))
        self.state = initial_state(self.params)
        self.draws = Draws(stream_keys(seeds))
        self.events = {}
        for event in spec.events:
            self.events.setdefault(event.month, []).append(event)
        self._update_economy(adapt=False)
        self.actors = [ActorAgent(self, actor, PROFILES[spec.actors[actor].profile]) for actor in Actor]
        self.narrate = narrate
        self.log: list[dict[str, Any]] = []
        self.collect = collect
        self.datacollector = mesa.DataCollector(model_reporters=MONTHLY_REPORTERS)
        if collect:
            self.datacollector.collect(self)

    # ------------------------------------------------------------------ the month
    def step(self) -> None:
        s = self.state
        s.month += 1
        note: dict[str, Any] = {"month": s.month}
        summit, talks_called = self._apply_events(note)
        self._update_economy()
        frozen_exercises = self._exercise_and_test(note)
        due = self.params["active"] & ~s.in_force & ((s.month % self.params["cadence"] == 0) | talks_called)
        signed_now = np.zeros_like(due)
        if due.any():
            signed_now = self._hold_talks(due, summit, frozen_exercises, note)
        self._implement(~signed_now, note)
        self._advance_world(frozen_exercises)
        if self.narrate:
            self.log.append(note)
        if self.collect:
            self.datacollector.collect(self)
        if s.month >= self.months:
            self.running = False

    def snapshot(self):
        """A read-only view of the state, for decision makers and viewers."""
        return snapshot(self.state)

    # ------------------------------------------------------------------ pieces of a month
    def _apply_events(self, note: dict) -> tuple[np.ndarray, np.ndarray]:
        """Fire this month's scripted events; return (summit, talks held) masks.

        An event's changes become the new parameters; for quantities that are
        also state (positions, trust, enforcement, format) the state takes them
        too, so trust recovers toward the new level rather than the old one.
        """
        summit = np.zeros(self.state.replications, dtype=bool)
        talks = summit.copy()
        for event in self.events.get(self.state.month, []):
            summit |= event.summit
            talks |= event.summit | event.talks
            for key, value in event.set.items():
                slot = locate(key)
                index = (slice(None), *slot.index)
                self.params[slot.array][index] = encode(key, value)
                if slot.array in STATE_FIELDS:
                    getattr(self.state, slot.array)[index] = encode(key, value)
            note.setdefault("events", []).append(event.label)
        return summit, talks

    def _update_economy(self, adapt: bool = True) -> None:
        s, p = self.state, self.params
        s.income = economy.income(s.enforcement, p["income_share"], p["rest_of_world"], s.relief)
        if adapt:
            s.pressure = economy.pressure(s.pressure, s.income, p["need"], p["adaptation"])

    def _exercise_and_test(self, note: dict) -> np.ndarray:
        s, p = self.state, self.params
        month_of_year = (self.start_month - 1 + s.month - 1) % 12
        frozen = p["exercises_suspended"] | (s.in_force & (s.deal_point[:, Issue.EXERCISE_RESTRAINT.index] >= 0.5))
        exercise = p["exercise_months"][:, month_of_year] & ~frozen
        s.exercises += exercise
        s.tension = np.clip(s.tension + exercise * p["exercise_tension"], 0.0, 1.0)
        for other in (US, Actor.ROK.index):  # the exercising allies
            s.trust[:, DPRK, other] = np.clip(s.trust[:, DPRK, other] - exercise * p["exercise_trust_cut"], 0.0, 1.0)

        chance = conflict.test_chance(
            p["test_rate"], p["moratorium"], s.in_force * p["freeze_effect"], s.tension, s.pressure
        )
        test = self.draws.uniform(s.month, Purpose.TEST) < chance
        s.tests += test
        s.tension = np.clip(s.tension + test * p["test_tension"], 0.0, 1.0)
        s.trust = conflict.cut_trust(s.trust, DPRK, p["test_trust_cut"], test)
        council = self.draws.uniform(s.month, Purpose.TIGHTENING, 2)
        acts = test & conflict.security_council_acts(s.trust[:, PATRONS, DPRK], council)
        s.enforcement = conflict.tighten(s.enforcement, p["tightening_step"], acts)
        note.update(exercise=bool(exercise[0]), test=bool(test[0]), tightened=bool(acts[0]))
        return frozen

    def alternatives(self, frozen_exercises: np.ndarray, relief: np.ndarray | None = None) -> np.ndarray:
        """Each actor's value of no agreement now, ``(R, A)``: the status quo less what waiting costs.

        alt_i = u_i(status quo) + leverage_w_i P - pressure_w_i P - threat_w_i C - tension_w_i T:
        pressure on the DPRK makes waiting costly for it and cheap for those who
        count on sanctions to work.
        The status quo point is the ``status_quo`` proposal with today's relief,
        exercise restraint and format in place of its own.
        """
        s, p = self.state, self.params
        point = p["proposals"][:, Proposal.STATUS_QUO.index].copy()
        point[:, Issue.SANCTIONS_RELIEF.index] = s.relief if relief is None else relief
        point[:, Issue.EXERCISE_RESTRAINT.index] = frozen_exercises
        point[:, Issue.MULTILATERAL_FORMAT.index] = s.format == SIX_PARTY
        u = utility(s.ideal, p["salience"], point[:, None, :], ignore=IGNORE_PHASING)[:, :, 0]
        return (
            u
            + (p["leverage_weight"] - p["pressure_weight"]) * s.pressure[:, None]
            - p["threat_weight"] * s.capability[:, None]
            - p["tension_weight"] * s.tension[:, None]
        )

    def _hold_talks(self, due: np.ndarray, summit: np.ndarray, frozen: np.ndarray, note: dict) -> np.ndarray:
        s, p = self.state, self.params
        six = s.format == SIX_PARTY
        present = np.where(six[:, None], True, np.isin(np.arange(N_ACTORS), VETOES)[None, :])
        slots = 3 + len(VETOES)
        table = Table(
            ideal=s.ideal,
            salience=p["salience"],
            capability=p["capability"],
            proposals=p["proposals"],
            agenda=p["agenda"] & SIGNABLE,
            setter=np.where(six, CHN, p["setter"]),
            present=present,
            mediated=six | p["mediation"],
            mediator_weight=p["capability"] * MEDIATOR_MASK,
            alternative=self.alternatives(frozen),
            counterpart_trust=s.trust[:, np.arange(N_ACTORS), COUNTERPART],
            exposure=p["trust_exposure"],
            first_mover=FIRST_MOVER,
            step_share=1.0 / p["max_phases"],
            margin=p["margin"][:, None] * p["resolve"],
            boost=summit * p["summit_boost"],
            noise=p["decision_noise"][:, None, None]
            * self.draws.normal(s.month, Purpose.DECISION_NOISE, N_ACTORS, slots),
            phasing_issue=PHASING,
        )
        result = negotiate(table, [agent.profile for agent in self.actors], VETOES)
        agreed = due & result.agreed
        s.talks_held += due
        self._sign(agreed, result)
        switched = self._maybe_switch_format(due & ~agreed)
        if due[0]:
            margins = {
                agent.actor.value: agent.profile.margin_scale * float(table.margin[0, agent.index])
                - float(table.boost[0])
                for agent in self.actors
            }
            note["talks"] = round_note(result, table, six[0], bool(summit[0]), margins)
            note["format_switch"] = bool(switched[0])
        return agreed

    def _sign(self, agreed: np.ndarray, result: Round) -> None:
        s, p = self.state, self.params
        point = result.point
        kind = np.take_along_axis(result.kind, np.maximum(result.chosen, 0)[:, None], axis=1)[:, 0]
        package = np.where(kind >= 0, kind, COMPROMISE_PACKAGE)
        w = agreed[:, None]
        s.deal_point = np.where(w, point, s.deal_point)
        s.package = np.where(agreed, package, s.package)
        s.month_signed = np.where(agreed, s.month, s.month_signed)
        s.first_month_signed = np.where(agreed & (s.first_month_signed < 0), s.month, s.first_month_signed)
        s.deals = s.deals + agreed
        s.format_at_signing = np.where(agreed, s.format, s.format_at_signing)
        s.phases = np.where(agreed, implementation.phase_count(point[:, PHASING], p["max_phases"]), s.phases)
        s.phases_done = np.where(agreed, 0, s.phases_done)
        s.months_in_force = np.where(agreed, 0, s.months_in_force)
        s.capability_at_signing = np.where(agreed, s.capability, s.capability_at_signing)
        s.in_force |= agreed
        s.signed |= agreed
        s.collapsed &= ~agreed
        s.breached &= ~agreed
        s.relief_suspended &= ~agreed
        s.failed_rounds = np.where(agreed, 0, s.failed_rounds)
        s.relief = np.where(agreed, self._relief_now(), s.relief)

    def _maybe_switch_format(self, failed: np.ndarray) -> np.ndarray:
        s, p = self.state, self.params
        s.failed_rounds = s.failed_rounds + failed
        draw = self.draws.uniform(s.month, Purpose.FORMAT_SWITCH)
        switch = (
            failed
            & p["allow_format_change"]
            & (s.format != SIX_PARTY)
            & (s.failed_rounds >= p["switch_after"])
            & (draw < p["switch_probability"])
        )
        s.format = np.where(switch, SIX_PARTY, s.format)
        s.failed_rounds = np.where(switch, 0, s.failed_rounds)
        return switch

    def _relief_now(self) -> np.ndarray:
        s, p = self.state, self.params
        delivered = implementation.relief_delivered(
            s.deal_point[:, Issue.SANCTIONS_RELIEF.index], s.implemented_share, p["relief_schedule"]
        )
        return np.where(s.relief_suspended, p["initial_relief"], np.maximum(delivered, p["initial_relief"]))

    def _implement(self, eligible: np.ndarray, note: dict) -> None:
        s, p = self.state, self.params
        active = s.in_force & eligible
        if not active.any():
            return
        s.months_in_force = s.months_in_force + active
        s.months_held = s.months_held + active
        done = implementation.steps_verified(s.months_in_force, s.phases, p["duration"])
        verified = active & (done > s.phases_done)
        s.phases_done = np.where(active, done, s.phases_done)
        s.relief_suspended &= ~verified
        gain = np.where(verified, p["verification_trust_gain"], 0.0)[:, None]
        for a, b in ((US, DPRK), (DPRK, US)):
            s.trust[:, a, b] += gain[:, 0] * (1.0 - s.trust[:, a, b])
        s.relief = np.where(active, self._relief_now(), s.relief)
        progress = s.deal_point[:, Issue.DENUCLEARIZATION.index] * s.implemented_share
        s.capability = np.where(active, s.capability_at_signing * (1.0 - progress), s.capability)
        breach = self._breaches(active)
        self._respond_to_breach(breach, note)
        if active[0]:
            note["implementation"] = {
                "verified": bool(verified[0]),
                "step": int(s.phases_done[0]),
                "steps": int(s.phases[0]),
            }

    def _breaches(self, active: np.ndarray) -> np.ndarray:
        """``(R, 2)``: did the US, the DPRK breach this month?

        A party compares the deal with walking away: relief snaps back (if the
        regime says so) and the deal's exercise freeze ends.
        """
        s, p = self.state, self.params
        walk_away_relief = np.where(p["snapback"], p["initial_relief"], s.relief)
        alt = self.alternatives(p["exercises_suspended"], relief=walk_away_relief)
        u_deal = utility(s.ideal, p["salience"], s.deal_point[:, None, :], ignore=IGNORE_PHASING)[:, :, 0]
        draw = self.draws.uniform(s.month, Purpose.VIOLATION, len(VETOES))
        out = []
        for j, v in enumerate(VETOES):
            other = COUNTERPART[v]
            chance = implementation.breach_chance(
                p["violation_rate"], s.trust[:, v, other], alt[:, v] - u_deal[:, v], p["temptation_scale"]
            )
            out.append(active & self.actors[v].profile.breaches(chance, draw[:, j]))
        return np.stack(out, axis=1)

    def _respond_to_breach(self, breach: np.ndarray, note: dict) -> None:
        s, p = self.state, self.params
        any_breach = breach.any(axis=1)
        if not any_breach.any():
            return
        for j, v in enumerate(VETOES):
            s.trust = conflict.cut_trust(s.trust, v, p["violation_trust_cut"], breach[:, j])
        s.breached |= any_breach
        snap = any_breach & p["snapback"]
        s.relief_suspended |= snap
        s.relief = np.where(snap, p["initial_relief"], s.relief)
        victim_trust = np.where(breach[:, 1], s.trust[:, US, DPRK], s.trust[:, DPRK, US])
        collapse = any_breach & (self.draws.uniform(s.month, Purpose.COLLAPSE) > victim_trust)
        s.in_force &= ~collapse
        s.collapsed |= collapse
        if any_breach[0]:
            note["breach"] = [Actor(list(Actor)[v]).value for j, v in enumerate(VETOES) if breach[0, j]]
            note["collapse"] = bool(collapse[0])

    def _advance_world(self, frozen: np.ndarray) -> None:
        s, p = self.state, self.params
        s.capability = conflict.grow_arsenal(s.capability, p["capability_growth"], s.in_force)
        s.tension = conflict.decay(s.tension, p["tension_decay"])
        s.trust = conflict.recover_trust(s.trust, p["trust"], p["trust_recovery"])
        self._drift_positions()
        s.tension_sum += s.tension
        s.tension_peak = np.maximum(s.tension_peak, s.tension)
        s.utility_sum += self._realised_utility(frozen)

    def _drift_positions(self) -> None:
        s, p = self.state, self.params
        talking = p["active"] & ~s.in_force
        leverage = np.stack(
            [p["capability"][:, e] * s.enforcement[:, i].mean(axis=1) for i, e in enumerate(PATRONS)], axis=1
        )
        clout = leverage.sum(axis=1)
        dprk_rate = self.actors[DPRK].profile.concession(
            p["drift_rate"] * (1 - p["resolve"][:, DPRK]) * (1 + s.pressure) * clout
        )
        s.ideal = positions.pull(s.ideal, DPRK, PATRONS, leverage, np.where(talking, dprk_rate, 0.0))
        us_rate = self.actors[US].profile.concession(p["drift_rate"] * (1 - p["resolve"][:, US]))
        s.ideal = positions.pull(s.ideal, US, ALLIES, p["capability"][:, ALLIES], np.where(talking, us_rate, 0.0))

    def _realised_utility(self, frozen: np.ndarray) -> np.ndarray:
        """What each actor gets this month, judged by its starting preferences."""
        s, p = self.state, self.params
        share = np.where(s.in_force, s.implemented_share, 0.0)
        point = np.zeros((s.replications, len(Issue)))
        point[:, Issue.DENUCLEARIZATION.index] = np.where(
            s.in_force, s.deal_point[:, Issue.DENUCLEARIZATION.index] * share, 0.0
        )
        point[:, Issue.SANCTIONS_RELIEF.index] = s.relief
        point[:, Issue.EXERCISE_RESTRAINT.index] = frozen
        point[:, Issue.MULTILATERAL_FORMAT.index] = s.format == SIX_PARTY
        point[:, Issue.SECURITY_GUARANTEES.index] = s.deal_point[:, Issue.SECURITY_GUARANTEES.index] * s.in_force
        point[:, Issue.ECONOMIC_COOPERATION.index] = s.deal_point[:, Issue.ECONOMIC_COOPERATION.index] * share
        u = utility(p["ideal"], p["salience"], point[:, None, :], ignore=IGNORE_PHASING)[:, :, 0]
        return (
            u
            - p["pressure_weight"] * s.pressure[:, None]
            - p["threat_weight"] * s.capability[:, None]
            - p["tension_weight"] * s.tension[:, None]
        )
