"""The scenario schema: what a scenario file may say, and the bounds of every value.

A scenario loads into these frozen, validated models (see :mod:`model.scenario.loader`);
a variant is made by replacing fields, never by mutating. Every leaf is
addressable by a dotted key such as ``actors.DPRK.ideal.sanctions_relief`` or
``sanctions.enforcement.RUS.laborers``: that is how ``--set``, scripted events
and sweeps name what they change.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from model.core.domain import (
    BROKERS,
    Actor,
    AgreementKind,
    Coverage,
    Enforcer,
    Proposal,
    ReliefFrom,
    ReliefSchedule,
    TalksFormat,
)

Unit = Annotated[float, Field(ge=0.0, le=1.0, strict=True)]
"""A number in [0, 1]: every position, salience, trust, share and enforcement level."""

Months = Annotated[int, Field(ge=1, le=600, strict=True)]

Weight = Annotated[float, Field(ge=0.0, le=2.0, strict=True)]
"""A weight of a flow term relative to the issue utility (whose weight is 1)."""

Discount = Annotated[float, Field(ge=0.5, le=0.999, strict=True)]
"""A monthly discount factor: how much next month's flow is worth against this month's."""


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


class IssueVector(Frozen):
    """A point (or salience weights) in the seven-issue space, each in [0, 1]."""

    denuclearization: Unit
    sanctions_relief: Unit
    phasing: Unit
    exercise_restraint: Unit
    multilateral_format: Unit
    security_guarantees: Unit
    economic_cooperation: Unit


class ChannelVector(Frozen):
    """One number per sanctions channel."""

    trade: Unit
    oil: Unit
    coal: Unit
    laborers: Unit


class Scope(Frozen):
    """What an agreement's text covers of the DPRK's activities."""

    tests: Coverage
    launches: Coverage


class ProposalSpec(IssueVector):
    """A named proposal: a point in the issue space, the kind of text, and what it covers."""

    kind: AgreementKind
    scope: Scope


class ActorParams(Frozen):
    """One actor's preferences, beliefs and behaviour profile (see docs/ODD.md, "Submodels")."""

    profile: str = Field(description="behaviour profile name, see `peninsula profiles`")
    ideal: IssueVector
    salience: IssueVector
    capability: Unit
    resolve: Unit
    patience: Discount
    security_weight: Weight
    economy_weight: Weight
    tension_weight: Weight
    yield_prior: Unit
    reads_ambiguous_as_covered: Annotated[bool, Field(strict=True)]
    trust: dict[Actor, Unit]

    @field_validator("profile")
    @classmethod
    def _known_profile(cls, name: str) -> str:
        from model.agents.policies import profiles

        if name not in profiles():
            raise ValueError(f"unknown profile {name!r}; allowed: {', '.join(sorted(profiles()))}")
        return name


PerEnforcer = Annotated[dict[Enforcer, ChannelVector], AfterValidator(lambda value: _require_all(value, Enforcer))]
"""One channel vector for each of China and Russia, both required."""


class Sanctions(Frozen):
    enforcement: PerEnforcer
    relief_schedule: ReliefSchedule
    snapback: Annotated[bool, Field(strict=True)]
    pin_delivery: Annotated[bool, Field(strict=True)] = False
    withhold_relief: Annotated[bool, Field(strict=True)] = False
    # The UN deadline for sending every DPRK worker abroad home (2397: within 24 months) as a month of the run
    # (0: none in the run); when it falls due each enforcer closes a share of its gap on the laborers channel.
    laborers_deadline: Annotated[int, Field(ge=0, le=600, strict=True)] = 0
    laborers_deadline_step: Unit = 0.5
    # Which sanctions relief lifts; the share of the sanctions' bite that is the US's own (secondary) sanctions;
    # and the share of lifted UN relief the Security Council re-imposes after a collapse (CHN and RUS hold
    # vetoes). A snapback clause re-imposes everything; without one the US can take back only its own part.
    relief_from: ReliefFrom = ReliefFrom.UN_AND_US
    us_unilateral_share: Unit
    un_reimposition: Unit


class Aid(Frozen):
    """Japan's share of an agreement's economic cooperation, and the value it puts on withholding it while
    the abduction issue is unresolved (E5: Japan endorsed the 2007 deals but withheld its share)."""

    japan_share: Unit
    japan_linkage: Unit


class Economy(Frozen):
    income_share: PerEnforcer
    rest_of_world: Unit
    need: Unit
    adaptation: Unit


class Talks(Frozen):
    active: Annotated[bool, Field(strict=True)]
    format: TalksFormat
    cadence: Annotated[int, Field(ge=1, le=24, strict=True)]
    agenda: tuple[Proposal, ...] = Field(min_length=1)
    setter: Actor
    mediation: Annotated[bool, Field(strict=True)]
    allow_format_change: Annotated[bool, Field(strict=True)]
    brokers: tuple[Actor, ...] = (Actor.CHN, Actor.RUS)

    @field_validator("brokers")
    @classmethod
    def _may_broker(cls, brokers: tuple[Actor, ...]) -> tuple[Actor, ...]:
        wrong = [b.value for b in brokers if b not in BROKERS]
        if wrong:
            raise ValueError(f"{', '.join(wrong)} cannot broker; allowed: {', '.join(b.value for b in BROKERS)}")
        return brokers

    @field_validator("agenda")
    @classmethod
    def _something_to_sign(cls, agenda: tuple[Proposal, ...]) -> tuple[Proposal, ...]:
        if all(p is Proposal.STATUS_QUO for p in agenda):
            signable = ", ".join(p.value for p in Proposal if p is not Proposal.STATUS_QUO)
            raise ValueError(
                f"needs a proposal that can be signed (the status quo is no agreement); allowed: {signable}"
            )
        return agenda


class Conflict(Frozen):
    moratorium: Unit
    exercises_suspended: Annotated[bool, Field(strict=True)]
    exercise_months: tuple[Annotated[int, Field(ge=1, le=12, strict=True)], ...]


class Initial(Frozen):
    tension: Unit
    capability: Unit
    relief: Unit
    pressure: Unit


class TalksDynamics(Frozen):
    margin: Unit
    summit_boost: Unit
    decision_noise: Annotated[float, Field(gt=0.0, le=1.0, strict=True)]
    horizon: Annotated[int, Field(ge=6, le=240, strict=True)]
    switch_after: Annotated[int, Field(ge=1, le=60, strict=True)]


class PositionDynamics(Frozen):
    susceptibility: Unit
    self_weight: Unit


class ImplementationDynamics(Frozen):
    duration: Annotated[int, Field(ge=1, le=120, strict=True)]
    max_phases: Annotated[int, Field(ge=1, le=12, strict=True)]
    step_delay_rate: Unit
    late_tolerance: Annotated[int, Field(ge=0, le=24, strict=True)]
    precedent: Unit


class BeliefDynamics(Frozen):
    prior_strength: Annotated[float, Field(gt=0.0, le=100.0, strict=True)]
    memory: Annotated[float, Field(gt=0.0, le=1000.0, strict=True)]
    step_evidence: Annotated[float, Field(ge=0.0, le=10.0, strict=True)]
    breach_evidence: Annotated[float, Field(ge=0.0, le=10.0, strict=True)]
    test_evidence: Annotated[float, Field(ge=0.0, le=10.0, strict=True)]
    exercise_evidence: Annotated[float, Field(ge=0.0, le=10.0, strict=True)]
    yield_hazard: Unit
    test_likelihood_ratio: Unit
    forecast_rate: Unit
    guarantor_weight: Unit


class ConflictDynamics(Frozen):
    activity_noise: Annotated[float, Field(gt=0.0, le=1.0, strict=True)]
    test_opportunity: Unit
    launch_opportunity: Unit
    short_range_opportunity: Unit
    test_drive: Annotated[float, Field(ge=-1.0, le=1.0, strict=True)]
    launch_drive: Annotated[float, Field(ge=-1.0, le=1.0, strict=True)]
    short_range_drive: Annotated[float, Field(ge=-1.0, le=1.0, strict=True)]
    moratorium_cost: Unit
    test_capability_gain: Unit
    test_tension: Unit
    launch_tension: Unit
    short_range_tension: Unit
    tightening_step: Unit
    exercise_tension: Unit
    exercise_value: Unit
    exercise_reaction: Unit
    tension_decay: Annotated[float, Field(gt=0.0, le=1.0, strict=True)]  # 0 would never let tension fall
    capability_growth: Unit
    security_curvature: Annotated[float, Field(gt=0.0, le=1.0, strict=True)]


class EnforcementDynamics(Frozen):
    delivery_step: Unit
    deterrence: Unit
    talks_support: Unit
    standing: Unit


class Dynamics(Frozen):
    talks: TalksDynamics
    positions: PositionDynamics
    implementation: ImplementationDynamics
    beliefs: BeliefDynamics
    conflict: ConflictDynamics
    enforcement: EnforcementDynamics


class Event(Frozen):
    """A scripted change at a set month: a summit, a policy shift, new enforcement."""

    month: Months
    label: str = Field(min_length=1)
    summit: Annotated[bool, Field(strict=True)] = False  # leaders meet: talks are held and margins shrink
    talks: Annotated[bool, Field(strict=True)] = False  # a round of talks is held this month, whatever the cadence
    set: dict[str, Any] = Field(default_factory=dict)


class Meta(Frozen):
    name: str = Field(min_length=1)
    question: str = Field(min_length=10)
    extends: str | None = None
    start: str
    months: Months

    @field_validator("start")
    @classmethod
    def _year_month(cls, value: str) -> str:
        if not re.fullmatch(r"(19|20)\d\d-(0[1-9]|1[0-2])", value):
            raise ValueError("must be a year and month like 2019-04")
        return value


class Coding(Frozen):
    """A historical case coded on the one scale of ../shared/BACKGROUND.md (``model.history`` maps it)."""

    china_enforcement: Annotated[int, Field(ge=0, le=3)]
    russia_enforcement: Annotated[int, Field(ge=0, le=3)]
    trust: Annotated[int, Field(ge=0, le=3)]
    exercises: Literal["held", "reduced", "suspended"]
    provocation: Literal["none", "major"]
    us_position: Literal["BIG", "PHASED"]


class HistoricalRecord(Frozen):
    """What happened in a historical case: the outcome class read at the end of the scenario's window."""

    case: str = Field(pattern=r"^E\d+$")
    outcome: Literal["deal", "partial_deal", "collapse", "no_deal"]
    months_held: Annotated[float, Field(ge=0)] | None = None
    sources: tuple[str, ...] = Field(min_length=1)
    coding: Coding


class Scenario(Frozen):
    """A whole scenario: every number the model needs, validated."""

    scenario: Meta
    talks: Talks
    sanctions: Sanctions
    economy: Economy
    aid: Aid
    conflict: Conflict
    initial: Initial
    dynamics: Dynamics
    actors: dict[Actor, ActorParams]
    proposals: dict[Proposal, ProposalSpec]
    events: tuple[Event, ...] = ()
    record: HistoricalRecord | None = None  # a historical case only: what happened, and its coding

    @field_validator("actors", "proposals")
    @classmethod
    def _complete(cls, value: dict, info) -> dict:
        return _require_all(value, Actor if info.field_name == "actors" else Proposal)

    @model_validator(mode="after")
    def _trust_toward_every_other_actor(self) -> Scenario:
        for actor, params in self.actors.items():
            expected = {a for a in Actor if a is not actor}
            if set(params.trust) != expected:
                missing = sorted(a.value for a in expected - set(params.trust))
                extra = sorted(a.value for a in set(params.trust) - expected)
                raise ValueError(
                    f"actors.{actor.value}.trust must name each other actor once"
                    + (f"; missing {', '.join(missing)}" if missing else "")
                    + (f"; not allowed {', '.join(extra)}" if extra else "")
                )
        return self

    def to_tree(self) -> dict[str, Any]:
        """The scenario as plain nested data (enum keys as strings), as a file would hold it."""
        return self.model_dump(mode="json", exclude_none=True)


def _require_all(value: dict, kind: type) -> dict:
    missing = [member.value for member in kind if member not in value]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}; every one of {', '.join(kind)} is needed")
    return value
