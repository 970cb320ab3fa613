"""Run records: the manifest that makes a result reproducible, and the tables written to disk."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

import numpy as np

from model import __version__
from model.columns import FORMAT_VERSION, arrow_table, csv_frame
from model.errors import InputError
from model.scenario import Scenario


def file_hash(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def git_commit() -> str | None:
    """The commit of the checkout the package runs from, if it is one."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def manifest(spec: Scenario, scenario_file: Path, **extra: Any) -> dict[str, Any]:
    """What is needed to reproduce a result: versions, the scenario's hash and every parameter."""
    return {
        "package": "peninsula",
        "version": __version__,
        "format_version": FORMAT_VERSION,
        "git_commit": git_commit(),
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


def prepare_out_dir(out: Path) -> Path:
    if out.exists() and not out.is_dir():
        raise InputError(str(out), "--out", "is a file; give a folder (it is created if missing)")
    out.mkdir(parents=True, exist_ok=True)
    return out


def _typed(data, table: str):
    """A frame or a dict of columns as an Arrow table, typed and with nulls by the data dictionary."""
    columns = data if isinstance(data, dict) else {name: data[name].to_numpy() for name in data.columns}
    return arrow_table(table, columns)


class TableWriter:
    """Appends frames to one CSV or Parquet file, so a long table never sits in memory whole.

    ``table`` names the data dictionary's table (:mod:`model.columns`) that gives types and nulls.
    """

    def __init__(self, path: Path, kind: str, table: str = "months") -> None:
        self.path, self.kind, self.table = path.with_suffix(f".{kind}"), kind, table
        self._parquet = None
        self._rows = 0

    def write(self, frame) -> None:
        typed = _typed(frame, self.table)
        if self.kind == "parquet":
            import pyarrow.parquet as pq

            if self._parquet is None:
                self._parquet = pq.ParquetWriter(self.path, typed.schema)
            self._parquet.write_table(typed)
        else:
            csv_frame(typed).to_csv(self.path, mode="a" if self._rows else "w", header=not self._rows, index=False)
        self._rows += typed.num_rows

    def close(self) -> Path:
        if self._parquet is not None:
            self._parquet.close()
        return self.path


def write_table(data, path: Path, kind: str, table: str = "months") -> Path:
    """Write a frame or dict of columns whole, typed and with nulls by the data dictionary's ``table``."""
    writer = TableWriter(path, kind, table)
    writer.write(data)
    return writer.close()


def write_json(data: dict[str, Any], path: Path) -> Path:
    path.write_text(json.dumps(plain(data), indent=2) + "\n", encoding="utf-8")
    return path
