"""Bueno de Mesquita's expected-utility model of group decisions, on one issue dimension.

Bueno de Mesquita (1994), "Political forecasting: an expected utility method", stated step by step by
Scholz, Calbert and Smith (2011), J. Theoretical Politics 23(4), appendix. Each round:

1. every actor is risk-neutral (r = 1); its *security* is how much the others expect to gain by
   challenging it; the risk exponent r in [0.5, 2] follows from its security relative to the rest;
2. with those exponents, every actor i estimates, for every other actor j, its own expected utility
   of challenging j (E^i U_ij) and j's expected utility of challenging i (E^i U_ji);
3. the two estimates place the pair in an octant: confrontation, compromise, capitulation or stalemate;
4. every actor that expects to lose to someone gets an offer from it, takes one offer, and moves.

All pairwise quantities are numpy arrays indexed ``[a, b]`` (``a`` challenges ``b``), so a round costs a
few array operations however many actors there are. The readings of the ambiguous steps are fields of
:class:`~model.forecast.options.Options`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.forecast.options import CLOSER, Options

NONE, CONFRONTATION, COMPROMISE, CAPITULATION = 0, 1, 2, 3
KINDS = {CONFRONTATION: "confrontation", COMPROMISE: "compromise", CAPITULATION: "capitulation"}


@dataclass(frozen=True)
class Move:
    """One actor taking one offer: ``actor`` moves from ``start`` to ``end`` toward ``toward``."""

    actor: int
    toward: int
    kind: str
    start: float
    end: float


@dataclass(frozen=True)
class Round:
    number: int
    positions: np.ndarray
    median: float
    mean: float
    risk: np.ndarray
    moves: tuple[Move, ...]


@dataclass(frozen=True)
class Forecast:
    """The rounds of one dimension. ``settled`` is the round in which nobody moved, if any."""

    start: np.ndarray
    weights: np.ndarray
    baseline_mean: float
    baseline_median: float
    rounds: tuple[Round, ...]
    settled: int | None
    options: Options

    @property
    def median(self) -> float:
        """The forecast: the weighted median after the last round (the start if no round ran)."""
        return self.rounds[-1].median if self.rounds else self.baseline_median

    @property
    def mean(self) -> float:
        return self.rounds[-1].mean if self.rounds else self.baseline_mean


def weighted_mean(x: np.ndarray, w: np.ndarray) -> float:
    """Capability-and-salience weighted mean position.

    >>> weighted_mean(np.array([0.0, 1.0]), np.array([3.0, 1.0]))
    0.25
    """
    return float(np.dot(w, x) / w.sum())


def weighted_median(x: np.ndarray, w: np.ndarray) -> float:
    """The position no majority of weight (capability x salience) would vote to leave: the weighted median.

    In one dimension it is the Condorcet winner of Scholz's pairwise votes. On an exact tie of weight
    between two positions it is their midpoint, so reversing the scale reverses the answer.

    >>> weighted_median(np.array([4.0, 7.0, 10.0]), np.array([0.248, 0.093, 0.336]))
    7.0
    """
    order = np.argsort(x, kind="stable")
    xs, cum = x[order], np.cumsum(w[order])
    half = cum[-1] / 2
    low = xs[min(np.searchsorted(cum, half * (1 - 1e-12)), len(xs) - 1)]
    high = xs[min(np.searchsorted(cum, half * (1 + 1e-12)), len(xs) - 1)]
    return float((low + high) / 2)


def success_probability(dist: np.ndarray, w: np.ndarray, r: np.ndarray, options: Options) -> np.ndarray:
    """P[a, b]: the chance that a beats b, from third parties' votes ``v[k, a, b] = w_k (u_k(a) - u_k(b))``.

    A voter's utility loss is its normalised distance to a position, raised to its risk exponent when
    ``options.votes == "risk"``. ``options.probability`` chooses the denominator (see OPTION_NOTES).
    """
    rho = r if options.votes == "risk" else np.ones_like(r)
    loss = dist ** rho[:, None]
    votes = w[:, None, None] * (loss[:, None, :] - loss[:, :, None])
    support = np.clip(votes, 0.0, None).sum(axis=0)
    if options.probability == "all-pairs":
        total = np.abs(votes).sum()
        return support / total if total > 0 else np.zeros_like(support)
    cast = np.abs(votes).sum(axis=0)
    top = support if options.probability == "pair" else np.clip(votes.sum(axis=0), 0.0, None)
    return np.divide(top, cast, out=np.zeros_like(top), where=cast > 0)


def _shaped(z: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Scholz's risk-shaped utility 2 - 4 z^r of a point at ``z`` (0.5 is the status quo)."""
    return 2.0 - 4.0 * np.clip(z, 0.0, None) ** r


@dataclass(frozen=True)
class Pairs:
    """What a round's utilities need: positions, saliences, normalised distances, P, the median."""

    x: np.ndarray
    s: np.ndarray
    dist: np.ndarray
    p: np.ndarray
    median: float
    span: float
    options: Options


def challenge_utility(a: np.ndarray, b: np.ndarray, r: np.ndarray, pairs: Pairs) -> np.ndarray:
    """E U of ``a`` challenging ``b`` with risk exponent ``r`` (elementwise over index arrays).

    E U = s_b [P U_s + (1 - P) U_f] + (1 - s_b) U_s - Q U_sq - (1 - Q) [T U_b + (1 - T) U_w]:
    b resists with probability s_b and then a wins with probability P; unchallenged, b stays put with
    probability Q, else moves a's way (probability T) or not.

    >>> p = Pairs(np.array([0.0, 1.0]), np.array([1.0, 0.5]), np.array([[0, 1.0], [1.0, 0]]),
    ...            np.array([[0, 0.5], [0.5, 0]]), 0.0, 1.0, Options())
    >>> float(challenge_utility(np.array(0), np.array(1), np.array(1.0), p)[()])  # 0.5(0.5*2 - 0.5*2) + 0.5*2
    1.0
    """
    d = pairs.dist[a, b]
    u_success, u_failure = _shaped(0.5 - 0.5 * d, r), _shaped(0.5 + 0.5 * d, r)
    resisted = pairs.s[b] * (pairs.p[a, b] * u_success + (1 - pairs.p[a, b]) * u_failure)
    value = resisted + (1 - pairs.s[b]) * u_success - pairs.options.q * _shaped(np.full_like(d, 0.5), r)
    if pairs.options.q < 1.0:
        value = value - (1 - pairs.options.q) * _drift(a, b, r, d, pairs)
    return np.where(a == b, 0.0, value)


def _drift(a: np.ndarray, b: np.ndarray, r: np.ndarray, d: np.ndarray, pairs: Pairs) -> np.ndarray:
    """T U_b + (1 - T) U_w: what a expects if b moves without being challenged."""
    to_median = np.abs(pairs.x[a] - pairs.median)
    reach = 0.25 * (to_median / pairs.span + d)
    better, worse = _shaped(0.5 - reach, r), _shaped(0.5 + reach, r)
    if pairs.options.t == CLOSER:
        t = (to_median < np.abs(pairs.x[a] - pairs.x[b])).astype(float)
    else:
        t = np.full_like(d, float(pairs.options.t))
    return t * better + (1 - t) * worse


def pairs_at(x: np.ndarray, s: np.ndarray, w: np.ndarray, r: np.ndarray, span: float, options: Options) -> Pairs:
    """The pairwise state of a round: distances, probabilities of success (with exponents ``r``), median."""
    dist = np.abs(x[:, None] - x[None, :]) / span
    p = success_probability(dist, w, r, options)
    return Pairs(x, s, dist, p, weighted_median(x, w), span, options)


def estimates(pairs: Pairs, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``own[i, j] = E^i U_ij`` and ``other[i, j] = E^i U_ji`` (i's estimate of j challenging i)."""
    n = len(r)
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    own = challenge_utility(i, j, r[i], pairs)
    other_risk = r[i] if pairs.options.perception == "perceiver" else r[j]
    return own, challenge_utility(j, i, other_risk, pairs)


def risk_exponents(x: np.ndarray, s: np.ndarray, w: np.ndarray, span: float, options: Options) -> np.ndarray:
    """r_i = (1 - R_i/3) / (1 + R_i/3), R_i = (2 S_i - max S - min S) / (max S - min S).

    S_i = sum over j of E^j U_ji with every r = 1: what the others expect from challenging i. The least
    secure actor (largest S) gets r = 0.5, the most secure r = 2. All equally secure: r = 1.
    """
    ones = np.ones_like(x)
    own, _ = estimates(pairs_at(x, s, w, ones, span, options), ones)
    security = own.sum(axis=0)
    spread = security.max() - security.min()
    big_r = (2 * security - security.max() - security.min()) / spread if spread > 0 else np.zeros_like(x)
    return (1 - big_r / 3) / (1 + big_r / 3)


@dataclass(frozen=True)
class Offers:
    """``kind[m, o]``: what o offers m (NONE if nothing); ``target[m, o]``: where m would move.

    ``loss[m, o]`` and ``threat[m, o]`` are the estimates that placed the pair: m's expected utility of
    challenging o, and o's expected utility of challenging m.
    """

    kind: np.ndarray
    target: np.ndarray
    loss: np.ndarray
    threat: np.ndarray


def offers(pairs: Pairs, own: np.ndarray, other: np.ndarray) -> Offers:
    """The octant of every ordered pair (mover m, proposer o), from the estimates ``options.view`` names.

    Confrontation: both expect to gain and o more (m moves to o). Compromise: o gains, m loses less than
    o gains (m moves part way). Capitulation: o gains, m loses at least as much (m moves to o). A proposer
    with no chance at all (P = 0: nobody with weight prefers its position) makes no offer.
    """
    x = pairs.x
    if pairs.options.view == "receiver":
        loss, threat = own, other
    else:
        loss, threat = other.T, own.T
    live = (np.abs(x[:, None] - x[None, :]) > 0) & (pairs.p.T > 0)
    conflict = live & (threat > loss) & (loss > 0)
    yields = live & (threat > 0) & (loss < 0)
    compromise = yields & (threat > -loss)
    kind = np.select([conflict, compromise, yields], [CONFRONTATION, COMPROMISE, CAPITULATION], NONE)
    return Offers(kind, _targets(x, kind, loss, threat, pairs.options), loss, threat)


def _targets(x: np.ndarray, kind: np.ndarray, loss: np.ndarray, threat: np.ndarray, options: Options) -> np.ndarray:
    """Where each offer puts the mover: the proposer's position, or part way for a compromise."""
    mover, proposer = np.broadcast_to(x[:, None], kind.shape), np.broadcast_to(x[None, :], kind.shape)
    top, bottom = (-loss, threat) if options.compromise == "ratio" else (threat, threat - loss)
    share = np.divide(top, bottom, out=np.zeros(kind.shape), where=kind == COMPROMISE)
    partway = np.clip(mover + share * (proposer - mover), np.minimum(mover, proposer), np.maximum(mover, proposer))
    return np.where(kind == COMPROMISE, partway, proposer)


_RANK = np.array([np.inf, 0.0, 1.0, 2.0])  # confrontation first, then compromise, then capitulation


def choose(found: Offers, x: np.ndarray, options: Options) -> np.ndarray:
    """For every actor, the proposer whose offer it takes (-1 if none). Ties go to the first listed."""
    has = found.kind != NONE
    key = np.abs(found.target - x[:, None])
    if options.offer != "nearest":
        rank = _RANK[found.kind]
        has = has & (rank == rank.min(axis=1, keepdims=True))
        compromise = found.kind == COMPROMISE
        if options.offer == "kind-threat":
            key = np.where(compromise, -found.threat, key)
        elif options.offer == "scholz-code":
            a, b = np.abs(found.loss), np.abs(found.threat)
            with np.errstate(divide="ignore", invalid="ignore"):
                weighted = (a * x[:, None] + b * x[None, :]) / (a + b)
            key = np.where(compromise, weighted, key)
    pick = np.argmin(np.where(has, key, np.inf), axis=1)
    return np.where(has.any(axis=1), pick, -1)


def play_round(
    x: np.ndarray, s: np.ndarray, w: np.ndarray, r: np.ndarray, span: float, options: Options
) -> tuple[np.ndarray, tuple[Move, ...]]:
    """Every actor takes at most one offer, all at once, from the positions at the start of the round."""
    pairs = pairs_at(x, s, w, r, span, options)
    found = offers(pairs, *estimates(pairs, r))
    chosen = choose(found, x, options)
    new = x.copy()
    moves = []
    for m in np.flatnonzero(chosen >= 0):
        o = int(chosen[m])
        new[m] = found.target[m, o]
        moves.append(Move(int(m), o, KINDS[int(found.kind[m, o])], float(x[m]), float(new[m])))
    return new, tuple(moves)


def forecast(
    position: np.ndarray,
    capability: np.ndarray,
    salience: np.ndarray,
    options: Options | None = None,
    rounds: int = 10,
    span: float | None = None,
) -> Forecast:
    """Run up to ``rounds`` rounds, stopping early once a round moves nobody.

    ``salience`` is on [0, 1]. Distances are normalised by ``span`` (default: the spread of the starting
    positions, as in the paper), so any position scale gives the same forecast up to that scale.
    """
    options = options or Options()
    x = np.asarray(position, dtype=float).copy()
    s = np.asarray(salience, dtype=float)
    w = np.asarray(capability, dtype=float) * s
    if w.sum() <= 0:
        raise ValueError("no actor has both capability and salience above zero")
    span = float(np.ptp(x)) if span is None else span
    start = x.copy()
    played: list[Round] = []
    settled = None
    r = np.ones_like(x)
    for number in range(1, rounds + 1):
        if span <= 0:  # everyone holds the same position: nothing to negotiate
            settled = 0
            break
        if options.risk == "each-round" or (options.risk == "once" and number == 1):
            r = risk_exponents(x, s, w, span, options)
        x, moves = play_round(x, s, w, r, span, options)
        played.append(Round(number, x.copy(), weighted_median(x, w), weighted_mean(x, w), r.copy(), moves))
        if not moves:
            settled = number
            break
    return Forecast(start, w, weighted_mean(start, w), weighted_median(start, w), tuple(played), settled, options)
