"""The world phase, last in the month: the arsenal grows (unless an agreement the DPRK reads as covering tests
freezes it), tension decays, and the month's tension and realised utility are added up."""

from __future__ import annotations

import numpy as np

from model.core.domain import Actor
from model.core.state import State
from model.phases.month import Month, Records
from model.phases.valuation import realised_utility
from model.rules import conflict
from model.rules.paths import covered

DPRK = Actor.DPRK.index


def phase(m: Month, s: State) -> tuple[State, Records]:
    p = m.params
    reads = covered(s.deal_scope[:, None], p.reads_ambiguous_as_covered[:, DPRK])[:, 0, 0] > 0
    frozen = s.in_force & ~s.deal_framework & reads  # the DPRK holds its programme where it reads tests covered
    capability = conflict.grow_arsenal(s.capability, p.capability_growth, frozen)
    tension = conflict.decay(s.tension, p.tension_decay)
    s = s.but(capability=capability, tension=tension)
    s = s.but(
        tension_sum=s.tension_sum + s.tension,
        tension_peak=np.maximum(s.tension_peak, s.tension),
        utility_sum=s.utility_sum + realised_utility(m, s),
    )
    return s, []
