"""Class mode in the browser: a student page and a teacher page over one
:class:`~model.teaching.classroom.ClassSession`.

Plain Starlette served by uvicorn (both come with solara): two static pages
that poll a small JSON interface once a second, so nothing is loaded from
the network and a reload is harmless. Students open ``/`` and enter their
seat's code (kept in the browser, so a reload or a reconnect takes the seat
back); the teacher opens ``/teacher?key=KEY`` (the key is printed at start
and never shown to students) to see the codes, who is connected and who has
answered, the timeline and the charts, to start and step the run, set the
deadline and export the log. A background task applies the deadline every
half second.

``serve`` is what ``peninsula app --class`` calls; ``python -m
model.classroom_web SCENARIO --host H --port P`` does the same. Starlette
and uvicorn are imported only when a server is built, so importing this
module needs neither.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import math
import secrets
import socket
import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from model.core.domain import Actor
from model.core.errors import InputError
from model.teaching.classroom import ClassSession, Refused
from model.teaching.play import Option

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

PAGES = Path(__file__).resolve().parent / "classroom_pages"
CONNECTED_SECONDS = 10.0  # a seat whose browser asked within this long counts as connected
TIMELINE_FOR_STUDENTS = 80  # the latest lines of the timeline a student's page shows
ACTOR_NAMES = {
    "US": "the United States",
    "DPRK": "North Korea",
    "RUS": "Russia",
    "CHN": "China",
    "ROK": "South Korea",
    "JPN": "Japan",
}


# ------------------------------------------------------------------ what the pages show
def student_state(session: ClassSession, code: str) -> dict[str, Any]:
    """Everything a student's page shows, as of one moment: the situation, the seat's turn, the timeline."""
    from model.story.narrate import calendar
    from model.teaching.terminal import describe, note_on

    actor = session.seen(code)
    start = session.spec.scenario.start
    with session.lock:
        waiting = session.waiting
        mine = waiting is not None and waiting.prompt.actor is actor
        # While any seat decides, its view holds the state as of now (the same for everyone); else the month's end.
        state, month = (
            (waiting.prompt.view.state, waiting.prompt.month)
            if waiting is not None
            else (session.run.model.snapshot(), session.run.model.state.month)
        )
        turn = None
        if mine:
            prompt = waiting.prompt
            turn = {
                "ticket": waiting.ticket,
                "question": prompt.question,
                "note": note_on(prompt).strip(),
                "options": [_option(o) for o in prompt.options],
                "seconds_left": session.seconds_left(),
            }
        return {
            "seat": actor.value,
            "seat_name": ACTOR_NAMES[actor.value],
            "scenario": session.spec.scenario.name,
            "question": session.spec.scenario.question,
            "started": session.started,
            "ended": session.ended,
            "month": month,
            "date": calendar(start, max(month, 1)),
            "situation": describe(state, month, actor, start),
            "turn": turn,
            "waiting_for": None if waiting is None or mine else waiting.prompt.actor.value,
            "timeline": session.timeline[-TIMELINE_FOR_STUDENTS:],
            "answered_for_you": _answered_for(session, actor),
            "outcome": _outcome_text(session),
        }


def _answered_for(session: ClassSession, actor: Actor) -> str | None:
    """If the model answered the seat's latest decision (time ran out, or the teacher stepped), what it chose."""
    from model.teaching.terminal import MODEL_WORDS

    latest = next((c for c in reversed(session.choices) if c["actor"] == actor.value and c.get("why") != "empty"), None)
    if latest is None or latest["by"] != "model":
        return None
    chosen, why = latest["chosen"].replace("_", " "), MODEL_WORDS[latest["why"]]
    return f"The model answered your last decision ({latest['decision']}) for you: {chosen} ({why})."


def teacher_state(session: ClassSession) -> dict[str, Any]:
    """Everything the teacher's page shows: every seat with its code and state, the run, the timeline."""
    with session.lock:
        session.tick()
        waiting = session.waiting
        now = session.clock()
        seats = [
            {
                "actor": a.value,
                "code": s.code,
                "held": s.held,
                "connected": s.last_seen is not None and now - s.last_seen < CONNECTED_SECONDS,
                "answers": s.answers,
                "late": s.late,
                "waiting": waiting is not None and waiting.prompt.actor is a,
            }
            for a, s in session.seats.items()
        ]
        by = [c.get("why", "student") for c in session.choices]
        return {
            "scenario": session.spec.scenario.name,
            "question": session.spec.scenario.question,
            "seed": session.seed,
            "months": session.months,
            "month": waiting.prompt.month if waiting else session.run.model.state.month,
            "months_done": session.run.model.state.month,
            "started": session.started,
            "ended": session.ended,
            "deadline": session.deadline,
            "seconds_left": session.seconds_left(),
            "seats": seats,
            "waiting": None
            if waiting is None
            else {"actor": waiting.prompt.actor.value, "question": waiting.prompt.question, "ticket": waiting.ticket},
            "answered": {k: by.count(k) for k in ("student", "late", "step")},
            "timeline": list(session.timeline),
            "outcome": _outcome_text(session),
            "model_alone": _model_alone(session) if session.ended else None,
        }


def _option(o: Option) -> dict[str, Any]:
    value = None if math.isnan(o.value) else round(o.value, 3)  # NaN: tabling nothing, as a broker
    return {"name": o.name, "label": o.label, "value": value}


def _outcome_text(session: ClassSession) -> str | None:
    from model.story.narrate import outcome_text

    outcome = session.outcome()
    return None if outcome is None else outcome_text(outcome, session.spec.scenario.start)


def _model_alone(session: ClassSession) -> str:
    """The model-only run from the class's seed, in words: the baseline the class is discussed against."""
    return _alone_text(session.scenario, tuple(session.overrides), session.seed, session.months)


@cache
def _alone_text(scenario: str, overrides: tuple[str, ...], seed: int, months: int) -> str:
    from model.results.manifest import row
    from model.results.outcomes import outcomes
    from model.results.runs import run_one
    from model.scenario.loader import load_scenario
    from model.story.narrate import outcome_text

    spec = load_scenario(scenario, overrides)
    return outcome_text(row(outcomes(run_one(spec, seed, months, narrate=False))), spec.scenario.start)


class Charts:
    """The teacher's charts as PNG (model/charts.py), redrawn only when another month has been recorded."""

    def __init__(self, session: ClassSession) -> None:
        self.session = session
        self._png: tuple[int, bytes] | None = None

    def png(self) -> bytes:
        from model import charts
        from model.results.manifest import monthly_table

        with self.session.lock:
            done = self.session.run.model.state.month
            if self._png is not None and self._png[0] == done:
                return self._png[1]
            months = monthly_table(self.session.run.model)
        spec = self.session.spec
        scripted = [(event.month, event.label) for event in spec.events]
        title = f"{spec.scenario.name}, seed {self.session.seed}: the class's run, {done} months"
        figure = charts.run_chart(months, charts.events_of(months, scripted), title)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=60)
        self._png = (done, buffer.getvalue())
        return self._png[1]


# ------------------------------------------------------------------ the server
def create_app(session: ClassSession, teacher_key: str, tick_seconds: float = 0.5) -> Starlette:
    """The Starlette application of one class: the two pages, their JSON, the charts and the log."""
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import HTMLResponse, JSONResponse
    from starlette.responses import Response as Plain
    from starlette.routing import Route

    charts = Charts(session)

    def teacher(request: Request) -> None:
        given = request.query_params.get("key") or request.headers.get("x-teacher-key") or ""
        if not secrets.compare_digest(given.encode(), teacher_key.encode()):
            raise Refused("this page is the teacher's: open the address printed when the class started")

    def refusing(handler):
        async def endpoint(request: Request) -> Response:
            try:
                return await handler(request)
            except Refused as err:
                return JSONResponse({"error": str(err)}, status_code=403)

        return endpoint

    async def body(request: Request) -> dict[str, Any]:
        try:
            data = await request.json()
        except (ValueError, UnicodeDecodeError):
            raise Refused("expected a JSON object") from None
        if not isinstance(data, dict):
            raise Refused("expected a JSON object")
        return data

    async def join(request: Request) -> Response:
        actor = await run_in_threadpool(session.join, str((await body(request)).get("code", "")))
        return JSONResponse({"seat": actor.value})

    async def student(request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(student_state, session, request.query_params.get("code", "")))

    async def answer(request: Request) -> Response:
        data = await body(request)
        ticket = data.get("ticket")
        if not isinstance(ticket, int):
            raise Refused("an answer names the decision it answers (ticket)")
        await run_in_threadpool(session.answer, str(data.get("code", "")), ticket, str(data.get("option", "")))
        return JSONResponse({"ok": True})

    async def teacher_view(request: Request) -> Response:
        teacher(request)
        return JSONResponse(await run_in_threadpool(teacher_state, session))

    async def command(request: Request) -> Response:
        teacher(request)
        action = request.path_params["action"]
        if action == "deadline":
            seconds = (await body(request)).get("seconds")
            if seconds is not None and (not isinstance(seconds, int | float) or isinstance(seconds, bool)):
                raise Refused("a deadline is a number of seconds, or none")
            await run_in_threadpool(session.set_deadline, seconds)
        elif action in ("start", "step"):
            await run_in_threadpool(session.start if action == "start" else session.step)
        else:
            raise Refused(f"no such command: {action}")
        return JSONResponse({"ok": True})

    async def chart(request: Request) -> Response:
        teacher(request)
        return Plain(await run_in_threadpool(charts.png), media_type="image/png")

    async def log(request: Request) -> Response:
        teacher(request)
        text = json.dumps(await run_in_threadpool(session.log), indent=2) + "\n"
        name = f"class-{session.spec.scenario.name}-seed{session.seed}.json"
        headers = {"Content-Disposition": f'attachment; filename="{name}"'}
        return Plain(text, media_type="application/json", headers=headers)

    def page(name: str):
        async def endpoint(request: Request) -> Response:
            return HTMLResponse((PAGES / name).read_text(encoding="utf-8"))

        return endpoint

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        async def ticking() -> None:
            while True:
                await asyncio.sleep(tick_seconds)
                await run_in_threadpool(session.tick)

        task = asyncio.create_task(ticking())
        try:
            yield
        finally:
            task.cancel()

    routes = [
        Route("/", page("student.html")),
        Route("/teacher", page("teacher.html")),
        Route("/api/join", refusing(join), methods=["POST"]),
        Route("/api/student", refusing(student)),
        Route("/api/answer", refusing(answer), methods=["POST"]),
        Route("/api/teacher", refusing(teacher_view)),
        Route("/api/teacher/{action:str}", refusing(command), methods=["POST"]),
        Route("/api/teacher/chart.png", refusing(chart)),
        Route("/api/teacher/log", refusing(log)),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, or a clear error naming what is wrong (a port in use, a bad host)."""
    try:
        info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(info[0], socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(info[4])
    except OSError as err:
        reason = err.strerror or str(err)
        where = "--port" if "in use" in reason else "--host"
        raise InputError(where, "", f"cannot serve on {host}:{port}: {reason}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def addresses(host: str) -> list[str]:
    """Where students can reach the server: the host itself, or, for all interfaces, this machine's LAN address."""
    if host not in ("0.0.0.0", "::", ""):
        return [host]
    found = []
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("10.255.255.255", 1))  # picks the outgoing interface; sends nothing
        found.append(probe.getsockname()[0])
    return [*found, socket.gethostname()] if found else [socket.gethostname(), "127.0.0.1"]


def serve(
    scenario: str,
    host: str,
    port: int,
    deadline: float | None,
    *,
    seed: int = 0,
    months: int | None = None,
    overrides: tuple[str, ...] = (),
    teacher_key: str | None = None,
    out: TextIO | None = None,
) -> None:
    """Run a class on ``host:port`` until interrupted: load the scenario, print the two addresses, serve.

    The inputs are checked first, so a bad scenario or deadline reads the same with or without the app extra.
    """
    from model.scenario.loader import load_scenario

    out = out or sys.stdout
    spec = load_scenario(scenario, tuple(overrides))
    try:
        session = ClassSession(spec, scenario, tuple(overrides), seed, months, deadline)
    except Refused as err:
        raise InputError("--deadline", "", str(err), deadline) from None
    try:
        import uvicorn
    except ImportError:
        raise InputError("--class", "", 'class mode needs the app extra: pip install -e ".[app]"') from None
    key = teacher_key or secrets.token_urlsafe(12)
    sock = bind(host, port)
    where = addresses(host)[0]
    shown = f"[{where}]" if ":" in where else where
    print(f"Class mode: {spec.scenario.name}, seed {seed}, {session.months} months.", file=out)
    print(f"Students open:  http://{shown}:{port}/", file=out)
    print(f"Teacher's page: http://{shown}:{port}/teacher?key={key}  (keep this address to yourself)", file=out)
    print("Seat codes are on the teacher's page. Export the log there before you stop (Ctrl-C).", file=out, flush=True)
    config = uvicorn.Config(create_app(session, key), log_level="warning", lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m model.classroom_web", description="Serve class mode.")
    parser.add_argument("scenario", help="a shipped scenario name or a scenario file")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (0.0.0.0: every interface)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--deadline", type=float, default=None, help="seconds per decision (default: none)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--months", type=int, default=None)
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--teacher-key", default=None, help="the teacher page's key (default: a random one)")
    args = parser.parse_args(argv)
    try:
        serve(
            args.scenario,
            args.host,
            args.port,
            args.deadline,
            seed=args.seed,
            months=args.months,
            overrides=tuple(args.overrides),
            teacher_key=args.teacher_key,
        )
    except InputError as err:
        print(f"peninsula: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
