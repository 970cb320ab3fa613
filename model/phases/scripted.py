"""A scenario's scripted events and the UN's deadlines: what happens by the calendar, not by a choice."""

from __future__ import annotations

import numpy as np

from model.core import records as rec
from model.core.params import STATE_FIELDS, Params, encode, locate
from model.core.state import State
from model.phases.month import Month, Records
from model.rules import enforcement


def fire(params: Params, s: State, events: list) -> tuple[Params, State, Records]:
    """This month's scripted events: new parameters, the state (with the month's summit, talks called and new
    sanctions marked), and records.

    An event's changes become the new parameters (a copy: the old ones are
    not touched); quantities that are also state (positions, trust,
    enforcement, format) change in the state too.
    """
    summit = np.zeros(s.replications, dtype=bool)
    called = summit.copy()
    before = s.enforcement_start
    records: Records = []
    for event in events:
        summit |= event.summit
        called |= event.summit | event.talks
        for key, value in event.set.items():
            slot = locate(key)
            index = (slice(None), *slot.index)
            array = getattr(params, slot.array).copy()
            array[index] = encode(key, value)
            params = params.but(**{slot.array: array})
            if slot.array in STATE_FIELDS:
                name = STATE_FIELDS[slot.array]
                array = getattr(s, name).copy()
                array[index] = encode(key, value)
                s = s.but(**{name: array})
        records.append(rec.Scripted(s.month, event.label))
    sanctioned = (s.enforcement_start > before).any(axis=(1, 2))
    return params, s.but(summit=summit, talks_called=called, sanctioned=sanctioned), records


def deadline(m: Month, s: State) -> tuple[State, Records]:
    """The UN deadline for the DPRK's workers abroad, where it falls this month (not a new sanction)."""
    due = m.params.laborers_deadline == s.month
    if not due.any():
        return s, []
    records = [rec.Deadline(s.month, "laborers")]
    start = enforcement.deadline(s.enforcement_start, m.params.laborers_deadline_step, due)
    return s.but(enforcement_start=start), records if m.narrate and due[0] else []
