"""Validated scenarios -> parameter arrays over a leading replication axis.

Every rule reads its parameters from these arrays, so one Mesa model can hold
many replications (and many design points) and advance them with one call of
each rule. :func:`locate` maps a scenario's dotted key to its array and index,
so ``--set``, scripted events and sweeps all change a value the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from model.domain import (
    N_ACTORS,
    N_ISSUES,
    N_PROPOSALS,
    Actor,
    Channel,
    Enforcer,
    Issue,
    Proposal,
    ReliefSchedule,
    TalksFormat,
)
from model.scenario import Scenario

ACTOR_SCALARS = (
    "capability",
    "resolve",
    "threat_weight",
    "tension_weight",
    "pressure_weight",
    "leverage_weight",
)
# Arrays that are state as well as parameters: the model copies them at the
# start and rules change them; an event that sets them changes the state copy.
STATE_FIELDS = ("ideal", "trust", "enforcement", "format")


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
    """
    parts = key.split(".")
    match parts:
        case ["actors", actor, ("ideal" | "salience") as kind, issue]:
            return Slot(kind, (Actor(actor).index, Issue(issue).index))
        case ["actors", actor, "trust", other]:
            return Slot("trust", (Actor(actor).index, Actor(other).index))
        case ["actors", actor, name] if name in ACTOR_SCALARS:
            return Slot(name, (Actor(actor).index,))
        case ["proposals", proposal, issue]:
            return Slot("proposals", (Proposal(proposal).index, Issue(issue).index))
        case ["sanctions", "enforcement", enforcer, channel]:
            return Slot("enforcement", (Enforcer(enforcer).index, Channel(channel).index))
        case ["economy", "income_share", enforcer, channel]:
            return Slot("income_share", (Enforcer(enforcer).index, Channel(channel).index))
        case ["initial", name]:
            return Slot(f"initial_{name}")
        case ["dynamics", _, name]:
            return Slot(name)
        case ["economy" | "conflict" | "talks" | "sanctions", name]:
            return Slot(name)
    raise KeyError(key)


def encode(key: str, value: Any) -> Any:
    """A scenario value as the number (or mask) its array stores."""
    name = key.rsplit(".", 1)[-1]
    if name == "format":
        return TalksFormat(value).index
    if name == "relief_schedule":
        return ReliefSchedule(value).index
    if name == "setter":
        return Actor(value).index
    if name == "agenda":
        return np.array([p in {Proposal(v) for v in value} for p in Proposal])
    if name == "exercise_months":
        return np.array([m in set(value) for m in range(1, 13)])
    return value


def compile_params(scenario: Scenario) -> dict[str, np.ndarray]:
    """One replication's parameter arrays, each of shape ``(1, ...)``."""
    arrays = _empty()
    for key, value in flatten(scenario.to_tree()).items():
        if key.startswith(("scenario.", "events")) or key.endswith(".profile"):
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
        "enforcement": ((len(Enforcer), len(Channel)), float),
        "income_share": ((len(Enforcer), len(Channel)), float),
        "agenda": ((N_PROPOSALS,), bool),
        "exercise_months": ((12,), bool),
        **{name: ((N_ACTORS,), float) for name in ACTOR_SCALARS},
    }
    arrays = {name: np.zeros((1, *shape), dtype=kind) for name, (shape, kind) in shapes.items()}
    for name in _SCALARS:
        arrays[name] = np.zeros(1, dtype=_SCALARS[name])
    return arrays


_SCALARS: dict[str, type] = {
    "rest_of_world": float,
    "need": float,
    "adaptation": float,
    "relief_schedule": np.int64,
    "snapback": bool,
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
    "trust_exposure": float,
    "margin": float,
    "summit_boost": float,
    "decision_noise": float,
    "drift_rate": float,
    "switch_after": np.int64,
    "switch_probability": float,
    "duration": np.int64,
    "max_phases": np.int64,
    "violation_rate": float,
    "temptation_scale": float,
    "violation_trust_cut": float,
    "verification_trust_gain": float,
    "test_rate": float,
    "freeze_effect": float,
    "test_tension": float,
    "test_trust_cut": float,
    "tightening_step": float,
    "exercise_tension": float,
    "exercise_trust_cut": float,
    "tension_decay": float,
    "trust_recovery": float,
    "capability_growth": float,
}
