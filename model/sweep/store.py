"""The output folder: Parquet chunks written atomically, their journal, ``manifest.json`` and a lock.

Layout::

    OUT/manifest.json              what was run, by which code, how far it got (rewritten after each chunk)
    OUT/journal.jsonl              one line per finished chunk: rows, seeds, SHA-256 (only appended)
    OUT/sweep.lock                 flock'ed by the running sweep (see model.sweep.lock)
    OUT/runs/chunk-000000.parquet  one row per run: point, replication, seed, inputs, outcomes
    OUT/quarantine/                what resume found wrong under runs/, moved aside (never deleted)

A chunk is written to a temporary file and flushed to disk, recorded in the
journal, then renamed into place, so a chunk file exists only once complete and
journaled: after Ctrl-C, SIGTERM, ``kill -9`` or a dead worker the chunk files
present are exactly the finished work, and a resumed sweep verifies them
(:mod:`model.sweep.check`) and runs the others.
``pandas.read_parquet("OUT/runs")``, ``polars.read_parquet("OUT/runs/*.parquet")``
and DuckDB's ``read_parquet('OUT/runs/*.parquet')`` read the whole table.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import numpy as np

from model.core.errors import InputError, OutputError
from model.results.columns import arrow_table, read_frame
from model.results.manifest import plain
from model.sweep import journal
from model.sweep.check import MANIFEST, RUNS, check_folder, checked_manifest, live_status
from model.sweep.lock import LOCK, FolderLock, refuse_if_held

QUARANTINE = "quarantine"


def chunk_path(out: Path, index: int) -> Path:
    return out / RUNS / f"chunk-{index:06d}.parquet"


def prepare(
    out: Path, manifest: dict[str, Any], resume: bool, compare, quiet: bool = False
) -> tuple[set[int], FolderLock]:
    """Create or reopen the folder under its lock; return the verified finished chunks and the held lock.

    ``compare(old_manifest)`` lists what differs between the folder's sweep and this one (nothing: same).
    What resume repairs is always said on stderr; ``quiet`` only drops the line saying what it found.
    """
    if out.exists() and not out.is_dir():
        raise InputError(str(out), "--out", "is a file; give a folder (it is created if missing)")
    refuse_if_held(out)
    if _has_content(out) and not resume:
        raise _not_empty(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(str(out), "--out", f"cannot create the folder: {err.strerror}") from None
    lock = FolderLock(out)
    try:
        done = _reopen(out, manifest, resume, compare, quiet)
        size, runs = manifest["chunk_runs"], manifest["runs"]
        manifest.update(completed=sum(min(size, runs - i * size) for i in done), completed_chunks=len(done))
        write_manifest(out, manifest)
    except BaseException:
        lock.release()
        raise
    return done, lock


def _reopen(out: Path, manifest: dict[str, Any], resume: bool, compare, quiet: bool) -> set[int]:
    """Under the lock: refuse a folder that holds another sweep; repair and list what a resumed one holds."""
    if not _has_content(out):
        _make(out / RUNS)
        return set()
    if not resume:
        raise _not_empty(out)
    if not (out / MANIFEST).is_file():
        raise InputError(
            str(out), "--resume", f"folder is not empty and has no {MANIFEST}: not a sweep folder; give a new folder"
        )
    old = read_manifest(out)
    changed = compare(old)
    if changed:
        raise InputError(
            str(out / MANIFEST),
            "--resume",
            "this folder holds a sweep of other inputs, and resuming would mix their runs: "
            + "; ".join(changed)
            + ". Resume with the original inputs, or give a new --out folder",
        )
    _make(out / RUNS)
    for partial in (out / RUNS).glob("*.tmp"):
        partial.unlink()
    report = check_folder(out, old)
    for name, reason in sorted(report.bad.items()):
        _quarantine(out, name, f"failed its check ({reason}); it will be run again")
    for name in report.stray:
        _quarantine(out, name, "is not a chunk of this sweep")
    if report.journal_unreadable:
        print(f"sweep: ignored {report.journal_unreadable} unreadable line(s) of {journal.JOURNAL}", file=sys.stderr)
    if not quiet:
        was = "interrupted" if old.get("status") == "running" else old.get("status")  # we hold its lock: it is gone
        found = f"{len(report.good)} of {report.chunks} chunks verified"
        print(f"sweep: resuming the {was} sweep in {out}: {found}", file=sys.stderr, flush=True)
    return report.good


def _has_content(out: Path) -> bool:
    return out.is_dir() and any(p.name != LOCK for p in out.iterdir())


def _not_empty(out: Path) -> InputError:
    return InputError(
        str(out), "--out", "folder is not empty; pass --resume to continue the sweep in it, or give a new folder"
    )


def _make(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(str(folder.parent), "create runs/", err) from None


def _quarantine(out: Path, name: str, why: str) -> None:
    """Move ``runs/NAME`` to ``quarantine/`` (a new name if taken), saying why."""
    target_dir = out / QUARANTINE
    _make(target_dir)
    target = target_dir / name
    n = 1
    while target.exists():
        target, n = target_dir / f"{name}.{n}", n + 1
    try:
        shutil.move(str(out / RUNS / name), str(target))
    except OSError as err:
        raise OutputError(str(out), f"move {RUNS}/{name} aside", err) from None
    print(f"sweep: {RUNS}/{name} {why}; moved to {target}", file=sys.stderr, flush=True)


def write_chunk(
    out: Path, index: int, columns: dict[str, np.ndarray], parameters: dict[str, str] | None = None
) -> Path:
    """Write one chunk atomically: temporary file, fsync, journal line, rename.

    Types and nulls follow the data dictionary (:mod:`model.results.columns`); ``parameters``
    maps each swept parameter's column to its kind.
    """
    import pyarrow.parquet as pq

    table = arrow_table("runs", columns, parameters)
    target = chunk_path(out, index)
    temp = target.with_suffix(".parquet.tmp")
    try:
        pq.write_table(table, temp)
        _fsync(temp)
        journal.append(out, journal.entry(index, table.num_rows, columns["seed"], temp))
        os.replace(temp, target)
        _fsync(target.parent)
    except OSError as err:
        temp.unlink(missing_ok=True)
        raise OutputError(str(out), f"write chunk {index}", err) from None
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
    try:
        temp.write_text(json.dumps(plain(manifest), indent=2) + "\n", encoding="utf-8")
        os.replace(temp, out / MANIFEST)
    except OSError as err:
        temp.unlink(missing_ok=True)
        raise OutputError(str(out), f"write {MANIFEST}", err) from None


def read_manifest(out: Path) -> dict[str, Any]:
    """The manifest, with ``status`` as it stands now: ``running`` from a sweep that is gone reads ``interrupted``."""
    path = out / MANIFEST
    if not path.is_file():
        raise InputError(str(out), "", f"no {MANIFEST}: not a sweep output folder")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(str(path), "", f"cannot read manifest ({type(err).__name__}): not valid JSON") from None
    manifest = checked_manifest(out, manifest)
    manifest["status"] = live_status(out, manifest)
    return manifest


def status(out: Path) -> str:
    """The sweep's status now: complete, running (its process holds the lock), interrupted or incomplete."""
    return read_manifest(out)["status"]


def read_runs(out: Path, columns: list[str] | None = None):
    """All finished runs as a pandas DataFrame, sorted by point and replication; a damaged chunk is named."""
    import pyarrow.dataset as ds

    report = check_folder(out, read_manifest(out))
    if report.bad:
        name, reason = sorted(report.bad.items())[0]
        raise InputError(
            str(out / RUNS / name),
            "",
            f"{reason}; `peninsula sweep --check {out}` lists every problem, and resuming the sweep reruns bad chunks",
        )
    files = [chunk_path(out, i) for i in sorted(report.good)]
    if not files:
        raise InputError(str(out), "runs", "no finished runs in this folder")
    table = ds.dataset([str(f) for f in files], format="parquet").to_table(columns=columns)
    return read_frame(table).sort_values(["point", "replication"], kind="stable").reset_index(drop=True)
