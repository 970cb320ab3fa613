"""Run records: the manifest that makes a result reproducible, and the tables written to disk."""

from __future__ import annotations

import functools
import hashlib
import json
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import numpy as np

from model import __version__
from model.core.errors import InputError, OutputError
from model.results.columns import FORMAT_VERSION, arrow_table, csv_frame
from model.scenario.schema import Scenario


def file_hash(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """A hash of the package's code and data: every ``*.py`` under ``model/`` and ``model/data/*.toml``.

    Paths (relative to the package, POSIX form) and contents go in, in sorted order, so the hash is the
    same on any machine with the same files and changes with any edit, a comment included. Caches and
    shipped scenarios are left out (a sweep compares its resolved scenario separately).
    """
    root = Path(__file__).resolve().parents[1]
    files = [p for p in root.rglob("*.py") if "__pycache__" not in p.parts]
    return _files_hash(root, [*files, *(root / "data").glob("*.toml")])


MODEL_FILES = (
    "core/*.py",
    "rules/*.py",
    "phases/*.py",
    "agents/*.py",
    "simulation.py",
    "results/outcomes.py",
    "scenario/schema.py",
    "data/*.toml",
)
"""What decides a run's result: the decision code, the parameter schema and the nominal values."""


@functools.cache
def model_fingerprint() -> str:
    """A hash of :data:`MODEL_FILES` only: a calibration is valid for the model, whatever else changes.

    Editing the command line, the docs or the sweep machinery keeps a posterior usable; editing a rule,
    the schema or a nominal value does not.
    """
    root = Path(__file__).resolve().parents[1]
    return _files_hash(root, [p for pattern in MODEL_FILES for p in root.glob(pattern)])


def _files_hash(root: Path, files: list[Path]) -> str:
    """Paths (relative to ``root``, POSIX form) and contents, in sorted order, length-prefixed."""
    digest = hashlib.sha256()
    for path in sorted(set(files), key=lambda p: p.relative_to(root).as_posix()):
        name = path.relative_to(root).as_posix().encode()
        content = path.read_bytes()
        digest.update(b"%d:%s%d:" % (len(name), name, len(content)))
        digest.update(content)
    return "sha256:" + digest.hexdigest()


@functools.cache
def git_state() -> tuple[str | None, bool | None]:
    """(commit, dirty) of this project's own checkout, or (None, None) when the package does not run from one.

    The package's folder must be ``model/`` at the top of a git checkout whose ``pyproject.toml`` names the
    project ``peninsula``: a virtual environment inside some other repository (or inside this one, with a
    copied package) gives no commit rather than the wrong one.
    """
    return checkout_state(Path(__file__).resolve().parents[1])


def checkout_state(package: Path) -> tuple[str | None, bool | None]:
    """(commit, dirty) for a package folder, by the rule of :func:`git_state`."""
    top = _git(package, "rev-parse", "--show-toplevel")
    if top is None or Path(top).resolve() / "model" != package or not _is_this_project(Path(top)):
        return None, None
    commit = _git(package, "rev-parse", "HEAD")
    status = _git(package, "status", "--porcelain", "--untracked-files=no")
    return commit, (None if status is None else status != "")


def git_commit() -> str | None:
    """The commit of this project's checkout the package runs from, if it runs from one (see :func:`git_state`)."""
    return git_state()[0]


def code_record() -> dict[str, Any]:
    """Which code made a result: version, code fingerprint, and the project's commit with a dirty flag."""
    commit, dirty = git_state()
    return {"version": __version__, "code_fingerprint": code_fingerprint(), "git_commit": commit, "git_dirty": dirty}


def _git(cwd: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _is_this_project(top: Path) -> bool:
    try:
        data = tomllib.loads((top / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    project = data.get("project")
    return isinstance(project, dict) and project.get("name") == "peninsula"


def manifest(spec: Scenario, scenario_file: Path, **extra: Any) -> dict[str, Any]:
    """What is needed to reproduce a result: versions, the scenario's hash and every parameter."""
    return {
        "package": "peninsula",
        **code_record(),
        "format_version": FORMAT_VERSION,
        "scenario": spec.scenario.name,
        "scenario_file": str(scenario_file),
        "scenario_file_hash": file_hash(scenario_file),
        **extra,
        "parameters": spec.to_tree(),
    }


def plain(value: Any) -> Any:
    """numpy values -> JSON-ready Python values (NaN -> None)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def row(out: dict[str, np.ndarray], i: int = 0) -> dict[str, Any]:
    return {key: plain(values[i]) for key, values in out.items()}


def monthly_table(model) -> pandas.DataFrame:  # noqa: F821
    """The monthly record of every replication, one row per replication and month."""
    import pandas as pd

    data = model.datacollector.model_vars
    months = len(data["month"])
    reps = len(model.seeds)
    table = {"replication": np.tile(np.arange(reps), months)}
    for name, series in data.items():
        table[name] = np.concatenate([np.asarray(v).reshape(reps) for v in series])
    frame = pd.DataFrame(table)
    return frame.sort_values(["replication", "month"], kind="stable").reset_index(drop=True)


RUN_OUTPUTS = ("run.json", "months.csv", "months.parquet", "runs.csv", "runs.parquet")
"""Every file ``peninsula run --out`` writes: a folder holding only these is a previous run's, and is replaced."""


def prepare_out_dir(out: Path) -> Path:
    """An empty folder for a run's files: created if missing; a previous run's files are removed, so none is stale.

    A folder holding anything else is refused rather than mixed into or emptied.
    """
    if out.exists() and not out.is_dir():
        raise InputError(str(out), "--out", "is a file; give a folder (it is created if missing)")
    try:
        out.mkdir(parents=True, exist_ok=True)
        others = sorted(p.name for p in out.iterdir() if p.name not in RUN_OUTPUTS)
    except OSError as err:
        raise InputError(str(out), "--out", f"cannot create or open the folder: {err.strerror}") from None
    if others:
        shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
        raise InputError(
            str(out),
            "--out",
            f"folder holds files that a run did not write ({shown}); give an empty or new folder "
            f"(a folder holding only {', '.join(RUN_OUTPUTS)} is replaced)",
        )
    try:
        for name in RUN_OUTPUTS:
            (out / name).unlink(missing_ok=True)
    except OSError as err:
        raise OutputError(str(out), "remove the previous run's files", err) from None
    return out


def _typed(data, table: str):
    """A frame or a dict of columns as an Arrow table, typed and with nulls by the data dictionary."""
    columns = data if isinstance(data, dict) else {name: data[name].to_numpy() for name in data.columns}
    return arrow_table(table, columns)


class TableWriter:
    """Appends frames to one CSV or Parquet file, so a long table never sits in memory whole.

    ``table`` names the data dictionary's table (:mod:`model.results.columns`) that gives types and nulls.
    """

    def __init__(self, path: Path, kind: str, table: str = "months") -> None:
        self.path, self.kind, self.table = path.with_suffix(f".{kind}"), kind, table
        self._parquet = None
        self._rows = 0

    def write(self, frame) -> None:
        typed = _typed(frame, self.table)
        try:
            if self.kind == "parquet":
                import pyarrow.parquet as pq

                if self._parquet is None:
                    self._parquet = pq.ParquetWriter(self.path, typed.schema)
                self._parquet.write_table(typed)
            else:
                csv_frame(typed).to_csv(self.path, mode="a" if self._rows else "w", header=not self._rows, index=False)
        except OSError as err:
            raise OutputError(str(self.path.parent), f"write {self.path.name}", err) from None
        self._rows += typed.num_rows

    def close(self) -> Path:
        if self._parquet is not None:
            try:
                self._parquet.close()
            except OSError as err:
                raise OutputError(str(self.path.parent), f"write {self.path.name}", err) from None
        return self.path


def write_table(data, path: Path, kind: str, table: str = "months") -> Path:
    """Write a frame or dict of columns whole, typed and with nulls by the data dictionary's ``table``."""
    writer = TableWriter(path, kind, table)
    writer.write(data)
    return writer.close()


def write_json(data: dict[str, Any], path: Path) -> Path:
    try:
        path.write_text(json.dumps(plain(data), indent=2) + "\n", encoding="utf-8")
    except OSError as err:
        raise OutputError(str(path.parent), f"write {path.name}", err) from None
    return path
