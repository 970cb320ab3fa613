"""Shared fixtures: where the repository, its scenarios, the seed articles and the CLI are.

Hypothesis runs 40 examples per property by default; ``HYPOTHESIS_PROFILE=thorough``
runs 400 (a deeper search, for CI or before a release).

Scenario files written by tests go into ``tmp_path``, never into the repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parents[1]
SCENARIO_FILES = sorted((REPO / "scenarios").glob("*.toml"))

settings.register_profile(
    "peninsula",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("thorough", parent=settings.get_profile("peninsula"), max_examples=400)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "peninsula"))


def peninsula_command() -> Path:
    """The installed ``peninsula`` script: beside this Python, else on PATH."""
    beside = Path(sys.executable).parent / "peninsula"
    if beside.is_file():
        return beside
    found = shutil.which("peninsula")
    if found is None:
        pytest.skip("the peninsula command is not installed in this environment")
    return Path(found)


@pytest.fixture(scope="session")
def cli() -> Callable[..., subprocess.CompletedProcess]:
    """Run ``peninsula ARGS...`` as a user would; returns the finished process (text output)."""
    command = peninsula_command()

    def run(*args: str | Path, cwd: Path | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(command), *map(str, args)],
            capture_output=True,
            text=True,
            cwd=cwd,
            timeout=timeout,
        )

    return run


@pytest.fixture
def write_scenario(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write ``text`` to ``tmp_path/<name>.toml`` and return the path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / f"{name}.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The folder of source articles (``../shared/seeds`` beside the repository)."""
    candidate = REPO.parent / "shared" / "seeds"
    if candidate.is_dir():
        return candidate
    pytest.skip("the seed articles (../shared/seeds) are not present on this machine")


def pytest_configure(config: pytest.Config) -> None:
    """The browser tests' marker (``-m "not browser"`` leaves them out), known to --strict-markers."""
    config.addinivalue_line("markers", "browser: drives a real Chromium through Playwright (skipped without one)")
