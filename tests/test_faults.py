"""Fault injection through the real command: a killed, damaged or changed sweep loses nothing, mixes nothing
and leaves no process behind.

Signals are sent to a real ``peninsula sweep`` process stopped by the test hook after exactly k chunks
(``sweep_support.start_paused``); folder damage and a full disk go through ``model.cli.main`` in this
process. After every fault the folder is checked (``sweep --check``), resumed, and compared row for row
with an uninterrupted sweep: every run exactly once.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sweep_support import cli, descendants, finish, small_experiment, start_paused, still_running

from model.cli import main
from model.sweep.store import read_runs

RUNS, CHUNK, CHUNKS = 144, 12, 12  # 2 x 3 x 3 x 2 = 36 points x 4 replications, 12-month base scenario

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc and pidfd")


def experiment_in(folder: Path, name: str = "small.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return small_experiment(folder, reps=4, chunk=CHUNK, levels=3, months=12, name=name)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> pd.DataFrame:
    """The rows of an uninterrupted serial sweep of the same experiment."""
    folder = tmp_path_factory.mktemp("reference")
    assert main(["sweep", str(experiment_in(folder)), "--out", str(folder / "out"), "--workers", "1", "--quiet"]) == 0
    return read_runs(folder / "out")


def run_main(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_every_run_once(out: Path, reference: pd.DataFrame) -> None:
    rows = read_runs(out)
    assert len(rows) == RUNS, "runs lost or duplicated"
    assert not rows.duplicated(["point", "replication"]).any()
    pd.testing.assert_frame_equal(rows, reference)


def resume_and_check(capsys, experiment: Path, out: Path, reference: pd.DataFrame, *quiet: str) -> str:
    """Resume (a process pool of two, through ``main``), then the folder must be sound and hold every run once."""
    code, _, stderr = run_main(capsys, "sweep", experiment, "--out", out, "--resume", "--workers", "2", *quiet)
    assert code == 0, stderr
    assert "Traceback" not in stderr
    code, stdout, _ = run_main(capsys, "sweep", "--check", out)
    assert code == 0 and "sound" in stdout, stdout
    assert_every_run_once(out, reference)
    return stderr


# ---------------------------------------------------------------- signals to the parent


@pytest.mark.parametrize("after", [0, 1, pytest.param(5, marks=pytest.mark.slow)])
def test_kill_9_of_the_parent_leaves_no_process_and_resume_completes(tmp_path, reference, capsys, after):
    experiment, out = experiment_in(tmp_path), tmp_path / "out"
    proc = start_paused("sweep", experiment, "--out", out, "--workers", "2", "--quiet", after=after)
    family = descendants(proc.pid)
    assert len(family) >= (3 if after else 0), "expected two pool workers and the resource tracker"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert still_running(family) == [], "pool workers or resource tracker outlived the parent"

    code, stdout, _ = run_main(capsys, "sweep", "--check", out)
    assert code == 1 and "sweep interrupted" in stdout, stdout
    assert f"{after} of {CHUNKS} chunks verified" in stdout
    if after:
        code, stdout, stderr = run_main(capsys, "analyze", out)
        assert code == 0 and "Sweep interrupted" in stdout, stderr
        code, _, stderr = run_main(capsys, "report", out)
        assert code == 0 and "runs (interrupted)" in (out / "report.html").read_text(), stderr
    stderr = resume_and_check(capsys, experiment, out, reference)
    assert f"resuming the interrupted sweep in {out}: {after} of {CHUNKS} chunks verified" in stderr


@pytest.mark.parametrize("after", [1, pytest.param(4, marks=pytest.mark.slow)])
def test_sigterm_stops_like_ctrl_c_and_leaves_no_process(tmp_path, reference, capsys, after):
    experiment, out = experiment_in(tmp_path), tmp_path / "out"
    proc = start_paused("sweep", experiment, "--out", out, "--workers", "2", "--quiet", after=after)
    family = descendants(proc.pid)
    proc.send_signal(signal.SIGTERM)
    code, _, stderr = finish(proc)
    assert code == 143, stderr
    assert "Traceback" not in stderr and "terminated" in stderr and "--resume" in stderr
    assert still_running(family) == []
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted" and manifest["completed"] == after * CHUNK
    resume_and_check(capsys, experiment, out, reference, "--quiet")


def test_a_second_sweep_on_a_busy_folder_is_refused_naming_the_holder(tmp_path, reference):
    experiment, out = experiment_in(tmp_path), tmp_path / "out"
    first = start_paused("sweep", experiment, "--out", out, "--workers", "1", "--quiet", after=1)
    for resume in ([], ["--resume"]):
        second = cli("sweep", experiment, "--out", out, "--workers", "1", "--quiet", *resume)
        assert second.returncode == 2 and "Traceback" not in second.stderr
        assert str(out) in second.stderr and f"process {first.pid}" in second.stderr, second.stderr
    checked = cli("sweep", "--check", out)
    assert "sweep running" in checked.stdout
    code, _, stderr = finish(first, go_on=True)
    assert code == 0, stderr
    assert_every_run_once(out, reference)


# ---------------------------------------------------------------- a damaged folder


@pytest.fixture
def finished(tmp_path, capsys) -> tuple[Path, Path]:
    experiment, out = experiment_in(tmp_path), tmp_path / "out"
    assert run_main(capsys, "sweep", experiment, "--out", out, "--workers", "1", "--quiet")[0] == 0
    return experiment, out


def truncate(out: Path) -> str:
    path = out / "runs" / "chunk-000003.parquet"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return "chunk-000003.parquet"


def edit_a_value(out: Path) -> str:
    """Same rows and seeds, one outcome changed: only the checksum can tell."""
    path = out / "runs" / "chunk-000003.parquet"
    table = pq.read_table(path)
    tests = table.column("tests").to_pylist()
    tests[0] += 1
    pq.write_table(table.set_column(table.column_names.index("tests"), "tests", pa.array(tests)), path)
    return "chunk-000003.parquet"


def foreign_chunk(out: Path) -> str:
    """A chunk of another sweep (another root seed) under a valid name."""
    other = out.parent / "other"
    experiment = experiment_in(other)
    experiment.write_text(experiment.read_text().replace("root_seed = 11", "root_seed = 12"))
    assert main(["sweep", str(experiment), "--out", str(other / "out"), "--workers", "1", "--quiet"]) == 0
    shutil.copy(other / "out" / "runs" / "chunk-000003.parquet", out / "runs" / "chunk-000003.parquet")
    return "chunk-000003.parquet"


def unjournaled(out: Path) -> str:
    lines = (out / "journal.jsonl").read_text().splitlines(keepends=True)
    (out / "journal.jsonl").write_text("".join(line for line in lines if '"chunk":3,' not in line))
    return "chunk-000003.parquet"


def stray_file(out: Path) -> str:
    (out / "runs" / "notes.txt").write_text("my notes\n")
    return "notes.txt"


def stray_chunk_name(out: Path) -> str:
    (out / "runs" / "chunk-abc.parquet").write_bytes(b"PAR1 not really")
    return "chunk-abc.parquet"


def stray_folder(out: Path) -> str:
    (out / "runs" / "extra").mkdir()
    (out / "runs" / "extra" / "x.parquet").write_bytes(b"")
    return "extra"


def out_of_range_chunk(out: Path) -> str:
    shutil.copy(out / "runs" / "chunk-000003.parquet", out / "runs" / "chunk-000099.parquet")
    return "chunk-000099.parquet"


DAMAGE = {
    "truncated chunk": (truncate, "unreadable Parquet", True),
    "wrong checksum": (edit_a_value, "checksum differs", True),
    "foreign chunk": (foreign_chunk, "seeds are not those", True),
    "chunk missing from the journal": (unjournaled, "not recorded in journal.jsonl", True),
    "stray file": (stray_file, "stray", False),
    "stray chunk-like name": (stray_chunk_name, "stray", False),
    "stray folder": (stray_folder, "stray", False),
    "chunk beyond the design": (out_of_range_chunk, "stray", False),
}


@pytest.mark.parametrize("case", list(DAMAGE))
def test_damage_is_detected_named_moved_aside_and_rerun(finished, reference, capsys, case):
    experiment, out = finished
    damage, reason, is_chunk = DAMAGE[case]
    name = damage(out)

    code, stdout, _ = run_main(capsys, "sweep", "--check", out)
    assert code == 1 and name in stdout and reason in stdout, stdout
    if is_chunk:  # analyze refuses to read a bad chunk, naming it; a stray entry is simply not read
        code, _, stderr = run_main(capsys, "analyze", out)
        assert code == 2 and name in stderr and "Traceback" not in stderr, stderr

    code, _, stderr = run_main(capsys, "sweep", experiment, "--out", out, "--resume", "--workers", "1", "--quiet")
    assert code == 0, stderr
    assert name in stderr and "quarantine" in stderr, stderr
    assert (out / "quarantine" / name).exists(), "nothing may be deleted: the entry is moved aside"
    code, stdout, _ = run_main(capsys, "sweep", "--check", out)
    assert code == 0, stdout
    assert_every_run_once(out, reference)


def test_a_journal_cut_mid_line_is_ignored_and_its_chunk_rerun(finished, reference, capsys):
    experiment, out = finished
    journal = out / "journal.jsonl"
    journal.write_bytes(journal.read_bytes()[:-20])  # a kill while the last line was being written
    code, stdout, _ = run_main(capsys, "sweep", "--check", out)
    assert code == 1 and "unreadable journal line" in stdout
    code, _, stderr = run_main(capsys, "sweep", experiment, "--out", out, "--resume", "--workers", "1", "--quiet")
    assert code == 0, stderr
    assert run_main(capsys, "sweep", "--check", out)[0] == 0
    assert_every_run_once(out, reference)


@pytest.mark.parametrize(
    ("content", "expected"),
    [("{ not json", "not valid JSON"), ('{"runs": "many"}', "runs"), ("[1, 2]", "JSON object")],
)
def test_a_bad_manifest_is_refused_cleanly(finished, capsys, content, expected):
    experiment, out = finished
    (out / "manifest.json").write_text(content)
    for args in (["sweep", experiment, "--out", out, "--resume", "--workers", "1"], ["sweep", "--check", out]):
        code, _, stderr = run_main(capsys, *args)
        assert code == 2 and "manifest.json" in stderr and expected in stderr, stderr
        assert "Traceback" not in stderr
    assert len(list((out / "runs").glob("chunk-*.parquet"))) == CHUNKS, "a refused resume touches nothing"


# ---------------------------------------------------------------- changed inputs


def test_an_edited_scenario_is_refused_naming_the_change(finished, capsys):
    experiment, out = finished
    scenario = experiment.parent / "short.toml"
    scenario.write_text(scenario.read_text().replace("months = 12", "months = 10"))
    code, _, stderr = run_main(capsys, "sweep", experiment, "--out", out, "--resume", "--workers", "1")
    assert code == 2 and "scenario.months: 12 -> 10" in stderr and "mix" in stderr, stderr


def test_a_comment_only_edit_is_no_change(finished, reference, capsys):
    experiment, out = finished
    scenario = experiment.parent / "short.toml"
    scenario.write_text("# a note added after the sweep\n" + scenario.read_text().replace("\n", "   # same\n", 3))
    experiment.write_text("# so is this\n" + experiment.read_text())
    code, _, stderr = run_main(capsys, "sweep", experiment, "--out", out, "--resume", "--workers", "1", "--quiet")
    assert code == 0, stderr
    assert_every_run_once(out, reference)


def test_changed_code_is_refused(finished, capsys, monkeypatch):
    experiment, out = finished
    monkeypatch.setattr("model.sweep.runner.code_record", lambda: _other_code())
    code, _, stderr = run_main(capsys, "sweep", experiment, "--out", out, "--resume", "--workers", "1")
    assert code == 2 and "code_fingerprint differs" in stderr, stderr


def _other_code() -> dict:
    from model.results.manifest import code_record

    return {**code_record(), "code_fingerprint": "sha256:" + "0" * 64}


# ---------------------------------------------------------------- a full disk


def no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("where", ["pyarrow.parquet.write_table", "model.sweep.journal.append"])
def test_a_full_disk_is_named_and_the_sweep_resumes_once_space_is_back(tmp_path, reference, capsys, monkeypatch, where):
    experiment, out = experiment_in(tmp_path), tmp_path / "out"
    writes = {"n": 0}
    target = __import__("pyarrow.parquet", fromlist=["x"]).write_table if "pyarrow" in where else None
    original = target or __import__("model.sweep.journal", fromlist=["x"]).append

    def fill_up(*args, **kwargs):
        writes["n"] += 1
        if writes["n"] > 3:
            no_space()
        return original(*args, **kwargs)

    monkeypatch.setattr(where, fill_up)
    code, _, stderr = run_main(capsys, "sweep", experiment, "--out", out, "--workers", "1", "--quiet")
    assert code == 1, stderr
    assert str(out) in stderr and "No space left on device" in stderr and "Traceback" not in stderr
    assert not list((out / "runs").glob("*.tmp")), "a failed write leaves no partial file"
    assert json.loads((out / "manifest.json").read_text())["status"] == "failed"
    monkeypatch.undo()
    code, _, stderr = run_main(capsys, "sweep", experiment, "--out", out, "--resume", "--workers", "1", "--quiet")
    assert code == 0, stderr
    assert_every_run_once(out, reference)


def test_a_full_disk_during_run_out_is_named(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("pandas.DataFrame.to_csv", no_space)
    code, _, stderr = run_main(capsys, "run", "hanoi-2019", "--replications", "3", "--out", tmp_path / "o")
    assert code == 1 and str(tmp_path / "o") in stderr and "No space left" in stderr
    assert "Traceback" not in stderr
