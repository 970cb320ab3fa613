"""Worksheets for class: each a TOML file of data whose teacher's key is computed from the model.

A worksheet states a learning goal, the commands to run and the questions.
Its key is prose with named placeholders, filled from **measures** (a share, a
mean or a median of one outcome column over seeded runs of a scenario, the
same runs its commands show) and **derived** values (a difference or a ratio
of two measures). Its **checks** state the directions the prose relies on
("leakage narrows the deal's scope"); the test suite recomputes every key and
fails if a check stops holding, so a worksheet cannot drift from the model.
Nothing in a worksheet is evaluated as code.
"""

from __future__ import annotations

import operator
import string
import tomllib
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from model.core.errors import InputError

Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
COMPARE = {">": operator.gt, "<": operator.lt}
ARITHMETIC = {"-": operator.sub, "/": operator.truediv}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Measure(_Strict):
    """A statistic of one outcome column over ``runs`` seeded runs (as ``peninsula run --replications``).

    ``statistic = "value"`` reads one run instead, the run ``peninsula run SCENARIO --seed SEED`` shows
    (``runs = 1``): the column's number, or with ``value`` 1 if the column equals it, else 0. A class
    played in class mode is that run with students in the seats, so its baseline is such a measure.
    """

    name: Name
    scenario: str
    set: tuple[str, ...] = ()
    runs: Annotated[int, Field(ge=1, le=100_000)] = 1000
    seed: Annotated[int, Field(ge=0)] = 7
    statistic: Literal["share", "mean", "median", "value"]
    column: str
    value: str | bool | None = None  # for a share: the value counted; for one run's value: the value matched

    @model_validator(mode="after")
    def _share_has_value(self) -> Measure:
        if self.statistic == "value":
            if self.runs != 1:
                raise ValueError("the value of one run needs runs = 1")
        elif (self.statistic == "share") != (self.value is not None):
            raise ValueError("a share needs the value it counts (value = ...), and only a share has one")
        return self

    def command(self) -> str:
        """The command whose summary shows this measure's runs (or, for one run's value, whose outcome shows it)."""
        sets = "".join(f" --set {s}" for s in self.set)
        if self.statistic == "value":
            return f"peninsula run {self.scenario}{sets} --seed {self.seed}"
        return f"peninsula run {self.scenario}{sets} --replications {self.runs} --seed {self.seed}"


class Derived(_Strict):
    name: Name
    left: Name
    op: Literal["-", "/"]
    right: Name


class Check(_Strict):
    """``left op right``, by at least ``margin`` (never a float landing on a boundary)."""

    left: Name
    op: Literal[">", "<"]
    right: Name | float
    margin: Annotated[float, Field(ge=0)] = 0.0
    says: str  # the claim in the key's words


class Worksheet(_Strict):
    number: Annotated[int, Field(ge=1)]
    id: Annotated[str, Field(pattern=r"^[a-z0-9-]+$")]
    title: str
    goal: str
    commands: tuple[str, ...] = Field(min_length=1)
    questions: tuple[str, ...] = Field(min_length=1)
    measure: tuple[Measure, ...] = Field(min_length=1)
    derived: tuple[Derived, ...] = ()
    check: tuple[Check, ...] = ()
    key: str

    @model_validator(mode="after")
    def _names_are_known(self) -> Worksheet:
        known = [m.name for m in self.measure]
        for d in self.derived:
            if d.left not in known or d.right not in known:
                raise ValueError(f"derived {d.name!r} uses an unknown measure")
            known.append(d.name)
        if len(set(known)) != len(known):
            raise ValueError("measure and derived names must be unique")
        for c in self.check:
            if c.left not in known or (isinstance(c.right, str) and c.right not in known):
                raise ValueError(f"a check uses an unknown name: {c.left} {c.op} {c.right}")
        for _, field, _, _ in string.Formatter().parse(self.key):
            if field is not None and field not in known:
                raise ValueError(f"the key names {{{field}}}, which is not a measure or derived value")
        for c in self.commands:
            if not c.startswith("peninsula "):
                raise ValueError(f"a command must start with 'peninsula ': {c!r}")
        return self


def exercise_dir() -> Path:
    """The shipped worksheets: inside the package in a wheel, beside it in a checkout."""
    here = Path(__file__).resolve().parents[1]  # the package folder, model/
    inside = here / "exercises"
    return inside if inside.is_dir() else here.parent / "exercises"


def shipped() -> dict[int, Path]:
    sheets = {}
    for path in sorted(exercise_dir().glob("*.toml")):
        sheets[load(path).number] = path
    return dict(sorted(sheets.items()))


@cache
def load(path: Path) -> Worksheet:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise InputError(str(path), "", f"not a readable worksheet ({err})") from None
    try:
        return Worksheet.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "worksheet"
        raise InputError(str(path), where, first["msg"]) from None


def find(ref: str) -> Worksheet:
    """A shipped worksheet by number or id."""
    sheets = {n: load(p) for n, p in shipped().items()}
    for sheet in sheets.values():
        if ref in (str(sheet.number), sheet.id):
            return sheet
    allowed = ", ".join(f"{s.number} ({s.id})" for s in sheets.values())
    raise InputError(repr(ref), "", f"no such exercise; shipped: {allowed}")


def measure(m: Measure) -> float:
    """One measure, computed from seeded runs of the model."""
    if m.statistic == "value":
        found = _one_run(m.scenario, m.set, m.seed)[m.column]
        return float(found == m.value) if m.value is not None else float("nan" if found is None else found)
    out = _runs(m.scenario, m.set, m.runs, m.seed)
    values = out[m.column]
    if m.statistic == "share":
        return float(np.mean(values == m.value))
    numbers = values.astype(float)
    return float(np.nanmean(numbers) if m.statistic == "mean" else np.nanmedian(numbers))


_RUNS: dict = {}


def _runs(scenario: str, sets: tuple[str, ...], runs: int, seed: int) -> dict[str, np.ndarray]:
    """Outcomes of a measure's runs, kept for the other measures of the same runs."""
    from model.results.runs import run_replications
    from model.scenario.loader import load_scenario

    key = (scenario, sets, runs, seed)
    if key not in _RUNS:
        if len(_RUNS) >= 16:  # a few thousand rows each: keep the latest few
            _RUNS.pop(next(iter(_RUNS)))
        _RUNS[key] = run_replications(load_scenario(scenario, sets), seed, runs)
    return _RUNS[key]


@cache
def _one_run(scenario: str, sets: tuple[str, ...], seed: int) -> dict:
    """The outcome row of ``peninsula run SCENARIO --seed SEED``: the model alone, as a class's baseline."""
    from model.results.manifest import row
    from model.results.outcomes import outcomes
    from model.results.runs import run_one
    from model.scenario.loader import load_scenario

    return row(outcomes(run_one(load_scenario(scenario, sets), seed, narrate=False)))


def values_of(sheet: Worksheet) -> dict[str, float]:
    """Every measure and derived value of a worksheet."""
    values = {m.name: measure(m) for m in sheet.measure}
    for d in sheet.derived:
        values[d.name] = ARITHMETIC[d.op](values[d.left], values[d.right])
    return values


def checks_of(sheet: Worksheet, values: dict[str, float]) -> list[tuple[Check, bool]]:
    """Each check of the key, and whether the model still supports it."""
    results = []
    for c in sheet.check:
        right = values[c.right] if isinstance(c.right, str) else c.right
        left = values[c.left]
        holds = left > right + c.margin if c.op == ">" else left < right - c.margin
        results.append((c, bool(holds)))
    return results


def student_sheet(sheet: Worksheet) -> str:
    lines = [f"Exercise {sheet.number}: {sheet.title}", "", f"Goal: {sheet.goal}", "", "Run:"]
    lines += [f"  {c}" for c in sheet.commands]
    lines += ["", "Questions:"]
    lines += [f"  {i}. {q}" for i, q in enumerate(sheet.questions, 1)]
    return "\n".join(lines)


def teacher_key(sheet: Worksheet, values: dict[str, float] | None = None) -> tuple[str, bool]:
    """The key, recomputed from the model (or from ``values`` already computed), and whether every check holds."""
    values = values if values is not None else values_of(sheet)
    checks = checks_of(sheet, values)
    lines = [f"Key to exercise {sheet.number}: {sheet.title}", "", sheet.key.strip().format(**values), ""]
    lines.append("Computed from:")
    lines += [f"  {m.name} = {values[m.name]:.4g}: {m.statistic} of {m.column}  ({m.command()})" for m in sheet.measure]
    lines += [f"  {d.name} = {values[d.name]:.4g}: {d.left} {d.op} {d.right}" for d in sheet.derived]
    if checks:
        lines += ["", "What the key relies on:"]
        lines += [f"  [{'holds' if ok else 'NO LONGER HOLDS'}] {c.says}" for c, ok in checks]
    return "\n".join(lines), all(ok for _, ok in checks)
