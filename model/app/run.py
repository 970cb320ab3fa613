"""The model the browser drives: one narrated run, a month per step, pausing at the student's decisions.

:class:`AppModel` is the Mesa model SolaraViz holds: its constructor takes the
app's controls as flat keywords (SolaraViz's Reset rebuilds it from them), and
its :meth:`~AppModel.step` advances the run one month. With a seat, the run is
a :class:`model.teaching.play.Session` (the terminal's seat, options and choice log), and
a month stops at each of the seat's decisions until :meth:`~AppModel.answer`
gives one: a browser cannot block inside ``Session.play`` as the terminal does,
so this drives the session's :class:`model.teaching.play.Run` one decision at a time, a
month at most per step (a decision with one open option is taken without asking,
every choice is logged by name), and so the same answers give the same run as
``peninsula play``.

A bad setting (an unknown key, a value out of range) does not raise: the model
holds the error, does nothing when stepped, and the page shows the error.
"""

from __future__ import annotations

import threading
from typing import Any

import mesa

from model.app import controls
from model.core.domain import Actor
from model.core.errors import InputError
from model.scenario.schema import Scenario
from model.story.narrate import outcome_text, timeline
from model.teaching.play import Prompt, Run, Session

DEFAULT_SCENARIO = "baseline-2019"


class AppModel(mesa.Model):
    """One run of a scenario under the app's controls, with or without a student's seat.

    Args:
        scenario_name: a shipped scenario (or a path), as ``peninsula run`` takes.
        seed: the run's seed (text from the seed box, or an int).
        seat: an actor's name, or :data:`controls.NO_SEAT`.
        extra: more ``KEY=VALUE`` settings, separated by semicolons.
        start: the controls' starting values; a control still there sets nothing.
        chn_trade ... profile_jpn: the regime and profile controls (:data:`controls.CONTROLS`); None sets nothing.
    """

    def __init__(
        self,
        scenario_name: str = DEFAULT_SCENARIO,
        seed: str | int = "0",
        seat: str = controls.NO_SEAT,
        extra: str = "",
        start: tuple[tuple[str, Any], ...] = (),
        chn_trade: float | None = None,
        chn_oil: float | None = None,
        chn_coal: float | None = None,
        chn_laborers: float | None = None,
        rus_trade: float | None = None,
        rus_oil: float | None = None,
        rus_coal: float | None = None,
        rus_laborers: float | None = None,
        relief_schedule: str | None = None,
        relief_from: str | None = None,
        snapback: bool | None = None,
        talks_format: str | None = None,
        profile_us: str | None = None,
        profile_dprk: str | None = None,
        profile_rus: str | None = None,
        profile_chn: str | None = None,
        profile_rok: str | None = None,
        profile_jpn: str | None = None,
    ) -> None:
        given = {name: value for name, value in locals().items() if name in controls.BY_NAME}
        super().__init__(rng=0)  # the run's own draws come from its seed (model.draws), not Mesa's generator
        self.scenario_name = scenario_name
        self.error: str | None = None
        self.prompt: Prompt | None = None
        self.news: list[str] = []
        # SolaraViz's play loop steps from a worker thread while the seat's buttons answer from another:
        # one lock keeps the run's month generator in one thread at a time.
        self.lock = threading.RLock()
        try:
            self._build(scenario_name, seed, seat, extra, given, dict(start))
        except InputError as err:
            self.error = str(err)
            self.running = False

    def _build(self, scenario: str, seed: str | int, seat: str, extra: str, given: dict, start: dict) -> None:
        from model.scenario.loader import load_scenario, resolve

        self.seed = controls.parse_seed(seed)
        self.actor: Actor | None = controls.parse_seat(seat)
        self.overrides = controls.overrides_from(given, start) + controls.extra_overrides(extra)
        self.spec = load_scenario(resolve(scenario), self.overrides)
        self.session: Session | None = None
        if self.actor is None:
            self.seats = Run(self.spec, self.seed, None, ())
        else:
            self.session = Session(self.spec, self.actor, self.seed)
            self.seats = self.session.run
        self.run = self.seats.model

    # ------------------------------------------------------------------ stepping
    @property
    def month(self) -> int:
        """The month of the run's state (0 before the first step, or after a bad setting)."""
        return 0 if self.error else int(self.run.state.month)

    @property
    def finished(self) -> bool:
        return self.error is None and self.seats.ended

    def step(self) -> None:
        """Advance one month, or to the seat's next decision in it; nothing while a decision waits."""
        with self.lock:
            if self.error or self.prompt is not None or self.finished:
                return
            self._go()

    def run_on(self) -> None:
        """Step until the run ends or the seat must decide."""
        with self.lock:
            while not self.error and self.prompt is None and not self.finished:
                self.step()

    def answer(self, pick: int, asked: Prompt | None = None) -> bool:
        """Take option ``pick`` (its place in ``prompt.options``); go on to the month's end or the next decision.

        ``asked`` is the prompt the student saw: an answer to another one (a second click that arrives after
        the first was taken) is ignored, so it cannot answer a decision the student has not seen. Returns
        whether the answer was taken.
        """
        with self.lock:
            if self.prompt is None or self.session is None or (asked is not None and asked is not self.prompt):
                return False
            option = self.prompt.options[pick]
            self.seats.give(option)
            self.session.choices.append(
                {"month": self.prompt.month, "decision": self.prompt.decision.value, "chosen": option.name}
            )
            self.prompt = None
            self._go()
            return True

    def _go(self) -> None:
        """Go on to the seat's next decision in this month, or to the month's end."""
        self.prompt = self.seats.prompt(month_only=True)
        if self.prompt is not None:
            self.news = self.session.news() if self.session else []
        if self.session is not None and self.seats.ended:
            self.session.complete = True  # the log says the run ended (replay checks it against the model)
        self.running = not self.finished

    # ------------------------------------------------------------------ what the page shows
    def timeline(self) -> str:
        if self.error:
            return ""
        return timeline(self.run.records, self.spec.scenario.start)

    def outcome(self) -> str | None:
        """The outcome in words once the run has ended."""
        if not self.finished:
            return None
        from model.results.manifest import row
        from model.results.outcomes import outcomes

        return outcome_text(row(outcomes(self.run)), self.spec.scenario.start)

    def months_table(self):
        from model.results.manifest import monthly_table

        return monthly_table(self.run)

    def events(self, months) -> list[tuple[int, str]]:
        """Scripted events up to this month, and what the run did (agreements, tests)."""
        from model.charts import events_of

        scripted = [(e.month, e.label) for e in self.spec.events if e.month <= self.month]
        return events_of(months, scripted)

    def command(self) -> str:
        """The command line that runs these settings with the model in every seat."""
        return controls.command_line(self.scenario_name, self.seed, self.overrides)


def fan(spec: Scenario, seed: int, runs: int):
    """The fan chart and outcome summary of ``runs`` replications of ``spec`` from root seed ``seed``.

    The replications advance together in batched models (:func:`model.results.runs.replication_batches`), the
    model in every seat; the figure and the summary are those of ``peninsula run --replications --plot``.
    """
    import pandas as pd

    from model import charts
    from model.results.runs import replication_batches
    from model.results.summary import Tally, summary_text
    from model.run_report import FanData

    months, tally = FanData(), Tally()
    for batch in replication_batches(spec, seed, runs, monthly=months.write):
        tally.add(batch)
    scripted = [(e.month, e.label) for e in spec.events]
    title = f"{spec.scenario.name}: {runs} replications (root seed {seed})"
    figure = charts.fan_chart(pd.concat(months.parts, ignore_index=True), scripted, title)
    return figure, summary_text(tally.summary())
