"""The breaches phase: acts the other side reads as breaches of the agreement in force, and its answer
(tolerate, or end the agreement); :func:`answer` and :func:`collapse` serve the later phases too."""

from __future__ import annotations

import numpy as np

from model.agents.policies import Decision
from model.core import records as rec
from model.core.domain import N_ACTORS, Activity, Actor, Cause, Issue
from model.core.state import State
from model.phases.month import ACTORS, Month, Phase, Records, ask, chose
from model.phases.valuation import restored
from model.rules import beliefs, implementation, options
from model.rules.paths import covered

US, DPRK = Actor.US.index, Actor.DPRK.index
ACT = {a: a.index for a in Activity}
RESTRAINT = Issue.EXERCISE_RESTRAINT.index


def phase(m: Month, s: State) -> Phase:
    """The US (and its allies) read the text with their reading of ambiguous scope; the DPRK reads an exercise
    against agreed restraint as a breach in proportion to the restraint agreed, and a new sanction scripted in the
    scenario as a breach (a resolution the Council passes after a test is not read as one). A benefit withheld
    when it falls due is seen in implementation."""
    p = m.params
    live = s.in_force.copy()
    if not live.any():
        return s, []
    us_reads = covered(s.deal_scope[:, None], p.reads_ambiguous_as_covered[:, US])[:, 0]
    test = (s.act == ACT[Activity.STRATEGIC_TEST]) & (us_reads[:, 0] > 0)
    launch = (s.act == ACT[Activity.LAUNCH]) & (us_reads[:, 1] > 0)
    restraint = s.deal_point[:, RESTRAINT]
    ones = np.ones(s.replications)
    cases = [
        (DPRK, US, live & test, Cause.COVERED_TEST, ones),
        (DPRK, US, live & launch, Cause.COVERED_LAUNCH, ones),
        (US, DPRK, live & s.exercised_last & (restraint > 0), Cause.EXERCISE, restraint),
        (US, DPRK, live & s.sanctioned, Cause.NEW_SANCTIONS, ones),
    ]
    records: Records = []
    for stage, (breaker, victim, seen, cause, weight) in enumerate(cases):
        if seen.any():
            s, more = yield from answer(m, s, breaker, victim, seen & s.in_force, cause, weight, stage)
            records += more
    return s, records


def answer(
    m: Month, s: State, breaker: int, victim: int, seen: np.ndarray, cause: Cause, weight: np.ndarray, stage: int
) -> Phase:
    """The victim learns from the breach it saw, then tolerates it or ends the agreement."""
    p = m.params
    if not seen.any():
        return s, []
    observer = np.broadcast_to(np.arange(N_ACTORS) == victim, (s.replications, N_ACTORS))
    trust, count = beliefs.observe(
        s.trust,
        s.trust_count,
        observer,
        breaker,
        0.0,
        np.where(seen, p.breach_evidence * weight, 0.0),
        p.memory,
    )
    s = s.but(trust=trust, trust_count=count)
    records: Records = []
    if m.narrate and seen[0]:
        records.append(rec.Breach(s.month, ACTORS[breaker].value, ACTORS[victim].value, cause.value))
    out = m.outlook.with_trust(s.trust)  # it answers with the trust the breach just cost
    values = options.respond(out, victim, p.precedent * weight)
    context = {"cause": cause.value}
    picked = yield from ask(m, s, out, victim, Decision.RESPOND, values, seen, stage, context, deliberate=True)
    records += chose(m, s, victim, Decision.RESPOND, picked, seen)
    s, ended = collapse(m, s, seen & (picked.index == 1), cause, breaker, victim)
    return s, records + ended


def collapse(m: Month, s: State, ended: np.ndarray, cause: Cause, breaker: int, ender: int) -> tuple[State, Records]:
    """The agreement ends where ``ended``: its cause and who broke it are kept; relief returns as the regime says."""
    p = m.params
    if not ended.any():
        return s, []
    s = implementation.end(
        s,
        ended,
        np.full(s.replications, cause.index),
        np.full(s.replications, breaker),
        np.full(s.replications, ender == US),
        p.snapback,
        p.initial_relief,
        restored(p),
    )
    records = [rec.Collapsed(s.month, cause.value, ACTORS[breaker].value, ACTORS[ender].value)]
    return s, records if m.narrate and ended[0] else []
