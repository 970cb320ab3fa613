"""Class mode in a real Chromium: two students in two browser contexts, the teacher in a third, and a reconnect.

The server is started as a teacher would (``python -m model.classroom_web``),
on a free port, in its own process group. Playwright drives Debian's
Chromium (``/usr/bin/chromium``); it never downloads a browser. Without
Chromium or Playwright the tests skip with the reason, except under CI
(``CI=true``), where that is a failure. Screenshots go to tests/artifacts/
(git-ignored).
"""

from __future__ import annotations

import json
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import chromium, free_port, launched, require, serving, shot, until

KEY = "teacher-test-key"
READY_SECONDS = 60  # the server imports numpy, Mesa and Starlette first; an upper bound, not a timing
WAIT_SECONDS = 20

pytestmark = pytest.mark.browser


def _missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as err:
        return f"{err.name} is not installed (pip install playwright, and solara for starlette and uvicorn)"
    if chromium() is None:
        return "Debian's chromium is not installed (apt-get install -y chromium)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require(_missing())
    with launched() as found:
        yield found


def _until(check, what: str, seconds: float = WAIT_SECONDS) -> Any:
    return until(check, what, seconds)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """A class of hanoi-2019 (seed 0) served on a free port; its base address."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "model.teaching.classroom_web",
        "hanoi-2019",
        "--port",
        str(port),
        "--teacher-key",
        KEY,
    ]
    with serving(command, tmp_path / "server.log", lambda: _teacher(base), READY_SECONDS):
        yield base


def _teacher(base: str) -> dict | None:
    """The teacher's view of the class, as the teacher's page reads it (None while the server is not up)."""
    try:
        with urllib.request.urlopen(f"{base}/api/teacher?key={KEY}", timeout=5) as answer:
            return json.loads(answer.read())
    except OSError:
        return None


def _join(browser: Any, base: str, code: str) -> Any:
    page = browser.new_context().new_page()
    page.goto(base + "/")
    page.get_by_label("Your seat's code").fill(code)
    page.get_by_role("button", name="Join").click()
    return page


def test_two_students_in_two_browsers_and_the_run_waits_for_both(browser, server):
    teacher = browser.new_context().new_page()
    teacher.goto(f"{server}/teacher?key={KEY}")
    codes = {}
    for actor in ("US", "DPRK"):
        row = teacher.locator(f"tr[data-seat='{actor}']")
        row.wait_for()
        codes[actor] = row.locator("td.code").inner_text()
    pages = {actor: _join(browser, server, code) for actor, code in codes.items()}
    for actor, page in pages.items():
        page.get_by_role("heading", name=f"You are {actor}").wait_for()
        assert "Waiting for the teacher" in page.get_by_role("status").inner_text()
    _until(lambda: all(s["held"] for s in _teacher(server)["seats"] if s["actor"] in codes), "both seats held")
    teacher.get_by_role("button", name="Start the run").click()
    _until(lambda: _teacher(server)["started"], "the run to start")

    answered = []
    while (state := _until(lambda: _teacher(server), "the class"))["month"] == 1:
        waiting = state["waiting"]
        actor, other = waiting["actor"], "DPRK" if waiting["actor"] == "US" else "US"
        page = pages[actor]
        page.locator(f"#turn[data-ticket='{waiting['ticket']}']").wait_for()  # this decision, not the last one
        assert page.get_by_role("heading", level=2).first.inner_text() == waiting["question"]
        other_status = pages[other].get_by_role("status")
        _until(lambda o=other_status, a=actor: f"Waiting for {a} to decide" in o.inner_text(), f"{other} told to wait")
        assert pages[other].locator("#turn").is_hidden() and state["months_done"] == 0
        options = page.locator("button.option")
        assert "your value" in options.first.inner_text()
        if not answered:
            shot(page, f"class-student-{actor}-turn")
            shot(pages[other], f"class-student-{other}-waiting")
        options.first.click()
        answered.append(actor)
        _until(lambda t=waiting["ticket"]: (_teacher(server)["waiting"] or {}).get("ticket") != t, "the answer")
    assert set(answered) == {"US", "DPRK"}, "at Hanoi both students decide in month 1"
    assert state["months_done"] >= 1, "once both had answered, month 1 ended"
    status = teacher.get_by_role("status")
    _until(lambda: "Month 1 " not in status.inner_text(), "the teacher's page to show the run moved on")
    assert "Feb 2019" in teacher.locator("#timeline").inner_text()
    teacher.locator("img#chart").wait_for()
    shot(teacher, "class-teacher")
    teacher.get_by_label("Seconds per decision").fill("900")
    teacher.get_by_role("button", name="Set deadline").click()
    _until(lambda: _teacher(server)["deadline"] == 900, "the deadline the teacher set")
    if not state["ended"]:
        teacher.get_by_role("button", name="Step: the model answers for the waiting seat").click()
        stepped = lambda: [c for c in json.loads(_log(server))["choices"] if c.get("why") == "step"]  # noqa: E731
        assert _until(stepped, "the teacher's step")[0]["actor"] == state["waiting"]["actor"]
    mine = [c for c in json.loads(_log(server))["choices"] if c["by"] == "student"]
    assert [c["actor"] for c in mine] == answered


def _log(base: str) -> str:
    with urllib.request.urlopen(f"{base}/api/teacher/log?key={KEY}", timeout=10) as answer:
        return answer.read().decode()


def test_a_student_who_reloads_or_comes_back_in_another_browser_gets_the_seat_back(browser, server):
    code = next(s["code"] for s in _teacher(server)["seats"] if s["actor"] == "US")
    stranger = _join(browser, server, "WRONG1")
    stranger.get_by_role("alert").filter(has_text="no seat has that code").wait_for()
    assert stranger.locator("#seat").is_hidden()
    page = _join(browser, server, code)
    page.get_by_role("heading", name="You are US").wait_for()
    urllib.request.urlopen(
        urllib.request.Request(
            f"{server}/api/teacher/start", data=b"{}", method="POST", headers={"X-Teacher-Key": KEY}
        ),
        timeout=10,
    ).close()
    page.locator("button.option").first.wait_for()
    page.reload()  # the code is kept in the browser: no typing
    page.get_by_role("heading", name="You are US").wait_for()
    page.locator("button.option").first.wait_for()
    shot(page, "class-student-reloaded")
    elsewhere = _join(browser, server, code.lower())  # a new browser, the same code
    elsewhere.get_by_role("heading", name="You are US").wait_for()
    ticket = _teacher(server)["waiting"]["ticket"]
    elsewhere.locator("button.option").first.click()
    _until(lambda: (_teacher(server)["waiting"] or {}).get("ticket") != ticket, "the answer from the new browser")
    assert [c["actor"] for c in json.loads(_log(server))["choices"] if c["by"] == "student"] == ["US"]
