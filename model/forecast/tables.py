"""Actor tables: one issue dimension's actors with capability, position and salience.

From a file (``peninsula forecast --table FILE``): comma- or tab-separated, ``#`` comment lines, a
header naming the four columns (the names the open replications use are accepted), positions on any
scale, saliences on 0-1 or 0-100. From a scenario: each actor's ideal point and salience on one issue,
and its capability. Every problem is an :class:`~model.core.errors.InputError` naming the file, the line
and the column.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from model.core.errors import InputError

COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "actor", "stakeholder", "player"),
    "capability": ("capability", "resources", "clout", "power", "c"),
    "position": ("position", "x"),
    "salience": ("salience", "s"),
}
"""The four columns and the header names accepted for each (case does not matter)."""


@dataclass(frozen=True)
class ActorTable:
    """One dimension's actors. ``salience`` is on [0, 1] whatever the file used."""

    title: str
    names: tuple[str, ...]
    capability: np.ndarray
    position: np.ndarray
    salience: np.ndarray
    source: str
    salience_scale: float = 1.0


def read_table(path: Path) -> ActorTable:
    """Read an actor table file; raise InputError naming file, line and column on any problem."""
    where = str(path)
    if not path.is_file():
        raise InputError(where, "", "no such file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(where, "", f"cannot be read as UTF-8 text ({err.__class__.__name__})") from None
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip() and not _comment(line)]
    if not lines:
        raise InputError(where, "", "is empty: expected a header line and one line per actor")
    delimiter = "\t" if "\t" in lines[0][1] else ","
    rows = list(zip((n for n, _ in lines), csv.reader((line for _, line in lines), delimiter=delimiter), strict=True))
    columns = _header(where, *rows[0])
    body = rows[1:]
    if len(body) < 2:
        count = f"{len(body)} actor" + ("" if len(body) == 1 else "s")
        raise InputError(where, f"line {rows[0][0]}", f"the header is followed by {count}; at least 2 are needed")
    records = [_record(where, n, cells, columns) for n, cells in body]
    return _table(where, path.stem, records, [n for n, _ in body])


def _comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _header(where: str, line: int, cells: list[str]) -> dict[str, int]:
    seen = {cell.strip().lower(): i for i, cell in enumerate(cells)}
    columns = {}
    for column, aliases in COLUMNS.items():
        found = [seen[a] for a in aliases if a in seen]
        if not found:
            allowed = "; ".join(f"{c} ({', '.join(a)})" for c, a in COLUMNS.items())
            raise InputError(
                where, f"line {line}", f"header has no {column} column; needed, with any of these names: {allowed}"
            )
        columns[column] = found[0]
    return columns


def _record(where: str, line: int, cells: list[str], columns: dict[str, int]) -> tuple[str, float, float, float]:
    if len(cells) <= max(columns.values()):
        raise InputError(where, f"line {line}", f"has {len(cells)} cells; the header has {max(columns.values()) + 1}")
    name = cells[columns["name"]].strip()
    if not name:
        raise InputError(where, f"line {line}, column name", "is empty")
    numbers = [_number(where, line, col, cells[columns[col]]) for col in ("capability", "position", "salience")]
    if numbers[0] < 0:
        raise InputError(where, f"line {line}, column capability", "must be 0 or more", numbers[0])
    if numbers[2] < 0:
        raise InputError(where, f"line {line}, column salience", "must be 0 or more (scale 0-1 or 0-100)", numbers[2])
    return name, *numbers


def _number(where: str, line: int, column: str, cell: str) -> float:
    try:
        value = float(cell.strip())
    except ValueError:
        raise InputError(where, f"line {line}, column {column}", "is not a number", cell.strip()) from None
    if not math.isfinite(value):
        raise InputError(where, f"line {line}, column {column}", "must be a finite number", cell.strip())
    return value


def _table(where: str, title: str, records: list[tuple[str, float, float, float]], lines: list[int]) -> ActorTable:
    names, capability, position, salience = (list(column) for column in zip(*records, strict=True))
    scale = 100.0 if max(salience) > 1.0 else 1.0
    seen: set[str] = set()
    for line, name, value in zip(lines, names, salience, strict=True):
        if value > scale:
            raise InputError(where, f"line {line}, column salience", "is above the scale 0-100", value)
        if name in seen:
            raise InputError(where, f"line {line}, column name", "names an actor already listed", name)
        seen.add(name)
    if not any(c * s > 0 for c, s in zip(capability, salience, strict=True)):
        raise InputError(where, "column capability", "no actor has both capability and salience above zero")
    return ActorTable(
        title, tuple(names), np.array(capability), np.array(position), np.array(salience) / scale, where, scale
    )


def scenario_table(spec, issue) -> ActorTable:
    """The scenario's actors on one issue: ideal point as position, issue salience, capability."""
    from model.core.domain import Actor

    actors = list(Actor)
    params = [spec.actors[a] for a in actors]
    return ActorTable(
        issue.value,
        tuple(a.value for a in actors),
        np.array([p.capability for p in params], dtype=float),
        np.array([getattr(p.ideal, issue.value) for p in params], dtype=float),
        np.array([getattr(p.salience, issue.value) for p in params], dtype=float),
        spec.scenario.name,
    )


def shipped_tables() -> dict[str, Path]:
    """The actor tables shipped with the package: the published EC case and five from open replications."""
    folder = resources.files("model.forecast") / "data"
    files = sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith((".csv", ".tsv")))
    return {p.stem: p for p in files}
