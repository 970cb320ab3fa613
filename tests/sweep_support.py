"""Helpers shared by the sweep and analysis tests: small experiment files and the installed command."""

from __future__ import annotations

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


def small_experiment(folder: Path, reps: int = 3, chunk: int = 7, levels: int = 2, name: str = "small.toml") -> Path:
    """A grid of 2 x levels^2 x 2 points (one structural parameter, so several batches per chunk)."""
    path = folder / name
    path.write_text(SMALL.format(reps=reps, chunk=chunk, levels=levels), encoding="utf-8")
    return path


def cli(*args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the installed ``peninsula`` command."""
    return subprocess.run([str(PENINSULA), *map(str, args)], capture_output=True, text=True, timeout=timeout)
