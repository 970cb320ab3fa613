"""Docs generated from the code, so they cannot drift: docs/SCENARIOS.md (the scenario schema) and docs/DATA.md.

``python -m model.docs`` rewrites both; a test fails when either differs from what
this module generates. The scenario reference walks the pydantic models of
:mod:`model.scenario.schema` (every key, its type and allowed values) and joins each key's
nominal value, sweep range and source from ``model/data/sources.toml``.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from model.results.columns import markdown as data_markdown
from model.scenario.provenance import sources
from model.scenario.schema import Scenario

DOCS = Path(__file__).resolve().parents[1] / "docs"
DEFAULT_PROFILE = "default"
"""The behaviour profile every actor gets unless a scenario names another (see model.loader)."""


@dataclass(frozen=True)
class Row:
    key: str
    type: str
    allowed: str
    default: str
    sweep: str = ""
    source: str = ""


def rows(model: type[BaseModel] = Scenario, prefix: str = "") -> list[Row]:
    """One row per leaf key of the schema; tables keyed by actors or enforcers are expanded per member."""
    found: list[Row] = []
    for name, info in model.model_fields.items():
        key = f"{prefix}{name}"
        annotation = info.annotation
        args = get_args(annotation)
        if _is_model(annotation):
            found += rows(annotation, key + ".")
        elif get_origin(annotation) is dict and args and _is_enum(args[0]):
            for member in args[0]:
                found += _member(f"{key}.{member.value}", args[1])
        elif get_origin(annotation) is tuple and args and _is_model(args[0]):
            found += rows(args[0], key + "[].")
        else:
            found.append(_leaf(key, annotation, list(info.metadata), info))
    return found


def _member(key: str, annotation: Any) -> list[Row]:
    if _is_model(annotation):
        return rows(annotation, key + ".")
    return [_leaf(key, annotation, [], None)]


def _leaf(key: str, annotation: Any, metadata: list, info: FieldInfo | None) -> Row:
    kind, allowed = describe(annotation, metadata)
    src = sources().get(key)
    if src is not None:
        source = src.citation.replace("|", "/")
        if not src.is_numeric:
            return Row(key, kind, allowed, f"`{_plain(src.value)}`", "fixed", source)
        return Row(key, kind, allowed, f"{src.value:g}", f"{src.low:g} to {src.high:g}", source)
    return Row(key, kind, allowed, _default(key, info))


def _default(key: str, info: FieldInfo | None) -> str:
    if key.endswith(".profile"):
        return f"`{DEFAULT_PROFILE}`"
    if info is None or (info.default is PydanticUndefined and info.default_factory is None):
        return "required"
    value = info.default_factory() if info.default_factory is not None else info.default
    return "none" if value is None else f"`{_plain(value)}`"


def describe(annotation: Any, metadata: list) -> tuple[str, str]:
    """(type, allowed values) of an annotation and its constraints, in words."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        extra = [m for a in args[1:] for m in (a.metadata if isinstance(a, FieldInfo) else [a])]
        return describe(args[0], metadata + extra)
    if origin in (Union, types.UnionType):
        kind, allowed = describe(next(a for a in args if a is not type(None)), metadata)
        return f"{kind} (optional)", allowed
    if origin is tuple:
        kind, allowed = describe(args[0], [])
        return f"list of {kind}", _join(allowed, _bounds(metadata, "length"))
    if origin is dict:
        return "table", "dotted keys of changeable fields, each with a value"
    if _is_enum(annotation):
        return "name", "one of " + ", ".join(f"`{m.value}`" for m in annotation)
    if annotation is bool:
        return "true/false", ""
    if annotation in (int, float):
        return ("integer" if annotation is int else "number"), _bounds(metadata, "")
    return "text", _bounds(metadata, "length")


def _bounds(metadata: list, what: str) -> str:
    low = next((getattr(m, a) for m in metadata for a in ("ge", "gt", "min_length") if hasattr(m, a)), None)
    high = next((getattr(m, a) for m in metadata for a in ("le", "lt", "max_length") if hasattr(m, a)), None)
    if low is None and high is None:
        return ""
    prefix = f"{what} " if what else ""
    if high is None:
        return f"{prefix}at least {low:g}"
    return f"{prefix}{low:g} to {high:g}" if low is not None else f"{prefix}at most {high:g}"


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def _plain(value: Any) -> str:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bool):
        return str(value).lower()
    return str(list(value)) if isinstance(value, tuple) else str(value)


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _is_enum(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, Enum)


def scenarios_markdown() -> str:
    """docs/SCENARIOS.md: every scenario key, grouped by its top-level table."""
    lines = [
        "# Scenario reference",
        "",
        "<!-- Generated from model/scenario/schema.py and model/data/sources.toml by `python -m model.docs`; "
        "do not edit by hand. -->",
        "",
        "Every key a scenario file may set, by its dotted name (as `--set`, events and sweeps use it). "
        "*default* is the value a scenario starts from (`model/data/sources.toml`); *sweep range* is the "
        "uncertainty range sweeps sample (`peninsula sources`); *source* is the seed article and quote, "
        "background, or the reason for an assumption. `[]` marks a list of tables (`[[events]]`).",
    ]
    groups: dict[str, list[Row]] = {}
    for row in rows():
        groups.setdefault(row.key.split(".")[0].removesuffix("[]"), []).append(row)
    for group, members in groups.items():
        lines += ["", f"## {group}", "", "| key | type | allowed | default | sweep range | source |", "|" + "---|" * 6]
        lines += [
            f"| `{r.key}` | {r.type} | {r.allowed} | {r.default} | {r.sweep} | {r.source} |".replace("  ", " ")
            for r in members
        ]
    return "\n".join(lines) + "\n"


def _backcast() -> str:
    from model.history import backcast_markdown

    return backcast_markdown()


def _validation() -> str:
    from model.calibration.report import validation_markdown

    return validation_markdown()


GENERATED = {
    "SCENARIOS.md": scenarios_markdown,
    "DATA.md": data_markdown,
    "BACKCAST.md": _backcast,
    "VALIDATION.md": _validation,
}


def main() -> None:
    for name, render in GENERATED.items():
        (DOCS / name).write_text(render(), encoding="utf-8")
        print(f"Wrote {DOCS / name}")


if __name__ == "__main__":
    main()
