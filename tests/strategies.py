"""Shared hypothesis generators of valid scenarios, and the helpers that run what they draw.

A drawn scenario is a shipped base scenario plus ``--set``-style overrides
("dotted.key=value" strings whose value is a TOML value), built by the real
loader (:func:`model.scenario.loader.load_scenario`), so every example also exercises
parsing, merging and validation. Numeric leaves stay within their bounds: the
provenance range from :func:`model.scenario.provenance.sources` where the key has one,
[0, 1] for the unit fields that have none (enforcement, initial state,
moratorium). DPRK income shares are drawn together and normalised to sum to 1
with the rest of the world, as ``model/data/sources.toml`` says they must.

>>> toml_value(0.25), toml_value(True), toml_value("six_party"), toml_value(["big_deal"])
('0.25', 'true', '"six_party"', '["big_deal"]')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from hypothesis import strategies as st

from model.agents.policies import profiles
from model.core.domain import Actor, Channel, Enforcer, Proposal, ReliefSchedule, TalksFormat
from model.scenario.loader import load_scenario, shipped_scenarios
from model.scenario.provenance import sources
from model.scenario.schema import Scenario

BASES = tuple(shipped_scenarios())
"""Every shipped scenario name: the bases that overrides are drawn over."""

INCOME_KEYS = (
    *(f"economy.income_share.{e.value}.{c.value}" for e in Enforcer for c in Channel),
    "economy.rest_of_world",
)
"""Shares of unsanctioned DPRK income: a partition, so drawn together (see :func:`income_shares`)."""

SOURCED_KEYS = tuple(
    key
    for key, src in sources().items()
    if key not in INCOME_KEYS and src.is_numeric and not key.startswith("profiles.")
)
"""Numeric scenario leaves with a provenance range."""

UNIT_KEYS = (
    *(f"sanctions.enforcement.{e.value}.{c.value}" for e in Enforcer for c in Channel),
    "initial.tension",
    "initial.capability",
    "initial.relief",
    "initial.pressure",
    "conflict.moratorium",
)
"""Numeric leaves in [0, 1] that have no provenance entry (they are set per scenario)."""

MAX_MONTHS = 60
"""Longest drawn run: long enough for deals, breaches and collapses, short enough to stay cheap."""


def toml_value(value: Any) -> str:
    """A Python value as the TOML text ``--set`` reads back into the same value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {value!r}")


def last_event_month(base: str) -> int:
    """The latest scripted event of a base scenario: runs must be at least this long."""
    return max((event.month for event in load_scenario(base).events), default=1)


@dataclass(frozen=True)
class Case:
    """A drawn scenario: the base, the overrides, and the validated Scenario they load into."""

    base: str
    overrides: tuple[str, ...]
    spec: Scenario = field(repr=False, compare=False)

    @property
    def months(self) -> int:
        return self.spec.scenario.months

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        """Hypothesis shows a failing example by base and overrides, not the whole Scenario."""
        printer.text(f"Case(base={self.base!r}, overrides={self.overrides!r})")


def sourced_value(key: str) -> st.SearchStrategy[int | float]:
    """A value of a sourced key within its uncertainty range (whole numbers stay whole)."""
    src = sources()[key]
    if isinstance(src.value, int) and not isinstance(src.value, bool):
        return st.integers(int(src.low), int(src.high))
    return unit_floats(src.low, src.high)


def unit_floats(low: float = 0.0, high: float = 1.0) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False, allow_subnormal=False)


@st.composite
def income_shares(draw: st.DrawFn) -> dict[str, float]:
    """Income shares within their ranges, rescaled so that they and the rest of the world sum to 1."""
    raw = {key: draw(unit_floats(*_range(key))) for key in INCOME_KEYS}
    total = sum(raw.values())
    if total <= 0:
        return {key: sources()[key].value for key in INCOME_KEYS}
    return {key: value / total for key, value in raw.items()}


def _range(key: str) -> tuple[float, float]:
    src = sources()[key]
    return src.low, src.high


@st.composite
def numeric_overrides(draw: st.DrawFn, max_keys: int = 10) -> dict[str, Any]:
    """A few numeric leaves, each within its bounds."""
    chosen: dict[str, Any] = {}
    for key in draw(st.lists(st.sampled_from(SOURCED_KEYS), max_size=max_keys, unique=True)):
        chosen[key] = draw(sourced_value(key))
    for key in draw(st.lists(st.sampled_from(UNIT_KEYS), max_size=max_keys, unique=True)):
        chosen[key] = draw(unit_floats())
    if draw(st.booleans()):
        chosen.update(draw(income_shares()))
    return chosen


def agendas() -> st.SearchStrategy[list[str]]:
    """Non-empty agendas with something signable on them (the status quo alone is no agenda)."""
    names = [p.value for p in Proposal]
    return st.lists(st.sampled_from(names), min_size=1, unique=True).filter(lambda a: a != [Proposal.STATUS_QUO.value])


@st.composite
def policy_overrides(draw: st.DrawFn) -> dict[str, Any]:
    """Talks format, mediation, agenda, relief schedule, snapback and behaviour profiles."""
    options: dict[str, st.SearchStrategy[Any]] = {
        "talks.active": st.booleans(),
        "talks.format": st.sampled_from([f.value for f in TalksFormat]),
        "talks.mediation": st.booleans(),
        "talks.setter": st.sampled_from([a.value for a in Actor]),
        "talks.cadence": st.integers(1, 12),
        "talks.agenda": agendas(),
        "sanctions.relief_schedule": st.sampled_from([r.value for r in ReliefSchedule]),
        "sanctions.snapback": st.booleans(),
        **{f"actors.{a.value}.profile": st.sampled_from(sorted(profiles())) for a in Actor},
        **{f"actors.{a.value}.reads_ambiguous_as_covered": st.booleans() for a in Actor},
        "sanctions.pin_delivery": st.booleans(),
        "conflict.exercises_suspended": st.booleans(),
    }
    keys = draw(st.lists(st.sampled_from(sorted(options)), max_size=6, unique=True))
    return {key: draw(options[key]) for key in keys}


@st.composite
def scenarios(
    draw: st.DrawFn,
    bases: tuple[str, ...] = BASES,
    max_months: int = MAX_MONTHS,
    policy: bool = True,
) -> Case:
    """A valid scenario: a shipped base with drawn overrides, loaded by the real loader."""
    base = draw(st.sampled_from(bases))
    chosen = draw(numeric_overrides())
    if policy:
        chosen.update(draw(policy_overrides()))
    if draw(st.booleans()):
        chosen["scenario.months"] = draw(st.integers(last_event_month(base), max_months))
    overrides = tuple(f"{key}={toml_value(value)}" for key, value in chosen.items())
    spec = load_scenario(base, overrides)
    if spec.scenario.months > max_months:
        overrides += (f"scenario.months={max_months}",)
        spec = load_scenario(base, overrides)
    return Case(base, overrides, spec)


seeds = st.integers(0, 2**64 - 1)
"""Seeds of single runs, over the whole range ``peninsula run --seed`` accepts."""


# ---------------------------------------------------------------- running what was drawn


def run(spec: Scenario, seed: int, months: int | None = None, narrate: bool = False, collect: bool = True):
    """One run to its end (a PeninsulaModel with one replication)."""
    from model.simulation import PeninsulaModel

    model = PeninsulaModel(spec, rng=seed, months=months, narrate=narrate, collect=collect)
    model.run_for(model.months)
    return model


def outcomes_of(model) -> dict[str, np.ndarray]:
    from model.results.outcomes import outcomes

    return outcomes(model)


def same_outcomes(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> bool:
    """Exact equality of outcome arrays (NaN equals NaN)."""
    if a.keys() != b.keys():
        return False
    return all(_same_array(a[key], b[key]) for key in a)


def differing_outcomes(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> list[str]:
    return [key for key in a if not _same_array(a[key], b[key])]


def _same_array(x: np.ndarray, y: np.ndarray) -> bool:
    x, y = np.asarray(x), np.asarray(y)
    if x.shape != y.shape:
        return False
    if x.dtype.kind == "f" or y.dtype.kind == "f":
        return bool(np.array_equal(x, y, equal_nan=True))
    return bool(np.array_equal(x, y))
