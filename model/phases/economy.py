"""The economy phase: the DPRK's income from what the enforcers deliver and the relief it feels, and the
pressure it feels, which adapts toward the pressure that income implies."""

from __future__ import annotations

from model.core.state import State
from model.phases.month import Month, Records
from model.phases.valuation import delivered, felt_relief
from model.rules import economy


def settle(p, s: State, adapt: bool = True) -> State:
    """Income this month; felt pressure moves toward its target (held where ``adapt`` is off: the start)."""
    income = economy.income(delivered(s), p.income_share, p.rest_of_world, felt_relief(p, s))
    pressure = economy.pressure(s.pressure, income, p.need, p.adaptation) if adapt else s.pressure
    return s.but(income=income, pressure=pressure)


def phase(m: Month, s: State) -> tuple[State, Records]:
    return settle(m.params, s), []
