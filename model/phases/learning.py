"""The learning phase: months of pressure without a concession lower the hope that pressure works, and the
forecast of pressure follows what the enforcers deliver (leakage included)."""

from __future__ import annotations

from model.core.state import State
from model.phases.month import Month, Records
from model.phases.valuation import delivered, felt_relief
from model.rules import beliefs, economy


def phase(m: Month, s: State) -> tuple[State, Records]:
    p = m.params
    waiting = p.active & ~s.in_force
    belief = beliefs.no_concession(s.yield_belief, s.pressure, p.yield_hazard, waiting)
    income = economy.income(delivered(s), p.income_share, p.rest_of_world, felt_relief(p, s))
    settled = economy.target_pressure(income, p.need)
    forecast = beliefs.forecast(s.pressure_forecast, settled, p.forecast_rate)
    return s.but(yield_belief=belief, pressure_forecast=forecast), []
