"""The browser app's page: Mesa's SolaraViz around the :class:`~model.app.run.AppModel`.

``peninsula app`` serves this module with ``solara run``; the scenario to start
with comes in the environment (:data:`SCENARIO_ENV`), so importing the module
builds nothing. SolaraViz gives the sidebar (Reset, play, Step, and the model
parameters of :mod:`model.app.controls`) and the grid; the components below
draw with :mod:`model.charts` (the plots ``peninsula run --plot`` writes) and
:mod:`model.story.narrate` (the timeline ``peninsula run`` prints), and the seat shows
what the terminal's ``peninsula play`` shows (:func:`model.teaching.terminal.render`).

Text is shown without ``solara.Markdown``: Markdown pulls KaTeX from a CDN that
an offline classroom cannot reach (see the README's section on the app).
"""

from __future__ import annotations

import json
import os
from urllib.parse import urlencode

import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import force_update, update_counter

from model.app import controls
from model.app.run import DEFAULT_SCENARIO, AppModel, fan
from model.app.serve import SCENARIO_ENV

FAN_RUNS = (50, 200, 1000)
DEBRIEF_RUNS = 200
TEXT_STYLE = "white-space: pre-wrap; font-size: 12px; margin: 0"
CARD_STYLE = {"height": "100%", "overflow-y": "auto"}  # a grid cell has a fixed height: its card scrolls


def Text(text: str) -> None:
    """Plain text with its line breaks and indents, wrapped at the card's width (no Markdown: see above)."""
    solara.v.Html(tag="pre", children=[text], style_=TEXT_STYLE)


def setup(scenario: str) -> tuple[AppModel, dict]:
    """The first model and SolaraViz's parameters, both starting from ``scenario``'s own values."""
    from model.core.errors import InputError
    from model.scenario.loader import load_scenario, resolve

    try:
        spec = load_scenario(resolve(scenario))
    except InputError:  # an address naming no scenario: the one the app was started with
        scenario = os.environ.get(SCENARIO_ENV, DEFAULT_SCENARIO)
        spec = load_scenario(resolve(scenario))
    params = controls.solara_params(scenario, spec)
    first = {name: (p["value"] if isinstance(p, dict) else p) for name, p in params.items()}
    return AppModel(**first), params


# ------------------------------------------------------------------ components
@solara.component
def Status(model: AppModel) -> None:
    """Where the run stands, the button that runs it on, and the command line of the same settings."""
    update_counter.get()
    with solara.Card("Run", style=CARD_STYLE), solara.Column():
        if model.error:
            solara.Error(f"Bad setting: {model.error}")
            return
        length = model.run.months
        state = "finished" if model.finished else ("waiting for your decision" if model.prompt else "ready")
        solara.Text(f"{model.spec.scenario.name}: month {model.month} of {length}, {state}.")
        solara.Text(model.spec.scenario.question)

        def run_on() -> None:
            model.run_on()
            force_update()

        ScenarioPicker(model.scenario_name)
        label = "Run to the end" if model.actor is None else "Run to my next decision"
        with solara.Row():
            solara.Button(label, on_click=run_on, color="primary", disabled=model.finished or model.prompt is not None)
        solara.Text("The model-only run of these settings from the command line:")
        Text(model.command())


@solara.component
def Charts(model: AppModel) -> None:
    """Trust, tension, DPRK income and capability, and every actor's position on each issue, as they move."""
    update_counter.get()
    key = (id(model), model.month, model.error)

    def draw():
        if model.error:
            return None
        from model import charts

        months = model.months_table()
        events = model.events(months)
        return (
            charts.state_chart(months, events, length=model.run.months),
            charts.positions_chart(months, events, length=model.run.months),
        )

    figures = solara.use_memo(draw, key)
    with solara.Card("Plots", style=CARD_STYLE):
        if figures is None:
            solara.Text("No run: fix the settings and press Reset.")
            return
        for figure in figures:
            solara.FigureMatplotlib(figure, format="png", dependencies=[key])


@solara.component
def Timeline(model: AppModel) -> None:
    """The run in words, month by month, each decision with the values it compared."""
    update_counter.get()
    with solara.Card("Timeline", style=CARD_STYLE):
        if model.error:
            return
        outcome = model.outcome()
        if outcome:
            Text(outcome)
        text = model.timeline() if model.run.records else "Nothing yet: press Step."
        Text(text)


@solara.component
def SeatPanel(model: AppModel) -> None:
    """The student's seat: the situation, the question and the options, as ``peninsula play`` shows them."""
    update_counter.get()
    with solara.Card("Your seat", style=CARD_STYLE):
        if model.error:
            return
        if model.actor is None:
            solara.Text("The model plays all six. To play one, choose it under 'You play' and press Reset.")
            return
        if model.prompt is not None:
            Decide(model)
        elif model.finished:
            Debrief(model)
        else:
            solara.Text(f"You play {model.actor.value}. Step on: the run stops at each of your decisions.")


@solara.component
def Decide(model: AppModel) -> None:
    from model.teaching.terminal import render

    prompt = model.prompt
    solara.Text(f"{prompt.question} (your own values are below)")
    for n, option in enumerate(prompt.options):

        def take(n: int = n, asked=prompt) -> None:
            model.answer(n, asked)  # a second click on a reused button names the old prompt: ignored
            force_update()

        solara.Button(f"{n + 1}. {option.label}", on_click=take, color="secondary", outlined=True)
    Text(render(prompt, model.news, model.spec.scenario.start))


@solara.component
def Debrief(model: AppModel) -> None:
    """The student's outcome against the model alone, and the session log that ``peninsula replay`` reads."""
    from model.teaching.terminal import debrief, log_record

    def compute():
        mine, summary, text = debrief(model.session, DEBRIEF_RUNS)
        record = log_record(model.session, model.scenario_name, model.overrides, mine) | {"debrief": summary}
        return text, json.dumps(record, indent=2, default=str) + "\n"

    text, log = solara.use_memo(compute, [id(model)])
    Text(text)
    solara.FileDownload(log, filename="peninsula-session.json", label="Save the session log (peninsula replay FILE)")


@solara.component
def Fan(model: AppModel) -> None:
    """Many replications of the same regime, batched in one model: the median and 50%/90% bands, and P(deal)."""
    update_counter.get()
    runs, set_runs = solara.use_state(FAN_RUNS[1])
    result, set_result = solara.use_state(None)
    with solara.Card("Replications of this regime", style=CARD_STYLE):
        if model.error:
            return
        solara.Select("Replications", value=runs, values=list(FAN_RUNS), on_value=set_runs)
        solara.Button(
            f"Run {runs} replications", on_click=lambda: set_result(fan(model.spec, model.seed, runs)), color="primary"
        )
        if result is not None:
            figure, summary = result
            solara.FigureMatplotlib(figure, format="png")
            Text(summary)


COMPONENTS = [(Status, 0), (SeatPanel, 0), (Charts, 0), (Timeline, 0), (Fan, 1)]


@solara.component
def ScenarioPicker(current: str) -> None:
    """Another scenario opens its own page (``?scenario=NAME``), so the controls start at its own values."""
    from model.scenario.loader import shipped_scenarios

    router = solara.use_router()
    names = list(shipped_scenarios())
    if current not in names:
        names.insert(0, current)
    solara.Select(
        "Scenario", value=current, values=names, on_value=lambda name: router.push(f"?{urlencode({'scenario': name})}")
    )


@solara.component
def Page() -> None:
    scenario = controls.chosen_scenario(solara.use_router().search, os.environ.get(SCENARIO_ENV, DEFAULT_SCENARIO))
    model, params = solara.use_memo(lambda: setup(scenario), [scenario])
    SolaraViz(model, components=COMPONENTS, model_params=params, name="Peninsula").key(scenario)
