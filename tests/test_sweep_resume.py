"""Nothing is lost: a real sweep killed with SIGKILL mid-way, then resumed, equals an uninterrupted one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest
from sweep_support import PENINSULA, cli, small_experiment

from model.sweep.runner import sweep
from model.sweep.store import read_runs


def assert_exactly_the_design(out: Path, experiment: Path, tmp_path: Path) -> None:
    """Every run of the 7,200-run design once, and the same rows as an uninterrupted serial sweep."""
    rows = read_runs(out)
    assert len(rows) == 7200
    assert not rows.duplicated(["point", "replication"]).any()
    reference = tmp_path / "reference"
    sweep(experiment, reference, workers=1, progress=False)
    pd.testing.assert_frame_equal(rows, read_runs(reference))


def start_then_wait_for_a_chunk(experiment: Path, out: Path, workers: int, **popen) -> subprocess.Popen:
    """Start a real sweep and return once its first chunk is on disk."""
    proc = subprocess.Popen(
        [str(PENINSULA), "sweep", str(experiment), "--out", str(out), "--workers", str(workers), "--quiet"], **popen
    )
    deadline = time.monotonic() + 120
    while not list((out / "runs").glob("chunk-*.parquet")) and time.monotonic() < deadline:
        time.sleep(0.01)
    return proc


@pytest.mark.slow
def test_kill_9_then_resume_completes_exactly_the_design(tmp_path):
    experiment = small_experiment(tmp_path, reps=50, chunk=100, levels=6)  # 144 points x 50 = 7,200 runs, 72 chunks
    out = tmp_path / "killed"
    proc = start_then_wait_for_a_chunk(experiment, out, workers=1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    kept = len(list((out / "runs").glob("chunk-*.parquet")))
    assert 1 <= kept < 72, "the sweep should have been killed mid-way"

    refused = cli("sweep", experiment, "--out", out, "--workers", "1")
    assert refused.returncode == 2 and "--resume" in refused.stderr

    resumed = cli("sweep", experiment, "--out", out, "--workers", "2", "--resume", "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    assert f"{7200 - kept * 100} of 7200 runs" in resumed.stdout

    assert_exactly_the_design(out, experiment, tmp_path)
    assert not list((out / "runs").glob("*.tmp"))


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


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to find the pool's workers")
def test_a_dead_worker_loses_no_run_and_duplicates_none(tmp_path):
    experiment = small_experiment(tmp_path, reps=50, chunk=100, levels=6)  # 7,200 runs in 72 chunks
    out = tmp_path / "worker-killed"
    proc = start_then_wait_for_a_chunk(experiment, out, workers=2, stderr=subprocess.PIPE, text=True)
    workers = _pool_workers(proc.pid)
    assert workers, "the sweep should be running a process pool"
    os.kill(workers[0], signal.SIGKILL)
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    assert "a worker process died" in stderr, "the kill should have hit the sweep mid-way"

    assert_exactly_the_design(out, experiment, tmp_path)


@pytest.mark.slow
def test_ctrl_c_keeps_finished_chunks_and_resume_completes(tmp_path):
    experiment = small_experiment(tmp_path, reps=50, chunk=100, levels=6)
    out = tmp_path / "interrupted"
    proc = start_then_wait_for_a_chunk(experiment, out, workers=1, stderr=subprocess.PIPE, text=True)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and "--resume" in stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted"
    kept = len(list((out / "runs").glob("chunk-*.parquet")))
    assert manifest["completed"] == kept * 100 and 1 <= kept < 72

    resumed = cli("sweep", experiment, "--out", out, "--workers", "1", "--resume", "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    assert_exactly_the_design(out, experiment, tmp_path)
