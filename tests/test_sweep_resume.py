"""Nothing is lost: a real sweep stopped at an exact chunk (SIGKILL, Ctrl-C, a dead worker), then resumed,
equals an uninterrupted one.

Each sweep is stopped by the test hook (``sweep_support.start_paused``) once exactly k chunks are on disk,
so what is kept is known in advance and no test waits on a clock.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pandas as pd
import pytest
from sweep_support import cli, finish, small_experiment, start_paused

from model.sweep.runner import sweep
from model.sweep.store import read_runs

RUNS, CHUNK, CHUNKS = 640, 40, 16  # 2 x 4 x 4 x 2 = 64 points x 10 replications


def experiment_of(tmp_path: Path) -> Path:
    return small_experiment(tmp_path, reps=10, chunk=CHUNK, levels=4, months=12)


def assert_exactly_the_design(out: Path, experiment: Path, tmp_path: Path) -> None:
    """Every run of the design once, and the same rows as an uninterrupted serial sweep."""
    rows = read_runs(out)
    assert len(rows) == RUNS
    assert not rows.duplicated(["point", "replication"]).any()
    reference = tmp_path / "reference"
    sweep(experiment, reference, workers=1, progress=False)
    pd.testing.assert_frame_equal(rows, read_runs(reference))
    assert not list((out / "runs").glob("*.tmp"))


def chunks_on_disk(out: Path) -> int:
    return len(list((out / "runs").glob("chunk-*.parquet")))


def test_kill_9_then_resume_completes_exactly_the_design(tmp_path):
    experiment = experiment_of(tmp_path)
    out = tmp_path / "killed"
    proc = start_paused("sweep", experiment, "--out", out, "--workers", "1", "--quiet", after=3)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert chunks_on_disk(out) == 3

    refused = cli("sweep", experiment, "--out", out, "--workers", "1")
    assert refused.returncode == 2 and "--resume" in refused.stderr

    resumed = cli("sweep", experiment, "--out", out, "--workers", "2", "--resume", "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    assert f"{RUNS - 3 * CHUNK} of {RUNS} runs" in resumed.stdout

    assert_exactly_the_design(out, experiment, tmp_path)


def _pool_workers(pid: int) -> list[int]:
    """PIDs of the process-pool workers a sweep started (spawned children running multiprocessing)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    workers = []
    for child in map(int, children):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except FileNotFoundError:
            continue
        if b"spawn_main" in cmdline:
            workers.append(child)
    return workers


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to find the pool's workers")
def test_a_dead_worker_loses_no_run_and_duplicates_none(tmp_path):
    experiment = experiment_of(tmp_path)
    out = tmp_path / "worker-killed"
    proc = start_paused("sweep", experiment, "--out", out, "--workers", "2", "--quiet", after=1)
    workers = _pool_workers(proc.pid)
    assert workers, "the sweep should be running a process pool"
    os.kill(workers[0], signal.SIGKILL)
    code, _, stderr = finish(proc, go_on=True)
    assert code == 0, stderr
    assert "a worker process died" in stderr

    assert_exactly_the_design(out, experiment, tmp_path)


def test_ctrl_c_keeps_finished_chunks_and_resume_completes(tmp_path):
    experiment = experiment_of(tmp_path)
    out = tmp_path / "interrupted"
    proc = start_paused("sweep", experiment, "--out", out, "--workers", "1", "--quiet", after=2)
    proc.send_signal(signal.SIGINT)
    code, _, stderr = finish(proc)
    assert code == 130, stderr
    assert "Traceback" not in stderr and "--resume" in stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted"
    assert manifest["completed"] == 2 * CHUNK and chunks_on_disk(out) == 2

    resumed = cli("sweep", experiment, "--out", out, "--workers", "1", "--resume", "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    assert_exactly_the_design(out, experiment, tmp_path)
