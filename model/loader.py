"""Scenario files -> validated :class:`~model.scenario.Scenario`.

A scenario file is TOML data, never code. It starts from the sourced nominal
values (:mod:`model.provenance`), may ``extends`` a parent scenario and
override a few fields, and may be changed further by ``--set key=value``
overrides. Every problem becomes an :class:`~model.errors.InputError` that
names the file that set the offending key.
"""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from model.errors import InputError
from model.provenance import nominal_tree
from model.scenario import Scenario

DEFAULT_SCENARIO = "baseline-2019"
DEFAULTS_ORIGIN = "model/data/sources.toml"
OVERRIDE_ORIGIN = "--set"


def scenario_dir() -> Path:
    """The shipped scenarios: inside the package in a wheel, beside it in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "scenarios", here.parent / "scenarios"):
        if candidate.is_dir():
            return candidate
    return here.parent / "scenarios"


def shipped_scenarios() -> dict[str, Path]:
    return {p.stem: p for p in sorted(scenario_dir().glob("*.toml"))}


def resolve(ref: str | Path, relative_to: Path | None = None) -> Path:
    """A scenario reference is a path, or the name of a shipped scenario."""
    path = Path(ref)
    if relative_to is not None and not path.is_absolute():
        sibling = relative_to.parent / path
        if sibling.suffix != ".toml":
            sibling = sibling.with_suffix(".toml")
        if sibling.is_file():
            return sibling
    if path.is_file():
        return path
    shipped = shipped_scenarios()
    if str(ref) in shipped:
        return shipped[str(ref)]
    names = ", ".join(shipped) or "none found"
    raise InputError(str(ref), "", f"no such file or shipped scenario; shipped: {names}")


def parse_override(text: str) -> tuple[str, Any]:
    """Parse ``key=value``; the value is read as a TOML value, else kept as a string.

    >>> parse_override("sanctions.enforcement.RUS.laborers=0.2")
    ('sanctions.enforcement.RUS.laborers', 0.2)
    >>> parse_override("talks.format=six_party")
    ('talks.format', 'six_party')
    """
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key or not raw.strip():
        raise InputError(OVERRIDE_ORIGIN, text, "expected KEY=VALUE, e.g. talks.format=six_party")
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return key, value


def load_scenario(ref: str | Path = DEFAULT_SCENARIO, overrides: Iterable[str] = ()) -> Scenario:
    """Load, merge and validate a scenario; raise InputError naming file, key and value."""
    path = resolve(ref)
    tree, origins = _base()
    for ancestor in _lineage(path):
        _merge(tree, _read(ancestor), origins, str(ancestor))
    for text in overrides:
        key, value = parse_override(text)
        set_dotted(tree, key, value, origin=OVERRIDE_ORIGIN)
        origins[key] = OVERRIDE_ORIGIN
    return validate_tree(tree, origins, default_file=str(path))


def validate_tree(
    tree: dict[str, Any], origins: dict[str, str] | None = None, default_file: str = "scenario"
) -> Scenario:
    """Validate a merged tree, then check that every event's changes are valid keys and values."""
    origins = origins or {}
    scenario = _validate(tree, origins, default_file)
    for i, event in enumerate(scenario.events):
        trial = copy.deepcopy(tree)
        for key, value in event.set.items():
            set_dotted(trial, key, value, origin=f"events[{i}].set")
        trial["events"] = []
        try:
            Scenario.model_validate(trial)
        except ValidationError as err:
            first = err.errors()[0]
            key = _dotted(first["loc"])
            raise InputError(
                _origin(origins, f"events.{i}", default_file),
                f"events[{i}].set.{key}",
                _explain(first),
                first.get("input"),
            ) from None
        for key in event.set:
            if not changeable(key):
                raise InputError(
                    _origin(origins, f"events.{i}", default_file),
                    f"events[{i}].set.{key}",
                    "cannot change during a run; events may change any number or regime field "
                    "(positions, trust, enforcement, talks, conflict, dynamics), not profiles or scenario.*",
                )
    return scenario


def changeable(key: str) -> bool:
    """Whether a running model can change ``key`` (it has a slot in the parameter arrays)."""
    from model.params import locate

    try:
        locate(key)
    except (KeyError, ValueError):
        return False
    return True


def set_dotted(tree: dict[str, Any], key: str, value: Any, origin: str = OVERRIDE_ORIGIN) -> None:
    """Set ``a.b.c = value`` in a nested tree, creating tables on the way."""
    parts = key.split(".")
    node = tree
    for depth, part in enumerate(parts[:-1]):
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            where = ".".join(parts[: depth + 1])
            raise InputError(origin, key, f"{where} is a value, not a table")
        node = child
    node[parts[-1]] = value


def _base() -> tuple[dict[str, Any], dict[str, str]]:
    tree = nominal_tree()
    for params in tree["actors"].values():
        params["profile"] = "default"
    origins = {key: DEFAULTS_ORIGIN for key in _flat_keys(tree)}
    return tree, origins


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(str(path), "", f"cannot read file: {err}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputError(str(path), "", f"malformed TOML: {err}") from None


def _lineage(path: Path) -> list[Path]:
    """The file and its ancestors through ``scenario.extends``, oldest first; refuse cycles."""
    chain = [path]
    while True:
        data = _read(chain[-1])
        parent = data.get("scenario", {}).get("extends")
        if parent is None:
            break
        if not isinstance(parent, str):
            raise InputError(str(chain[-1]), "scenario.extends", "must be a scenario name or path", parent)
        try:
            parent_path = resolve(parent, relative_to=chain[-1])
        except InputError as err:
            raise InputError(str(chain[-1]), "scenario.extends", err.problem, parent) from None
        if parent_path.resolve() in {p.resolve() for p in chain}:
            cycle = " -> ".join(p.stem for p in [*chain, parent_path])
            raise InputError(str(chain[-1]), "scenario.extends", f"cycle of parents: {cycle}", parent)
        chain.append(parent_path)
    return chain[::-1]


def _merge(tree: dict, data: dict, origins: dict[str, str], origin: str, prefix: str = "") -> None:
    for name, value in data.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict) and isinstance(tree.get(name), dict):
            _merge(tree[name], value, origins, origin, key + ".")
        else:
            tree[name] = copy.deepcopy(value)
            for sub in _flat_keys({name: value}, prefix):
                origins[sub] = origin
            origins[key] = origin


def _flat_keys(tree: dict, prefix: str = "") -> list[str]:
    keys = []
    for name, value in tree.items():
        key = f"{prefix}{name}"
        keys.append(key)
        if isinstance(value, dict):
            keys.extend(_flat_keys(value, key + "."))
    return keys


def _validate(tree: dict, origins: dict[str, str], default_file: str) -> Scenario:
    try:
        return Scenario.model_validate(tree)
    except ValidationError as err:
        first = err.errors()[0]
        key = _dotted(first["loc"])
        shown = first.get("input") if first["type"] != "missing" else None
        if isinstance(shown, dict):
            shown = None
        raise InputError(_origin(origins, key, default_file), key, _explain(first), shown) from None


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
    parts = []
    for part in loc:
        if part == "[key]":
            continue
        if isinstance(part, int):
            parts[-1] = f"{parts[-1]}[{part}]" if parts else f"[{part}]"
        else:
            parts.append(str(part))
    return ".".join(parts)


def _explain(error: dict) -> str:
    """Pydantic's message, plus the allowed keys when a key is unknown."""
    kind, loc = error["type"], error["loc"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        return f"unknown key {loc[-1]!r}; allowed: {', '.join(allowed)}"
    if kind == "missing":
        return "required but missing"
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
