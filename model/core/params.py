"""Validated scenarios -> parameter arrays over a leading replication axis.

Every rule reads its parameters from these arrays, so one Mesa model can hold
many replications (and many design points) and advance them with one call of
each rule. :func:`locate` maps a scenario's dotted key to its array and index,
so ``--set``, scripted events and sweeps all change a value the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, make_dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from model.core.domain import (
    N_ACTORS,
    N_ISSUES,
    N_PROPOSALS,
    Actor,
    AgreementKind,
    Channel,
    Coverage,
    Enforcer,
    Issue,
    Proposal,
    ReliefFrom,
    ReliefSchedule,
    TalksFormat,
)

if TYPE_CHECKING:
    from model.scenario.schema import Scenario

ACTOR_SCALARS: dict[str, type] = {
    "capability": float,
    "resolve": float,
    "patience": float,
    "security_weight": float,
    "economy_weight": float,
    "tension_weight": float,
    "yield_prior": float,
    "reads_ambiguous_as_covered": bool,
}
"""Per-actor numbers: one array each, ``(R, A)``."""

SCOPE_AXIS = {"tests": 0, "launches": 1}

# Arrays that are state as well as parameters: the model copies them at the
# start and rules change them; an event that sets them changes the state copy.
STATE_FIELDS = {"ideal": "ideal", "trust": "trust", "enforcement": "enforcement_start", "format": "format"}

# Arrays read only when a run starts (initial values and priors): the state carries them on, so a scripted
# event that set one would change nothing, and validation refuses it (tests/test_phases.py checks the list).
START_ONLY = frozenset({"initial_tension", "initial_capability", "initial_pressure", "yield_prior", "prior_strength"})


@dataclass(frozen=True)
class Slot:
    """Where a dotted key lives: an array name and an index after the replication axis."""

    array: str
    index: tuple[int, ...] = ()


def locate(key: str) -> Slot:
    """Map a dotted scenario key to its parameter slot.

    >>> locate("actors.DPRK.ideal.sanctions_relief")
    Slot(array='ideal', index=(1, 1))
    >>> locate("sanctions.enforcement.RUS.laborers")
    Slot(array='enforcement', index=(1, 3))
    >>> locate("proposals.phased_relief.scope.launches")
    Slot(array='proposal_scope', index=(1, 1))
    """
    parts = key.split(".")
    match parts:
        case ["actors", actor, ("ideal" | "salience") as kind, issue]:
            return Slot(kind, (Actor(actor).index, Issue(issue).index))
        case ["actors", actor, "trust", other]:
            return Slot("trust", (Actor(actor).index, Actor(other).index))
        case ["actors", actor, name] if name in ACTOR_SCALARS:
            return Slot(name, (Actor(actor).index,))
        case ["proposals", proposal, "kind"]:
            return Slot("proposal_kind", (Proposal(proposal).index,))
        case ["proposals", proposal, "scope", part] if part in SCOPE_AXIS:
            return Slot("proposal_scope", (Proposal(proposal).index, SCOPE_AXIS[part]))
        case ["proposals", proposal, issue]:
            return Slot("proposals", (Proposal(proposal).index, Issue(issue).index))
        case ["sanctions", "enforcement", enforcer, channel]:
            return Slot("enforcement", (Enforcer(enforcer).index, Channel(channel).index))
        case ["economy", "income_share", enforcer, channel]:
            return Slot("income_share", (Enforcer(enforcer).index, Channel(channel).index))
        case ["initial", name]:
            return Slot(f"initial_{name}")
        case ["dynamics", _, name] if name in _SCALARS:
            return Slot(name)
        case ["economy" | "conflict" | "talks" | "sanctions" | "aid", name] if name in _SCALARS or name in _VECTORS:
            return Slot(name)
    raise KeyError(key)


def encode(key: str, value: Any) -> Any:
    """A scenario value as the number (or mask) its array stores."""
    name = key.rsplit(".", 1)[-1]
    parent = key.rsplit(".", 2)[-2] if key.count(".") >= 1 else ""
    if name == "format":
        return TalksFormat(value).index
    if name == "relief_schedule":
        return ReliefSchedule(value).index
    if name == "relief_from":
        return ReliefFrom(value).index
    if name == "setter":
        return Actor(value).index
    if name == "agenda":
        return np.array([p in {Proposal(v) for v in value} for p in Proposal])
    if name == "brokers":
        return np.array([a in {Actor(v) for v in value} for a in Actor])
    if name == "exercise_months":
        return np.array([m in set(value) for m in range(1, 13)])
    if name == "kind":
        return AgreementKind(value).index
    if parent == "scope":
        return Coverage(value).index
    return value


def compile_params(scenario: Scenario) -> dict[str, np.ndarray]:
    """One replication's parameter arrays, each of shape ``(1, ...)``."""
    arrays = _empty()
    for key, value in flatten(scenario.to_tree()).items():
        if key.startswith(("scenario.", "events", "record.")) or key.endswith(".profile"):
            continue
        write(arrays, key, value)
    for i in range(N_ACTORS):
        arrays["trust"][0, i, i] = 1.0
    return arrays


def write(arrays: dict[str, np.ndarray], key: str, value: Any, rows: Any = slice(None)) -> None:
    """Set the slot of ``key`` to ``value`` (a scalar, or one value per replication in ``rows``)."""
    slot = locate(key)
    arrays[slot.array][(rows, *slot.index)] = encode(key, value)


def flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested tables -> ``{dotted.key: leaf}``; lists stay leaves."""
    flat: dict[str, Any] = {}
    for name, value in tree.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            flat.update(flatten(value, key + "."))
        else:
            flat[key] = value
    return flat


def replicate(arrays: dict[str, np.ndarray], n: int) -> dict[str, np.ndarray]:
    """Repeat one replication's arrays ``n`` times along the replication axis."""
    return {name: np.repeat(a, n, axis=0) for name, a in arrays.items()}


def stack(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Concatenate parameter sets along the replication axis."""
    return {name: np.concatenate([p[name] for p in parts], axis=0) for name in parts[0]}


def _empty() -> dict[str, np.ndarray]:
    shapes: dict[str, tuple[tuple[int, ...], type]] = {
        "ideal": ((N_ACTORS, N_ISSUES), float),
        "salience": ((N_ACTORS, N_ISSUES), float),
        "trust": ((N_ACTORS, N_ACTORS), float),
        "proposals": ((N_PROPOSALS, N_ISSUES), float),
        "proposal_kind": ((N_PROPOSALS,), np.int64),
        "proposal_scope": ((N_PROPOSALS, len(SCOPE_AXIS)), np.int64),
        "enforcement": ((len(Enforcer), len(Channel)), float),
        "income_share": ((len(Enforcer), len(Channel)), float),
        **{name: (shape, kind) for name, (shape, kind) in _VECTORS.items()},
        **{name: ((N_ACTORS,), kind) for name, kind in ACTOR_SCALARS.items()},
    }
    arrays = {name: np.zeros((1, *shape), dtype=kind) for name, (shape, kind) in shapes.items()}
    for name, kind in _SCALARS.items():
        arrays[name] = np.zeros(1, dtype=kind)
    return arrays


_VECTORS: dict[str, tuple[tuple[int, ...], type]] = {
    "agenda": ((N_PROPOSALS,), bool),
    "brokers": ((N_ACTORS,), bool),
    "exercise_months": ((12,), bool),
}

_SCALARS: dict[str, type] = {
    # economy, sanctions, talks, conflict
    "rest_of_world": float,
    "need": float,
    "adaptation": float,
    "relief_schedule": np.int64,
    "snapback": bool,
    "pin_delivery": bool,
    "withhold_relief": bool,
    "laborers_deadline": np.int64,
    "laborers_deadline_step": float,
    "relief_from": np.int64,
    "us_unilateral_share": float,
    "un_reimposition": float,
    "japan_share": float,
    "japan_linkage": float,
    "active": bool,
    "format": np.int64,
    "cadence": np.int64,
    "setter": np.int64,
    "mediation": bool,
    "allow_format_change": bool,
    "moratorium": float,
    "exercises_suspended": bool,
    "initial_tension": float,
    "initial_capability": float,
    "initial_relief": float,
    "initial_pressure": float,
    # dynamics.talks
    "margin": float,
    "summit_boost": float,
    "decision_noise": float,
    "horizon": np.int64,
    "switch_after": np.int64,
    # dynamics.positions
    "susceptibility": float,
    "self_weight": float,
    # dynamics.implementation
    "duration": np.int64,
    "max_phases": np.int64,
    "step_delay_rate": float,
    "late_tolerance": np.int64,
    "precedent": float,
    # dynamics.beliefs
    "prior_strength": float,
    "memory": float,
    "step_evidence": float,
    "breach_evidence": float,
    "test_evidence": float,
    "exercise_evidence": float,
    "yield_hazard": float,
    "test_likelihood_ratio": float,
    "forecast_rate": float,
    "guarantor_weight": float,
    # dynamics.conflict
    "activity_noise": float,
    "test_opportunity": float,
    "launch_opportunity": float,
    "short_range_opportunity": float,
    "test_drive": float,
    "launch_drive": float,
    "short_range_drive": float,
    "moratorium_cost": float,
    "test_capability_gain": float,
    "test_tension": float,
    "launch_tension": float,
    "short_range_tension": float,
    "tightening_step": float,
    "exercise_tension": float,
    "exercise_value": float,
    "exercise_reaction": float,
    "tension_decay": float,
    "capability_growth": float,
    "security_curvature": float,
    # dynamics.enforcement
    "delivery_step": float,
    "deterrence": float,
    "talks_support": float,
    "standing": float,
}


Params = make_dataclass(
    "Params",
    [(name, np.ndarray) for name in _empty()],
    frozen=True,
    namespace={
        "__doc__": """The parameters a run reads, one array each over the replication axis, as fields.

        Generated from the tables above (one field per array :func:`compile_params` makes), so no other name
        exists: reading or setting a misspelt one fails at once. Frozen: a scripted event replaces an array
        (:meth:`but`), it never writes into one another part of the model holds.
        """,
        "of": classmethod(lambda cls, arrays: cls(**arrays)),
        "but": lambda self, **changes: replace(self, **changes),
        "arrays": lambda self: {f.name: getattr(self, f.name) for f in fields(self)},
    },
)
