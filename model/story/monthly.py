"""The monthly table: what the DataCollector records each month, one value per replication."""

from __future__ import annotations

import numpy as np

from model.core.domain import Activity, Actor, Enforcer, Issue, TalksFormat

US, DPRK = Actor.US.index, Actor.DPRK.index
SIX_PARTY = TalksFormat.SIX_PARTY.index


def _per_replication(read):
    """A reporter: one value per replication, or a plain number when there is one replication."""

    def report(model):
        values = np.asarray(read(model))
        return values.item() if values.size == 1 else values.copy()

    return report


def _delivered(model, enforcer: Enforcer) -> np.ndarray:
    s = model.state
    return np.clip(s.enforcement_start[:, enforcer.index] + s.delivery_shift[:, enforcer.index, None], 0, 1).mean(
        axis=1
    )


MONTHLY_REPORTERS = {
    "month": _per_replication(lambda m: np.full(m.state.replications, m.state.month)),
    "seed": lambda m: m.seed if len(m.seeds) == 1 else m.seeds.copy(),
    "tension": _per_replication(lambda m: m.state.tension),
    "income": _per_replication(lambda m: m.state.income),
    "pressure": _per_replication(lambda m: m.state.pressure),
    "capability": _per_replication(lambda m: m.state.capability),
    "relief": _per_replication(lambda m: m.state.relief),
    "deal_in_force": _per_replication(lambda m: m.state.in_force),
    "tests": _per_replication(lambda m: m.state.activities[:, Activity.STRATEGIC_TEST.index]),
    "launches": _per_replication(lambda m: m.state.activities[:, Activity.LAUNCH.index]),
    "trust_US_in_DPRK": _per_replication(lambda m: m.state.trust[:, US, DPRK]),
    "trust_DPRK_in_US": _per_replication(lambda m: m.state.trust[:, DPRK, US]),
    "us_yield_belief": _per_replication(lambda m: m.state.yield_belief[:, US]),
    "pressure_forecast": _per_replication(lambda m: m.state.pressure_forecast),
    "enforcement_CHN": _per_replication(lambda m: _delivered(m, Enforcer.CHN)),
    "enforcement_RUS": _per_replication(lambda m: _delivered(m, Enforcer.RUS)),
    "six_party": _per_replication(lambda m: m.state.format == SIX_PARTY),
    **{
        f"position_{actor.value}_{issue.value}": _per_replication(
            lambda m, a=actor.index, k=issue.index: m.state.ideal[:, a, k]
        )
        for actor in Actor
        for issue in Issue
    },
}
"""Reporter name -> function of the model; positions are ``position_<ACTOR>_<issue>``."""
