"""A person in one actor's seat: the month pauses at each of the seat's decisions until an answer comes.

The seat is a policy (:class:`Seat`) whose answer comes from outside: while it
has none, :meth:`PeninsulaModel.advance` yields a ``Pending`` decision, and a
:class:`Run` turns it into a :class:`Prompt` (the options, each with the
actor's own value on the model's one payoff scale) and waits for the answer.
A :class:`Session` is a run with one seat answered by a function (the
terminal); a class (:mod:`model.teaching.classroom`) is a run with six seats answered
by students in their browsers or by the model. The other five actors
answer by their policies. Because the seat answers with the same option index
a scripted policy would, the same seat, seed and answers give the same run.

The terminal front end (``peninsula play``) and the log that ``peninsula
replay`` shows again are in :mod:`model.teaching.terminal`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from model.agents.policies import Choice, Decision, DefersToProfile, UtilityPolicy, View, profiles
from model.core.domain import Actor, Proposal
from model.scenario.schema import Scenario
from model.story.narrate import calendar, line

if TYPE_CHECKING:
    from model.simulation import Pending

NO_OFFER = -1

QUESTIONS = {
    Decision.ENFORCE: "How much of the UN mandate do you enforce this month?",
    Decision.PROVOKE: "Do you test, launch or hold back this month?",
    Decision.EXERCISE: "Do you hold this season's major exercise?",
    Decision.COUNCIL: "A test or launch came before the Security Council: do you consent to a new resolution?",
    Decision.RESPOND: "The other side breached the agreement: tolerate it or end the agreement?",
    Decision.WALK: "Keep the agreement in force, or walk away from it?",
    Decision.CALL_FORMAT: "As a broker, do you call for six-party talks?",
    Decision.CONSENT_FORMAT: "Six-party talks were called: do you consent?",
    Decision.PROPOSE: "Talks this month: which proposal do you table?",
    Decision.BROKER: "The veto players did not agree: which text do you table as broker?",
    Decision.ACCEPT: "A text is on the table: do you sign it?",
    Decision.AID: "Your share of the agreement's aid falls due: pay it, or withhold it over the abductions?",
}

LABELS = {
    "less": "deliver a step less of the mandate",
    "hold": "hold as you are",
    "more": "deliver a step more of the mandate",
    "none": "hold back",
    "short_range": "fire short-range missiles",
    "launch": "launch a satellite",
    "strategic_test": "hold a strategic test",
    "exercise": "hold the exercise",
    "consent": "consent",
    "veto": "veto",
    "tolerate": "tolerate it: the agreement goes on",
    "respond": "end the agreement",
    "stay": "keep the agreement",
    "walk": "walk away",
    "call": "call for six-party talks",
    "wait": "do not call",
    "decline": "decline",
    "accept": "sign",
    "reject": "do not sign",
}


@dataclass(frozen=True)
class Option:
    """One choice before the seat: its name, words, the actor's own value of it, and the index the rules take."""

    name: str
    label: str
    value: float
    index: int


@dataclass(frozen=True)
class Prompt:
    """A decision waiting for the person in the seat (replication 0 of a one-run model)."""

    month: int
    actor: Actor
    decision: Decision
    question: str
    options: tuple[Option, ...]
    view: View


def options_of(view: View) -> tuple[Option, ...]:
    """The options open to the seat in a view, with its own values (options worth -inf are not open)."""
    if view.decision is Decision.PROPOSE:
        return _proposals(view)
    if view.decision is Decision.BROKER:
        return _brokered(view)
    found = []
    for i, (name, values) in enumerate(view.options.items()):
        value = float(np.broadcast_to(values, view.asked.shape)[0])
        if np.isfinite(value):
            found.append(Option(name, LABELS.get(name, name.replace("_", " ")), value, i))
    return tuple(found)


def _proposals(view: View) -> tuple[Option, ...]:
    """Each named proposal the seat may table, valued at its expected value (signature odds included)."""
    names = view.context["names"]
    expected = np.asarray(view.options["offers"])[0]
    found = [
        Option(name, f"table {name.replace('_', ' ')}", float(ev), j)
        for j, (name, ev) in enumerate(zip(names, expected, strict=True))
        if np.isfinite(ev)
    ]
    nothing = float(np.asarray(view.options["no_offer"])[0])
    return (*found, Option("none", "table nothing", nothing, NO_OFFER))


def _brokered(view: View) -> tuple[Option, ...]:
    """The texts a broker may table (named proposals, then blends), valued by the broker itself."""
    candidates, valid, named = view.context["candidates"], view.context["valid"][0], view.context["named"]
    values = view.outlook.value(view.actor.index, candidates)[0]
    found = []
    for c in np.flatnonzero(valid):
        if c < named:
            name = list(Proposal)[c].value
            label = f"table {name.replace('_', ' ')}"
        else:
            point = candidates.point[0, c]
            name = f"compromise_{c - named + 1}"
            label = f"table compromise {c - named + 1} (" + ", ".join(f"{x:.2f}" for x in point) + ")"
        found.append(Option(name, label, float(values[c]), int(c)))
    nothing = Option("none", "table nothing", float("nan"), NO_OFFER)
    return (*found, nothing)


class Seat(DefersToProfile):
    """A policy whose answer comes from outside: None (waiting) until :attr:`answer` is set.

    Where the seat is not asked in the run (a decision that does not concern
    it), its profile's policy answers, as the rules ignore that answer anyway.
    Its demands (margin, concessions) are its profile's, so the other actors
    read it as they would read the model's own actor.
    """

    name = "seat"

    def __init__(self, fallback: UtilityPolicy) -> None:
        self.fallback = fallback
        self.answer: int | None = None

    def decide(self, view: View) -> Choice | None:
        if not bool(view.asked[0]):
            return self.fallback.decide(view)
        if self.answer is None:
            return None
        index, self.answer = self.answer, None
        return Choice(np.full(view.asked.shape, index, dtype=np.int64), view.options)


class Run:
    """A narrated one-run model with seats at some actors, driven one decision at a time.

    :meth:`prompt` advances the model to the next decision a seat must take
    (a decision with a single open option is taken without asking) and
    returns it; :meth:`give` answers it. Nothing runs between calls, so a
    caller that answers later (a terminal, a class in the browser, a test)
    decides when the run moves on. An actor without a seat is played by its
    profile's policy, as in a model-only run.
    """

    def __init__(self, spec: Scenario, seed: int, months: int | None, seats: Iterable[Actor]) -> None:
        from model.simulation import PeninsulaModel

        self.spec = spec
        self.seats = {actor: Seat(profiles()[spec.actors[actor].profile]) for actor in seats}
        self.model = PeninsulaModel(spec, rng=seed, months=months, narrate=True, policies=self.seats)
        self._month: Iterator[Pending] | None = None
        self._waiting: Prompt | None = None
        self._told = 0
        self.month = 0  # the month of the latest decision

    def prompt(self, month_only: bool = False) -> Prompt | None:
        """The decision waiting for a seat (advancing the run to it), or None when the run has ended.

        With ``month_only``, the run goes no further than the end of the month under way (or, between
        months, of the next): None then also means the month ended with no decision for a seat (a browser
        steps a month at a time).
        """
        while self._waiting is None:
            if self._month is None:
                if not self.model.running:
                    return None
                self._month = self.model.advance()
            try:
                pending = next(self._month)
            except StopIteration:
                self._month = None
                if month_only:
                    return None
                continue
            prompt = prompt_for(pending.view)
            self.month = prompt.month
            if len(prompt.options) == 1:  # nothing to choose (e.g. no act is ready): not asked, not logged
                self.seats[prompt.actor].answer = prompt.options[0].index
            else:
                self._waiting = prompt
        return self._waiting

    def give(self, option: Option) -> None:
        """Answer the waiting decision with one of its options; the run moves on at the next :meth:`prompt`."""
        waiting = self._waiting
        if waiting is None or all(o.name != option.name or o.index != option.index for o in waiting.options):
            raise ValueError(f"{option.name!r} does not answer the decision waiting in this run")
        self.seats[waiting.actor].answer = option.index
        self._waiting = None

    def default(self, prompt: Prompt) -> Option:
        """The option the seat's own profile would choose here: what the model-only run does."""
        index = int(self.seats[prompt.actor].fallback.decide(prompt.view).index[0])
        return next(o for o in prompt.options if o.index == index)

    @property
    def ended(self) -> bool:
        return self._waiting is None and self._month is None and not self.model.running

    def news(self) -> list[str]:
        """The timeline's lines since the last call, each with its date."""
        fresh = self.model.records[self._told :]
        self._told = len(self.model.records)
        start = self.spec.scenario.start
        return [f"{calendar(start, r.month)}: {text}" for r in fresh if (text := line(r)) is not None]


Answer = Callable[[Prompt, list[str]], int | None]
"""Given a prompt and what happened since the last one (lines of the timeline), the position of the
chosen option in ``prompt.options``, or None when no more answers will come."""


@dataclass
class Session:
    """One run of a scenario with a person in ``actor``'s seat."""

    spec: Scenario
    actor: Actor
    seed: int
    months: int | None = None
    choices: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.run = Run(self.spec, self.seed, self.months, (self.actor,))
        self.seat = self.run.seats[self.actor]
        self.model = self.run.model
        self.months = self.model.months
        self.complete = False

    @property
    def month(self) -> int:
        """The month of the latest decision."""
        return self.run.month

    def play(self, answer: Answer) -> bool:
        """Run to the end, asking ``answer`` at each of the seat's decisions; False if the answers ran out."""
        while (prompt := self.run.prompt()) is not None:
            pick = answer(prompt, self.news())
            if pick is None:
                return False
            option = prompt.options[pick]
            self.run.give(option)
            self.choices.append({"month": prompt.month, "decision": prompt.decision.value, "chosen": option.name})
        self.complete = True
        return True

    def news(self) -> list[str]:
        """The timeline's lines since the last call, each with its date."""
        return self.run.news()


def prompt_for(view: View) -> Prompt:
    return Prompt(view.month, view.actor, view.decision, QUESTIONS[view.decision], options_of(view), view)
