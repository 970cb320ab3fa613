"""The walking-away phase: each veto player keeps the agreement in force or walks away from it."""

from __future__ import annotations

import numpy as np

from model.agents.policies import Decision
from model.core.domain import N_ACTORS, VETO_PLAYERS, Cause
from model.core.state import State
from model.phases.breaches import collapse
from model.phases.month import Month, Phase, Records, ask, chose
from model.rules import beliefs, options

VETOES = tuple(a.index for a in VETO_PLAYERS)


def phase(m: Month, s: State) -> Phase:
    p = m.params
    records: Records = []
    for j, actor in enumerate(VETOES):
        live = s.in_force.copy()
        if not live.any():
            return s, records
        out = m.outlook
        picked = yield from ask(m, s, out, actor, Decision.WALK, options.walk(out, actor), live, 0, deliberate=True)
        walked = live & (picked.index == 1)
        if walked[0]:
            records += chose(m, s, actor, Decision.WALK, picked, live)
        other = VETOES[1 - j]
        observer = np.broadcast_to(np.arange(N_ACTORS) == other, (s.replications, N_ACTORS))
        evidence = np.where(walked, p.breach_evidence, 0.0)
        trust, count = beliefs.observe(s.trust, s.trust_count, observer, actor, 0.0, evidence, p.memory)
        s, ended = collapse(m, s.but(trust=trust, trust_count=count), walked, Cause.WALKED_AWAY, actor, actor)
        records += ended
    return s, records
