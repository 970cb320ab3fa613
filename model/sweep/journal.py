"""The journal: one line per finished chunk, appended and flushed just before the chunk file is renamed into place.

``OUT/journal.jsonl`` records, for every chunk written, its index, row count,
first and last seed, and the SHA-256 of the file. It is only ever appended to
(the manifest, by contrast, is rewritten after every chunk), so a kill can at
worst cut its last line short; such a line is ignored and its chunk rerun.
A chunk file counts as finished only if the journal vouches for it: a file
truncated, edited, copied from another sweep or dropped in by hand is caught by
its checksum, and its rows by the seeds its slice of the design implies
(see :mod:`model.sweep.check`).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

JOURNAL = "journal.jsonl"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def entry(index: int, rows: int, seeds: Any, path: Path) -> dict[str, Any]:
    """The journal line of a chunk file just written."""
    first, last = (int(seeds[0]), int(seeds[-1])) if len(seeds) else (None, None)
    return {"chunk": index, "rows": rows, "first_seed": first, "last_seed": last, "sha256": file_sha256(path)}


def append(out: Path, record: dict[str, Any]) -> None:
    """Add one line and fsync it; start on a new line if a kill left the last one unfinished."""
    path = out / JOURNAL
    line = json.dumps(record, separators=(",", ":")) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        size = os.fstat(fd).st_size
        if size and _last_byte(path, size) != b"\n":
            line = "\n" + line
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def read(out: Path) -> tuple[dict[int, dict[str, Any]], int]:
    """The latest entry of each chunk, and how many lines could not be read (a cut last line, say)."""
    path = out / JOURNAL
    if not path.is_file():
        return {}, 0
    entries: dict[int, dict[str, Any]] = {}
    unreadable = 0
    with path.open("rb") as handle:
        for raw in handle:
            record = _parse(raw)
            if record is None:
                unreadable += bool(raw.strip())
                continue
            entries[record["chunk"]] = record
    return entries, unreadable


def _parse(raw: bytes) -> dict[str, Any] | None:
    try:
        record = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(record, dict) or not isinstance(record.get("chunk"), int) or isinstance(record["chunk"], bool):
        return None
    if not isinstance(record.get("rows"), int) or not isinstance(record.get("sha256"), str):
        return None
    return record


def _last_byte(path: Path, size: int) -> bytes:
    with path.open("rb") as handle:
        handle.seek(size - 1)
        return handle.read(1)
