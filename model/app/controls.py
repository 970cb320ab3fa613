"""The browser app's controls, and how their values become ``--set`` overrides.

Every control stands for one dotted scenario key, so a setting made in the
browser is the same text a ``peninsula run --set KEY=VALUE`` would carry and is
validated by the same loader (an unknown key or a value out of range is an
:class:`~model.core.errors.InputError` naming the key). A control left at the value
it started with (the scenario the app was launched with) sets nothing, so
picking another scenario in the browser runs that scenario's own values.

Nothing here imports Solara: the functions are tested without a browser.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from model.core.domain import Actor, ReliefFrom
from model.core.errors import InputError
from model.scenario.schema import Scenario

NO_SEAT = "nobody (the model plays all six)"
CHANNELS = ("trade", "oil", "coal", "laborers")
ENFORCERS = (Actor.CHN, Actor.RUS)
SEED_LIMIT = 2**64
ORIGIN = "the app's controls"


@dataclass(frozen=True)
class Control:
    """One control: the constructor keyword of the app's model, its scenario key, its label and its kind."""

    name: str
    key: str
    label: str
    kind: str  # "unit" (a slider from 0 to 1), "choice" or "flag"
    choices: tuple[str, ...] = ()


def _controls() -> tuple[Control, ...]:
    from model.agents.policies import profiles

    found = [
        Control(f"{actor.value.lower()}_{channel}", f"sanctions.enforcement.{actor.value}.{channel}",
                f"{actor.value} enforcement: {channel}", "unit")
        for actor in ENFORCERS
        for channel in CHANNELS
    ]  # fmt: skip
    found += [
        Control("relief_schedule", "sanctions.relief_schedule", "Relief schedule", "choice",
                ("upfront", "per_step", "at_end")),
        Control("relief_from", "sanctions.relief_from", "Relief lifts", "choice", tuple(r.value for r in ReliefFrom)),
        Control("snapback", "sanctions.snapback", "Snapback", "flag"),
        Control("talks_format", "talks.format", "Talks format", "choice", ("bilateral", "six_party")),
    ]  # fmt: skip
    names = tuple(profiles())
    found += [
        Control(f"profile_{actor.value.lower()}", f"actors.{actor.value}.profile", f"{actor.value} profile", "choice",
                names)
        for actor in Actor
    ]  # fmt: skip
    return tuple(found)


CONTROLS: tuple[Control, ...] = _controls()
BY_NAME: dict[str, Control] = {c.name: c for c in CONTROLS}


def value_at(spec: Scenario, key: str) -> Any:
    """The value of a dotted key in a validated scenario, as a ``--set`` would write it."""
    node: Any = spec.model_dump(mode="json")
    for part in key.split("."):
        node = node[part]
    return node


def start_values(spec: Scenario) -> dict[str, Any]:
    """Every control's value in ``spec``: where the controls start, and what "unchanged" means."""
    return {c.name: value_at(spec, c.key) for c in CONTROLS}


def text_of(value: Any) -> str:
    """A control's value as ``--set`` text: TOML booleans, numbers without float noise, names as they are.

    >>> text_of(True), text_of(0.30000000000000004), text_of("six_party")
    ('true', '0.3', 'six_party')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{round(value, 6):g}"
    return str(value)


def overrides_from(values: Mapping[str, Any], start: Mapping[str, Any]) -> list[str]:
    """``KEY=VALUE`` for each control moved away from where it started (None means not moved).

    >>> overrides_from({"chn_coal": 0.5, "rus_oil": 0.5, "snapback": None}, {"chn_coal": 0.7, "rus_oil": 0.5})
    ['sanctions.enforcement.CHN.coal=0.5']
    """
    moved = []
    for name, value in values.items():
        if name not in BY_NAME:
            raise InputError(ORIGIN, name, f"no such control; allowed: {', '.join(BY_NAME)}")
        if value is None or (name in start and text_of(value) == text_of(start[name])):
            continue
        moved.append(f"{BY_NAME[name].key}={text_of(value)}")
    return moved


def extra_overrides(text: str) -> list[str]:
    """More ``KEY=VALUE`` settings typed in one box, separated by semicolons or new lines (blanks ignored).

    >>> extra_overrides("talks.mediation=true; dynamics.conflict.test_rate=0.1")
    ['talks.mediation=true', 'dynamics.conflict.test_rate=0.1']
    """
    parts = [p.strip() for chunk in text.splitlines() for p in chunk.split(";")]
    return [p for p in parts if p]


def parse_seed(text: str | int) -> int:
    """A seed from the seed box: a whole number from 0 to 2**64 - 1, as ``--seed`` takes."""
    try:
        seed = int(str(text).strip())
    except ValueError:
        raise InputError(ORIGIN, "seed", "expected a whole number from 0 to 2**64 - 1", text) from None
    if not 0 <= seed < SEED_LIMIT:
        raise InputError(ORIGIN, "seed", "out of range; allowed 0 to 2**64 - 1", text)
    return seed


def parse_seat(text: str) -> Actor | None:
    """The actor the student plays, or None when the model plays all six."""
    if text in ("", NO_SEAT):
        return None
    try:
        return Actor(text)
    except ValueError:
        raise InputError(ORIGIN, "seat", f"allowed: {', '.join(a.value for a in Actor)}", text) from None


def command_line(scenario: str, seed: int, overrides: list[str]) -> str:
    """The ``peninsula run`` command that gives the model-only run of these settings.

    >>> command_line("hanoi-2019", 3, ["talks.format=six_party"])
    'peninsula run hanoi-2019 --seed 3 --set talks.format=six_party'
    """
    sets = "".join(f" --set {o}" if " " not in o else f" --set '{o}'" for o in overrides)
    return f"peninsula run {scenario} --seed {seed}{sets}"


def solara_params(scenario: str, spec: Scenario) -> dict[str, Any]:
    """SolaraViz's ``model_params``: the controls, starting at ``spec``'s values, and the fixed start values."""
    start = start_values(spec)
    params: dict[str, Any] = {
        "scenario_name": scenario,  # fixed for the page: another scenario is another page (?scenario=NAME)
        "seed": {"type": "InputText", "value": "0", "label": "Seed"},
        "seat": {"type": "Select", "value": NO_SEAT, "values": [NO_SEAT, *(a.value for a in Actor)],
                 "label": "You play"},
    }  # fmt: skip
    for c in CONTROLS:
        if c.kind == "unit":
            params[c.name] = {"type": "SliderFloat", "value": start[c.name], "min": 0.0, "max": 1.0, "step": 0.05,
                              "label": c.label}  # fmt: skip
        elif c.kind == "flag":
            params[c.name] = {"type": "Checkbox", "value": start[c.name], "label": c.label}
        else:
            params[c.name] = {"type": "Select", "value": start[c.name], "values": list(c.choices), "label": c.label}
    params["extra"] = {"type": "InputText", "value": "", "label": "More settings (KEY=VALUE; ...)"}
    params["start"] = tuple(start.items())  # fixed: not a control; what "unchanged" means
    return params


def chosen_scenario(search: str | None, launched: str) -> str:
    """The scenario of the page's address (``?scenario=NAME``), else the one ``peninsula app`` was started with.

    >>> chosen_scenario("scenario=maximum-pressure", "hanoi-2019"), chosen_scenario(None, "hanoi-2019")
    ('maximum-pressure', 'hanoi-2019')
    """
    from urllib.parse import parse_qs

    asked = parse_qs(search or "").get("scenario")
    return asked[0] if asked else launched
