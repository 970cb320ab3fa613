"""What a sweep folder holds, checked without running anything (``peninsula sweep --check DIR``).

A chunk file is sound when it can be read, holds the rows and the seeds of its
slice of the design (both follow from the manifest's run count, chunking,
replications and root seed), has the manifest's columns, and matches the
checksum its journal line recorded when it was written. Anything else under
``runs/`` is stray. Resume moves bad and stray entries to ``quarantine/``
(nothing is deleted) and reruns the bad chunks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from model.core.draws import derive_seeds
from model.core.errors import InputError
from model.sweep import journal
from model.sweep.lock import is_held

RUNS = "runs"
MANIFEST = "manifest.json"
CHUNK_NAME = re.compile(r"chunk-(\d{6})\.parquet")
REQUIRED = {"runs": (0, None), "chunk_runs": (1, None), "replications": (1, None), "root_seed": (0, None)}
"""Manifest fields the check needs, with their lowest allowed value."""


@dataclass
class FolderCheck:
    """The verdict on a sweep folder; ``sound`` means complete and every chunk verified."""

    out: Path
    status: str
    chunks: int
    good: set[int] = field(default_factory=set)
    bad: dict[str, str] = field(default_factory=dict)
    bad_indices: set[int] = field(default_factory=set)
    stray: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)
    journal_unreadable: int = 0

    @property
    def missing(self) -> list[int]:
        return [i for i in range(self.chunks) if i not in self.good and i not in self.bad_indices]

    @property
    def sound(self) -> bool:
        return not self.bad and not self.stray and not self.missing

    def text(self) -> str:
        """A report for people: one line per problem, then the verdict."""
        lines = [f"{self.out}: sweep {self.status}; {len(self.good)} of {self.chunks} chunks verified"]
        lines += [f"  bad chunk {RUNS}/{name}: {reason}" for name, reason in sorted(self.bad.items())]
        lines += [f"  stray {RUNS}/{name}: not a chunk of this sweep" for name in self.stray]
        if self.missing:
            lines.append(f"  missing: {len(self.missing)} chunks ({_ranges(self.missing)})")
        if self.partial:
            lines.append(f"  {len(self.partial)} unfinished temporary files (a killed write; removed on resume)")
        if self.journal_unreadable:
            lines.append(f"  {self.journal_unreadable} unreadable journal lines (ignored; their chunks are rerun)")
        verdict = "sound" if self.sound else "NOT sound: `peninsula sweep EXPERIMENT --out DIR --resume` repairs it"
        lines.append(verdict)
        return "\n".join(lines)


def chunk_count(manifest: dict[str, Any]) -> int:
    return -(-manifest["runs"] // manifest["chunk_runs"])


def expected_seeds(manifest: dict[str, Any], index: int) -> np.ndarray:
    """The seeds of chunk ``index``'s runs, from the manifest alone."""
    size, reps = manifest["chunk_runs"], manifest["replications"]
    runs = np.arange(index * size, min((index + 1) * size, manifest["runs"]), dtype=np.uint64)
    return derive_seeds(manifest["root_seed"], runs // np.uint64(reps), runs % np.uint64(reps))


def checked_manifest(out: Path, manifest: Any) -> dict[str, Any]:
    """The manifest, if it has what a check needs; else bad input naming the field (nothing read is echoed)."""
    if not isinstance(manifest, dict):
        raise InputError(str(out / MANIFEST), "", "not a sweep manifest (expected a JSON object)")
    for key, (low, _) in REQUIRED.items():
        value = manifest.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            raise InputError(
                str(out / MANIFEST),
                key,
                f"missing or not a whole number >= {low}: the manifest is damaged; the folder cannot be checked "
                "or resumed, give a new --out folder",
            )
    if not isinstance(manifest.get("columns"), list):
        raise InputError(str(out / MANIFEST), "columns", "missing or not a list: the manifest is damaged")
    return manifest


def live_status(out: Path, manifest: dict[str, Any]) -> str:
    """The manifest's status, except that ``running`` with the folder's lock free means the sweep was killed."""
    status = str(manifest.get("status", "unknown"))
    if status == "running" and not is_held(out):
        return "interrupted"
    return status


def check_folder(out: Path, manifest: dict[str, Any]) -> FolderCheck:
    """Verify every entry under ``OUT/runs`` against the manifest and the journal."""
    manifest = checked_manifest(out, manifest)
    entries, unreadable = journal.read(out)
    report = FolderCheck(out, live_status(out, manifest), chunk_count(manifest), journal_unreadable=unreadable)
    folder = out / RUNS
    # A folder written before chunks were journaled (no code fingerprint, no journal) is read on its other checks.
    journaled = "code_fingerprint" in manifest or (out / journal.JOURNAL).exists()
    for item in sorted(folder.iterdir()) if folder.is_dir() else []:
        match = CHUNK_NAME.fullmatch(item.name)
        if item.name.endswith(".tmp") and item.is_file():
            report.partial.append(item.name)
        elif match is None or not item.is_file() or int(match[1]) >= report.chunks:
            report.stray.append(item.name)
        else:
            index = int(match[1])
            problem = verify_chunk(item, index, manifest, entries.get(index), journaled)
            if problem is None:
                report.good.add(index)
            else:
                report.bad[item.name] = problem
                report.bad_indices.add(index)
    return report


def verify_chunk(
    path: Path, index: int, manifest: dict[str, Any], record: dict[str, Any] | None, journaled: bool = True
) -> str | None:
    """Why chunk ``index`` cannot be trusted, or None if it is sound (without a journal: readable, rows, seeds)."""
    import pyarrow.parquet as pq

    seeds = expected_seeds(manifest, index)
    try:
        table = pq.read_table(path)
    except Exception as err:  # pyarrow raises several types for a damaged file
        return f"unreadable Parquet ({type(err).__name__}; truncated or not a chunk file)"
    if table.num_rows != len(seeds):
        return f"holds {table.num_rows} rows; its slice of the design has {len(seeds)}"
    if table.column_names != list(manifest["columns"]):
        return "its columns differ from the manifest's (a chunk of another sweep?)"
    found = table.column("seed").to_numpy()
    if not np.array_equal(found.astype(np.uint64), seeds):
        return "its seeds are not those of its slice of the design (a chunk of another sweep?)"
    if not journaled:
        return None
    if record is None:
        return f"not recorded in {journal.JOURNAL} (its write was not finished, or it was copied in)"
    if record.get("rows") != len(seeds) or journal.file_sha256(path) != record.get("sha256"):
        return f"checksum differs from {journal.JOURNAL} (changed after it was written)"
    return None


def _ranges(indices: list[int]) -> str:
    """``[0, 1, 2, 5]`` -> ``"0-2, 5"`` (at most a few ranges, then a count)."""
    spans: list[str] = []
    start = prev = indices[0]
    for i in [*indices[1:], None]:
        if i is not None and i == prev + 1:
            prev = i
            continue
        spans.append(f"{start}" if start == prev else f"{start}-{prev}")
        if i is not None:
            start = prev = i
    return ", ".join(spans[:5]) + (f" and {len(spans) - 5} more ranges" if len(spans) > 5 else "")
