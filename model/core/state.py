"""The model's state: arrays over the replication axis, and a read-only snapshot of them."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np

from model.core.domain import N_ACTORS, N_ISSUES, Activity, Cause

if TYPE_CHECKING:
    from model.core.params import Params

NO_ONE = -1


@dataclass(frozen=True)
class State:
    """Everything that changes during a run; every array's first axis is the replication.

    Phases never change a State in place: they return a new one (:meth:`but`).
    """

    month: int
    ideal: np.ndarray  # (R, A, K) current positions
    trust: np.ndarray  # (R, A, A) trust[i, j]: i's belief that j keeps its word
    trust_count: np.ndarray  # (R, A, A) the evidence behind it (a Beta pseudo-count)
    yield_belief: np.ndarray  # (R, A) belief that the DPRK yields to pressure
    hope: np.ndarray  # (R, A) surplus of one's favourite proposal over the status quo, as last valued in talks
    pressure_forecast: np.ndarray  # (R,) the pressure the sanctions as delivered are expected to reach
    enforcement_start: np.ndarray  # (R, E, C) delivery at the start, tightened by new resolutions
    delivery_shift: np.ndarray  # (R, E) each enforcer's own move away from it
    format: np.ndarray  # (R,) TalksFormat index
    tension: np.ndarray  # (R,) in [0, 1]
    capability: np.ndarray  # (R,) DPRK arsenal, share of its ceiling
    income: np.ndarray  # (R,) DPRK external income, share of its unsanctioned level
    pressure: np.ndarray  # (R,) felt pressure in [0, 1]
    relief: np.ndarray  # (R,) formal sanctions relief in force, in [0, 1]
    test_rate: np.ndarray  # (R,) the DPRK's chance of a strategic test last month (what the others expect)
    failed_rounds: np.ndarray  # (R,) consecutive rounds without agreement
    # the latest agreement
    in_force: np.ndarray  # (R,) bool
    deal_point: np.ndarray  # (R, K)
    deal_framework: np.ndarray  # (R,) bool: principles only
    deal_scope: np.ndarray  # (R, 2) Coverage index of tests and launches
    deal_steps: np.ndarray  # (R,) steps of the agreement (0 for a framework)
    steps_done: np.ndarray  # (R,) steps delivered
    months_in_force: np.ndarray  # (R,)
    months_late: np.ndarray  # (R,) months the next step is overdue
    package: np.ndarray  # (R,) Proposal index, BROKERED, or NO_ONE
    broker: np.ndarray  # (R,) actor who brokered it, or NO_ONE
    signed_by_format: np.ndarray  # (R,) TalksFormat index at signing, or NO_ONE
    month_signed: np.ndarray  # (R,) month of the latest agreement, or NO_ONE
    deal_noise: np.ndarray  # (R, A, 2) each party's draws when it accepted: its lasting taste for the agreement
    capability_at_signing: np.ndarray  # (R,)
    began: np.ndarray  # (R,) bool: implementation began (a step delivered)
    late_steps: np.ndarray  # (R,) steps delivered after their due month
    collapsed: np.ndarray  # (R,) bool: the latest agreement broke down
    cause: np.ndarray  # (R,) Cause index of its collapse
    breaker: np.ndarray  # (R,) actor whose act or choice ended it, or NO_ONE
    months_held: np.ndarray  # (R,) months the latest agreement was in force
    aid_withheld: np.ndarray  # (R,) bool: Japan withholds its share of the agreement's cooperation
    aid_withheld_months: np.ndarray  # (R,) months in which it did
    # the run so far
    signed: np.ndarray  # (R,) bool: an agreement was ever signed
    deals: np.ndarray  # (R,) agreements signed
    collapses: np.ndarray  # (R,) agreements that broke down
    first_month_signed: np.ndarray  # (R,) or NO_ONE
    activities: np.ndarray  # (R, len(Activity)) DPRK activities so far, by kind
    exercises: np.ndarray  # (R,) major exercises held
    exercised_last: np.ndarray  # (R,) bool: a major exercise was held this month (read next month as last month's)
    tightenings: np.ndarray  # (R,) new UN resolutions
    talks_held: np.ndarray  # (R,) rounds of talks
    tension_sum: np.ndarray  # (R,)
    tension_peak: np.ndarray  # (R,)
    utility_sum: np.ndarray  # (R, A) realised utility summed over months
    # this month's news, which later phases of the month read
    summit: np.ndarray  # (R,) bool: a scripted summit
    talks_called: np.ndarray  # (R,) bool: scripted talks (or a summit) outside the cadence
    sanctioned: np.ndarray  # (R,) bool: a scripted event tightened the sanctions
    act: np.ndarray  # (R,) Activity index of the DPRK's act

    @property
    def replications(self) -> int:
        return self.tension.shape[0]

    @property
    def tests(self) -> np.ndarray:
        """Strategic (nuclear or long-range missile) tests so far."""
        return self.activities[:, Activity.STRATEGIC_TEST.index]

    @property
    def implemented_share(self) -> np.ndarray:
        return np.where(self.deal_steps > 0, self.steps_done / np.maximum(self.deal_steps, 1), 0.0)

    def but(self, **changes) -> State:
        """A new State with some arrays replaced."""
        return replace(self, **changes)


def initial_state(params: Params) -> State:
    r = params.initial_tension.shape[0]
    zeros, ints, falses = np.zeros(r), np.zeros(r, dtype=np.int64), np.zeros(r, dtype=bool)
    return State(
        month=0,
        ideal=params.ideal.copy(),
        trust=params.trust.copy(),
        trust_count=np.broadcast_to(params.prior_strength[:, None, None], (r, N_ACTORS, N_ACTORS)).copy(),
        yield_belief=params.yield_prior.copy(),
        hope=np.zeros((r, N_ACTORS)),
        pressure_forecast=params.initial_pressure.copy(),
        enforcement_start=params.enforcement.copy(),
        delivery_shift=np.zeros(params.enforcement.shape[:2]),
        format=params.format.copy(),
        tension=params.initial_tension.copy(),
        capability=params.initial_capability.copy(),
        income=zeros.copy(),
        pressure=params.initial_pressure.copy(),
        relief=params.initial_relief.copy(),
        test_rate=zeros.copy(),
        failed_rounds=ints.copy(),
        in_force=falses.copy(),
        deal_point=np.zeros((r, N_ISSUES)),
        deal_framework=falses.copy(),
        deal_scope=np.zeros((r, 2), dtype=np.int64),
        deal_steps=ints.copy(),
        steps_done=ints.copy(),
        months_in_force=ints.copy(),
        months_late=ints.copy(),
        package=ints + NO_ONE,
        broker=ints + NO_ONE,
        signed_by_format=ints + NO_ONE,
        month_signed=ints + NO_ONE,
        deal_noise=np.zeros((r, N_ACTORS, 2)),
        capability_at_signing=zeros.copy(),
        began=falses.copy(),
        late_steps=ints.copy(),
        collapsed=falses.copy(),
        cause=ints + Cause.NONE.index,
        breaker=ints + NO_ONE,
        months_held=ints.copy(),
        aid_withheld=falses.copy(),
        aid_withheld_months=ints.copy(),
        signed=falses.copy(),
        deals=ints.copy(),
        collapses=ints.copy(),
        first_month_signed=ints + NO_ONE,
        activities=np.zeros((r, len(Activity)), dtype=np.int64),
        exercises=ints.copy(),
        exercised_last=falses.copy(),
        tightenings=ints.copy(),
        talks_held=ints.copy(),
        tension_sum=zeros.copy(),
        tension_peak=params.initial_tension.copy(),
        utility_sum=np.zeros((r, N_ACTORS)),
        summit=falses.copy(),
        talks_called=falses.copy(),
        sanctioned=falses.copy(),
        act=ints + Activity.NONE.index,
    )


def merge_rows(state: State, part: State, rows: np.ndarray) -> State:
    """``state`` with the replications ``rows`` replaced by those of ``part`` (a State of just those rows)."""
    changes = {}
    for f in fields(state):
        whole = getattr(state, f.name)
        if isinstance(whole, np.ndarray):
            merged = whole.copy()
            merged[rows] = getattr(part, f.name)
            changes[f.name] = merged
    return replace(state, **changes)


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
