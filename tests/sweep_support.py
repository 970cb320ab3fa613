"""Helpers shared by the sweep and analysis tests: small experiment files and the installed command."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from pathlib import Path

PENINSULA = Path(sys.executable).parent / "peninsula"

SMALL = """
[experiment]
name = "small"
question = "Does the small test sweep give the same rows everywhere?"
scenario = "baseline-2019"
root_seed = 11
replications = {reps}
chunk_runs = {chunk}
outcomes = ["deal_reached", "outcome_class", "month_agreed", "tests", "income_end"]

[design]
kind = "grid"

[levers.chn_enforcement]
type = "real"
range = [0.3, 1.0]
levels = {levels}
keys = ["sanctions.enforcement.CHN.trade", "sanctions.enforcement.CHN.oil",
        "sanctions.enforcement.CHN.coal", "sanctions.enforcement.CHN.laborers"]

[levers.rus_enforcement]
type = "real"
range = [0.3, 1.0]
levels = {levels}
keys = ["sanctions.enforcement.RUS.trade", "sanctions.enforcement.RUS.oil",
        "sanctions.enforcement.RUS.coal", "sanctions.enforcement.RUS.laborers"]

[levers.relief_schedule]
type = "categorical"
key = "sanctions.relief_schedule"
values = ["per_step", "at_end"]

[uncertainties.dprk_profile]
type = "categorical"
key = "actors.DPRK.profile"
values = ["default", "hardliner"]
"""


SHORT = """
[scenario]
extends = "baseline-2019"
name = "short"
question = "The baseline, cut short so that interruption tests run quickly."
months = {months}
"""


def small_experiment(
    folder: Path, reps: int = 3, chunk: int = 7, levels: int = 2, name: str = "small.toml", months: int | None = None
) -> Path:
    """A grid of 2 x levels^2 x 2 points (one structural parameter, so several batches per chunk).

    With ``months``, the base scenario is baseline-2019 cut to that many months (``short.toml`` beside it).
    """
    scenario = "baseline-2019"
    if months is not None:
        (folder / "short.toml").write_text(SHORT.format(months=months), encoding="utf-8")
        scenario = "short.toml"
    path = folder / name
    text = SMALL.format(reps=reps, chunk=chunk, levels=levels).replace('"baseline-2019"', f'"{scenario}"', 1)
    path.write_text(text, encoding="utf-8")
    return path


def cli(*args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the installed ``peninsula`` command."""
    return subprocess.run([str(PENINSULA), *map(str, args)], capture_output=True, text=True, timeout=timeout)


PAUSE_HOOK = "PENINSULA_TEST_PAUSE_AFTER_CHUNKS"
PAUSED = b"peninsula-test: paused after"
GUARD_SECONDS = 300
"""Only a guard against a hung test: every wait below ends on an event (a line, an exit), not on a clock."""


def start_paused(*args: str | Path, after: int, env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start ``peninsula ARGS`` and return once it has written exactly ``after`` chunks and stopped there.

    The sweep blocks in its test hook (``PENINSULA_TEST_PAUSE_AFTER_CHUNKS``) until a line arrives on its
    stdin (see :func:`go_on`) or a signal ends it. What it printed to stderr so far is kept in ``proc.early``.
    """
    proc = subprocess.Popen(
        [str(PENINSULA), *map(str, args)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {}), PAUSE_HOOK: str(after)},
        preexec_fn=_default_sigint,
    )
    seen = b""
    while PAUSED not in seen:
        ready, _, _ = select.select([proc.stderr], [], [], GUARD_SECONDS)
        data = os.read(proc.stderr.fileno(), 65536) if ready else b""
        if not data:
            proc.kill()
            proc.wait()
            raise AssertionError(f"the sweep ended or hung before its pause: {seen.decode(errors='replace')}")
        seen += data
    proc.early = seen.decode(errors="replace")
    return proc


def _default_sigint() -> None:
    """Give the sweep Ctrl-C's default action: a test run in the background inherits SIGINT ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def finish(proc: subprocess.Popen, go_on: bool = False) -> tuple[int, str, str]:
    """Wait for a paused (or signalled) sweep to end; with ``go_on``, first let it continue."""
    out, err = proc.communicate(b"\n" if go_on else None, timeout=GUARD_SECONDS)
    return proc.returncode, out.decode(errors="replace"), proc.early + err.decode(errors="replace")


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (pool workers, the resource tracker), from Linux's /proc."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            children = (task / "children").read_text().split()
        except FileNotFoundError:
            continue
        for child in map(int, children):
            found += [child, *descendants(child)]
    return found


def still_running(pids: list[int], guard: float = 60) -> list[int]:
    """Of ``pids``, those still alive after each was given up to ``guard`` seconds to exit.

    Waits on a pidfd (woken by the exit itself), not by polling a clock; the guard only bounds a failure.
    """
    alive = []
    for pid in pids:
        try:
            fd = os.pidfd_open(pid)
        except ProcessLookupError:
            continue
        try:
            ready, _, _ = select.select([fd], [], [], guard)
        finally:
            os.close(fd)
        if not ready:
            alive.append(pid)
    return alive
