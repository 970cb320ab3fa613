"""The aid phase: Japan pays its share of the agreement's economic cooperation this month, or withholds it (E5).

Withheld aid is not a breach: the others deliver their shares, and the DPRK
values the agreement with Japan's share missing from the next month.
"""

from __future__ import annotations

import numpy as np

from model.agents.policies import Decision
from model.core.domain import Actor, Issue
from model.core.state import State
from model.phases.month import Month, Phase, ask, chose
from model.rules import options

JPN = Actor.JPN.index
COOPERATION = Issue.ECONOMIC_COOPERATION.index


def phase(m: Month, s: State) -> Phase:
    p = m.params
    owed = s.in_force & ~s.deal_framework & (s.deal_point[:, COOPERATION] > 0)
    asked = owed & (p.japan_share > 0)
    if not asked.any():
        return s.but(aid_withheld=np.zeros(s.replications, dtype=bool)), []
    values = options.aid(m.outlook, JPN, p.japan_share, p.japan_linkage)
    picked = yield from ask(m, s, m.outlook, JPN, Decision.AID, values, asked)
    withheld = asked & (picked.index == 1)
    records = chose(m, s, JPN, Decision.AID, picked, asked) if withheld[0] != s.aid_withheld[0] else []
    return s.but(aid_withheld=withheld, aid_withheld_months=s.aid_withheld_months + withheld), records
