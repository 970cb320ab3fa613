"""Experiment files -> validated, frozen :class:`Experiment` objects.

An experiment file is TOML data, never code (EMA Workbench's split, AgentPy's
typed ranges): a base scenario, typed parameters kept apart as **levers**
(policy choices: enforcement, relief schedule, format) and **uncertainties**
(exogenous: actors' preferences within their provenance ranges), a design,
replications, a root seed and the outcomes to record. Every problem becomes an
:class:`~model.core.errors.InputError` naming the experiment file, the key, the
value and what is allowed.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from model.core.errors import InputError
from model.core.params import locate
from model.results.columns import with_dependencies
from model.results.outcomes import OUTCOME_FIELDS
from model.scenario.loader import check_depth, load_scenario, read_toml, resolve, set_dotted, validate_tree
from model.scenario.provenance import uncertainty_range
from model.scenario.schema import Scenario
from model.scenario.validation import strict

if TYPE_CHECKING:
    from model.calibration.posterior import Posterior

DESIGNS = ("grid", "latin_hypercube", "monte_carlo", "sobol", "morris")
SALIB_DESIGNS = ("sobol", "morris")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _Keyed(_Frozen):
    """One scenario key, or several set to the same value (a "grouped" parameter)."""

    key: str | None = None
    keys: tuple[str, ...] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _one_of_key_or_keys(self):
        if (self.key is None) == (self.keys is None):
            raise ValueError("give exactly one of `key` (one scenario field) or `keys` (several set together)")
        return self

    @property
    def targets(self) -> tuple[str, ...]:
        return (self.key,) if self.key is not None else tuple(self.keys or ())


class RealParameter(_Keyed):
    """A real range [low, high]; ``levels`` evenly spaced values in a grid."""

    type: Literal["real"]
    range: tuple[float, float]
    levels: Annotated[int, Field(ge=2, le=1000)] | None = None


class IntegerParameter(_Keyed):
    """An integer range [low, high], both ends included; a grid takes every integer."""

    type: Literal["integer"]
    range: tuple[int, int]


class CategoricalParameter(_Keyed):
    """A list of values (enum names, booleans, numbers), each a level of a grid."""

    type: Literal["categorical"]
    values: tuple[Any, ...] = Field(min_length=1)


ParameterSpec = Annotated[RealParameter | IntegerParameter | CategoricalParameter, Field(discriminator="type")]


class DesignSpec(_Frozen):
    """How design points are chosen.

    ``n`` is points (LHS, Monte Carlo), base samples (Sobol) or trajectories (Morris).
    """

    kind: Literal["grid", "latin_hypercube", "monte_carlo", "sobol", "morris"]
    n: Annotated[int, Field(ge=1, le=10_000_000)] | None = None
    over: Literal["actors"] | None = None
    levels: Annotated[int, Field(ge=2, le=1000)] = 5
    second_order: bool = False
    morris_levels: Annotated[int, Field(ge=2, le=20)] = 4


class Meta(_Frozen):
    name: str = Field(min_length=1)
    question: str = Field(min_length=10)
    scenario: str = Field(min_length=1)
    root_seed: Annotated[int, Field(ge=0, lt=2**63)]
    replications: Annotated[int, Field(ge=1, le=1_000_000)]
    outcomes: tuple[str, ...] | None = Field(default=None, min_length=1)
    chunk_runs: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    posterior: str | None = Field(default=None, min_length=1)  # a posterior file, relative to the experiment file


class ExperimentFile(_Frozen):
    """The file's schema, before checks against the scenario and provenance."""

    experiment: Meta
    design: DesignSpec
    levers: dict[str, ParameterSpec] = Field(default_factory=dict)
    uncertainties: dict[str, ParameterSpec] = Field(default_factory=dict)


@dataclass(frozen=True)
class Parameter:
    """One swept input, normalised: the column ``name`` sets every key in ``keys`` to one value."""

    name: str
    role: Literal["lever", "uncertainty"]
    kind: Literal["real", "integer", "categorical"]
    keys: tuple[str, ...]
    low: float = 0.0
    high: float = 0.0
    values: tuple[Any, ...] = ()
    levels: int | None = None

    @property
    def structural(self) -> bool:
        """Behaviour profiles and run length change the model's structure: one batch per value."""
        return any(is_structural(k) for k in self.keys)


@dataclass(frozen=True)
class Experiment:
    """A validated experiment: what is run, not how it is run."""

    path: str
    file: ExperimentFile
    scenario_path: str
    spec: Scenario
    parameters: tuple[Parameter, ...]
    posterior: Posterior | None = None  # one posterior draw per run instead of the nominal point

    @property
    def meta(self) -> Meta:
        return self.file.experiment

    @property
    def design(self) -> DesignSpec:
        return self.file.design

    @cached_property
    def outcomes(self) -> tuple[str, ...]:
        """The outcome columns written: those named (default all), plus what their nulls depend on."""
        return with_dependencies(self.meta.outcomes or tuple(OUTCOME_FIELDS))


def is_structural(key: str) -> bool:
    return key.endswith(".profile") or key == "scenario.months"


def experiment_dir() -> Path:
    """The shipped experiments: inside the package in a wheel, beside it in a checkout."""
    package = Path(__file__).resolve().parents[1]
    inside = package / "experiments"
    return inside if inside.is_dir() else package.parent / "experiments"


def shipped_experiments() -> dict[str, Path]:
    return {p.stem: p for p in sorted(experiment_dir().glob("*.toml"))}


def resolve_experiment(ref: str | Path) -> Path:
    """An experiment reference is a path, or the name of a shipped experiment (``peninsula experiments``)."""
    path = Path(ref)
    if path.is_file():
        return path
    shipped = shipped_experiments()
    if str(ref) in shipped:
        return shipped[str(ref)]
    names = ", ".join(shipped) or "none found"
    raise InputError(str(ref), "", f"no such experiment file or shipped experiment; shipped: {names}")


def load_experiment(ref: str | Path) -> Experiment:
    """Read, validate and check an experiment (file or shipped name) against its base scenario and provenance."""
    path = resolve_experiment(ref)
    raw = _read(path)
    try:
        data = strict(ExperimentFile, raw)  # strict: "2" is no number, "yes" no boolean
    except ValidationError as err:
        raise _input_error(str(path), err) from None
    scenario_path = _base_scenario(path, data.experiment.scenario)
    spec = load_scenario(scenario_path)
    for name in data.experiment.outcomes or ():
        if name not in OUTCOME_FIELDS:
            raise InputError(
                str(path), "experiment.outcomes", f"unknown outcome; allowed: {', '.join(OUTCOME_FIELDS)}", name
            )
    params = _parameters(data)
    _check_design(str(path), data, params)
    for param in params:
        _check_parameter(str(path), spec, param)
    return Experiment(str(path), data, str(scenario_path), spec, params, _posterior(path, data.experiment.posterior))


def _posterior(path: Path, ref: str | None) -> Posterior | None:
    """The experiment's posterior file (relative to the experiment file), read and checked."""
    if ref is None:
        return None
    from model.calibration.posterior import read_posterior

    where = Path(ref) if Path(ref).is_absolute() else path.parent / ref
    if not where.is_file():
        raise InputError(
            str(path), "experiment.posterior", "no such posterior file (paths are relative to this file)", ref
        )
    return read_posterior(where)


def _read(path: Path) -> dict[str, Any]:
    """The file's data; a file that is not an experiment (no [experiment] table) is refused unechoed."""
    if not path.is_file():
        raise InputError(str(path), "", "no such experiment file")
    data = read_toml(path, "experiment")
    if not isinstance(data.get("experiment"), dict):
        raise InputError(
            str(path), "", "not an experiment file: an experiment is a .toml file with an [experiment] table"
        )
    check_depth(data, str(path))
    return data


def _input_error(file: str, err: ValidationError) -> InputError:
    """The first pydantic error, as file / dotted key / value / what is allowed."""
    first = err.errors()[0]
    loc = [str(p) for p in first["loc"] if not str(p).startswith(("function-", "tagged-union"))]
    loc = [p for p in loc if p not in ("real", "integer", "categorical")]
    value = first.get("input") if first["type"] != "missing" else None
    if isinstance(value, dict):
        value = None
    problem = {"missing": "required but missing", "extra_forbidden": "unknown key"}.get(first["type"], first["msg"])
    if first["type"] == "union_tag_invalid":
        problem = "unknown parameter type; allowed: real, integer, categorical"
    if first["type"] in ("model_type", "dict_type", "model_attributes_type"):
        problem = "must be a table of keys, not a single value"
    if first["type"] == "extra_forbidden":
        problem = f"unknown key {loc[-1]!r}; allowed: {', '.join(_allowed(loc[:-1]))}"
    return InputError(file, ".".join(loc), problem[0].lower() + problem[1:], value)


def _allowed(loc: list[str]) -> list[str]:
    """Field names allowed where an unknown key was found."""
    if not loc:
        return list(ExperimentFile.model_fields)
    tables = {"experiment": Meta, "design": DesignSpec}
    if loc[0] in tables:
        return list(tables[loc[0]].model_fields)
    return sorted({*RealParameter.model_fields, *IntegerParameter.model_fields, *CategoricalParameter.model_fields})


def _base_scenario(path: Path, ref: str) -> Path:
    try:
        return resolve(ref, relative_to=path)
    except InputError as err:
        raise InputError(str(path), "experiment.scenario", f"base scenario not found: {err.problem}", ref) from None


def _parameters(data: ExperimentFile) -> tuple[Parameter, ...]:
    params: list[Parameter] = []
    for role, table in (("lever", data.levers), ("uncertainty", data.uncertainties)):
        for name, spec in table.items():
            params.append(_normalise(name, role, spec))
    return tuple(params)


def _normalise(name: str, role: Literal["lever", "uncertainty"], spec: Any) -> Parameter:
    if isinstance(spec, CategoricalParameter):
        return Parameter(name, role, "categorical", spec.targets, values=spec.values, levels=len(spec.values))
    low, high = spec.range
    if isinstance(spec, IntegerParameter):
        return Parameter(name, role, "integer", spec.targets, low, high, levels=high - low + 1)
    return Parameter(name, role, "real", spec.targets, float(low), float(high), levels=spec.levels)


def section(param: Parameter) -> str:
    """Where a parameter sits in the file, for error messages."""
    return f"{'levers' if param.role == 'lever' else 'uncertainties'}.{param.name}"


def _check_design(file: str, data: ExperimentFile, params: tuple[Parameter, ...]) -> None:
    design = data.design
    names = [p.name for p in params]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise InputError(file, "levers", "a name is both a lever and an uncertainty", twice[0])
    seen: dict[str, str] = {}
    for param in params:
        for key in param.keys:
            if key in seen:
                raise InputError(file, f"{section(param)}.keys", f"key already swept by {seen[key]!r}", key)
            seen[key] = param.name
    if design.kind != "grid" and design.n is None:
        raise InputError(
            file, "design.n", f"required for a {design.kind} design (points, base samples or trajectories)"
        )
    if design.kind in SALIB_DESIGNS and design.n is not None and design.n < 2:
        raise InputError(file, "design.n", f"a {design.kind} design needs n >= 2 (one sample has no spread)", design.n)
    if design.over is not None and design.kind != "monte_carlo":
        raise InputError(file, "design.over", "only a monte_carlo design samples over the actors' ranges", design.over)
    if not params and design.over is None:
        raise InputError(file, "levers", "no parameters: give levers or uncertainties (or design.over = 'actors')")
    if design.kind in SALIB_DESIGNS:
        for param in params:
            if param.kind == "categorical" or param.structural:
                raise InputError(
                    file,
                    section(param),
                    f"a {design.kind} design needs numeric ranges; allowed types: real, integer",
                    param.kind,
                )


def _check_parameter(file: str, spec: Scenario, param: Parameter) -> None:
    """Keys exist, bounds are ordered and inside the provenance range, and every value is valid for the scenario."""
    where = section(param)
    if param.kind != "categorical" and not param.low < param.high:
        raise InputError(
            file, f"{where}.range", "bounds inverted or empty; allowed: low < high", [param.low, param.high]
        )
    probes = param.values if param.kind == "categorical" else (param.low, param.high)
    if param.kind == "real":
        probes = tuple(float(v) for v in probes)
    tree = spec.to_tree()
    for key in param.keys:
        _check_key(file, where, key)
        for value in probes:
            _check_value(file, where, tree, key, value)
        bounds = uncertainty_range(key)
        if bounds is not None:
            lo, hi = bounds
            bad = [v for v in probes if isinstance(v, int | float) and not lo <= v <= hi]
            if bad:
                raise InputError(
                    file,
                    f"{where}.{'values' if param.kind == 'categorical' else 'range'}",
                    f"{key}: outside its provenance range; allowed {lo:g} to {hi:g} (see `peninsula sources`)",
                    bad[0],
                )


def _check_key(file: str, where: str, key: str) -> None:
    if is_structural(key):
        return
    if key.startswith(("scenario.", "events")):
        raise InputError(
            file,
            f"{where}.key",
            "not a sweepable field; allowed: any model parameter, actors.X.profile, scenario.months",
            key,
        )


def _check_value(file: str, where: str, tree: dict, key: str, value: Any) -> None:
    trial = copy.deepcopy(tree)
    try:
        set_dotted(trial, key, value, origin=file)
        validate_tree(trial, default_file=file)
        if not is_structural(key):
            locate(key)
    except InputError as err:
        raise InputError(file, f"{where} ({key})", err.problem, value) from None
    except (KeyError, ValueError):
        raise InputError(file, f"{where}.key", "not a sweepable parameter of the model", key) from None
