"""The activity phase: the DPRK's tests and launches, the allies' exercises, and what each does to tension,
the arsenal and trust."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from model.agents.policies import Decision
from model.core import records as rec
from model.core.domain import EXERCISING, N_ACTORS, SCOPED_ACTIVITIES, Activity, Actor, Enforcer, Issue
from model.core.draws import Purpose
from model.core.state import State
from model.phases.month import Month, Phase, Records, ask, chose
from model.phases.valuation import conflict_terms, delivered
from model.rules import beliefs, conflict, options
from model.rules.outlook import Outlook, normal_cdf

DPRK = Actor.DPRK.index
ENFORCERS = tuple(Actor(e.value).index for e in Enforcer)
ACT = {a: a.index for a in Activity}
DEN = Issue.DENUCLEARIZATION.index


def phase(m: Month, s: State) -> Phase:
    p = m.params
    out, conf = m.outlook, conflict_terms(p, s)
    ready = m.draws.uniform(s.month, Purpose.OPPORTUNITY, 3) < np.stack(
        [p.short_range_opportunity, p.launch_opportunity, p.test_opportunity], axis=1
    )
    values = options.provoke(out, conf, council_odds(m, out, conf, s))
    # options in order none, short-range, launch, strategic test; each act only when it is ready
    offered = {
        name: v if i == 0 else np.where(ready[:, i - 1], v, -np.inf) for i, (name, v) in enumerate(values.items())
    }
    everyone = np.ones(s.replications, bool)
    picked = yield from ask(m, s, out, DPRK, Decision.PROVOKE, offered, everyone)
    act = picked.index
    records = chose(m, s, DPRK, Decision.PROVOKE, picked, everyone) if act[0] != ACT[Activity.NONE] else []
    s = s.but(test_rate=np.where(s.in_force, s.test_rate, expected_test_rate(values, p)))
    month_of_year = (m.start_month - 1 + s.month - 1) % 12
    season = p.exercise_months[:, month_of_year] & ~p.exercises_suspended
    exercised = season.copy()
    for actor in (a.index for a in EXERCISING):
        if season.any():
            picked = yield from ask(m, s, out, actor, Decision.EXERCISE, options.exercise(out, actor, conf), season)
            exercised &= picked.index == 0
            records += chose(m, s, actor, Decision.EXERCISE, picked, season)
    s, effects = apply(m, s, act, exercised)
    return s, records + effects


def council_odds(m: Month, out: Outlook, conf: options.Conflict, s: State) -> np.ndarray:
    """The DPRK's estimate that China and Russia would both consent to a new resolution."""
    gap = 1.0 - delivered(s).mean(axis=2)
    odds = np.ones(s.replications)
    for e, actor in enumerate(ENFORCERS):
        v = options.council(out, actor, conf, gap[:, e])
        odds = odds * normal_cdf((v["consent"] - v["veto"]) / m.params.activity_noise)
    return odds


def expected_test_rate(values: Mapping[str, np.ndarray], p) -> np.ndarray:
    """What the others expect of DPRK strategic tests: readiness times the chance a test beats holding back."""
    gap = values[Activity.STRATEGIC_TEST.value] - values[Activity.NONE.value]
    return p.test_opportunity * normal_cdf(gap / p.activity_noise)


def apply(m: Month, s: State, act: np.ndarray, exercised: np.ndarray) -> tuple[State, Records]:
    """The acts' effects: tension, the arsenal (a test adds to it), counts, and what the others learn."""
    p = m.params
    tested = act == ACT[Activity.STRATEGIC_TEST]
    added = conflict.activity_tension(act, p.test_tension, p.launch_tension, p.short_range_tension)
    added = added + exercised * p.exercise_tension
    counts = s.activities.copy()
    counts[np.arange(s.replications), act] += 1
    grown = conflict.test_gain(s.capability, p.test_capability_gain, tested)
    cut = s.deal_point[:, DEN] * s.implemented_share
    live = s.in_force & ~s.deal_framework  # a test during an agreement adds to what the steps cut from
    s = s.but(
        tension=conflict.raise_tension(s.tension, added),
        capability=grown,
        capability_at_signing=np.where(live, grown / np.maximum(1.0 - cut, 1e-9), s.capability_at_signing),
        activities=counts,
        exercises=s.exercises + exercised,
        exercised_last=exercised,
        act=act,
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
        np.where(hostile, p.test_evidence, 0.0),
        p.memory,
    )
    dprk_only = np.broadcast_to(np.arange(N_ACTORS) == DPRK, (s.replications, N_ACTORS))
    for ally in (a.index for a in EXERCISING):
        trust, count = beliefs.observe(
            trust,
            count,
            dprk_only,
            ally,
            0.0,
            np.where(exercised & ~s.in_force, p.exercise_evidence, 0.0),
            p.memory,
        )
    records: Records = []
    if m.narrate:
        if act[0] != ACT[Activity.NONE]:
            records.append(rec.Activity(s.month, list(Activity)[int(act[0])].value, float(added[0])))
        if exercised[0]:
            records.append(rec.Activity(s.month, "exercise", float(p.exercise_tension[0])))
    state = s.but(
        trust=trust,
        trust_count=count,
        yield_belief=beliefs.after_test(s.yield_belief, p.test_likelihood_ratio, tested),
    )
    return state, records
