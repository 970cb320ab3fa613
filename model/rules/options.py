"""The options before each decision and what each is worth, on the one payoff scale.

Each function returns ``{option: (R,) value}`` in the units of
:mod:`model.rules.utility` (a discounted mean flow), for one actor. A policy
(:mod:`model.agents.policies`) chooses among them; a person in the teaching seat sees
the same numbers. One-off acts (a test, an exercise, a month of enforcement)
are valued by the change they make to the actor's discounted mean flow.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from model.core.domain import SCOPED_ACTIVITIES, Activity, Actor, Enforcer, Issue
from model.rules.outlook import Outlook
from model.rules.paths import Offers, covered, persistence
from model.rules.utility import deterrence

US, DPRK = Actor.US.index, Actor.DPRK.index
RESTRAINT, GUARANTEES = Issue.EXERCISE_RESTRAINT.index, Issue.SECURITY_GUARANTEES.index


@dataclass(frozen=True)
class Conflict:
    """Parameters of one-off acts, ``(R,)`` arrays (``dynamics.conflict`` and ``dynamics.enforcement``)."""

    test_gain: np.ndarray
    tension: dict[Activity, np.ndarray]  # tension each activity adds
    drive: dict[Activity, np.ndarray]  # the DPRK's development and prestige value of each act
    moratorium: np.ndarray  # a self-declared halt of tests and launches, in [0, 1]
    moratorium_cost: np.ndarray
    exercise_tension: np.ndarray
    exercise_value: np.ndarray  # readiness and alliance value of an exercise to the US and the ROK
    exercise_reaction: np.ndarray  # value to the DPRK of answering last month's exercise with an act of its own
    answering: np.ndarray  # bool: an exercise was held last month
    curvature: np.ndarray
    tightening_step: np.ndarray
    delivery_step: np.ndarray
    deterrence: np.ndarray  # how far enforcers believe enforcing after a test lowers tension
    talks_support: np.ndarray  # how far they believe enforcing during talks raises it
    standing: np.ndarray  # cost to an enforcer of moving away from its usual delivery (quadratic)
    engaged: np.ndarray  # bool: talks under way or an agreement in force


def one_off_tension(outlook: Outlook, actor: int, added: np.ndarray) -> np.ndarray:
    """Mean flow lost to a one-off rise in tension that then fades: ``b_ten added kappa_T``."""
    prefs, sit = outlook.prefs[actor], outlook.situation
    persist = persistence(sit, prefs.patience) if prefs.persistence is None else prefs.persistence
    return prefs.tension * np.minimum(added, 1.0 - sit.tension) * persist


def agreement_at_stake(outlook: Outlook, actor: int) -> np.ndarray:
    """What ``actor`` loses if the agreement in force collapses: staying against walking away (0 if none)."""
    if outlook.deal is None:
        return np.zeros(outlook.replications)
    return np.maximum(outlook.stay(actor) - outlook.walk(actor), 0.0)


def enforcement_change(
    outlook: Outlook, actor: int, conflict: Conflict, change: np.ndarray, shift: np.ndarray
) -> np.ndarray:
    """Value to an enforcer of delivering ``change`` more of the mandate on every channel.

    Economy: enforcing gives up DPRK trade, and keeps the enforcer's standing
    with the US and the Council; the scenario's delivery is taken as the
    enforcer's balance of the two (its choice at the start), so on the margin
    they cancel and the economy does not move it. Tension: as it believes,
    enforcing lowers tension after a test (``deterrence`` x today's tension)
    but raises it while talks are under way (``talks_support``: it spoils
    them). Moving away from its usual delivery (``shift`` so far) costs it
    ``standing x shift^2`` with the US and the Council, so it settles where the
    pulls balance. Few parameters, one scale.
    """
    prefs, sit = outlook.prefs[actor], outlook.situation
    tension_change = change * (conflict.talks_support * conflict.engaged - conflict.deterrence * sit.tension)
    standing = conflict.standing * ((shift + change) ** 2 - shift**2)
    return -prefs.tension * tension_change - standing


def enforce(outlook: Outlook, actor: int, conflict: Conflict, shift: np.ndarray) -> dict[str, np.ndarray]:
    """Deliver a step less, the same, or a step more of the mandate (an option off its bounds is -inf)."""
    step = conflict.delivery_step
    less = np.where(shift > -1.0, enforcement_change(outlook, actor, conflict, -step, shift), -np.inf)
    more = np.where(shift < 1.0, enforcement_change(outlook, actor, conflict, step, shift), -np.inf)
    return {"less": less, "hold": np.zeros(outlook.replications), "more": more}


def council(outlook: Outlook, actor: int, conflict: Conflict, gap: np.ndarray) -> dict[str, np.ndarray]:
    """Consent to a new resolution closing ``tightening_step`` of the enforcement ``gap``, or veto it.

    A resolution raises the mandate itself, so it costs no standing.
    """
    change = conflict.tightening_step * gap
    zero = np.zeros(outlook.replications)
    consent = enforcement_change(outlook, actor, replace(conflict, standing=zero), change, zero)
    return {"consent": consent, "veto": zero}


def provoke(outlook: Outlook, conflict: Conflict, council_odds: np.ndarray) -> dict[str, np.ndarray]:
    """The DPRK's month: nothing, a short-range launch, a satellite launch, or a strategic test.

    Each act is worth its development and prestige drive, plus the security a
    test adds to the arsenal, less the tension it raises, the reputational cost
    of breaking a declared moratorium, the income a new resolution would cost
    (with the chance ``council_odds`` that China and Russia both consent), and,
    where the DPRK itself reads the agreement in force as covering the act,
    the agreement it expects to lose. After a major exercise an act also
    answers it (``exercise_reaction``: the logic of freeze-for-freeze, seed 004).
    """
    prefs, sit = outlook.prefs[DPRK], outlook.situation
    values = {Activity.NONE.value: np.zeros(outlook.replications)}
    guarantee = (
        _in_force(outlook, outlook.deal.point[:, 0, GUARANTEES])
        if outlook.deal is not None
        else np.zeros(outlook.replications)
    )
    kappa = _credibility_in_force(outlook)
    stake = agreement_at_stake(outlook, DPRK)
    reading = _reading(outlook, DPRK)
    sanctions_loss = council_odds * _tightening_cost(outlook, conflict)
    for act in (Activity.SHORT_RANGE, Activity.LAUNCH, Activity.STRATEGIC_TEST):
        value = conflict.drive[act] - one_off_tension(outlook, DPRK, conflict.tension[act])
        value = value + conflict.exercise_reaction * conflict.answering
        if act in SCOPED_ACTIVITIES:
            value = value - conflict.moratorium * conflict.moratorium_cost - sanctions_loss
            value = value - stake * reading[:, SCOPED_ACTIVITIES.index(act)]
        if act is Activity.STRATEGIC_TEST:
            before = _security(sit.arsenal, guarantee, kappa, prefs.curvature)
            after = _security(sit.arsenal + conflict.test_gain * (1.0 - sit.arsenal), guarantee, kappa, prefs.curvature)
            value = value + prefs.security * (after - before)
        values[act.value] = value
    return values


def exercise(outlook: Outlook, actor: int, conflict: Conflict) -> dict[str, np.ndarray]:
    """Hold a major exercise this month, or not: readiness against tension and any agreed restraint."""
    restraint = _in_force(outlook, outlook.deal.point[:, 0, RESTRAINT]) if outlook.deal is not None else 0.0
    value = (
        conflict.exercise_value
        - one_off_tension(outlook, actor, conflict.exercise_tension)
        - agreement_at_stake(outlook, actor) * restraint
    )
    return {"exercise": value, "hold": np.zeros(outlook.replications)}


def walk(outlook: Outlook, actor: int) -> dict[str, np.ndarray]:
    """Keep the agreement in force, or walk away from it."""
    return {"stay": outlook.stay(actor), "walk": outlook.walk(actor)}


def aid(outlook: Outlook, actor: int, share: np.ndarray, linkage: np.ndarray) -> dict[str, np.ndarray]:
    """Pay one's share of the agreement's economic cooperation this month, or withhold it.

    Paying is worth the payer's ``share`` of what the agreement in force is worth
    to it (its stake: staying against walking away), since its payment is that
    share of what keeps the DPRK in it; withholding is worth ``linkage``, the
    value of holding aid back over a bilateral issue (Japan: the abductions, E5).
    """
    return {"pay": share * agreement_at_stake(outlook, actor), "withhold": linkage}


def respond(outlook: Outlook, actor: int, precedent: np.ndarray) -> dict[str, np.ndarray]:
    """After the other side's breach: tolerate it (the agreement goes on, trusted less) or end the agreement.

    Tolerating also costs the ``precedent`` it sets (a breach that goes unanswered
    tells the other side that breaches pay: E1's and E8's answers, background).
    """
    return {"tolerate": outlook.stay(actor) - precedent, "respond": outlook.walk(actor)}


def accept(outlook: Outlook, actor: int, offers: Offers, boost: np.ndarray) -> dict[str, np.ndarray]:
    """Sign the offer on the table, or not: its value against no agreement plus the surplus demanded.

    A summit lowers the surplus demanded by ``boost`` (leaders can give more than envoys).
    """
    value = outlook.value(actor, offers)[:, 0]
    demand = outlook.margin[:, actor] - boost
    return {"accept": value - demand, "reject": outlook.no_deal(actor)}


def opening(outlook: Outlook, actor: int, boost: np.ndarray) -> np.ndarray:
    """The proposer's own value of each named proposal, less the surplus it demands (-inf off the agenda)."""
    own = outlook.agenda_values(actor) - (outlook.margin[:, actor] - boost)[:, None]
    return np.where(outlook.on_agenda, own, -np.inf)


def propose(outlook: Outlook, actor: int, responders: list[int], boost: np.ndarray) -> np.ndarray:
    """Expected value to ``actor`` of tabling each named proposal, ``(R, P)`` (-inf where it may not).

    EV = p (V - m) + (1 - p) d: ``p`` the chance every responder accepts (it
    cannot see their noise), ``V`` its own value less the surplus ``m`` it
    demands itself, ``d`` its value of no agreement.
    """
    own = outlook.agenda_values(actor) - (outlook.margin[:, actor] - boost)[:, None]
    odds = np.ones_like(own)
    for other in responders:
        odds = odds * outlook.accept_probability(other, outlook.agenda_values(other) + boost[:, None])
    no_deal = outlook.no_deal(actor)[:, None]
    ev = odds * own + (1.0 - odds) * no_deal
    return np.where(outlook.on_agenda, ev, -np.inf)


def _in_force(outlook: Outlook, values: np.ndarray) -> np.ndarray:
    """Values of the agreement in force, 0 where none is."""
    return np.where(outlook.in_force, values, 0.0) if outlook.in_force is not None else values


def _credibility_in_force(outlook: Outlook) -> np.ndarray:
    from model.rules.paths import guarantee_credibility

    if outlook.deal is None:
        return np.zeros(outlook.replications)
    return guarantee_credibility(outlook.situation, outlook.deal.point[:, 0, Issue.MULTILATERAL_FORMAT.index])


def _security(arsenal, guarantee, kappa, curvature) -> np.ndarray:
    return np.power(np.clip(deterrence(arsenal, guarantee, kappa), 0.0, 1.0), curvature)


def _reading(outlook: Outlook, actor: int) -> np.ndarray:
    """(R, 2): 1 where ``actor`` reads the agreement in force as covering tests, launches."""
    if outlook.deal is None:
        return np.zeros((outlook.replications, 2))
    live = outlook.in_force[:, None] if outlook.in_force is not None else 1.0
    return covered(outlook.deal.scope, outlook.reads[:, actor])[:, 0, :] * live


def _tightening_cost(outlook: Outlook, conflict: Conflict) -> np.ndarray:
    """Mean flow the DPRK would lose if a resolution closed ``tightening_step`` of every enforcement gap."""
    sit, prefs = outlook.situation, outlook.prefs[DPRK]
    income_now = sit.income_base + sit.income_slope * sit.relief
    lost_share = conflict.tightening_step * sit.income_base  # the income leakage a resolution closes
    income_after = income_now - lost_share * (1.0 - sit.relief)
    need = np.maximum(sit.need, 1e-9)
    econ_now = 1.0 - np.clip((sit.need - income_now) / need, 0.0, 1.0)
    econ_after = 1.0 - np.clip((sit.need - income_after) / need, 0.0, 1.0)
    return prefs.economy * (econ_now - econ_after)


ENFORCERS = tuple(Actor(e.value).index for e in Enforcer)
