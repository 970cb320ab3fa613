"""The one payoff scale: what a month of the world is worth to an actor.

Every decision in the model (propose, accept, breach, respond, test, exercise,
enforce, change format) compares options by the same monthly **flow utility**

    F_i = U_i(x) + b_sec_i Sec_i + b_econ_i Econ_i - b_ten_i T

where ``x`` is the point in the issue space the world is at (what has actually
been delivered), ``Sec`` security, ``Econ`` the economy and ``T`` tension. The
issue utility ``U`` has weight 1, so the other weights say how much a term is
worth against the whole issue space. Paths of months are valued in
:mod:`model.rules.paths`; realised utility is the same ``F`` of the state.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from model.core.domain import Issue

_GUARANTEES = Issue.SECURITY_GUARANTEES.index


def weights(salience: np.ndarray) -> np.ndarray:
    """Salience normalised to sum to 1 over issues (last axis)."""
    total = _sum_issues(salience)[..., None]
    return salience / np.where(total > 0, total, 1.0)


def _sum_issues(x: np.ndarray) -> np.ndarray:
    """``x.sum(axis=-1)`` of ``(R, K)`` rows, bit for bit: numpy adds fewer than 8 numbers from 0, left to right.

    numpy reduces a short axis of many rows slowly (a tiny reduction per row); adds of whole columns are
    fast. Any other shape or memory order is left to numpy.
    """
    item = x.itemsize
    if x.ndim != 2 or x.shape[1] >= 8 or x.strides[1] != item or x.strides[0] < x.shape[1] * item:
        return x.sum(axis=-1)
    columns = np.ascontiguousarray(x.T)
    total = np.add(columns[0], 0.0)
    for column in columns[1:]:
        total += column
    return total


def issue_utility(
    ideal: np.ndarray, weight: np.ndarray, point: np.ndarray, issues: Iterable[int] | None = None
) -> np.ndarray:
    """Weighted city-block utility  U(x) = 1 - sum_k w_k |x_k - theta_k|  of one actor.

    ``ideal`` and ``weight`` are ``(R, K)``; ``point`` is ``(R, ..., K)``; the
    result is ``(R, ...)`` in [0, 1]. ``issues`` limits the sum to some issues.

    Hand check: an actor at 0 on one issue and 1 on another, equal weights,
    judging the point (0.5, 0.5): 1 - (0.5 * 0.5 + 0.5 * 0.5) = 0.5.

    >>> issue_utility(np.array([[0.0, 1.0]]), np.array([[0.5, 0.5]]), np.array([[[0.5, 0.5]]]))
    array([[0.5]])
    """
    shape = point.shape[:-1]
    column = (ideal.shape[0],) + (1,) * (len(shape) - 1)
    distance = np.zeros(shape)
    # Issue by issue, in order, elementwise: a replication's numbers never depend on the batch it is in,
    # and no copy of the point is made.
    for k in range(ideal.shape[1]) if issues is None else issues:
        gap = point[..., k] - ideal[:, k].reshape(column)
        np.abs(gap, out=gap)
        gap *= weight[:, k].reshape(column)
        distance += gap
    return 1.0 - distance


def deterrence(arsenal: np.ndarray, guarantee: np.ndarray, credibility: np.ndarray) -> np.ndarray:
    """The DPRK's security: its arsenal, and guarantees it believes, each cover what the other leaves.

    S = 1 - (1 - a)(1 - g kappa): an arsenal ``a`` and a guarantee of strength
    ``g`` believed with credibility ``kappa`` are substitutes, but a guarantee
    replaces the arsenal only as far as it is believed (seed 001: Russia's
    call for "international security guarantees").

    >>> float(deterrence(np.array(0.6), np.array(1.0), np.array(0.5)))
    0.8
    """
    return 1.0 - (1.0 - arsenal) * (1.0 - guarantee * credibility)


@dataclass(frozen=True)
class Preferences:
    """One actor's terms of the flow utility, per replication (``(R,)`` arrays unless noted)."""

    ideal: np.ndarray  # (R, K) current position
    weight: np.ndarray  # (R, K) normalised salience
    security: np.ndarray  # weight of security
    economy: np.ndarray  # weight of the economy
    tension: np.ndarray  # weight of tension
    patience: np.ndarray  # monthly discount factor
    owns_arsenal: bool  # the DPRK: security is deterrence; for the others it is the arsenal's absence
    curvature: np.ndarray  # DPRK security is S ** curvature (concave: the last of the arsenal matters most)
    economy_term: str  # "regime" (DPRK: 1 - felt pressure), "trade" (CHN, RUS: trade kept), or "none"
    persistence: np.ndarray | None = None  # discounted mean share of today's excess tension still felt
    keep: np.ndarray | None = None  # discounted mean share of the arsenal's gap to its ceiling still open
    _columns: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def column(self, name: str, issue: int | None = None) -> np.ndarray:
        """A contiguous copy of one ``(R,)`` term (``issue``: of that issue's column of ``ideal`` or ``weight``).

        The terms are usually strided views of the parameters of every actor; a valuation that broadcasts
        one against many offers and states reads it many times, so it reads a contiguous copy, made once.
        """
        key = (name, issue)
        if key not in self._columns:
            values = getattr(self, name)
            self._columns[key] = np.ascontiguousarray(values if issue is None else values[:, issue])
        return self._columns[key]


@dataclass(frozen=True)
class World:
    """States of the world to value, each a ``(R, *shape)`` array (``point`` adds the issue axis)."""

    point: np.ndarray  # (..., K) delivered point in the issue space
    arsenal: np.ndarray  # DPRK arsenal, share of its ceiling
    guarantee_credibility: np.ndarray  # kappa: how far the DPRK believes the guarantees in force
    regime_economy: np.ndarray  # 1 - felt pressure on the DPRK
    trade_kept: np.ndarray  # (..., E) share of each enforcer's DPRK trade that sanctions leave
    tension: np.ndarray


def security(prefs: Preferences, arsenal: np.ndarray, guarantee: np.ndarray, kappa: np.ndarray) -> np.ndarray:
    """The security term before its weight: the DPRK's deterrence (concave), the others' safety from the arsenal."""
    if not prefs.owns_arsenal:
        return 1.0 - arsenal
    secure = np.clip(deterrence(arsenal, guarantee, kappa), 0.0, 1.0)
    return np.power(secure, _expand(prefs.curvature, secure.shape))


def economy(prefs: Preferences, regime: np.ndarray, trade: np.ndarray | None, enforcer: int | None) -> np.ndarray:
    """The economy term before its weight: the DPRK's (1 - felt pressure), an enforcer's trade kept, else 0."""
    if prefs.economy_term == "regime":
        return regime
    if prefs.economy_term == "trade":
        return trade[..., enforcer]
    return np.zeros(regime.shape)


def flow(prefs: Preferences, world: World, enforcer: int | None = None) -> np.ndarray:
    """Monthly flow utility F of ``world`` for one actor; ``enforcer`` indexes its trade for CHN and RUS.

    >>> ideal, weight = np.ones((1, 7)), np.full((1, 7), 1 / 7)
    >>> prefs = Preferences(ideal, weight, np.array([0.5]), np.array([0.0]), np.array([0.2]), np.array([0.99]),
    ...                     False, np.array([1.0]), "none")
    >>> world = World(np.ones((1, 7)), np.array([0.4]), np.array([0.0]), np.array([1.0]), np.zeros((1, 2)),
    ...               np.array([0.5]))
    >>> round(float(flow(prefs, world)[0]), 6)  # 1 + 0.5 (1 - 0.4) - 0.2 * 0.5
    1.2
    """
    shape = world.tension.shape
    u = issue_utility(prefs.ideal, prefs.weight, world.point)
    sec = security(prefs, world.arsenal, world.point[..., _GUARANTEES], world.guarantee_credibility)
    econ = economy(prefs, world.regime_economy, world.trade_kept, enforcer)
    return (
        u
        + _expand(prefs.security, shape) * sec
        + _expand(prefs.economy, shape) * econ
        - _expand(prefs.tension, shape) * world.tension
    )


def _expand(values: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """A ``(R,)`` array shaped to broadcast against ``(R, ...)``."""
    return values.reshape((values.shape[0],) + (1,) * (len(shape) - 1))
