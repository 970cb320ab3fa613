"""Named outcomes of a run (or of every replication of a batch), read off the final state.

The outcome class is read by implementation at the end of the run's window,
as historians code the cases (``shared/BACKGROUND.md``): a **deal** is an
agreement in force whose implementation began (a step delivered, late steps
included); a **partial deal** is a framework without a schedule, or an
agreement whose implementation never began; a **collapse** is an agreement
that broke down; **no deal** means nothing was signed. How much it covers
(the denuclearization scope) and how long it held are columns of their own.
"""

from __future__ import annotations

import numpy as np

from model.core.domain import Activity, Actor, Cause, Coverage, Issue, OutcomeClass, Package, Proposal, TalksFormat
from model.core.state import NO_ONE, State
from model.results.columns import OUTCOMES

PACKAGE_NAMES = np.array([p.value for p in Package] + ["none"])
FORMAT_NAMES = np.array([f.value for f in TalksFormat] + ["none"])
ACTOR_NAMES = np.array([a.value for a in Actor] + ["none"])
CLASS_NAMES = np.array([c.value for c in OutcomeClass])
CAUSE_NAMES = np.array([c.value for c in Cause])
COVERAGE_NAMES = np.array([c.value for c in Coverage])

OUTCOME_FIELDS: dict[str, str] = {c.name: c.description for c in OUTCOMES}
"""Every outcome of a run and what it means (the data dictionary, :mod:`model.results.columns`, says more)."""


def outcome_class(signed, in_force, collapsed, framework, began) -> np.ndarray:
    """Historians' classes, by implementation of the latest agreement at the end of the window.

    >>> outcome_class(np.array([False, True, True, True, True]), np.array([False, False, True, True, True]),
    ...               np.array([False, True, False, False, False]), np.array([False, False, True, False, False]),
    ...               np.array([False, True, False, False, True])).tolist()
    ['no_deal', 'collapse', 'partial_deal', 'partial_deal', 'deal']
    """
    code = np.select(
        [~signed, collapsed | ~in_force, framework | ~began],
        [OutcomeClass.NO_DEAL.index, OutcomeClass.COLLAPSE.index, OutcomeClass.PARTIAL_DEAL.index],
        default=OutcomeClass.DEAL.index,
    )
    return CLASS_NAMES[code]


def nearest_proposal(points: np.ndarray, proposals: np.ndarray) -> np.ndarray:
    """Index of the signable named proposal nearest each point (city-block distance).

    >>> proposals = np.array([[[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [0.2, 0.2], [0.9, 0.9], [0.0, 0.0]]])
    >>> nearest_proposal(np.array([[0.9, 0.1]]), proposals).tolist()
    [0]
    """
    distance = np.abs(proposals - points[:, None, :]).sum(axis=2)
    distance[:, Proposal.STATUS_QUO.index] = np.inf
    return np.argmin(distance, axis=1)


def outcomes(model) -> dict[str, np.ndarray]:
    """One array per outcome field, one entry per replication."""
    s: State = model.state
    months = max(s.month, 1)
    signed = s.signed
    agreed = np.where(signed[:, None], s.deal_point, np.nan)
    none = len(PACKAGE_NAMES) - 1
    out: dict[str, np.ndarray] = {
        "deal_reached": signed.copy(),
        "outcome_class": outcome_class(signed, s.in_force, s.collapsed, s.deal_framework, s.began),
        "package": PACKAGE_NAMES[np.where(s.package >= 0, s.package, none)],
        "agreement_kind": np.where(signed, np.where(s.deal_framework, "framework", "agreement"), "none"),
        "nearest_package": np.where(
            signed, PACKAGE_NAMES[nearest_proposal(s.deal_point, model.params.proposals)], "none"
        ),
        "month_agreed": np.where(s.first_month_signed >= 0, s.first_month_signed, np.nan),
        "months_held": s.months_held.copy(),
        "deals_signed": s.deals.copy(),
        "collapses": s.collapses.copy(),
        "steps": s.deal_steps.copy(),
        "steps_delivered": s.steps_done.copy(),
        "late_steps": s.late_steps.copy(),
        "implementation_began": s.began.copy(),
        "collapsed": s.collapsed.copy(),
        "collapse_cause": np.where(s.collapsed, CAUSE_NAMES[s.cause], "none"),
        "collapsed_by": np.where(s.collapsed, ACTOR_NAMES[s.breaker], "none"),
        "covers_tests": np.where(signed, COVERAGE_NAMES[s.deal_scope[:, 0]], "none"),
        "covers_launches": np.where(signed, COVERAGE_NAMES[s.deal_scope[:, 1]], "none"),
        "broker": ACTOR_NAMES[np.where(s.broker == NO_ONE, len(Actor), s.broker)],
        "signing_format": FORMAT_NAMES[s.signed_by_format],
        "final_format": FORMAT_NAMES[s.format],
        "capability_end": s.capability.copy(),
        "income_end": s.income.copy(),
        "pressure_end": s.pressure.copy(),
        "relief_end": s.relief.copy(),
        "tension_peak": s.tension_peak.copy(),
        "tension_mean": s.tension_sum / months,
        "tests": s.activities[:, Activity.STRATEGIC_TEST.index].copy(),
        "launches": s.activities[:, Activity.LAUNCH.index].copy(),
        "short_range": s.activities[:, Activity.SHORT_RANGE.index].copy(),
        "exercises": s.exercises.copy(),
        "resolutions": s.tightenings.copy(),
        "aid_withheld_months": s.aid_withheld_months.copy(),
        "talks_held": s.talks_held.copy(),
        "us_yield_belief_end": s.yield_belief[:, Actor.US.index].copy(),
        "trust_US_in_DPRK_end": s.trust[:, Actor.US.index, Actor.DPRK.index].copy(),
        "trust_DPRK_in_US_end": s.trust[:, Actor.DPRK.index, Actor.US.index].copy(),
    }
    for issue in Issue:
        out[f"deal_{issue.value}"] = agreed[:, issue.index]
    for actor in Actor:
        out[f"utility_{actor.value}"] = s.utility_sum[:, actor.index] / months
    return out
