"""Paths of months and their value: what an offer, a deal in force, or no deal is worth to an actor.

An option is valued as the discounted mean of the flow utility
(:func:`model.rules.utility.flow`) over the actor's horizon ``H``:

    V = sum_{t<H} delta^t F(w_t) / sum_{t<H} delta^t.

Every path here is piecewise constant (the world changes when a step of an
agreement is delivered), so the sum is a weighted sum of a few states with
closed-form weights. An agreement is worth, to a party that believes its
counterpart honours it with probability ``c``,

    V(offer) = c V(honest path) + (1 - c) V(breakdown path),

where on the breakdown path the counterpart delivers nothing and the party
keeps only what it delivered before it could find out (its exposure: the
DPRK's steps before the first relief under ``at_end`` relief, the relief the
US gave under ``upfront`` relief until the next step was due). So upfront
relief is worth more to the DPRK than relief at the end, and phasing limits
exposure, as the articles' "reciprocal steps" argue (seed 001).

No agreement is the status-quo path (the arsenal keeps growing, relief stays
as it is) plus one named continuation term, the **value of waiting**: the
actor's expectation that pressure makes the DPRK accept the actor's favourite
offer later (:func:`value_of_waiting`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from model.core.domain import Actor, Issue, ReliefSchedule
from model.rules.utility import Preferences, issue_utility, security

DEN, RELIEF, PHASING = Issue.DENUCLEARIZATION.index, Issue.SANCTIONS_RELIEF.index, Issue.PHASING.index
RESTRAINT, FORMAT = Issue.EXERCISE_RESTRAINT.index, Issue.MULTILATERAL_FORMAT.index
COOPERATION = Issue.ECONOMIC_COOPERATION.index
GUARANTEES = Issue.SECURITY_GUARANTEES.index
MOVING = (DEN, RELIEF, COOPERATION)
"""Issues whose delivered value changes along a path (steps deliver them); the others are fixed from signing."""
FIXED = tuple(k for k in range(len(Issue)) if k not in MOVING)
US, DPRK = Actor.US.index, Actor.DPRK.index
UPFRONT, AT_END = ReliefSchedule.UPFRONT.index, ReliefSchedule.AT_END.index
TESTS = 0  # scope axis: strategic tests, then launches


@dataclass(frozen=True)
class Situation:
    """What valuation needs to know of the world this month; ``(R,)`` arrays unless noted."""

    sq_point: np.ndarray  # (R, K) the status quo: relief, restraint and format as they are now
    relief: np.ndarray  # relief in force
    initial_relief: np.ndarray  # relief that snapback returns to
    arsenal: np.ndarray
    income_base: np.ndarray  # DPRK income is income_base + income_slope * relief
    income_slope: np.ndarray
    need: np.ndarray
    trade_base: np.ndarray  # (R, E) each enforcer's DPRK trade kept is trade_base + trade_slope * relief
    trade_slope: np.ndarray  # (R, E)
    tension: np.ndarray
    test_rate: np.ndarray  # strategic tests a month the DPRK's choices imply with no agreement in force
    exercise_rate: np.ndarray  # major exercises a month with no agreed restraint
    test_tension: np.ndarray
    exercise_tension: np.ndarray
    tension_decay: np.ndarray
    growth: np.ndarray  # monthly arsenal growth with no freeze
    horizon: np.ndarray  # months valued
    duration: np.ndarray  # months to implement a whole agreement
    schedule: np.ndarray  # ReliefSchedule index
    snapback: np.ndarray  # bool
    restored: np.ndarray  # share of relief that returns when the US ends an agreement without snapback
    trust: np.ndarray  # (R, A, A)
    guarantor_weight: np.ndarray
    pressure_forecast: np.ndarray  # the expected felt pressure (a belief, see model.rules.beliefs)
    yield_hazard: np.ndarray  # monthly concession hazard of a DPRK that yields, at full pressure


@dataclass(frozen=True)
class Offers:
    """Texts on the table, ``(R, S)`` over offer slots (``point`` adds the issue axis)."""

    point: np.ndarray  # (R, S, K)
    framework: np.ndarray  # bool: principles only, no schedule, no relief
    scope: np.ndarray  # (R, S, 2) Coverage index of tests and launches
    steps: np.ndarray  # int: steps of an agreement (0 for a framework)

    def take(self, slot: np.ndarray) -> Offers:
        """One offer per replication, ``(R, 1)``: slot ``slot[r]`` of replication r."""
        rows = np.arange(len(slot))
        return Offers(
            self.point[rows, slot][:, None],
            self.framework[rows, slot][:, None],
            self.scope[rows, slot][:, None],
            self.steps[rows, slot][:, None],
        )


@dataclass(frozen=True)
class Progress:
    """How far an agreement in force has got, per replication."""

    steps_done: np.ndarray  # int
    months_to_next: np.ndarray  # months until the next step is due (0 if overdue)
    relief_delivered: np.ndarray  # relief in force under it


def steps_for(phasing: np.ndarray, max_phases: np.ndarray) -> np.ndarray:
    """A big deal (phasing 0) is one step; a step-for-step deal (phasing 1) has ``max_phases``.

    >>> steps_for(np.array([[0.0, 1.0, 0.5]]), np.array([4])).tolist()
    [[1, 4, 3]]
    """
    return 1 + np.floor(phasing * (max_phases[:, None] - 1) + 0.5).astype(np.int64)


def covered(scope: np.ndarray, reads_ambiguous: np.ndarray) -> np.ndarray:
    """1.0 where an actor reads the text as covering the activity: covered, or ambiguous and it reads it so.

    >>> covered(np.array([[[2, 1], [0, 1]]]), np.array([True])).tolist()
    [[[1.0, 1.0], [0.0, 1.0]]]
    """
    return np.where(scope == 2, 1.0, np.where(scope == 1, reads_ambiguous[:, None, None].astype(float), 0.0))


def mean_weight(rate: np.ndarray, patience: np.ndarray, horizon: np.ndarray) -> np.ndarray:
    """Discounted mean of ``rate ** t`` over the horizon: sum (d r)^t / sum d^t (1 where rate is 1).

    >>> round(float(mean_weight(np.array([1.0]), np.array([0.9]), np.array([12]))[0]), 12)
    1.0
    """
    dr = patience * rate
    return _geometric(dr, horizon) / _geometric(patience, horizon)


def _geometric(q: np.ndarray, n: np.ndarray) -> np.ndarray:
    """sum_{t<n} q^t, stable at q = 1."""
    q = np.clip(q, 0.0, 1.0)
    near = np.isclose(q, 1.0)
    return np.where(near, n, (1.0 - q**n) / np.where(near, 1.0, 1.0 - q))


def segment_weights(times: np.ndarray, patience: np.ndarray, horizon: np.ndarray) -> np.ndarray:
    """Discounted share of the horizon spent in each state, when the state changes at ``times``.

    ``times`` is ``(R, ..., N)``, non-decreasing months from now at which states
    1..N begin (state 0 begins now); the result is ``(R, ..., N + 1)`` and sums to 1.

    >>> segment_weights(np.array([[6.0]]), np.array([0.9]), np.array([12])).round(3).tolist()
    [[0.653, 0.347]]
    """
    shape = (-1,) + (1,) * (times.ndim - 1)
    d, h = patience.reshape(shape), horizon.reshape(shape).astype(float)
    # d**t at each edge, computed once: an edge ends one state and begins the next. The first edge is
    # d**0 = 1 exactly and the last d**h is the same for every offer, so only the inner edges take a power
    # over the whole array (the numbers are those of the power over all edges: it is elementwise).
    at_edge = np.empty((*times.shape[:-1], times.shape[-1] + 2), order="F" if times.flags.f_contiguous else "C")
    at_edge[..., 0] = 1.0
    np.power(d, np.clip(times, 0.0, h), out=at_edge[..., 1:-1])
    end = d**h
    at_edge[..., -1:] = end
    out = np.subtract(at_edge[..., :-1], at_edge[..., 1:])
    out /= 1.0 - end
    return out


def path_tension(sit: Situation, tests: np.ndarray, exercises: np.ndarray, patience: np.ndarray) -> np.ndarray:
    """Mean tension along a path: from today's level toward the level its tests and exercises sustain.

    The sustained level is (tests x test tension + exercises x exercise tension) / decay;
    today's excess over it fades at the decay rate.
    """
    shape = tests.shape
    r = _col(sit.tension_decay, shape)
    level = np.clip((tests * _col(sit.test_tension, shape) + exercises * _col(sit.exercise_tension, shape)) / r, 0, 1)
    persist = _col(persistence(sit, patience), shape)
    return level + (_col(sit.tension, shape) - level) * persist


def persistence(sit: Situation, patience: np.ndarray) -> np.ndarray:
    """Discounted mean share of a rise in tension still felt over the horizon."""
    return mean_weight(1.0 - sit.tension_decay, patience, sit.horizon)


def arsenal_keep(sit: Situation, patience: np.ndarray) -> np.ndarray:
    """Discounted mean share of the arsenal's gap to its ceiling still open over the horizon."""
    return mean_weight(1.0 - sit.growth, patience, sit.horizon)


def growing_arsenal(start: np.ndarray, sit: Situation, patience: np.ndarray, keep=None) -> np.ndarray:
    """Discounted mean of an arsenal that closes a share ``growth`` of its gap to the ceiling each month."""
    keep = _col(arsenal_keep(sit, patience) if keep is None else keep, start.shape)
    return 1.0 - (1.0 - start) * keep


def guarantee_credibility(sit: Situation, multilateral: np.ndarray) -> np.ndarray:
    """How far the DPRK believes guarantees: the US's word, and each other party's as far as it takes part.

    kappa = 1 - (1 - tau_US) prod_j (1 - f w tau_j) over the other four parties, where
    f is the agreement's multilateral format and w the weight of a third party's
    guarantee: a six-party guarantee adds China's and Russia's word to the US's
    (seed 002: "no other effective international mechanism").
    """
    return credibility_of_guarantees(sit.trust, sit.guarantor_weight, multilateral)


def credibility_of_guarantees(trust: np.ndarray, weight: np.ndarray, multilateral: np.ndarray) -> np.ndarray:
    """:func:`guarantee_credibility` from the trust matrix ``(R, A, A)`` and the guarantor weight ``(R,)``."""
    dprk = trust[:, DPRK, :]
    shape = multilateral.shape
    doubt = 1.0 - _col(dprk[:, US], shape)
    for j in (a for a in range(dprk.shape[1]) if a not in (US, DPRK)):
        doubt = doubt * (1.0 - multilateral * _col(weight * dprk[:, j], shape))
    return 1.0 - doubt


@dataclass(frozen=True)
class Paths:
    """The states a set of paths passes through, the same for every actor: ``(R, S, N)`` over offers and states.

    What differs between actors (their discounting, how they read the text,
    so whether the arsenal is frozen) is applied in :func:`value`.
    """

    point: np.ndarray  # (R, S, N, K) the delivered point in each state
    arsenal: np.ndarray  # (R, S, N) the arsenal as each state begins
    kappa: np.ndarray  # (R, S, 1) guarantee credibility (the format does not change along a path)
    regime_economy: np.ndarray  # (R, S, N) 1 - the pressure each state's income settles at
    times: np.ndarray  # (R, S, N - 1) months from now at which states 1.. begin
    scope_tests: np.ndarray | None  # (R, S) Coverage of tests, or None where the arsenal always grows
    _columns: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def column_major(self, name: str, make) -> np.ndarray:
        """``make()`` (an array of these paths) laid out with the replication axis innermost, made once.

        Every actor's valuation of the same paths multiplies them by its own per-replication numbers;
        numpy broadcasts an ``(R, 1, 1)`` column fast only along the innermost axis, so :func:`value`
        works on Fortran-ordered copies. The numbers are the same; only the memory order differs.
        """
        if name not in self._columns:
            self._columns[name] = np.asfortranarray(make())
        return self._columns[name]

    def trade(self, sit: Situation) -> np.ndarray:
        """Each enforcer's DPRK trade kept in each state, ``(R, S, N, E)`` (only CHN and RUS value it)."""
        return economy_at(sit, self.point[..., RELIEF])[1]


def economy_at(sit: Situation, relief: np.ndarray, trade: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """The regime's economy (1 - settled pressure) and each enforcer's trade kept, at a relief ``(R, ...)``."""
    shape = relief.shape
    income = _col(sit.income_base, shape) + _col(sit.income_slope, shape) * relief
    need = _col(sit.need, shape)
    pressure = np.clip((need - income) / np.maximum(need, 1e-9), 0.0, 1.0)
    if not trade:
        return 1.0 - pressure, None
    extra = (1,) * (len(shape) - 1)
    trade = (
        sit.trade_base.reshape((-1, *extra, sit.trade_base.shape[1]))
        + sit.trade_slope.reshape((-1, *extra, sit.trade_slope.shape[1])) * relief[..., None]
    )
    return 1.0 - pressure, trade


def paths_through(sit: Situation, point: np.ndarray, arsenal: np.ndarray, times: np.ndarray, scope_tests) -> Paths:
    """Paths visiting the points ``(R, S, N, K)`` from the given arsenal, changing state at ``times``."""
    # Column-major, as value() wants them (Paths.column_major); a no-op for arrays made so.
    point, arsenal, times = np.asfortranarray(point), np.asfortranarray(arsenal), np.asfortranarray(times)
    regime = economy_at(sit, point[..., RELIEF], trade=False)[0]
    kappa = guarantee_credibility(sit, point[..., :1, FORMAT])
    return Paths(point, arsenal, kappa, regime, times, scope_tests)


def status_quo_paths(sit: Situation) -> Paths:
    """No agreement, from now: one state, the status-quo point, the arsenal growing."""
    point = sit.sq_point[:, None, None, :]
    return paths_through(sit, point, sit.arsenal[:, None, None], np.zeros((len(sit.relief), 1, 0)), None)


def honest_paths(sit: Situation, offers: Offers, progress: Progress | None = None) -> Paths:
    """Each offer honoured by both sides: the world now and after each step still to come, ``(R, S, N)`` states.

    A framework has no steps: its declared restraint, format and guarantees
    hold from signing, and nothing else changes. With ``progress`` (an
    agreement in force) the path starts from the steps already delivered.
    """
    # Column-major (Fortran-ordered) throughout, as value() wants them: see Paths.column_major.
    framework = np.asfortranarray(offers.framework)[..., None]
    offered = np.asfortranarray(offers.point)
    steps = np.asfortranarray(np.maximum(offers.steps, 1))[..., None]
    done = np.zeros((1, 1, 1), dtype=np.int64) if progress is None else progress.steps_done[:, None, None]
    left = np.where(framework, 0, np.maximum(steps - done, 0))
    n = int(left.max(initial=0)) + 1
    ahead = np.arange(n)[None, None, :]  # state j: j more steps delivered
    level = np.minimum(done + ahead, steps)
    share = np.where(framework, 0.0, level / steps)
    r, s, k = offered.shape
    point = np.empty((r, s, n, k), order="F")
    for issue in FIXED:  # the moving issues are filled below; issue by issue is fast in this memory order
        point[..., issue] = offered[..., issue][..., None]
    cut = offered[..., DEN][..., None] * share  # what this agreement has dismantled in each state
    point[..., DEN] = cut
    point[..., COOPERATION] = offered[..., COOPERATION][..., None] * share
    point[..., RELIEF] = _scheduled_relief(
        sit, replace(offers, point=offered, framework=framework[..., 0]), share, progress
    )
    point[..., RESTRAINT] = np.maximum(point[..., RESTRAINT], sit.sq_point[:, RESTRAINT][:, None, None])
    arsenal = sit.arsenal[:, None, None] * (1.0 - cut)
    if progress is not None:  # what is dismantled is already out of today's arsenal
        arsenal = arsenal / np.maximum(1.0 - offered[..., DEN][..., None] * np.minimum(done, steps) / steps, 1e-9)
    per_step = sit.duration[:, None, None] / steps
    first = per_step if progress is None else progress.months_to_next[:, None, None]
    times = first + (ahead[..., 1:] - 1) * per_step
    times = np.where(ahead[..., 1:] <= left, times, 10_000.0)
    return paths_through(sit, point, arsenal, times, offers.scope[..., TESTS])


def _scheduled_relief(sit: Situation, offers: Offers, share: np.ndarray, progress: Progress | None) -> np.ndarray:
    """Relief in force in each state under the regime's schedule; never below what is already in force."""
    agreed = offers.point[..., RELIEF][..., None]
    schedule = sit.schedule[:, None, None]
    by_schedule = np.where(
        schedule == UPFRONT, agreed, np.where(schedule == AT_END, agreed * (share >= 1), agreed * share)
    )
    by_schedule = np.where(offers.framework[..., None], 0.0, by_schedule)
    floor = sit.relief if progress is None else progress.relief_delivered
    return np.maximum(by_schedule, floor[:, None, None])


def breakdown_paths(sit: Situation, offers: Offers, dprk_side: bool, progress: Progress | None = None) -> Paths:
    """The path on which the counterpart delivers nothing: two states, before and after it is found out.

    The DPRK side (its counterpart is the US) keeps the steps it delivered
    before the first relief was due: none under upfront relief, one under
    per-step relief, all of them under relief at the end. The US side (and
    the others, whose risk is the DPRK) keeps the relief it gave before the
    DPRK's next step was due: under upfront relief, until then; once it finds
    out, it ends the agreement and takes back what the rules let it (all of it
    under snapback, else the share :func:`model.rules.economy.restored_share` gives).
    """
    r, s = offers.framework.shape
    steps = np.maximum(offers.steps, 1)
    done = np.zeros((r, 1), dtype=np.int64) if progress is None else progress.steps_done[:, None]
    first = sit.duration[:, None] / steps if progress is None else progress.months_to_next[:, None]
    first = np.broadcast_to(first, (r, s))
    # Both states start as the status quo; built column-major, as value() wants them (Paths.column_major).
    point = np.empty((r, s, 2, sit.sq_point.shape[1]), order="F")
    for issue in range(point.shape[-1]):  # issue by issue: fast in this memory order
        point[..., issue] = sit.sq_point[:, issue][:, None, None]
    before, after = point[:, :, 0, :], point[:, :, 1, :]
    delivered_relief = sit.relief if progress is None else progress.relief_delivered
    done_den = offers.point[..., DEN] * np.where(offers.framework, 0, done) / steps
    if dprk_side:
        schedule = sit.schedule[:, None]
        exposed = np.where(schedule == UPFRONT, done, np.where(schedule == AT_END, steps, done + 1))
        exposed = np.where(offers.framework, 0, np.minimum(exposed, steps))
        before[..., DEN] = after[..., DEN] = offers.point[..., DEN] * exposed / steps
        before[..., RELIEF] = after[..., RELIEF] = delivered_relief[:, None]
    else:
        upfront = (sit.schedule[:, None] == UPFRONT) & ~offers.framework
        agreed = np.maximum(offers.point[..., RELIEF], delivered_relief[:, None])
        given = np.where(upfront, agreed, delivered_relief[:, None])
        before[..., RELIEF] = given
        back = (sit.relief if progress is None else sit.initial_relief)[:, None]  # the relief before this agreement
        # Found out, the US ends the agreement as implementation.end does: everything returns under a snapback
        # clause; without one, the share it can take back (its own sanctions, what the Council re-imposes).
        withdrawn = given - (given - back) * sit.restored[:, None]
        after[..., RELIEF] = np.where(sit.snapback[:, None], back, withdrawn)
        before[..., DEN] = after[..., DEN] = done_den
    today = sit.arsenal[:, None, None] / np.maximum(1.0 - done_den[..., None], 1e-9)
    arsenal = today * (1.0 - point[..., DEN])  # the arsenal cut stays cut (and grows back) ...
    point[..., 1, DEN] = sit.sq_point[:, DEN][:, None]  # ... but once found out the verified process stops
    return paths_through(sit, point, arsenal, first[..., None], None)


def value(prefs: Preferences, sit: Situation, paths: Paths, reads: np.ndarray, enforcer: int | None = None):
    """Discounted mean flow along each path, ``(R, S)``: sum over its states of weight x F.

    The actor's own discounting weighs the states; its reading of the text
    decides whether the agreement freezes the arsenal and holds tests back.
    """
    # Written for speed with the numbers of the plain formula, bit for bit: every element goes through the
    # same operations in the same order. The work is done on Fortran-ordered arrays (Paths.column_major:
    # the replication axis innermost, where numpy broadcasts a per-replication number fast), without
    # (R, S, N) temporaries where an (R, S, 1) or (R, 1, 1) one broadcasts to the same numbers, and with
    # buffers reused in place. The sum over states is done by hand in numpy's own order (_sum_states).
    d = prefs.column("patience")
    start = paths.column_major("arsenal", lambda: paths.arsenal)
    grown = growing_arsenal(start, sit, d, prefs.keep)
    if paths.scope_tests is None:  # never frozen: the arsenal grows and tests go on at the rate implied
        arsenal = grown
        tests = sit.test_rate[:, None, None]  # the rate times (1 - 0), exactly
    else:
        freeze = np.asfortranarray(covered(paths.scope_tests[..., None], reads)[..., 0][..., None])
        arsenal = np.where(freeze > 0, start, grown)
        tests = sit.test_rate[:, None, None] * (1.0 - freeze)
    # The issues that do not change along a path (phasing, restraint, format, guarantees) are the same in
    # every state: they are read from the first state, and so is the tension they and the scope imply.
    first = paths.point[:, :, :1, :]
    exercises = sit.exercise_rate[:, None, None] * (1.0 - first[..., RESTRAINT])
    tension = np.asfortranarray(_tension(sit, tests, exercises, prefs))
    times = paths.column_major("times", lambda: paths.times)
    weight = segment_weights(times, d, sit.horizon)
    # The flow F of utility.flow, summed over states: the fixed issues leave the sum.
    fixed = 1.0 - _distance(prefs, paths, "first", FIXED)
    terms = _distance(prefs, paths, "point", MOVING)  # 1 - U over the moving issues, as issue_distance gives it
    np.negative(terms, out=terms)
    guarantees = paths.column_major("guarantees", lambda: paths.point[..., GUARANTEES])
    kappa = paths.column_major("kappa", lambda: paths.kappa)
    terms += _scale(
        security(prefs, arsenal, guarantees, kappa), prefs.column("security")
    )  # security() gives a new array
    if prefs.economy_term == "none":  # economy() is zeros: adding its weight times 0 is adding a signed zero
        terms += _col(prefs.column("economy") * 0.0, terms.shape)
    else:
        econ = _trade_kept(sit, paths, enforcer) if prefs.economy_term == "trade" else None
        if econ is None:
            econ = paths.column_major("regime", lambda: paths.regime_economy)
        terms += _col(prefs.column("economy"), terms.shape) * econ
    terms -= _col(prefs.column("tension"), terms.shape) * tension
    terms *= weight
    return np.ascontiguousarray(fixed + _sum_states(terms))


def _scale(values: np.ndarray, by: np.ndarray) -> np.ndarray:
    """``values * by`` (``by`` per replication), in place: ``values`` is a temporary of the caller's."""
    values *= _col(by, values.shape)
    return values


def _sum_states(terms: np.ndarray) -> np.ndarray:
    """``terms.sum(axis=-1)`` as numpy sums a C-ordered array, bit for bit.

    numpy adds fewer than 8 contiguous numbers left to right from 0 (pairwise above that); a sum over a
    short last axis is slow in numpy (one tiny reduction per element), a handful of adds of ``(R, S)``
    slices is not. Longer axes are summed by numpy itself, in C order as the plain formula had them.
    """
    n = terms.shape[-1]
    if n >= 8:
        return np.ascontiguousarray(terms).sum(axis=-1)
    total = np.add(terms[..., 0], 0.0)
    for j in range(1, n):
        total += terms[..., j]
    return total


def _distance(prefs: Preferences, paths: Paths, where: str, issues: tuple[int, ...]) -> np.ndarray:
    """``issue_distance`` of the first state (``where="first"``, ``(R, S)``) or of every state (``(R, S, N)``).

    The same operations as :func:`model.rules.utility.issue_utility`, issue by issue, on column-major
    copies of the paths' issues; the result is a new array the caller may reuse.
    """
    point = paths.point[:, :, 0, :] if where == "first" else paths.point
    shape = point.shape[:-1]
    column = (shape[0],) + (1,) * (len(shape) - 1)
    distance = np.zeros(shape, order="F")
    gap = np.empty(shape, order="F")
    for k in issues:
        np.subtract(
            paths.column_major((where, k), lambda k=k: point[..., k]), prefs.column("ideal", k).reshape(column), out=gap
        )
        np.abs(gap, out=gap)
        gap *= prefs.column("weight", k).reshape(column)
        distance += gap
    # issue_distance is 1 - issue_utility, and issue_utility is 1 - distance: two roundings kept.
    np.subtract(1.0, distance, out=distance)
    np.subtract(1.0, distance, out=distance)
    return distance


def _trade_kept(sit: Situation, paths: Paths, enforcer: int) -> np.ndarray:
    """``paths.trade(sit)[..., enforcer]``: the one enforcer's column of each state's trade kept."""
    relief = paths.column_major("relief", lambda: paths.point[..., RELIEF])
    return _col(sit.trade_base[:, enforcer], relief.shape) + _col(sit.trade_slope[:, enforcer], relief.shape) * relief


def issue_distance(prefs: Preferences, point: np.ndarray, issues: tuple[int, ...]) -> np.ndarray:
    """Weighted distance from the actor's position on some issues: ``sum_k w_k |x_k - theta_k|``."""
    return 1.0 - issue_utility(prefs.ideal, prefs.weight, point, issues)


def _tension(sit: Situation, tests: np.ndarray, exercises: np.ndarray, prefs: Preferences) -> np.ndarray:
    level = np.clip(
        (tests * sit.test_tension[:, None, None] + exercises * sit.exercise_tension[:, None, None])
        / sit.tension_decay[:, None, None],
        0.0,
        1.0,
    )
    persist = persistence(sit, prefs.patience) if prefs.persistence is None else prefs.persistence
    return level + (sit.tension[:, None, None] - level) * persist[:, None, None]


def credibility(sit: Situation, actor: int) -> np.ndarray:
    """The actor's belief that its counterpart honours an agreement: the DPRK's in the US, the others' in the DPRK."""
    counterpart = US if actor == DPRK else DPRK
    return sit.trust[:, actor, counterpart]


def offer_value(
    sit: Situation,
    offers: Offers,
    actor: int,
    prefs: Preferences,
    reads: np.ndarray,
    enforcer: int | None = None,
    progress: Progress | None = None,
    honest: Paths | None = None,
    broken: Paths | None = None,
) -> np.ndarray:
    """Expected value of each offer (or of an agreement in force, with ``progress``): ``(R, S)``.

    V = c V(honest) + (1 - c) V(breakdown), c the actor's belief in its counterpart.
    Precomputed ``honest`` and ``broken`` paths may be passed (they are the same for every actor of a side).
    """
    honest = honest or honest_paths(sit, offers, progress)
    broken = broken or breakdown_paths(sit, offers, actor == DPRK, progress)
    c = credibility(sit, actor)[:, None]
    return c * value(prefs, sit, honest, reads, enforcer) + (1.0 - c) * value(prefs, sit, broken, reads, enforcer)


def status_quo_value(
    sit: Situation, prefs: Preferences, enforcer: int | None = None, paths: Paths | None = None
) -> np.ndarray:
    """Value of the status-quo path from now, ``(R,)`` (``paths``: ``status_quo_paths(sit)``, if made already)."""
    paths = paths or status_quo_paths(sit)
    return value(prefs, sit, paths, np.zeros(len(sit.relief), dtype=bool), enforcer)[:, 0]


def value_of_waiting(sit: Situation, prefs: Preferences, belief: np.ndarray, hope: np.ndarray) -> np.ndarray:
    """The continuation term of no agreement: waiting for pressure to make the DPRK take one's best offer.

    W = h G q delta / (1 - delta (1 - q)),  q = lambda P_hat,  G = [V(best) - V(status quo)]+ (the ``hope``):
    with belief ``h`` that the DPRK yields to pressure, a yielding DPRK concedes
    with monthly hazard q at the expected pressure P_hat; the fraction is the
    discounted value of a gain that starts at that random month ("There is no
    rush, the sanctions remain!", seed 004). At fixed beliefs it does not
    depend on the pressure the DPRK feels now.
    """
    q = np.clip(sit.yield_hazard * sit.pressure_forecast, 0.0, 1.0)
    d = prefs.patience
    timing = q * d / (1.0 - d * (1.0 - q))
    return belief * hope * timing


def with_relief(sit: Situation, relief: np.ndarray) -> Situation:
    """The same situation with another relief in force (walking away: relief snaps back or stays)."""
    point = sit.sq_point.copy()
    point[:, RELIEF] = relief
    return replace(sit, sq_point=point, relief=relief)


def _col(values: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    return values.reshape((values.shape[0],) + (1,) * (len(shape) - 1))
