"""What the browser tests share: Debian's Chromium, when they may skip, a server in its own process group.

Playwright drives Debian's Chromium (``/usr/bin/chromium``, else a ``chromium`` on the PATH); it never
downloads a browser. Without the browser or a package the tests skip with the reason, except under CI
(``CI=true``), where that is a failure. Screenshots go to tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def chromium() -> str | None:
    """Debian's Chromium, where Debian puts it, else whichever ``chromium`` is on the PATH."""
    return str(CHROMIUM) if CHROMIUM.is_file() else shutil.which("chromium")


def require(missing: str | None) -> None:
    """Skip (or, under CI, fail) when something the browser tests need is ``missing``."""
    if missing is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"under CI the browser tests must run: {missing}")
    pytest.skip(missing)


@contextmanager
def launched() -> Iterator[Any]:
    """A headless Chromium through Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def until(check: Callable[[], Any], what: str, seconds: float) -> Any:
    """Ask ``check`` until it gives something true; fail naming ``what`` after ``seconds`` (an upper bound)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    pytest.fail(f"gave up waiting for {what}")


@contextmanager
def serving(command: Sequence[str], log: Path, ready: Callable[[], Any], seconds: float, env=None) -> Iterator[None]:
    """Run a server in its own process group until the block ends; wait until ``ready()`` is true first."""
    with log.open("w") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            until(lambda: process.poll() is not None or ready(), f"{command[0]} to serve", seconds)
            if process.poll() is not None:
                pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text()}")
            yield
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
