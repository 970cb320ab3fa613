"""Fuzz: generated scenario and experiment files through ``model.cli.main`` in this process.

Each file is a small valid file with a few mutations drawn over the schema's own keys: wrong types,
scalars where tables belong, unknown keys, deep nesting, huge and non-finite numbers, unicode, and
paths for ``extends`` / ``scenario``. Whatever is drawn, the command must end in exit 0 (valid: it
then also runs) or exit 2 with one ``peninsula: error:`` line naming the file, and never raise.
``PENINSULA_FUZZ_EXAMPLES`` sets the number of files per test (default 150).
"""

from __future__ import annotations

import contextlib
import datetime
import io
import itertools
import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from toml_text import Deep, toml_text

from model.cli import main
from model.core.params import flatten
from model.scenario.loader import load_scenario
from model.sweep.experiment import DESIGNS

EXAMPLES = int(os.environ.get("PENINSULA_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
FOLDERS = itertools.count()

SCENARIO = {"scenario": {"extends": "hanoi-2019", "name": "fuzz", "question": "Does a fuzzed scenario load cleanly?"}}


def keys_and_tables(tree: dict[str, Any]) -> list[str]:
    """Every leaf's dotted key and every table above one."""
    leaves = flatten(tree)
    return sorted({*leaves, *(".".join(k.split(".")[:n]) for k in leaves for n in range(1, k.count(".") + 1))})


SCENARIO_KEYS = keys_and_tables(load_scenario("hanoi-2019").to_tree())
"""Every key and table of a resolved scenario: where mutations land."""

EXPERIMENT = {
    "experiment": {
        "name": "fuzz",
        "question": "Does a fuzzed experiment run cleanly?",
        "scenario": "hanoi-2019",
        "root_seed": 1,
        "replications": 2,
    },
    "design": {"kind": "grid"},
    "levers": {"format": {"type": "categorical", "key": "talks.format", "values": ["bilateral", "six_party"]}},
    "uncertainties": {"resolve": {"type": "real", "key": "actors.US.resolve", "range": [0.7, 0.9], "levels": 2}},
}
EXPERIMENT_KEYS = sorted(
    {
        *keys_and_tables(EXPERIMENT),
        "design.n",
        "design.over",
        "design.second_order",
        "experiment.chunk_runs",
        "experiment.outcomes",
        "uncertainties.resolve.keys",
    }
)

PATHS = [
    "baseline-2019",
    "hanoi-2019.toml",
    "../hanoi-2019.toml",
    "/etc/passwd",
    "/etc/hostname",
    "~/.bashrc",
    ".env",
    "..",
    ".",
    "",
    "sub/dir/x.toml",
    "nul\x00byte",
    "bäseline-2019",
    "a" * 300,
]
WORDS = ["yes", "no", "true", "2", "0.5", "nan", "grid", "sobol", "six_party", "bilateral", "US", "FRA", "default"]


scalars = st.one_of(
    st.booleans(),
    st.integers(-3, 8),
    st.sampled_from([2**31, 2**63 - 1, -(2**63), 10**30]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, 1.0, 0.5, -0.0, 1e308, 5e-324]),
    st.text(max_size=12),
    st.sampled_from(WORDS + PATHS),
    st.dates(min_value=datetime.date(1900, 1, 1)),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)
deep = st.builds(Deep, st.integers(10, 800), scalars, st.sampled_from(["array", "table"]))


def mutations(keys: list[str], valid: st.SearchStrategy[tuple[str, Any]]) -> st.SearchStrategy[list]:
    """Up to three changes, each a plausible valid one or anything at all (wrong type, deep, unknown key)."""
    unknown = st.builds(lambda k, n: f"{k}.{n}", st.sampled_from(keys), st.text(min_size=1, max_size=8))
    key = st.one_of(st.sampled_from(keys), unknown, st.text(min_size=1, max_size=10))
    anything = st.tuples(key, st.one_of(values, deep, scalars))
    return st.lists(st.one_of(valid, valid, anything, paths), min_size=0, max_size=3)


paths = st.tuples(
    st.sampled_from(["scenario.extends", "experiment.scenario"]),
    st.one_of(st.sampled_from(PATHS), st.text(max_size=20)),
)
"""A parent or base scenario named by a path: absolute, ``..``, home, hidden, empty, unicode, NUL."""


def same_kind(tree: dict[str, Any]) -> st.SearchStrategy[tuple[str, Any]]:
    """A leaf of ``tree`` given another value of its own kind (shares stay shares, flags stay flags)."""
    leaves = flatten(tree)
    units = sorted(k for k, v in leaves.items() if isinstance(v, float) and 0 <= v <= 1)
    flags = sorted(k for k, v in leaves.items() if isinstance(v, bool))
    return st.one_of(
        st.tuples(st.sampled_from(units), st.floats(0, 1)),
        st.tuples(st.sampled_from(flags), st.booleans()),
    )


VALID_SCENARIO_CHANGES = same_kind(load_scenario("hanoi-2019").to_tree())
VALID_EXPERIMENT_CHANGES = st.one_of(
    st.tuples(st.just("experiment.replications"), st.integers(1, 3)),
    st.tuples(st.just("experiment.root_seed"), st.integers(0, 2**63 - 1)),
    st.tuples(st.just("experiment.chunk_runs"), st.integers(1, 5)),
    st.tuples(
        st.just("design"), st.builds(lambda k, n: {"kind": k, "n": n}, st.sampled_from(DESIGNS), st.integers(1, 3))
    ),
    st.tuples(st.just("uncertainties.resolve.range"), st.tuples(st.floats(0.6, 0.75), st.floats(0.8, 0.95))),
)


def put(tree: dict[str, Any], key: str, value: Any) -> None:
    """Set a dotted key, replacing whatever is in the way (a mutation may put a scalar where a table was)."""
    parts = key.split(".")
    node = tree
    for part in parts[:-1]:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    node[parts[-1]] = value


def write(folder: Path, base: dict[str, Any], changes: list[tuple[str, Any]]) -> Path:
    import copy

    tree = copy.deepcopy(base)
    for key, value in changes:
        put(tree, key, value)
    folder.mkdir(parents=True)
    path = folder / "fuzz.toml"
    path.write_text(toml_text(tree), encoding="utf-8")
    return path


def call(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exit_:  # argparse
            code = exit_.code
    return code, out.getvalue(), err.getvalue()


def assert_clean(code: int, err: str, path: Path) -> None:
    assert code in (0, 2), (code, err)
    if code == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("peninsula: error: "), err
        assert path.name in lines[0], err


@FUZZ
@given(changes=mutations(SCENARIO_KEYS, VALID_SCENARIO_CHANGES))
def test_fuzzed_scenario_files_end_cleanly(tmp_path, changes):
    path = write(tmp_path / f"s{next(FOLDERS)}", SCENARIO, changes)
    code, _, err = call("validate", str(path))
    event(f"validate exit {code}")
    assert_clean(code, err, path)
    if code == 0:
        ran, _, err = call("run", str(path), "--months", "1", "--format", "json")
        assert ran == 0, err


@FUZZ
@given(changes=mutations(EXPERIMENT_KEYS, VALID_EXPERIMENT_CHANGES))
def test_fuzzed_experiment_files_end_cleanly(tmp_path, changes):
    folder = tmp_path / f"e{next(FOLDERS)}"
    path = write(folder, EXPERIMENT, changes)
    code, _, err = call("sweep", str(path), "--out", str(folder / "out"), "--workers", "1", "--quiet")
    event(f"sweep exit {code}")
    assert_clean(code, err, path)
    if code == 2:
        assert not (folder / "out").exists(), "a refused experiment leaves no output folder"
