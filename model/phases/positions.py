"""The positions phase: the US's and the DPRK's positions follow their allies and patrons, anchored to their
own (Friedkin-Johnsen), while no agreement is in force; each move is recorded with who moved it."""

from __future__ import annotations

import numpy as np

from model.core import records as rec
from model.core.domain import ALLIES_OF_US, Actor, Enforcer, Issue
from model.core.state import State
from model.phases.month import ACTORS, Month, Records
from model.phases.valuation import delivered
from model.rules import positions

US, DPRK = Actor.US.index, Actor.DPRK.index
ALLIES = [a.index for a in ALLIES_OF_US]
ENFORCERS = [Actor(e.value).index for e in Enforcer]


def phase(m: Month, s: State) -> tuple[State, Records]:
    p = m.params
    open_ = p.active & ~s.in_force
    if not open_.any():
        return s, []
    ideal = s.ideal.copy()
    given = delivered(s).mean(axis=2)
    records: Records = []
    for mover, pressers, clout in (
        (US, ALLIES, p.capability[:, ALLIES]),
        (DPRK, ENFORCERS, p.capability[:, ENFORCERS] * given),
    ):
        scale = m.concession_scale[mover]
        lam = np.where(open_, np.clip(p.susceptibility * (1 - p.resolve[:, mover]) * scale, 0, 1), 0.0)
        row = positions.influence(p.self_weight, clout)
        moved = positions.friedkin_johnsen(s.ideal[:, mover], p.ideal[:, mover], s.ideal[:, pressers], row, lam)
        ideal[:, mover] = np.where(open_[:, None], moved, s.ideal[:, mover])  # held while an agreement is in force
        if m.narrate:
            change = ideal[0, mover] - s.ideal[0, mover]
            k = int(np.argmax(np.abs(change)))
            if abs(change[k]) >= 0.01:
                by = tuple(ACTORS[j].value for j in pressers)
                records.append(rec.Moved(s.month, ACTORS[mover].value, by, list(Issue)[k].value, float(change[k])))
    return s.but(ideal=ideal), records
