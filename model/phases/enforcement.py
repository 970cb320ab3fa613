"""The enforcement phase: China and Russia each deliver a step less, the same, or a step more of the mandate."""

from __future__ import annotations

import numpy as np

from model.agents.policies import Decision
from model.core.domain import Actor, Enforcer
from model.core.state import State
from model.phases.month import Month, Phase, ask, chose
from model.phases.valuation import conflict_terms
from model.rules import enforcement, options

ENFORCERS = tuple(Actor(e.value).index for e in Enforcer)


def phase(m: Month, s: State) -> Phase:
    p = m.params
    out, conf = m.outlook, conflict_terms(p, s)
    asked = ~p.pin_delivery
    if not asked.any():
        return s, []
    choice = np.zeros((s.replications, len(Enforcer)))
    picks = []
    for e, actor in enumerate(ENFORCERS):
        values = options.enforce(out, actor, conf, s.delivery_shift[:, e])
        picked = yield from ask(m, s, out, actor, Decision.ENFORCE, values, asked)
        choice[:, e] = np.where(asked, picked.index - 1, 0)  # less, hold, more -> -1, 0, +1
        picks.append(picked)
    shift = enforcement.adjust(s.delivery_shift, choice, p.delivery_step, p.pin_delivery)
    records = []
    if m.narrate:  # a month's step is small: the timeline says when delivery has moved a tenth
        for e, actor in enumerate(ENFORCERS):
            if np.floor(shift[0, e] * 10 + 1e-9) != np.floor(s.delivery_shift[0, e] * 10 + 1e-9):
                records += chose(m, s, actor, Decision.ENFORCE, picks[e], asked, {"shift": float(shift[0, e])})
    return s.but(delivery_shift=shift), records
