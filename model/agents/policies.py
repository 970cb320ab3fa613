"""Policies: how an actor turns what it sees into what it does.

Every decision is one call ``policy.decide(view) -> Choice``: the view says
which decision it is (:class:`Decision`), what the actor can see (a read-only
snapshot and this month's :class:`~model.rules.outlook.Outlook`) and which
options it has with their values (:mod:`model.rules.options`). The rules
then apply the choices. So a scripted strategy or a person at a terminal is
one more policy, with no change to any rule.

:class:`UtilityPolicy` is the default: random utility over the option values,
``choose argmax_k V_k + bias_k + s e_k`` with independent standard normal
``e_k`` and ``s = noise / sqrt(2)``, so a yes/no choice is taken with
probability ``Phi((V_yes - V_no) / noise)``: the same probability a proposer
uses when it guesses whether an offer will be accepted. Behaviour profiles
are its parameters (:func:`profiles`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import Any, Protocol

import numpy as np

from model.core.domain import Actor


class Decision(StrEnum):
    """The decision points of a month, in the order they come."""

    ENFORCE = "enforce"  # CHN, RUS: deliver a step less, the same, or more of the mandate
    PROVOKE = "provoke"  # DPRK: nothing, a short-range launch, a satellite launch, a strategic test
    EXERCISE = "exercise"  # US, ROK: hold a major exercise this month
    COUNCIL = "council"  # CHN, RUS: consent to a new resolution after a test or launch
    RESPOND = "respond"  # the other side breached: tolerate it or end the agreement
    WALK = "walk"  # keep the agreement in force or walk away
    CALL_FORMAT = "call_format"  # a broker: call for six-party talks
    CONSENT_FORMAT = "consent_format"  # a veto player: accept six-party talks
    PROPOSE = "propose"  # the agenda setter, then a veto player: table a named proposal or none
    BROKER = "broker"  # a broker: table a compromise
    ACCEPT = "accept"  # sign the offer on the table or not
    AID = "aid"  # JPN: pay its share of an agreement's economic cooperation this month, or withhold it


@dataclass(frozen=True)
class View:
    """What an actor sees when it decides: read-only, over the replication axis.

    ``options`` maps each option to its value ``(R,)`` (or, for a proposal,
    ``(R, S)`` over offers); ``asked`` marks the replications in which the
    actor decides; ``noise`` is ``(R, n_options)`` standard normal draws for
    this actor and decision, from the run's counter-based generator (0 where
    the actor is not asked), and
    ``scale`` their spread in payoff units.
    """

    actor: Actor
    decision: Decision
    month: int
    state: Mapping[str, np.ndarray]
    outlook: Any
    options: Mapping[str, np.ndarray]
    asked: np.ndarray
    noise: np.ndarray
    scale: np.ndarray  # (R,) spread of the unobserved part of this judgement, in payoff units
    context: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Choice:
    """A policy's answer: one option index per replication (-1: no offer), and the values it weighed."""

    index: np.ndarray
    values: Mapping[str, np.ndarray]


class Policy(Protocol):
    """Anything that answers a view with a choice: the utility rule, a script, a person."""

    name: str

    def decide(self, view: View) -> Choice: ...


@dataclass(frozen=True)
class UtilityPolicy:
    """The default policy: the option worth most, on the one payoff scale, plus unobserved noise.

    ``margin_scale`` multiplies the surplus over no agreement the actor demands
    before it signs; ``concession_scale`` multiplies how readily its position
    follows its allies or patrons; ``walk_bias`` is a value it adds to walking
    away from an agreement or ending it after a breach (positive: quicker to
    quit). The numbers are in ``model/data/sources.toml`` under ``profiles``.
    """

    name: str
    description: str
    margin_scale: float = 1.0
    concession_scale: float = 1.0
    walk_bias: float = 0.0
    noise_scale: float = 1.0

    def decide(self, view: View) -> Choice:
        values = dict(view.options)
        if view.decision in (Decision.WALK, Decision.RESPOND):
            quit_option = "walk" if view.decision is Decision.WALK else "respond"
            values[quit_option] = values[quit_option] + self.walk_bias
        if view.decision is Decision.PROPOSE:
            chosen = _best_offer(values["offers"], values["no_offer"], values.get("joint"), values.get("own"))
            return Choice(chosen, view.options)
        if view.decision is Decision.BROKER:
            return Choice(np.asarray(values["nash"], dtype=np.int64), view.options)
        stacked = np.stack([np.broadcast_to(v, view.asked.shape) for v in values.values()], axis=1)
        spread = view.scale * self.noise_scale / np.sqrt(2.0)
        scored = stacked + np.reshape(spread, (-1, 1)) * view.noise[:, : stacked.shape[1]]
        return Choice(np.argmax(scored, axis=1), view.options)


def _best_offer(ev: np.ndarray, no_offer: np.ndarray, joint: np.ndarray | None, own: np.ndarray | None = None):
    """The slot of highest expected value if it beats tabling nothing (exact ties go to the joint value);
    where no text has a chance that shows, the proposer's opening position: the text it values most, if that
    beats no agreement; else -1 (nothing tabled).

    >>> _best_offer(np.array([[0.5, 0.7, 0.7]]), np.array([0.6]), np.array([[0.0, 1.0, 2.0]])).tolist()
    [2]
    >>> _best_offer(np.array([[0.5]]), np.array([0.6]), None).tolist()
    [-1]
    >>> _best_offer(np.array([[0.6, 0.6]]), np.array([0.6]), None, np.array([[0.9, 0.7]])).tolist()
    [0]
    """
    best = ev.max(axis=1)
    tied = ev == best[:, None]
    tiebreak = np.where(tied, joint if joint is not None else 0.0, -np.inf)
    slot = np.where(np.isfinite(best) & (best > no_offer), np.argmax(tiebreak, axis=1), -1)
    if own is None:
        return slot
    opening = np.argmax(own, axis=1)
    opens = np.isfinite(own.max(axis=1)) & (own.max(axis=1) > no_offer)
    return np.where(slot >= 0, slot, np.where(opens, opening, -1))


class DefersToProfile:
    """A policy that answers some decisions itself and leaves its demands (margin, concessions) to the
    profile's policy in ``fallback``, so the other actors read it as they would the model's own actor."""

    fallback: UtilityPolicy

    @property
    def margin_scale(self) -> float:
        return self.fallback.margin_scale

    @property
    def concession_scale(self) -> float:
        return self.fallback.concession_scale


@dataclass(frozen=True)
class ScriptedPolicy(DefersToProfile):
    """A fixed answer to some decisions (by option name), the default policy for the rest.

    ``ScriptedPolicy("dove", {Decision.ACCEPT: "accept"})`` signs whatever is
    offered, ``{Decision.PROPOSE: "phased_relief"}`` tables that proposal; a
    test can script a duel this way without touching a rule.
    """

    name: str
    script: Mapping[Decision, str]
    fallback: UtilityPolicy = field(default_factory=lambda: default_policy())

    def decide(self, view: View) -> Choice:
        chosen = self.script.get(view.decision)
        if chosen is None:
            return self.fallback.decide(view)
        names = list(view.context.get("names", view.options))  # a proposal is scripted by its name
        index = names.index(chosen) if chosen in names else -1
        return Choice(np.full(view.asked.shape, index, dtype=np.int64), view.options)


@cache
def profiles() -> dict[str, UtilityPolicy]:
    """The behaviour profiles, read from ``model/data/sources.toml`` (every multiplier with its source)."""
    from model.agents.profiles import profile_table

    return {
        name: UtilityPolicy(name, spec["description"], **{k: v for k, v in spec.items() if k != "description"})
        for name, spec in profile_table().items()
    }


def default_policy() -> UtilityPolicy:
    return profiles()["default"]
