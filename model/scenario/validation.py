"""A merged scenario tree -> a validated :class:`~model.scenario.schema.Scenario`, or an error naming file, key
and value.

Validation is strict and generic over the schema: the tree goes through
pydantic as JSON in strict mode, so ``"yes"`` is no boolean and ``"2"`` no
number, while enum names and lists still read as in a file. On top of the
schema, three checks that no single field can make: every event falls within
the run, an event changes only keys a running model can change (each event's
changes are validated against the tree without its events, so the cost is
linear in the number of events), and a list of names names each once.
"""

from __future__ import annotations

import copy
import datetime
import json
import math
import re
from enum import Enum
from typing import Any

from pydantic import BaseModel, ValidationError

from model.core.errors import InputError
from model.scenario.schema import Scenario


def strict(model: type[BaseModel], tree: dict[str, Any]) -> BaseModel:
    """Validate ``tree`` as ``model`` strictly (TOML values are JSON values, plus dates read as ISO text)."""
    return model.model_validate_json(json.dumps(tree, default=_json_default), strict=True)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    raise TypeError(f"not a TOML value: {type(value).__name__}")


def validate_tree(
    tree: dict[str, Any], origins: dict[str, str] | None = None, default_file: str = "scenario"
) -> Scenario:
    """Validate a merged tree, then check every event against the run length and the changeable keys."""
    origins = origins or {}
    scenario = _validate(tree, origins, default_file)
    _no_repeated_names(scenario, origins, default_file)
    base = {name: value for name, value in tree.items() if name != "events"}
    months = scenario.scenario.months
    where = _origin(origins, "events", default_file)
    for i, event in enumerate(scenario.events):
        if event.month > months:
            raise InputError(
                where,
                f"events[{i}].month",
                f"after the scenario's last month ({months}, set by {_origin(origins, 'scenario.months', where)}): "
                f"the event would never happen; allowed 1 to {months}",
                event.month,
            )
        if event.set:
            _check_event(base, event.set, i, where)
    return scenario


def _check_event(base: dict[str, Any], changes: dict[str, Any], i: int, where: str) -> None:
    """The tree without events, with this event's changes applied to copies of the sections they touch."""
    from model.scenario.loader import changeable, set_dotted

    trial = dict(base)
    copied: set[str] = set()
    for key, value in changes.items():
        section = key.split(".", 1)[0]
        if section not in copied and isinstance(trial.get(section), dict):
            trial[section] = copy.deepcopy(trial[section])
            copied.add(section)
        set_dotted(trial, key, value, origin=f"{where}: events[{i}].set")
    try:
        checked = strict(Scenario, trial)
    except ValidationError as err:
        first = err.errors()[0]
        raise InputError(where, f"events[{i}].set.{_dotted(first['loc'])}", _explain(first), _shown(first)) from None
    for section in copied:  # only the sections this event touched can have gained a repeated name
        _no_repeated_names(checked, {}, where, prefix=f"events[{i}].set.", only=section)
    for key in changes:
        if not changeable(key):
            raise InputError(
                where,
                f"events[{i}].set.{key}",
                "cannot change during a run; events may change any number or regime field "
                "(positions, trust, enforcement, talks, conflict, dynamics), not profiles, scenario.*, "
                "or what is read only when a run starts (initial.tension, initial.capability, "
                "initial.pressure, actors.*.yield_prior, dynamics.beliefs.prior_strength)",
            )


def _validate(tree: dict, origins: dict[str, str], default_file: str) -> Scenario:
    try:
        return strict(Scenario, tree)
    except ValidationError as err:
        first = err.errors()[0]
        key = _dotted(first["loc"])
        raise InputError(_origin(origins, key, default_file), key, _explain(first), _shown(first)) from None


def _no_repeated_names(
    model: BaseModel, origins: dict[str, str], default: str, prefix: str = "", only: str | None = None
) -> None:
    """A list of names (agenda entries, say) that names one twice is a mistake: say which and where."""
    for name in [only] if only else type(model).model_fields:
        value = getattr(model, name)
        key = f"{prefix}{name}"
        if isinstance(value, BaseModel):
            _no_repeated_names(value, origins, default, key + ".")
        elif isinstance(value, dict):
            for sub, item in value.items():
                if isinstance(item, BaseModel):
                    label = sub.value if isinstance(sub, Enum) else sub
                    _no_repeated_names(item, origins, default, f"{key}.{label}.")
        elif isinstance(value, tuple) and value and all(isinstance(v, Enum) for v in value):
            twice = sorted({v.value for v in value if value.count(v) > 1})
            if twice:
                raise InputError(
                    _origin(origins, key, default), key, f"names {', '.join(twice)} more than once; list each once"
                )


def _shown(error: dict) -> Any:
    """The offending value, when it is a value (not a whole table) and was given (not missing)."""
    shown = error.get("input") if error["type"] != "missing" else None
    return None if isinstance(shown, dict | list) and len(str(shown)) > 200 else shown


def _origin(origins: dict[str, str], key: str, default: str) -> str:
    """The file that set ``key``, or a key below it, or the nearest table above it."""
    key = re.sub(r"\[\d+\]", "", key)
    below = [k for k in origins if k.startswith(key + ".")]
    if key not in origins and below:
        return origins[max(below, key=len)]
    parts = key.split(".")
    for n in range(len(parts), 0, -1):
        found = origins.get(".".join(parts[:n]))
        if found:
            return found
    return default


def _dotted(loc: tuple) -> str:
    parts: list[str] = []
    for part in loc:
        if part == "[key]":
            continue
        if isinstance(part, int):
            if parts:
                parts[-1] = f"{parts[-1]}[{part}]"
            else:
                parts.append(f"[{part}]")
        else:
            parts.append(str(part))
    return ".".join(parts)


def _explain(error: dict) -> str:
    """Pydantic's message, plus the allowed keys when a key is unknown."""
    kind, loc, value = error["type"], error["loc"], error.get("input")
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        return f"unknown key {loc[-1]!r}; allowed: {', '.join(allowed)}"
    if kind == "missing":
        return "required but missing"
    if isinstance(value, float) and math.isnan(value):
        return "must be a number, not NaN"
    if kind in ("model_type", "dict_type") and not isinstance(value, dict):
        return f"must be a table of keys (e.g. [{_dotted(loc)}]), not a single value"
    message = error["msg"].removeprefix("Value error, ")
    return message[0].lower() + message[1:]


def _allowed_keys(loc: tuple) -> list[str]:
    model: Any = Scenario
    for part in loc:
        if isinstance(model, type) and issubclass(model, BaseModel) and part in model.model_fields:
            annotation = model.model_fields[part].annotation
            args = getattr(annotation, "__args__", ())
            model = args[-1] if args else annotation
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []
