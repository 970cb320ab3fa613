"""The browser app in a real browser: ``peninsula app`` serves it, headless Debian Chromium drives it (Playwright).

One server for the module (started through the real command, on a free port, with SOLARA_HOME in a temporary
folder and telemetry off); a fresh browser context per test, so each test has its own Solara session.
Screenshots go to tests/artifacts/ (git-ignored). Without Chromium, Playwright or the app extra the tests skip
with the reason, except under CI=true, where a missing browser fails the run. Marked ``browser``
(``-m "not browser"`` leaves them out).
"""

from __future__ import annotations

import importlib.util
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import peninsula_command

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
READY_SECONDS = 90
WAIT_MS = 30_000


def _missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    for module, what in (("playwright", "playwright"), ("solara", "solara"), ("solara_assets", "solara-assets")):
        if importlib.util.find_spec(module) is None:
            return f'{what} is not installed (pip install -e ".[app]")'
    if not CHROMIUM.is_file():
        return f"no browser at {CHROMIUM} (apt-get install -y chromium)"
    return None


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """``peninsula app hanoi-2019`` on a free port; its URL once it answers HTTP."""
    reason = _missing()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run under CI: {reason}")
        pytest.skip(reason)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    home = tmp_path_factory.mktemp("solara-home")
    env = os.environ | {"SOLARA_HOME": str(home), "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    log = (home / "server.log").open("w")
    command = [str(peninsula_command()), "app", "hanoi-2019", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_for_http(url, process, home / "server.log")
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def _wait_for_http(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"peninsula app exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"peninsula app did not answer within {READY_SECONDS} s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    """A fresh session of the app, loaded: the page renders over its websocket, so wait for the app's own text."""
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    tab = context.new_page()
    tab.set_default_timeout(WAIT_MS)
    tab.goto(server)
    tab.get_by_text("hanoi-2019: month 0 of 3, ready.").wait_for()
    yield tab
    context.close()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _card(page, title: str):
    return page.locator(".v-card").filter(has=page.get_by_text(title, exact=True))


def _plot_sources(page) -> list[str]:
    images = _card(page, "Plots").locator("img")
    images.first.wait_for()
    return [images.nth(i).get_attribute("src") for i in range(images.count())]


def _timeline(page) -> str:
    return _card(page, "Timeline").locator("pre").last.inner_text()


def _wait_until(predicate, what: str, seconds: float = WAIT_MS / 1000) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def test_a_control_moves_the_model_steps_and_the_plots_and_timeline_change(page):
    slider = page.get_by_role("slider", name="CHN enforcement: coal")
    slider.focus()
    slider.press("ArrowRight")  # 0.70 -> 0.75, a step of 0.05
    page.get_by_role("button", name="Reset", exact=True).click()
    page.get_by_text("--set sanctions.enforcement.CHN.coal=0.75").wait_for()
    before = _plot_sources(page)
    assert "Nothing yet" in _timeline(page)
    _shot(page, "app-1-reset-with-a-control-moved")

    page.get_by_role("button", name="Step", exact=True).click()
    page.get_by_text("hanoi-2019: month 1 of 3").wait_for()
    _wait_until(lambda: _plot_sources(page)[0] != before[0], "the state plot to redraw")
    _wait_until(lambda: "Hanoi summit" in _timeline(page), "the timeline of month 1")
    assert "Feb 2019 (month 1)" in _timeline(page)
    _shot(page, "app-2-after-one-step")


def test_a_seat_choice_is_taken_and_shows_in_the_timeline(page):
    page.get_by_role("button", name=re.compile(r"^You play")).click()
    page.get_by_role("option", name="DPRK", exact=True).click()
    page.get_by_role("button", name="Reset", exact=True).click()
    page.get_by_text("You play DPRK.", exact=False).wait_for()

    page.get_by_role("button", name="Step", exact=True).click()
    page.get_by_text("A text is on the table: do you sign it? (your own values are below)").wait_for()
    _shot(page, "app-3-seat-asked")
    assert "DPRK accepts" not in _timeline(page)
    page.get_by_role("button", name=re.compile(r"^\d+\. sign$")).click()  # the model alone rejects (seed 0)
    _wait_until(lambda: "DPRK accepts" in _timeline(page), "the student's signature in the timeline")
    assert "Signed in bilateral talks: big deal" in _timeline(page)
    _shot(page, "app-4-seat-answered")


def test_a_fan_chart_of_replications_of_the_regime(page):
    page.get_by_role("tab", name="Page 1").click()
    page.get_by_role("button", name="Run 200 replications").click()
    page.get_by_text("Replications: 200").wait_for()
    assert _card(page, "Replications of this regime").locator("img").count() == 1
    _shot(page, "app-5-fan-chart")
