"""Records: what happened in a month and why, as typed data (the timeline in words reads these).

A *record* is what a decision or a rule leaves behind: who chose what, with
the values it compared. It is not an *event*, which names a scenario's
scripted ``[[events]]``. Records are kept for the first replication of a run
(the one a timeline narrates); every value is a plain Python number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Record:
    month: int


@dataclass(frozen=True)
class Scripted(Record):
    """A scenario's scripted event fired."""

    label: str


@dataclass(frozen=True)
class Deadline(Record):
    """A UN deadline fell due (not a new sanction): ``measure`` names what it closes."""

    measure: str


@dataclass(frozen=True)
class Chose(Record):
    """An actor chose among options; ``values`` are the values it compared (the timeline shows them)."""

    actor: str
    decision: str
    chosen: str
    values: dict[str, float]
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Tabled(Record):
    """An offer was tabled (or the proposer tabled nothing: ``offer`` is None)."""

    actor: str
    offer: str | None
    point: tuple[float, ...] | None
    expected: float | None  # the proposer's expected value of tabling it
    no_deal: float  # the proposer's value of no agreement
    odds: float | None  # its estimate of the chance the others sign
    brokered: bool = False


@dataclass(frozen=True)
class Answered(Record):
    """A party answered an offer: its value, its value of no agreement, the margin it demands."""

    actor: str
    offer: str
    accepts: bool
    value: float
    status_quo: float
    waiting: float
    margin: float
    veto: bool = True


@dataclass(frozen=True)
class Signed(Record):
    offer: str
    kind: str
    steps: int
    format: str
    point: tuple[float, ...]
    scope: dict[str, str]


@dataclass(frozen=True)
class NoAgreement(Record):
    format: str


@dataclass(frozen=True)
class FormatChanged(Record):
    broker: str


@dataclass(frozen=True)
class Activity(Record):
    """A DPRK act, an exercise or a new resolution, with what it did."""

    kind: str
    tension: float


@dataclass(frozen=True)
class Breach(Record):
    """An act the other side reads as a breach (its own reading of the text)."""

    by: str
    seen_by: str
    cause: str


@dataclass(frozen=True)
class StepDelivered(Record):
    step: int
    steps: int
    late: bool
    relief: float


@dataclass(frozen=True)
class StepHeldUp(Record):
    step: int
    months_late: int


@dataclass(frozen=True)
class Collapsed(Record):
    cause: str
    by: str
    ended_by: str


@dataclass(frozen=True)
class Moved(Record):
    """A veto player's position moved toward its allies or patrons (the largest move, above a hundredth)."""

    actor: str
    toward: tuple[str, ...]
    issue: str
    change: float
