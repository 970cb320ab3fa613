"""Progress: a status line before any run finishes, a bar only on a terminal, log lines elsewhere."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import struct
import subprocess
import termios

from sweep_support import PENINSULA, small_experiment

from model.sweep.progress import Progress


def test_status_line_comes_first_then_log_lines_when_not_a_terminal(tmp_path):
    path = small_experiment(tmp_path, reps=3, chunk=12)
    done = subprocess.run(
        [str(PENINSULA), "sweep", str(path), "--out", str(tmp_path / "out"), "--workers", "2"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert lines[0] == "sweep: small: 48 runs in 4 chunks of up to 12 runs, 2 processes; starting", lines
    assert lines[-1].startswith("sweep: 48/48 runs (100%)")
    assert "\r" not in done.stderr, "no bar drawn into a log"


def _on_a_terminal(args: list[str]) -> str:
    """Run the command with stderr on a pseudo-terminal; return what it drew there."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a terminal 100 columns wide
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=follower, stdin=subprocess.DEVNULL)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:  # the terminal closed when the command ended
            break
        if not data:
            break
        chunks.append(data)
    assert proc.wait(timeout=300) == 0
    os.close(leader)
    return b"".join(chunks).decode(errors="replace")


def test_sweep_draws_a_bar_that_reaches_every_run_on_a_terminal(tmp_path):
    path = small_experiment(tmp_path, reps=3, chunk=12)
    drawn = _on_a_terminal([str(PENINSULA), "sweep", str(path), "--out", str(tmp_path / "out"), "--workers", "1"])
    assert drawn.startswith("sweep: small: 48 runs in 4 chunks")
    assert "48/48" in drawn and "100%" in drawn and "run/s" in drawn


def test_run_replications_draws_a_bar_on_a_terminal_only(tmp_path):
    args = [str(PENINSULA), "run", "hanoi-2019", "--replications", "30"]
    assert "30/30" in _on_a_terminal(args)
    piped = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert piped.returncode == 0 and piped.stderr == ""


def test_log_lines_count_finished_runs():
    stream = io.StringIO()
    progress = Progress(10, stream=stream, label="sweep")
    progress.status("10 runs")
    progress.begin(4)
    progress.update(6)
    assert stream.getvalue().splitlines() == ["sweep: 10 runs", stream.getvalue().splitlines()[1]]
    assert stream.getvalue().splitlines()[1].startswith("sweep: 10/10 runs (100%)")
