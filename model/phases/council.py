"""The Security Council phase: after a strategic test or a launch, a new resolution passes if China and Russia
both consent."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from model.agents.policies import Decision
from model.core import records as rec
from model.core.domain import SCOPED_ACTIVITIES, Actor, Enforcer
from model.core.state import State
from model.phases.month import Month, Phase, ask, chose
from model.phases.valuation import conflict_terms, delivered, situation
from model.rules import enforcement, options

ENFORCERS = tuple(Actor(e.value).index for e in Enforcer)
SCOPED = [a.index for a in SCOPED_ACTIVITIES]


def phase(m: Month, s: State) -> Phase:
    p = m.params
    asked = np.isin(s.act, SCOPED)
    if not asked.any():
        return s, []
    # The Council meets after the act: it judges with the tension and arsenal the act left.
    out, conf = replace(m.outlook, situation=situation(p, s), _cache={}), conflict_terms(p, s)
    gap = 1.0 - delivered(s).mean(axis=2)
    passes = asked.copy()
    records = []
    for e, actor in enumerate(ENFORCERS):
        values = options.council(out, actor, conf, gap[:, e])
        picked = yield from ask(m, s, out, actor, Decision.COUNCIL, values, asked)
        passes &= picked.index == 0
        records += chose(m, s, actor, Decision.COUNCIL, picked, asked)
    if m.narrate and passes[0]:
        records.append(rec.Activity(s.month, "resolution", 0.0))
    start = enforcement.tighten(s.enforcement_start, p.tightening_step, passes)
    return s.but(enforcement_start=start, tightenings=s.tightenings + passes), records
