"""The state read on the one payoff scale: the situation, each actor's preferences and the month's outlook.

Every phase in which an actor decides reads these; so do realised utility
and the viewers. Nothing here changes the state.
"""

from __future__ import annotations

import numpy as np

from model.core.domain import N_ACTORS, Activity, Actor, Enforcer, Issue, Proposal, TalksFormat
from model.core.state import State
from model.phases.month import Month
from model.rules import economy, enforcement, implementation, options, talks
from model.rules.outlook import Outlook
from model.rules.paths import (
    Offers,
    Progress,
    Situation,
    arsenal_keep,
    credibility_of_guarantees,
    persistence,
)
from model.rules.utility import Preferences, World, flow, weights

US, DPRK = Actor.US.index, Actor.DPRK.index
ENFORCERS = tuple(Actor(e.value).index for e in Enforcer)
ENFORCER_OF = {a: e for e, a in enumerate(ENFORCERS)}
SIX = TalksFormat.SIX_PARTY.index
SQ = Proposal.STATUS_QUO.index
K = {issue: issue.index for issue in Issue}


def delivered(s: State) -> np.ndarray:
    """Each enforcer's delivery on each channel, ``(R, E, C)``."""
    return enforcement.delivered(s.enforcement_start, s.delivery_shift)


def reach(p) -> np.ndarray:
    """Share of the sanctions' bite the regime's relief lifts (it may lift UN measures only)."""
    return economy.relief_reach(p.relief_from, p.us_unilateral_share)


def felt_relief(p, s: State) -> np.ndarray:
    """Relief in force as the economy feels it (see :func:`model.rules.economy.effective_relief`)."""
    return economy.effective_relief(s.relief, p.initial_relief, reach(p))


def restored(p) -> np.ndarray:
    """Share of lifted relief that returns when the US ends an agreement without a snapback clause."""
    return economy.restored_share(p.relief_from, p.us_unilateral_share, p.un_reimposition)


def cooperation_paid(p, s: State) -> np.ndarray:
    """Share of the agreement's economic cooperation actually paid: all of it unless Japan withholds."""
    return 1.0 - p.japan_share * s.aid_withheld


def named(p) -> Offers:
    """The named proposals as drafted (before the talks' format makes them six-party texts)."""
    return talks.named_offers(p.proposals, p.proposal_kind, p.proposal_scope, p.max_phases)


def situation(p, s: State) -> Situation:
    """What every actor's valuation of a path starts from: the economy's lines, the status quo, the rates."""
    given = delivered(s)
    base, slope = economy.income_coefficients(given, p.income_share, p.rest_of_world)
    trade_base, trade_slope = economy.trade_coefficients(given, p.income_share)
    # Both are lines in the relief the economy feels, r0 + reach (r - r0): lines in r again.
    lifted, initial = reach(p), p.initial_relief
    base, slope = base + slope * initial * (1.0 - lifted), slope * lifted
    trade_base = trade_base + trade_slope * (initial * (1.0 - lifted))[:, None]
    trade_slope = trade_slope * lifted[:, None]
    sq = p.proposals[:, SQ].copy()
    sq[:, K[Issue.SANCTIONS_RELIEF]] = s.relief
    sq[:, K[Issue.EXERCISE_RESTRAINT]] = p.exercises_suspended
    sq[:, K[Issue.MULTILATERAL_FORMAT]] = s.format == SIX
    return Situation(
        sq_point=sq,
        relief=s.relief,
        initial_relief=p.initial_relief,
        arsenal=s.capability,
        income_base=base,
        income_slope=slope,
        need=p.need,
        trade_base=trade_base,
        trade_slope=trade_slope,
        tension=s.tension,
        test_rate=s.test_rate,
        exercise_rate=p.exercise_months.mean(axis=1) * ~p.exercises_suspended,
        test_tension=p.test_tension,
        exercise_tension=p.exercise_tension,
        tension_decay=p.tension_decay,
        growth=p.capability_growth,
        horizon=p.horizon,
        duration=p.duration.astype(float),
        schedule=p.relief_schedule,
        snapback=p.snapback,
        restored=restored(p),
        trust=s.trust,
        guarantor_weight=p.guarantor_weight,
        pressure_forecast=s.pressure_forecast,
        yield_hazard=p.yield_hazard,
    )


def preferences(m: Month, ideal: np.ndarray, actor: int, sit: Situation | None = None) -> Preferences:
    """One actor's terms of the flow utility at positions ``ideal`` (with ``sit``: its discounted constants too)."""
    p = m.params
    term = "regime" if actor == DPRK else "trade" if actor in ENFORCERS else "none"
    patience = p.patience[:, actor]
    return Preferences(
        ideal=ideal[:, actor],
        weight=m.memoised(("weight", actor), weights, p.salience[:, actor]),  # salience changes only by an event
        security=p.security_weight[:, actor],
        economy=p.economy_weight[:, actor],
        tension=p.tension_weight[:, actor],
        patience=p.patience[:, actor],
        owns_arsenal=actor == DPRK,
        curvature=p.security_curvature,
        economy_term=term,
        persistence=None if sit is None else m.memoised(("persistence", actor), persistence, sit, patience),
        keep=None if sit is None else m.memoised(("keep", actor), arsenal_keep, sit, patience),
    )


def outlook(m: Month, s: State) -> Outlook:
    """The month's valuations for every actor: what the policies read."""
    p = m.params
    sit = situation(p, s)
    agenda = talks.in_talks_format(named(p), s.format == SIX)
    deal = None
    if s.in_force.any():
        point = s.deal_point.copy()
        point[:, K[Issue.ECONOMIC_COOPERATION]] *= cooperation_paid(p, s)
        deal = Offers(point[:, None], s.deal_framework[:, None], s.deal_scope[:, None], s.deal_steps[:, None])
    progress = (
        Progress(s.steps_done, implementation.months_to_next(s, p.duration), s.relief) if s.in_force.any() else None
    )
    return Outlook(
        situation=sit,
        prefs=tuple(preferences(m, s.ideal, a, sit) for a in range(N_ACTORS)),
        reads=p.reads_ambiguous_as_covered,
        agenda=agenda,
        on_agenda=p.agenda & talks.SIGNABLE,
        margin=p.margin[:, None] * p.resolve * m.margin_scale,
        noise=p.decision_noise,
        beliefs=s.yield_belief,
        hope=s.hope,
        in_force=s.in_force,
        deal=deal,
        progress=progress,
    )


def conflict_terms(p, s: State) -> options.Conflict:
    """The terms the conflict decisions (tests, exercises, enforcement, the Council) weigh."""
    return options.Conflict(
        test_gain=p.test_capability_gain,
        tension={
            Activity.STRATEGIC_TEST: p.test_tension,
            Activity.LAUNCH: p.launch_tension,
            Activity.SHORT_RANGE: p.short_range_tension,
        },
        drive={
            Activity.STRATEGIC_TEST: p.test_drive,
            Activity.LAUNCH: p.launch_drive,
            Activity.SHORT_RANGE: p.short_range_drive,
        },
        moratorium=p.moratorium,
        moratorium_cost=p.moratorium_cost,
        exercise_tension=p.exercise_tension,
        exercise_value=p.exercise_value,
        exercise_reaction=p.exercise_reaction,
        answering=s.exercised_last,
        curvature=p.security_curvature,
        tightening_step=p.tightening_step,
        delivery_step=p.delivery_step,
        deterrence=p.deterrence,
        talks_support=p.talks_support,
        standing=p.standing,
        engaged=p.active | s.in_force,
    )


def world_now(p, s: State) -> World:
    """The world as it is this month, as :func:`~model.rules.utility.flow` values it."""
    share = np.where(s.in_force & ~s.deal_framework, s.implemented_share, 0.0)
    live = s.in_force[:, None]
    point = np.where(live, s.deal_point, p.proposals[:, SQ])
    point[:, K[Issue.DENUCLEARIZATION]] = s.deal_point[:, K[Issue.DENUCLEARIZATION]] * share
    paid = cooperation_paid(p, s)
    point[:, K[Issue.ECONOMIC_COOPERATION]] = s.deal_point[:, K[Issue.ECONOMIC_COOPERATION]] * share * paid
    point[:, K[Issue.SANCTIONS_RELIEF]] = s.relief
    restraint = np.where(s.in_force, s.deal_point[:, K[Issue.EXERCISE_RESTRAINT]], 0.0)
    point[:, K[Issue.EXERCISE_RESTRAINT]] = np.maximum(restraint, p.exercises_suspended)
    point[:, K[Issue.MULTILATERAL_FORMAT]] = np.where(
        s.in_force, point[:, K[Issue.MULTILATERAL_FORMAT]], s.format == SIX
    )
    kappa = credibility_of_guarantees(s.trust, p.guarantor_weight, point[:, K[Issue.MULTILATERAL_FORMAT]])
    trade = np.stack(economy.trade_coefficients(delivered(s), p.income_share))
    trade_kept = trade[0] + trade[1] * felt_relief(p, s)[:, None]
    return World(
        point[:, None],
        s.capability[:, None],
        kappa[:, None],
        (1.0 - s.pressure)[:, None],
        trade_kept[:, None],
        s.tension[:, None],
    )


def realised_utility(m: Month, s: State) -> np.ndarray:
    """What each actor gets this month, ``(R, A)``: the flow utility of the state, by its starting preferences."""
    prefs = m.memoised("starting_prefs", lambda: tuple(preferences(m, m.params.ideal, a) for a in range(N_ACTORS)))
    world = world_now(m.params, s)
    return np.stack([flow(prefs[a], world, ENFORCER_OF.get(a))[:, 0] for a in range(N_ACTORS)], axis=1)
