"""Talks: the texts that can be tabled, a broker's compromise, and signing.

A round (run by :mod:`model.simulation`) goes: the agenda setter tables the
named proposal worth most to it in expectation (or nothing), every veto
player answers; if none signs, a veto player counters; if mediators are at
the table (six-party talks, or mediation), a broker tables the compromise of
greatest joint surplus for the veto players (:func:`nash_slot`). The first
text every veto player accepts is signed: that is the protocol's order, not a
tie-breaker among texts.
"""

from __future__ import annotations

import numpy as np

from model.core.domain import AgreementKind, Coverage, Issue, Package, Proposal
from model.core.state import NO_ONE, State
from model.rules.paths import Offers, steps_for

PHASING = Issue.PHASING.index
MULTILATERAL = Issue.MULTILATERAL_FORMAT.index
FRAMEWORK = AgreementKind.FRAMEWORK.index
SIGNABLE = np.array([p is not Proposal.STATUS_QUO for p in Proposal])
BROKERED = Package.COMPROMISE.index
"""Package code of a broker's compromise."""
BLEND_WEIGHTS = (0.25, 0.5, 0.75)
"""How far from the second parent toward the first a broker's blends lie."""


def named_offers(proposals: np.ndarray, kind: np.ndarray, scope: np.ndarray, max_phases: np.ndarray) -> Offers:
    """The named proposals as offers, ``(R, P)``."""
    framework = kind == FRAMEWORK
    steps = np.where(framework, 0, steps_for(proposals[..., PHASING], max_phases))
    return Offers(proposals, framework, scope, steps)


def in_talks_format(named: Offers, six_party: np.ndarray) -> Offers:
    """Texts as tabled in the talks' format: whatever its draft says, a text agreed in six-party talks is a
    six-party agreement (its multilateral format is full), so its guarantees carry every party's word."""
    point = named.point.copy()
    point[..., MULTILATERAL] = np.where(six_party[:, None], 1.0, point[..., MULTILATERAL])
    return Offers(point, named.framework, named.scope, named.steps)


def blends(
    named: Offers, first: np.ndarray, second: np.ndarray, max_phases: np.ndarray, weights=BLEND_WEIGHTS
) -> Offers:
    """A broker's compromises between two texts (each veto player's favourite): 3/4, 1/2 and 1/4 of the way.

    A blend covers what both parents cover; where they differ it follows the
    nearer parent, and at the midpoint it is ambiguous (a compromise papers
    over the difference). ``first``, ``second`` are ``(R,)`` slots of ``named``;
    ``weights`` the shares of ``first`` (listed from the nearest to ``second``).

    >>> pts = np.zeros((1, 2, 7)); pts[0, 1, 0] = 1.0; scope = np.array([[[2, 2], [0, 2]]])
    >>> named = Offers(pts, np.array([[False, False]]), scope, np.array([[1, 1]]))
    >>> b = blends(named, np.array([0]), np.array([1]), np.array([4]))
    >>> b.point[0, :, 0].tolist(), b.scope[0, :, 0].tolist()
    ([0.25, 0.5, 0.75], [2, 1, 0])
    """
    rows = np.arange(len(first))
    a, b = named.point[rows, first], named.point[rows, second]
    sa, sb = named.scope[rows, first], named.scope[rows, second]
    point = np.stack([w * a + (1 - w) * b for w in weights[::-1]], axis=1)
    scope = np.stack([_blend_scope(sa, sb, w) for w in weights[::-1]], axis=1)
    framework = np.zeros(point.shape[:2], dtype=bool)
    return Offers(point, framework, scope, steps_for(point[..., PHASING], max_phases))


def join(a: Offers, b: Offers) -> Offers:
    """Two sets of offers side by side, ``(R, S_a + S_b)``."""
    return Offers(
        *(
            np.concatenate([x, y], axis=1)
            for x, y in zip(
                (a.point, a.framework, a.scope, a.steps), (b.point, b.framework, b.scope, b.steps), strict=True
            )
        )
    )


def _blend_scope(a: np.ndarray, b: np.ndarray, w: float) -> np.ndarray:
    if w == 0.5:
        return np.where(a == b, a, Coverage.AMBIGUOUS.index)
    return a if w > 0.5 else b


def nash_slot(gain_a: np.ndarray, gain_b: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """The candidate of greatest joint surplus for two veto players: the largest Nash product of their gains.

    Gains are values over each player's no-agreement value, ``(R, C)``. Where
    no candidate gains both, the broker tables the one whose worse-off player
    loses least.

    >>> nash_slot(np.array([[0.1, 0.3, 0.5]]), np.array([[0.4, 0.3, -0.1]]), np.ones((1, 3), bool)).tolist()
    [1]
    """
    product = np.where((gain_a > 0) & (gain_b > 0), gain_a * gain_b, -np.inf)
    product = np.where(valid, product, -np.inf)
    fallback = np.where(valid, np.minimum(gain_a, gain_b), -np.inf)
    has = np.isfinite(product).any(axis=1)
    return np.where(has, np.argmax(product, axis=1), np.argmax(fallback, axis=1))


def sign(
    state: State,
    agreed: np.ndarray,
    offers: Offers,
    slot: np.ndarray,
    package: np.ndarray,
    broker: np.ndarray,
    taste: np.ndarray,
) -> State:
    """The state after signing offer ``slot`` where ``agreed``: a new agreement replaces any in force.

    ``package`` is the Proposal index (or :data:`BROKERED`) and ``broker`` the
    brokering actor (or NO_ONE), per replication; ``taste`` ``(R, A, 2)`` the
    draws each party accepted it with, which it keeps while the agreement lasts.
    """
    deal = offers.take(np.maximum(slot, 0))
    w = agreed[:, None]
    month = state.month
    return state.but(
        in_force=state.in_force | agreed,
        deal_point=np.where(w, deal.point[:, 0], state.deal_point),
        deal_framework=np.where(agreed, deal.framework[:, 0], state.deal_framework),
        deal_scope=np.where(w, deal.scope[:, 0], state.deal_scope),
        deal_steps=np.where(agreed, deal.steps[:, 0], state.deal_steps),
        steps_done=np.where(agreed, 0, state.steps_done),
        months_in_force=np.where(agreed, 0, state.months_in_force),
        months_late=np.where(agreed, 0, state.months_late),
        package=np.where(agreed, package, state.package),
        broker=np.where(agreed, broker, state.broker),
        signed_by_format=np.where(agreed, state.format, state.signed_by_format),
        month_signed=np.where(agreed, month, state.month_signed),
        deal_noise=np.where(agreed[:, None, None], taste, state.deal_noise),
        capability_at_signing=np.where(agreed, state.capability, state.capability_at_signing),
        began=state.began & ~agreed,
        late_steps=np.where(agreed, 0, state.late_steps),
        collapsed=state.collapsed & ~agreed,
        cause=np.where(agreed, 0, state.cause),
        breaker=np.where(agreed, NO_ONE, state.breaker),
        months_held=np.where(agreed, 0, state.months_held),
        signed=state.signed | agreed,
        deals=state.deals + agreed,
        first_month_signed=np.where(agreed & (state.first_month_signed < 0), month, state.first_month_signed),
        failed_rounds=np.where(agreed, 0, state.failed_rounds),
    )
