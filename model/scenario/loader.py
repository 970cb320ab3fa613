"""Scenario files -> validated :class:`~model.scenario.schema.Scenario`.

A scenario file is TOML data, never code. It starts from the sourced nominal
values (:mod:`model.scenario.provenance`), may ``extends`` a parent scenario and
override a few fields, and may be changed further by ``--set key=value``
overrides. Every problem becomes an :class:`~model.core.errors.InputError` that
names the file that set the offending key (validation: :mod:`model.scenario.validation`).

What ``extends`` may reach is bounded: a shipped scenario by name, or a
``.toml`` file under the including file's folder (symbolic links resolved), so
a scenario cannot make the loader read an arbitrary file. A file without a
``[scenario]`` table is not a scenario, and nothing read from it is ever
echoed in an error.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from model.core.errors import InputError
from model.scenario.provenance import nominal_tree
from model.scenario.schema import Scenario
from model.scenario.validation import validate_tree

__all__ = ["load_scenario", "resolve", "set_dotted", "shipped_scenarios", "validate_tree"]

DEFAULT_SCENARIO = "baseline-2019"
DEFAULTS_ORIGIN = "model/data/sources.toml"
OVERRIDE_ORIGIN = "--set"
MAX_DEPTH = 16
"""Deepest nesting of tables and lists a file or ``--set`` value may have (the schema needs 5)."""


def scenario_dir() -> Path:
    """The shipped scenarios: inside the package in a wheel, beside it in a checkout."""
    here = Path(__file__).resolve().parents[1]  # the package folder, model/
    for candidate in (here / "scenarios", here.parent / "scenarios"):
        if candidate.is_dir():
            return candidate
    return here.parent / "scenarios"


def shipped_scenarios() -> dict[str, Path]:
    """Shipped scenarios by name; the historical cases as ``history/NAME`` (``peninsula backcast`` runs them)."""
    top = {p.stem: p for p in sorted(scenario_dir().glob("*.toml"))}
    return top | {f"history/{p.stem}": p for p in sorted((scenario_dir() / "history").glob("*.toml"))}


def resolve(ref: str | Path, relative_to: Path | None = None, root: Path | None = None) -> Path:
    """Where a scenario reference points.

    Given by the user (``relative_to`` None): a path, else the name of a shipped scenario.
    Written in a file (``relative_to`` is that file): the name of a ``.toml`` beside it or of a shipped
    scenario, or a relative ``.toml`` path that stays under the file's folder (or under ``root``),
    symbolic links resolved. Never an absolute path, ``..`` out of the folder, or the current directory.
    """
    try:
        return _resolve(ref, relative_to, root)
    except (OSError, ValueError) as err:  # NUL byte, a name too long for the file system
        where = str(relative_to) if relative_to is not None else repr(str(ref))
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        raise InputError(where, "", f"not a usable file name ({reason})") from None


def _resolve(ref: str | Path, relative_to: Path | None, root: Path | None) -> Path:
    if relative_to is None:
        path = Path(ref)
        shipped = shipped_scenarios()
        if not str(ref).strip():
            raise InputError(
                repr(str(ref)), "", f"no scenario named; give a file or a shipped scenario: {_names(shipped)}"
            )
        if path.is_file():
            return path
        if str(ref) in shipped:
            return shipped[str(ref)]
        problem = "is a folder, not a scenario file" if path.is_dir() else "no such file or shipped scenario"
        raise InputError(str(ref), "", f"{problem}; shipped: {_names(shipped)}")
    return _included(str(ref), Path(relative_to), root)


def _included(ref: str, including: Path, root: Path | None) -> Path:
    folder = including.parent
    inside_root = root is not None and including.resolve().is_relative_to(Path(root).resolve())
    base = Path(root if inside_root else folder).resolve()
    shipped = shipped_scenarios()
    allowed = f"a shipped scenario ({_names(shipped)}) or a .toml file under {base}"
    if ref in shipped and not (folder / f"{ref}.toml").is_file():
        return shipped[ref]
    path = Path(ref)
    if not ref.strip() or path.name in ("", ".", ".."):
        raise InputError(str(including), "", f"names no scenario file; name {allowed}")
    if path.is_absolute() or ref.startswith("~"):
        raise InputError(str(including), "", f"an absolute path is not allowed; name {allowed}")
    candidate = folder / (path if path.suffix == ".toml" else path.with_name(path.name + ".toml"))
    if not candidate.resolve().is_relative_to(base):
        raise InputError(
            str(including),
            "",
            f"leads outside {base} (through .. or a symbolic link); name {allowed} "
            "(`--scenario-root DIR` allows any .toml file under DIR)",
        )
    if candidate.is_file():
        return candidate
    raise InputError(str(including), "", f"no such file or shipped scenario; name {allowed}")


def _names(shipped: dict[str, Path]) -> str:
    return ", ".join(shipped) or "none found"


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
    if key == "scenario.extends":
        raise InputError(OVERRIDE_ORIGIN, key, "cannot be set with --set; name the parent in the scenario file")
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    except RecursionError:
        raise InputError(OVERRIDE_ORIGIN, key, f"value nested deeper than {MAX_DEPTH} levels") from None
    check_depth({key: value}, OVERRIDE_ORIGIN)
    return key, value


def load_scenario(
    ref: str | Path = DEFAULT_SCENARIO, overrides: Iterable[str] = (), root: Path | None = None
) -> Scenario:
    """Load, merge and validate a scenario; raise InputError naming file, key and value.

    ``root`` widens where ``extends`` may reach (see :func:`resolve`).
    """
    path = resolve(ref)
    tree, origins = _base()
    for ancestor, data in _lineage(path, root):
        _merge(tree, data, origins, str(ancestor))
    for text in overrides:
        key, value = parse_override(text)
        set_dotted(tree, key, value, origin=OVERRIDE_ORIGIN)
        _claim(origins, key, value, OVERRIDE_ORIGIN)
    return validate_tree(tree, origins, default_file=str(path))


def changeable(key: str) -> bool:
    """Whether a running model can change ``key``: it has a slot in the parameters that a month reads."""
    from model.core.params import START_ONLY, locate

    try:
        return locate(key).array not in START_ONLY
    except (KeyError, ValueError):
        return False


def set_dotted(tree: dict[str, Any], key: str, value: Any, origin: str = OVERRIDE_ORIGIN) -> None:
    """Set ``a.b.c = value`` in a nested tree, creating tables on the way."""
    parts = key.split(".")
    if any(not part for part in parts):
        raise InputError(origin, key, "a dotted key needs a name between every two dots, e.g. talks.format")
    node = tree
    for depth, part in enumerate(parts[:-1]):
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            where = ".".join(parts[: depth + 1])
            raise InputError(origin, key, f"{where} is a value, not a table")
        node = child
    node[parts[-1]] = value


def check_depth(tree: dict[str, Any], origin: str) -> None:
    """Refuse tables or lists nested deeper than :data:`MAX_DEPTH`, without recursing into them."""
    stack: list[tuple[Any, str, int]] = [(tree, "", 0)]
    while stack:
        node, key, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InputError(origin, key.split(".")[0], f"nested deeper than {MAX_DEPTH} levels of tables or lists")
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for name, child in items:
            if isinstance(child, dict | list):
                stack.append((child, f"{key}.{name}" if key else str(name), depth + 1))


def _base() -> tuple[dict[str, Any], dict[str, str]]:
    tree = nominal_tree()
    for params in tree["actors"].values():
        params["profile"] = "default"
    origins = {key: DEFAULTS_ORIGIN for key in _flat_keys(tree)}
    return tree, origins


def read_toml(path: Path, what: str = "scenario") -> dict[str, Any]:
    """A TOML file as data; a file that cannot be read or parsed is named, and none of its content shown."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(str(path), "", f"cannot read file: not UTF-8 text; a {what} file is TOML") from None
    except OSError as err:
        raise InputError(str(path), "", f"cannot read file: {err.strerror or type(err).__name__}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputError(str(path), "", f"malformed TOML: {err}") from None
    except RecursionError:
        raise InputError(str(path), "", f"nested deeper than {MAX_DEPTH} levels of tables or lists") from None


def _read(path: Path) -> dict[str, Any]:
    """A scenario file's data: TOML with a ``[scenario]`` table, nested no deeper than :data:`MAX_DEPTH`."""
    data = read_toml(path)
    if "scenario" in data and not isinstance(data["scenario"], dict):
        raise InputError(
            str(path), "scenario", "must be a table ([scenario]: name, question, start, months or extends), not a value"
        )
    if not isinstance(data.get("scenario"), dict):
        raise InputError(
            str(path),
            "",
            "not a scenario file: a scenario is a .toml file with a [scenario] table "
            "(name, question, start, months; or extends = a parent scenario)",
        )
    check_depth(data, str(path))
    return data


def _lineage(path: Path, root: Path | None = None) -> list[tuple[Path, dict[str, Any]]]:
    """The file and its ancestors through ``scenario.extends`` with their data, oldest first; refuse cycles."""
    chain = [(path, _read(path))]
    while True:
        here, data = chain[-1]
        parent = data["scenario"].get("extends")
        if parent is None:
            break
        if not isinstance(parent, str):
            raise InputError(str(here), "scenario.extends", "must be a scenario name or path", parent)
        try:
            parent_path = resolve(parent, relative_to=here, root=root)
        except InputError as err:
            raise InputError(str(here), "scenario.extends", err.problem, parent) from None
        if parent_path.resolve() in {p.resolve() for p, _ in chain}:
            cycle = " -> ".join(p.stem for p in [*(p for p, _ in chain), parent_path])
            raise InputError(str(here), "scenario.extends", f"cycle of parents: {cycle}", parent)
        chain.append((parent_path, _read(parent_path)))
    return chain[::-1]


def _merge(tree: dict, data: dict, origins: dict[str, str], origin: str, prefix: str = "") -> None:
    for name, value in data.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict) and isinstance(tree.get(name), dict):
            _merge(tree[name], value, origins, origin, key + ".")
        else:
            tree[name] = copy.deepcopy(value)
            _claim(origins, key, value, origin)


def _claim(origins: dict[str, str], key: str, value: Any, origin: str) -> None:
    """``origin`` set ``key`` (and everything below it, replacing what other files set there)."""
    for stale in [k for k in origins if k.startswith(key + ".")]:
        del origins[stale]
    origins[key] = origin
    if isinstance(value, dict):
        for sub in _flat_keys(value, key + "."):
            origins[sub] = origin


def _flat_keys(tree: dict, prefix: str = "") -> list[str]:
    keys = []
    for name, value in tree.items():
        key = f"{prefix}{name}"
        keys.append(key)
        if isinstance(value, dict):
            keys.extend(_flat_keys(value, key + "."))
    return keys
