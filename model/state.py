"""The model's state: arrays over the replication axis, and a read-only snapshot of them."""

from __future__ import annotations

from dataclasses import dataclass, fields
from types import MappingProxyType

import numpy as np

from model.domain import N_ACTORS, N_ISSUES


@dataclass
class State:
    """Everything that changes during a run; every array's first axis is the replication."""

    month: int
    ideal: np.ndarray  # (R, A, K) current positions
    trust: np.ndarray  # (R, A, A) trust[i, j]: how far i trusts j, in [0, 1]
    enforcement: np.ndarray  # (R, E, C) enforcement per enforcer and channel
    format: np.ndarray  # (R,) TalksFormat index
    tension: np.ndarray  # (R,) in [0, 1]
    capability: np.ndarray  # (R,) DPRK arsenal, share of its ceiling
    income: np.ndarray  # (R,) DPRK external income, share of its unsanctioned level
    pressure: np.ndarray  # (R,) felt pressure in [0, 1]
    relief: np.ndarray  # (R,) formal sanctions relief in force, in [0, 1]
    failed_rounds: np.ndarray  # (R,) consecutive rounds without agreement
    in_force: np.ndarray  # (R,) an agreement is being implemented
    signed: np.ndarray  # (R,) an agreement was ever signed
    collapsed: np.ndarray  # (R,) a signed agreement broke down
    breached: np.ndarray  # (R,) a party breached the agreement at least once
    relief_suspended: np.ndarray  # (R,) snapback holds relief at its starting level until the next verified step
    deal_point: np.ndarray  # (R, K) the agreed point
    package: np.ndarray  # (R,) proposal index of the latest agreement, COMPROMISE_PACKAGE, or -1
    month_signed: np.ndarray  # (R,) month the latest agreement was signed, -1 if never
    first_month_signed: np.ndarray  # (R,) month of the first agreement, -1 if never
    deals: np.ndarray  # (R,) agreements signed
    format_at_signing: np.ndarray  # (R,) format of the latest agreement, -1 if never
    phases: np.ndarray  # (R,) steps of the agreement
    phases_done: np.ndarray  # (R,) verified steps
    months_in_force: np.ndarray  # (R,) months the latest agreement has been in force
    months_held: np.ndarray  # (R,) months any agreement was in force
    capability_at_signing: np.ndarray  # (R,)
    tests: np.ndarray  # (R,) strategic tests held
    exercises: np.ndarray  # (R,) major exercises held
    talks_held: np.ndarray  # (R,) rounds of talks held
    tension_sum: np.ndarray  # (R,)
    tension_peak: np.ndarray  # (R,)
    utility_sum: np.ndarray  # (R, A) realised utility summed over months

    @property
    def replications(self) -> int:
        return self.tension.shape[0]

    @property
    def implemented_share(self) -> np.ndarray:
        return np.where(self.phases > 0, self.phases_done / np.maximum(self.phases, 1), 0.0)


def initial_state(params: dict[str, np.ndarray]) -> State:
    r = params["initial_tension"].shape[0]
    zeros, ints = np.zeros(r), np.zeros(r, dtype=np.int64)
    return State(
        month=0,
        ideal=params["ideal"].copy(),
        trust=params["trust"].copy(),
        enforcement=params["enforcement"].copy(),
        format=params["format"].copy(),
        tension=params["initial_tension"].copy(),
        capability=params["initial_capability"].copy(),
        income=zeros.copy(),
        pressure=params["initial_pressure"].copy(),
        relief=params["initial_relief"].copy(),
        failed_rounds=ints.copy(),
        in_force=np.zeros(r, dtype=bool),
        signed=np.zeros(r, dtype=bool),
        collapsed=np.zeros(r, dtype=bool),
        breached=np.zeros(r, dtype=bool),
        relief_suspended=np.zeros(r, dtype=bool),
        deal_point=np.zeros((r, N_ISSUES)),
        package=ints - 1,
        month_signed=ints - 1,
        first_month_signed=ints - 1,
        deals=ints.copy(),
        format_at_signing=ints - 1,
        phases=ints.copy(),
        phases_done=ints.copy(),
        months_in_force=ints.copy(),
        months_held=ints.copy(),
        capability_at_signing=zeros.copy(),
        tests=ints.copy(),
        exercises=ints.copy(),
        talks_held=ints.copy(),
        tension_sum=zeros.copy(),
        tension_peak=params["initial_tension"].copy(),
        utility_sum=np.zeros((r, N_ACTORS)),
    )


def snapshot(state: State) -> MappingProxyType:
    """A read-only view of the state for decision makers: they may look, not touch."""
    view = {}
    for f in fields(state):
        value = getattr(state, f.name)
        if isinstance(value, np.ndarray):
            value = value.view()
            value.flags.writeable = False
        view[f.name] = value
    return MappingProxyType(view)
