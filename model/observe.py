"""What the model shows: the monthly table's reporters and the narrated notes of a round of talks."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.domain import Actor, Enforcer, Issue, Proposal, TalksFormat
from model.rules.talks import NO_OFFER, Round, Table

if TYPE_CHECKING:
    from model.simulation import PeninsulaModel

US, DPRK = Actor.US.index, Actor.DPRK.index
SIX_PARTY = TalksFormat.SIX_PARTY.index


def round_note(result: Round, table: Table, six: bool, summit: bool, margins: dict[str, float]) -> dict:
    """Replication 0's round in plain data, for the timeline: each offer, value, alternative and verdict.

    An actor accepts when value + noise >= alternative + margin (its profile's margin).
    """
    offers = []
    for slot in range(result.kind.shape[1]):
        kind = int(result.kind[0, slot])
        if kind == NO_OFFER:
            continue
        offers.append(
            {
                "by": "mediators" if result.by[0, slot] < 0 else list(Actor)[int(result.by[0, slot])].value,
                "proposal": "compromise" if kind < 0 else list(Proposal)[kind].value,
                "point": result.offers[0, slot].round(2).tolist(),
                "value": {a.value: float(result.value[0, a.index, slot]) for a in Actor},
                "alternative": {a.value: float(table.alternative[0, a.index]) for a in Actor},
                "accepts": {a.value: bool(result.accepts[0, a.index, slot]) for a in Actor},
                "noise": {a.value: float(table.noise[0, a.index, slot]) for a in Actor},
                "margin": margins,
            }
        )
    return {
        "format": "six_party" if six else "bilateral",
        "summit": summit,
        "offers": offers,
        "agreed": bool(result.agreed[0]),
    }


def _per_replication(read):
    """A reporter: one value per replication, or a plain number when there is one replication."""

    def report(model: PeninsulaModel):
        values = np.asarray(read(model.state))
        return values.item() if values.size == 1 else values.copy()

    return report


MONTHLY_REPORTERS = {
    "month": _per_replication(lambda s: np.full(s.replications, s.month)),
    "seed": lambda model: model.seed if len(model.seeds) == 1 else model.seeds.copy(),
    "tension": _per_replication(lambda s: s.tension),
    "income": _per_replication(lambda s: s.income),
    "pressure": _per_replication(lambda s: s.pressure),
    "capability": _per_replication(lambda s: s.capability),
    "relief": _per_replication(lambda s: s.relief),
    "deal_in_force": _per_replication(lambda s: s.in_force),
    "tests": _per_replication(lambda s: s.tests),
    "trust_US_in_DPRK": _per_replication(lambda s: s.trust[:, US, DPRK]),
    "trust_DPRK_in_US": _per_replication(lambda s: s.trust[:, DPRK, US]),
    "enforcement_CHN": _per_replication(lambda s: s.enforcement[:, Enforcer.CHN.index].mean(axis=1)),
    "enforcement_RUS": _per_replication(lambda s: s.enforcement[:, Enforcer.RUS.index].mean(axis=1)),
    "six_party": _per_replication(lambda s: s.format == SIX_PARTY),
    **{
        f"position_{actor.value}_{issue.value}": _per_replication(
            lambda s, a=actor.index, k=issue.index: s.ideal[:, a, k]
        )
        for actor in Actor
        for issue in Issue
    },
}
