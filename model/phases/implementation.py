"""The implementation phase: steps fall due and are delivered (or held up), relief follows the schedule, and
trust learns from both; a benefit withheld or a step overdue past tolerance is a breach the other side answers."""

from __future__ import annotations

import numpy as np

from model.core import records as rec
from model.core.domain import N_ACTORS, Actor, Cause
from model.core.draws import Purpose
from model.core.state import State
from model.phases.breaches import answer
from model.phases.month import Month, Phase, Records
from model.rules import beliefs, implementation

US, DPRK = Actor.US.index, Actor.DPRK.index


def phase(m: Month, s: State) -> Phase:
    p = m.params
    active = s.in_force.copy()
    if not active.any():
        return s, []
    held_up = m.draws.uniform(s.month, Purpose.STEP_DELAY) < p.step_delay_rate
    relief_before = s.relief
    s, delivered, late = implementation.advance(s, active, p.duration, held_up)
    s = implementation.deliver(s, p.relief_schedule, p.initial_relief)
    # Benefits that fall due are withheld while the regime says so (a scripted event: E1's fuel oil).
    withheld = p.withhold_relief & active & (s.relief > relief_before)
    s = s.but(relief=np.where(withheld, relief_before, s.relief))
    everyone = np.broadcast_to(np.arange(N_ACTORS) != DPRK, (s.replications, N_ACTORS))
    trust, count = beliefs.observe(
        s.trust, s.trust_count, everyone, DPRK, 1.0, np.where(delivered, p.step_evidence, 0.0), p.memory
    )
    s = relief_evidence(m, s.but(trust=trust, trust_count=count), active & (s.relief > relief_before))
    records: Records = []
    if m.narrate and active[0]:
        if delivered[0]:
            steps = int(s.steps_done[0]), int(s.deal_steps[0])
            records.append(rec.StepDelivered(s.month, *steps, bool(late[0]), float(s.relief[0])))
        elif s.months_late[0] > 0:
            records.append(rec.StepHeldUp(s.month, int(s.steps_done[0]) + 1, int(s.months_late[0])))
    ones = np.ones(s.replications)
    if withheld.any():
        s, more = yield from answer(m, s, US, DPRK, withheld & s.in_force, Cause.WITHHELD_BENEFIT, ones, 5)
        records += more
    overdue = active & (s.months_late == p.late_tolerance + 1)
    if overdue.any():
        s, more = yield from answer(m, s, DPRK, US, overdue & s.in_force, Cause.LATE_STEP, ones, 4)
        records += more
    return s, records


def relief_evidence(m: Month, s: State, gave: np.ndarray) -> State:
    """Relief delivered is evidence, for the DPRK, that the US keeps its word."""
    p = m.params
    dprk = np.broadcast_to(np.arange(N_ACTORS) == DPRK, (s.replications, N_ACTORS))
    trust, count = beliefs.observe(
        s.trust, s.trust_count, dprk, US, 1.0, np.where(gave, p.step_evidence, 0.0), p.memory
    )
    return s.but(trust=trust, trust_count=count)
