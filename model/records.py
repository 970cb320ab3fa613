"""Run records: the manifest that makes a result reproducible, and the tables written to disk."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

import numpy as np

from model import __version__
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


class TableWriter:
    """Appends frames to one CSV or Parquet file, so a long table never sits in memory whole."""

    def __init__(self, path: Path, kind: str) -> None:
        self.path, self.kind = path.with_suffix(f".{kind}"), kind
        self._parquet = None
        self._rows = 0

    def write(self, frame) -> None:
        if self.kind == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.Table.from_pandas(frame, preserve_index=False)
            if self._parquet is None:
                self._parquet = pq.ParquetWriter(self.path, table.schema)
            self._parquet.write_table(table)
        else:
            frame.to_csv(self.path, mode="a" if self._rows else "w", header=not self._rows, index=False)
        self._rows += len(frame)

    def close(self) -> Path:
        if self._parquet is not None:
            self._parquet.close()
        return self.path


def write_table(frame, path: Path, kind: str) -> Path:
    target = path.with_suffix(f".{kind}")
    if kind == "parquet":
        frame.to_parquet(target, index=False)
    else:
        frame.to_csv(target, index=False)
    return target


def write_json(data: dict[str, Any], path: Path) -> Path:
    path.write_text(json.dumps(plain(data), indent=2) + "\n", encoding="utf-8")
    return path
