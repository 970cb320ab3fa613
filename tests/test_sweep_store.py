"""The pieces under the sweep folder's guarantees: the lock, the journal, and the live status."""

from __future__ import annotations

import json
import os

import pytest

from model.core.errors import InputError
from model.sweep import journal
from model.sweep.check import _ranges, expected_seeds
from model.sweep.lock import FolderLock, is_held
from model.sweep.store import read_manifest, status, write_manifest

MANIFEST = {"runs": 10, "chunk_runs": 4, "replications": 2, "root_seed": 3, "columns": [], "status": "running"}


def test_a_held_lock_refuses_a_second_holder_naming_the_first(tmp_path):
    first = FolderLock(tmp_path)
    assert is_held(tmp_path)
    with pytest.raises(InputError, match=f"process {os.getpid()}") as refused:
        FolderLock(tmp_path)
    assert str(tmp_path) in str(refused.value)
    first.release()
    assert not is_held(tmp_path)
    FolderLock(tmp_path).release()


def test_running_without_a_live_holder_reads_as_interrupted(tmp_path):
    write_manifest(tmp_path, MANIFEST)
    assert status(tmp_path) == "interrupted"
    lock = FolderLock(tmp_path)
    try:
        assert read_manifest(tmp_path)["status"] == "running"
    finally:
        lock.release()
    assert json.loads((tmp_path / "manifest.json").read_text())["status"] == "running", "reading changes nothing"


def test_the_journal_survives_a_cut_last_line(tmp_path):
    (tmp_path / "x").write_bytes(b"abc")
    journal.append(tmp_path, journal.entry(0, 4, [1, 2], tmp_path / "x"))
    with (tmp_path / journal.JOURNAL).open("ab") as handle:
        handle.write(b'{"chunk": 1, "rows"')  # a kill mid-write
    entries, unreadable = journal.read(tmp_path)
    assert set(entries) == {0} and unreadable == 1
    journal.append(tmp_path, journal.entry(1, 4, [5, 6], tmp_path / "x"))
    entries, unreadable = journal.read(tmp_path)
    assert set(entries) == {0, 1} and unreadable == 1, "the next line starts on a line of its own"
    assert entries[1]["first_seed"] == 5 and entries[1]["sha256"] == journal.file_sha256(tmp_path / "x")


def test_the_latest_journal_line_of_a_chunk_wins(tmp_path):
    (tmp_path / "x").write_bytes(b"abc")
    journal.append(tmp_path, {**journal.entry(0, 4, [1], tmp_path / "x"), "sha256": "old"})
    journal.append(tmp_path, journal.entry(0, 4, [1], tmp_path / "x"))
    assert journal.read(tmp_path)[0][0]["sha256"] != "old"


def test_expected_seeds_follow_the_chunking():
    whole = [int(s) for i in range(3) for s in expected_seeds(MANIFEST, i)]
    assert len(whole) == 10 and len(set(whole)) == 10
    assert len(expected_seeds(MANIFEST, 2)) == 2


def test_missing_chunks_are_listed_as_ranges():
    assert _ranges([0, 1, 2, 5, 7, 8]) == "0-2, 5, 7-8"
    assert _ranges(list(range(0, 30, 2))).endswith("and 10 more ranges")
