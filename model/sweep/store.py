"""The output folder: Parquet chunks written atomically, and ``manifest.json``.

Layout::

    OUT/manifest.json              what was run, by which code, how far it got
    OUT/runs/chunk-000000.parquet  one row per run: point, replication, seed, inputs, outcomes

A chunk is written to a temporary file, flushed to disk and renamed, so a chunk
file either holds all its runs or does not exist: after Ctrl-C, ``kill -9`` or
a dead worker, the chunk files present are exactly the finished work, and a
resumed sweep runs the others. ``pandas.read_parquet("OUT/runs")``,
``polars.read_parquet("OUT/runs/*.parquet")`` and DuckDB's
``read_parquet('OUT/runs/*.parquet')`` read the whole table.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from model.columns import arrow_table, read_frame
from model.errors import InputError
from model.records import plain

MANIFEST = "manifest.json"
RUNS = "runs"


def chunk_path(out: Path, index: int) -> Path:
    return out / RUNS / f"chunk-{index:06d}.parquet"


def prepare(out: Path, manifest: dict[str, Any], resume: bool) -> set[int]:
    """Create or reopen the folder; return the chunks already finished. Refuse what would mix sweeps."""
    if out.exists() and not out.is_dir():
        raise InputError(str(out), "--out", "is a file; give a folder (it is created if missing)")
    existing = out.is_dir() and any(out.iterdir())
    if existing and not resume:
        raise InputError(
            str(out), "--out", "folder is not empty; pass --resume to continue the sweep in it, or give a new folder"
        )
    if existing:
        _check_same_sweep(out, manifest)
    (out / RUNS).mkdir(parents=True, exist_ok=True)
    for partial in (out / RUNS).glob("*.tmp"):
        partial.unlink()
    done = finished_chunks(out)
    write_manifest(out, manifest)
    return done


def _check_same_sweep(out: Path, manifest: dict[str, Any]) -> None:
    """Resume only the sweep the folder holds: same experiment file, same chunking."""
    path = out / MANIFEST
    if not path.is_file():
        raise InputError(
            str(out), "--resume", f"folder is not empty and has no {MANIFEST}: not a sweep folder; give a new folder"
        )
    old = read_manifest(out)
    if old.get("experiment_file_hash") != manifest["experiment_file_hash"]:
        raise InputError(
            str(path),
            "experiment_file_hash",
            f"folder was made from a different experiment file ({old.get('experiment_file')}); "
            "resume with that file, or give a new --out folder",
            manifest["experiment_file_hash"],
        )
    if old.get("format_version", 1) != manifest.get("format_version", 1):
        raise InputError(
            str(path),
            "format_version",
            "folder was written in another output format (docs/DATA.md); resuming would mix them: give a new folder",
            old.get("format_version", 1),
        )
    if old.get("chunk_runs") != manifest["chunk_runs"] or old.get("runs") != manifest["runs"]:
        raise InputError(
            str(path), "chunk_runs", "folder was chunked differently; give a new --out folder", old.get("chunk_runs")
        )


def finished_chunks(out: Path) -> set[int]:
    """Chunk indices whose files exist (a file exists only once complete)."""
    return {int(p.stem.split("-")[1]) for p in (out / RUNS).glob("chunk-*.parquet")}


def write_chunk(
    out: Path, index: int, columns: dict[str, np.ndarray], parameters: dict[str, str] | None = None
) -> Path:
    """Write one chunk atomically: temporary file, fsync, rename.

    Types and nulls follow the data dictionary (:mod:`model.columns`); ``parameters``
    maps each swept parameter's column to its kind.
    """
    import pyarrow.parquet as pq

    table = arrow_table("runs", columns, parameters)
    target = chunk_path(out, index)
    temp = target.with_suffix(".parquet.tmp")
    pq.write_table(table, temp)
    _fsync(temp)
    os.replace(temp, target)
    return target


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    """Replace the manifest atomically, so a kill never leaves half a file."""
    temp = out / (MANIFEST + ".tmp")
    temp.write_text(json.dumps(plain(manifest), indent=2) + "\n", encoding="utf-8")
    os.replace(temp, out / MANIFEST)


def read_manifest(out: Path) -> dict[str, Any]:
    path = out / MANIFEST
    if not path.is_file():
        raise InputError(str(out), "", f"no {MANIFEST}: not a sweep output folder")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise InputError(str(path), "", f"cannot read manifest: {err}") from None


def read_runs(out: Path, columns: list[str] | None = None):
    """All finished runs as a pandas DataFrame, sorted by point and replication."""
    import pyarrow.dataset as ds

    files = sorted((out / RUNS).glob("chunk-*.parquet"))
    if not files:
        raise InputError(str(out), "runs", "no finished runs in this folder")
    table = ds.dataset([str(f) for f in files], format="parquet").to_table(columns=columns)
    return read_frame(table).sort_values(["point", "replication"], kind="stable").reset_index(drop=True)
