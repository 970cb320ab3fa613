"""Named outcomes of a run (or of every replication of a batch), read off the final state."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.domain import Actor, Issue, OutcomeClass, Proposal, TalksFormat

if TYPE_CHECKING:
    from model.simulation import PeninsulaModel

PACKAGE_NAMES = np.array([p.value for p in Proposal] + ["compromise", "none"])
FORMAT_NAMES = np.array([f.value for f in TalksFormat] + ["none"])
CLASS_NAMES = np.array([c.value for c in OutcomeClass])
COMPREHENSIVE = 0.7
"""Denuclearization scope from which an agreement counts as a deal rather than a partial deal."""

OUTCOME_FIELDS: dict[str, str] = {
    "deal_reached": "an agreement was signed",
    "outcome_class": "deal, partial_deal, no_deal or collapse (see docs/ODD.md)",
    "package": "the latest agreement: a named proposal, compromise, or none",
    "nearest_package": "the named proposal nearest the latest agreement (city-block distance), or none",
    "month_agreed": "month of the first agreement (NaN if none)",
    "months_held": "months any agreement was in force",
    "deals_signed": "agreements signed (a collapsed deal may be followed by another)",
    "breached": "the agreement in force at the end was breached at least once",
    "collapsed": "the latest agreement broke down",
    "capability_end": "DPRK arsenal at the end, share of its ceiling",
    "income_end": "DPRK external income at the end, share of unsanctioned income",
    "pressure_end": "sanctions pressure felt by the DPRK at the end",
    "relief_end": "formal sanctions relief in force at the end",
    "tension_peak": "highest monthly tension",
    "tension_mean": "mean monthly tension",
    "tests": "DPRK strategic tests held",
    "exercises": "major US-ROK exercises held",
    "talks_held": "rounds of talks held",
    "final_format": "talks format at the end",
    "signing_format": "format in which the latest agreement was signed, or none",
    **{f"deal_{issue.value}": f"agreed {issue.value.replace('_', ' ')} (NaN if none)" for issue in Issue},
    **{f"utility_{actor.value}": f"{actor.value}'s mean realised utility per month" for actor in Actor},
}


def outcome_class(signed, in_force, breached, denuclearization, steps_verified) -> np.ndarray:
    """Historians' classes: deal, partial deal, no deal or collapse.

    deal: a comprehensive agreement (denuclearization >= 0.7) in force, unbroken, with
    implementation started (a step verified); partial deal: principles without a
    verified step yet, an interim agreement, or one breached but surviving;
    collapse: agreed, then broke down; no deal: never agreed.

    >>> outcome_class(np.array([True, True, True, False, True]), np.array([True, True, False, False, True]),
    ...               np.array([False, False, True, False, False]), np.array([0.8, 0.4, 0.9, 0.0, 0.8]),
    ...               np.array([1, 1, 0, 0, 0])).tolist()
    ['deal', 'partial_deal', 'collapse', 'no_deal', 'partial_deal']
    """
    code = np.select(
        [~signed, ~in_force, ~breached & (denuclearization >= COMPREHENSIVE) & (steps_verified >= 1)],
        [OutcomeClass.NO_DEAL.index, OutcomeClass.COLLAPSE.index, OutcomeClass.DEAL.index],
        default=OutcomeClass.PARTIAL_DEAL.index,
    )
    return CLASS_NAMES[code]


def nearest_proposal(points: np.ndarray, proposals: np.ndarray) -> np.ndarray:
    """Index of the signable named proposal nearest each point (city-block distance).

    >>> proposals = np.array([[[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [0.2, 0.2], [0.0, 0.0]]])
    >>> nearest_proposal(np.array([[0.9, 0.1]]), proposals).tolist()
    [0]
    """
    distance = np.abs(proposals - points[:, None, :]).sum(axis=2)
    distance[:, Proposal.STATUS_QUO.index] = np.inf
    return np.argmin(distance, axis=1)


def outcomes(model: PeninsulaModel) -> dict[str, np.ndarray]:
    """One array per outcome field, one entry per replication."""
    s = model.state
    months = max(s.month, 1)
    agreed = np.where(s.signed[:, None], s.deal_point, np.nan)
    out: dict[str, np.ndarray] = {
        "deal_reached": s.signed.copy(),
        "outcome_class": outcome_class(
            s.signed, s.in_force, s.breached, s.deal_point[:, Issue.DENUCLEARIZATION.index], s.phases_done
        ),
        "package": PACKAGE_NAMES[np.where(s.package >= 0, s.package, len(PACKAGE_NAMES) - 1)],
        "nearest_package": np.where(
            s.signed, PACKAGE_NAMES[nearest_proposal(s.deal_point, model.params["proposals"])], "none"
        ),
        "month_agreed": np.where(s.first_month_signed >= 0, s.first_month_signed, np.nan),
        "months_held": s.months_held.copy(),
        "deals_signed": s.deals.copy(),
        "breached": s.breached.copy(),
        "collapsed": s.collapsed.copy(),
        "capability_end": s.capability.copy(),
        "income_end": s.income.copy(),
        "pressure_end": s.pressure.copy(),
        "relief_end": s.relief.copy(),
        "tension_peak": s.tension_peak.copy(),
        "tension_mean": s.tension_sum / months,
        "tests": s.tests.copy(),
        "exercises": s.exercises.copy(),
        "talks_held": s.talks_held.copy(),
        "final_format": FORMAT_NAMES[s.format],
        "signing_format": FORMAT_NAMES[s.format_at_signing],
    }
    for issue in Issue:
        out[f"deal_{issue.value}"] = agreed[:, issue.index]
    for actor in Actor:
        out[f"utility_{actor.value}"] = s.utility_sum[:, actor.index] / months
    return out
