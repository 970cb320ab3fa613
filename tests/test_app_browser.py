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
import urllib.request
from collections.abc import Iterator

import pytest

from tests.browser_support import free_port, launched, require, serving, shot, until
from tests.conftest import peninsula_command

pytestmark = pytest.mark.browser

READY_SECONDS = 90
WAIT_MS = 30_000


def _missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    from tests.browser_support import chromium

    for module, what in (("playwright", "playwright"), ("solara", "solara"), ("solara_assets", "solara-assets")):
        if importlib.util.find_spec(module) is None:
            return f'{what} is not installed (pip install -e ".[app]")'
    if chromium() is None:
        return "no browser at /usr/bin/chromium (apt-get install -y chromium)"
    return None


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """``peninsula app hanoi-2019`` on a free port; its URL once it answers HTTP."""
    require(_missing())
    port = free_port()
    home = tmp_path_factory.mktemp("solara-home")
    env = os.environ | {"SOLARA_HOME": str(home), "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    command = [str(peninsula_command()), "app", "hanoi-2019", "--port", str(port)]
    url = f"http://127.0.0.1:{port}/"
    with serving(command, home / "server.log", lambda: _answers(url), READY_SECONDS, env):
        yield url


@pytest.fixture(scope="module")
def browser(server):
    with launched() as chromium:
        yield chromium


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


def _card(page, title: str):
    return page.locator(".v-card").filter(has=page.get_by_text(title, exact=True))


def _plot_sources(page) -> list[str]:
    images = _card(page, "Plots").locator("img")
    images.first.wait_for()
    return [images.nth(i).get_attribute("src") for i in range(images.count())]


def _timeline(page) -> str:
    return _card(page, "Timeline").locator("pre").last.inner_text()


def test_a_control_moves_the_model_steps_and_the_plots_and_timeline_change(page):
    slider = page.get_by_role("slider", name="CHN enforcement: coal")
    slider.focus()
    slider.press("ArrowRight")  # 0.70 -> 0.75, a step of 0.05
    page.get_by_role("button", name="Reset", exact=True).click()
    page.get_by_text("--set sanctions.enforcement.CHN.coal=0.75").wait_for()
    before = _plot_sources(page)
    assert "Nothing yet" in _timeline(page)
    shot(page, "app-1-reset-with-a-control-moved")

    page.get_by_role("button", name="Step", exact=True).click()
    page.get_by_text("hanoi-2019: month 1 of 3").wait_for()
    until(lambda: _plot_sources(page)[0] != before[0], "the state plot to redraw", WAIT_MS / 1000)
    until(lambda: "Hanoi summit" in _timeline(page), "the timeline of month 1", WAIT_MS / 1000)
    assert "Feb 2019 (month 1)" in _timeline(page)
    shot(page, "app-2-after-one-step")


def test_a_seat_choice_is_taken_and_shows_in_the_timeline(page):
    page.get_by_role("button", name=re.compile(r"^You play")).click()
    page.get_by_role("option", name="DPRK", exact=True).click()
    page.get_by_role("button", name="Reset", exact=True).click()
    page.get_by_text("You play DPRK.", exact=False).wait_for()

    page.get_by_role("button", name="Step", exact=True).click()
    page.get_by_text("A text is on the table: do you sign it? (your own values are below)").wait_for()
    shot(page, "app-3-seat-asked")
    assert "DPRK accepts" not in _timeline(page)
    page.get_by_role("button", name=re.compile(r"^\d+\. sign$")).click()  # the model alone rejects (seed 0)
    until(lambda: "DPRK accepts" in _timeline(page), "the student's signature in the timeline", WAIT_MS / 1000)
    assert "Signed in bilateral talks: big deal" in _timeline(page)
    shot(page, "app-4-seat-answered")


def test_a_fan_chart_of_replications_of_the_regime(page):
    page.get_by_role("tab", name="Page 1").click()
    page.get_by_role("button", name="Run 200 replications").click()
    page.get_by_text("Replications: 200").wait_for()
    assert _card(page, "Replications of this regime").locator("img").count() == 1
    shot(page, "app-5-fan-chart")


def test_another_scenario_opens_with_the_controls_at_its_own_values(page):
    page.get_by_role("button", name=re.compile(r"^Scenario")).click()
    page.get_by_role("option", name="maximum-pressure", exact=True).click()
    page.get_by_text(re.compile(r"^maximum-pressure: month 0 of \d+, ready\.$")).wait_for()
    assert "scenario=maximum-pressure" in page.url
    page.get_by_text("peninsula run maximum-pressure --seed 0", exact=True).wait_for()  # no control moved
    shot(page, "app-6-another-scenario")
