"""This month's outlook: every actor's values of the options before it, on the one payoff scale.

The model builds one :class:`Outlook` a month from the state and the
parameters; policies read it (it is their view of the future) and never
change it. Values are cached, so a value asked for by several decisions is
computed once.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass, replace

import numpy as np

from model.core.domain import Actor, Enforcer, Issue
from model.rules.paths import (
    Offers,
    Paths,
    Progress,
    Situation,
    breakdown_paths,
    honest_paths,
    offer_value,
    status_quo_paths,
    status_quo_value,
    value_of_waiting,
    with_relief,
)
from model.rules.utility import Preferences

DPRK, US = Actor.DPRK.index, Actor.US.index
MULTILATERAL = Issue.MULTILATERAL_FORMAT.index
ENFORCER_OF = {Actor(e.value).index: e.index for e in Enforcer}


def normal_cdf(x: np.ndarray) -> np.ndarray:
    """Standard normal distribution function."""
    from scipy.special import ndtr

    return ndtr(x)


@dataclass
class Outlook:
    """Valuations for one month; ``(R,)`` or ``(R, S)`` arrays. Read-only for policies."""

    situation: Situation
    prefs: tuple[Preferences, ...]  # per actor, with its current position
    reads: np.ndarray  # (R, A) bool: reads an ambiguous scope as covering
    agenda: Offers  # the named proposals, (R, P)
    on_agenda: np.ndarray  # (R, P) bool: may be tabled
    margin: np.ndarray  # (R, A) surplus each demands over no agreement before it signs
    noise: np.ndarray  # (R,) spread of the unobserved part of a judgement
    beliefs: np.ndarray  # (R, A) yield beliefs
    hope: np.ndarray  # (R, A) surplus of each actor's favourite offer over the status quo, as last valued in talks
    in_force: np.ndarray | None = None  # (R,) bool: an agreement is in force (its values mean nothing elsewhere)
    deal: Offers | None = None  # the agreement in force, (R, 1)
    progress: Progress | None = None
    _cache: dict = field(default_factory=dict, repr=False)

    def value(self, actor: int, offers: Offers, progress: Progress | None = None) -> np.ndarray:
        """Expected value of each offer to ``actor``, ``(R, S)`` (with ``progress``: of the agreement in force)."""
        key = ("value", actor, id(offers), progress is not None)
        if key not in self._cache:
            self._cache[key] = (offers, self._value(actor, offers, progress))
        return self._cache[key][1]

    def _value(self, actor: int, offers: Offers, progress: Progress | None) -> np.ndarray:
        honest, broken = self.paths(offers, actor == DPRK, progress)
        return offer_value(
            self.situation,
            offers,
            actor,
            self.prefs[actor],
            self.reads[:, actor],
            ENFORCER_OF.get(actor),
            progress,
            honest,
            broken,
        )

    def paths(self, offers: Offers, dprk_side: bool, progress: Progress | None = None) -> tuple[Paths, Paths]:
        """The honest and breakdown paths of some offers, computed once for every actor on a side."""
        key = ("paths", id(offers), dprk_side, progress is not None)
        if key not in self._cache:
            honest_key = ("honest", id(offers), progress is not None)
            if honest_key not in self._cache:
                self._cache[honest_key] = (offers, honest_paths(self.situation, offers, progress))
            honest = self._cache[honest_key][1]
            self._cache[key] = (offers, honest, breakdown_paths(self.situation, offers, dprk_side, progress))
        return self._cache[key][1], self._cache[key][2]

    def agenda_values(self, actor: int) -> np.ndarray:
        """Values of the named proposals, ``(R, P)`` (computed once a month)."""
        key = ("agenda", actor)
        if key not in self._cache:
            self._cache[key] = self.value(actor, self.agenda)
        return self._cache[key]

    def status_quo(self, actor: int, situation: Situation | None = None) -> np.ndarray:
        """Value of the status-quo path from now, ``(R,)`` (in another situation: walking away)."""
        sit = situation or self.situation
        key = ("status_quo", actor, id(sit))
        if key not in self._cache:
            # The status-quo paths are the same for every actor: made once per situation.
            paths_key = ("status_quo_paths", id(sit))
            if paths_key not in self._cache:
                self._cache[paths_key] = (sit, status_quo_paths(sit))
            paths = self._cache[paths_key][1]
            self._cache[key] = (sit, status_quo_value(sit, self.prefs[actor], ENFORCER_OF.get(actor), paths))
        return self._cache[key][1]

    def fresh_hope(self, actors) -> np.ndarray:
        """The ``actors``' surplus of their favourite signable proposal over the status quo, valued now, ``(R, A)``.

        Valued only for those who believe pressure may work (the others wait for
        nothing); the other actors keep the hope they had.
        """
        hope = self.hope.copy()
        for actor in (a for a in actors if self.beliefs[:, a].any()):
            best = np.max(np.where(self.on_agenda, self.agenda_values(actor), -np.inf), axis=1)
            hope[:, actor] = np.where(np.isfinite(best), np.maximum(best - self.status_quo(actor), 0.0), 0.0)
        return hope

    def with_hope(self, hope: np.ndarray) -> Outlook:
        """The same outlook with hopes just revalued (a round of talks): the values that use them are dropped."""
        keep = {
            k: v
            for k, v in self._cache.items()
            if k[0] in ("agenda", "paths", "honest", "status_quo", "status_quo_paths")
        }
        return replace(self, hope=hope, _cache=keep)

    def waiting(self, actor: int) -> np.ndarray:
        """The named continuation term: the value of waiting for the DPRK to take one's favourite offer."""
        key = ("waiting", actor)
        if key not in self._cache:
            self._cache[key] = value_of_waiting(
                self.situation, self.prefs[actor], self.beliefs[:, actor], self.hope[:, actor]
            )
        return self._cache[key]

    def no_deal(self, actor: int) -> np.ndarray:
        """Value of no agreement: the status-quo path plus the value of waiting, ``(R,)``."""
        key = ("no_deal", actor)
        if key not in self._cache:
            self._cache[key] = self.status_quo(actor) + self.waiting(actor)
        return self._cache[key]

    def accept_probability(self, actor: int, values: np.ndarray) -> np.ndarray:
        """Chance ``actor`` accepts offers worth ``values`` ``(R, S)``, seen by someone who cannot see its noise."""
        surplus = values - self.no_deal(actor)[:, None] - self.margin[:, actor, None]
        return normal_cdf(surplus / self.noise[:, None])

    # ------------------------------------------------------------------ an agreement in force
    def stay(self, actor: int) -> np.ndarray:
        """Value of keeping the agreement in force from here, ``(R,)`` (the value of walking where none is)."""
        key = ("stay", actor)
        if key not in self._cache:
            if self.deal is None or self.progress is None:
                return self.walk(actor)
            value = self.value(actor, self.deal, self.progress)[:, 0]
            live = self.in_force if self.in_force is not None else np.ones(len(value), dtype=bool)
            self._cache[key] = np.where(live, value, self.walk(actor))
        return self._cache[key]

    def walk(self, actor: int) -> np.ndarray:
        """Value of walking away now: what was delivered stays, relief snaps back if the regime says so, ``(R,)``.

        If the US walks away it withdraws what it can (all of it under a snapback
        clause; else its own sanctions and what the Council re-imposes, see
        :func:`model.rules.economy.restored_share`); if the DPRK does, relief
        snaps back only where the regime has snapback.
        """
        key = ("walk", actor)
        if key not in self._cache:
            sit = self.situation
            back = sit.initial_relief
            withdrawn = sit.relief - (sit.relief - back) * sit.restored
            relief = np.where(sit.snapback, back, withdrawn if actor == US else sit.relief)
            after = with_relief(sit, relief)
            self._cache[key] = self.status_quo(actor, after) + self.waiting(actor)
        return self._cache[key]

    def in_format(self, six_party: np.ndarray, named: Offers) -> Outlook:
        """The same month seen as if the talks were in other formats (``six_party`` per replication; ``named``:
        the proposals as drafted): a text agreed in six-party talks is a six-party agreement, and the format
        issue of no agreement changes."""
        from model.rules.talks import in_talks_format

        point = self.situation.sq_point.copy()
        point[:, MULTILATERAL] = six_party.astype(float)
        agenda = in_talks_format(named, six_party)
        return replace(self, situation=replace(self.situation, sq_point=point), agenda=agenda, _cache={})

    def subset(self, rows: np.ndarray) -> Outlook:
        """The outlook of some replications only (``rows``: indices), with a fresh cache."""
        r = self.replications
        changes = {f.name: take_rows(getattr(self, f.name), rows, r) for f in fields(self) if f.name != "_cache"}
        return replace(self, **changes, _cache={})

    def with_trust(self, trust: np.ndarray) -> Outlook:
        """The same outlook under other beliefs (a breach just seen), with a fresh cache."""
        return replace(self, situation=replace(self.situation, trust=trust), _cache={})

    @property
    def replications(self) -> int:
        return len(self.noise)


def take_rows(obj, rows: np.ndarray, replications: int):
    """``obj`` (an array, a dataclass of arrays, or a tuple of them) restricted to some replications.

    Arrays whose first axis is the replication axis are indexed; anything else is kept as it is.
    """
    if isinstance(obj, np.ndarray):
        return obj[rows] if obj.ndim and obj.shape[0] == replications else obj
    if is_dataclass(obj) and not isinstance(obj, type):
        changes = {f.name: take_rows(getattr(obj, f.name), rows, replications) for f in fields(obj) if f.init}
        return replace(obj, **changes)
    if isinstance(obj, tuple):
        return tuple(take_rows(x, rows, replications) for x in obj)
    if isinstance(obj, dict):
        return {k: take_rows(v, rows, replications) for k, v in obj.items()}
    return obj


def spread_rows(values: np.ndarray, rows: np.ndarray, replications: int, fill: float = 0.0) -> np.ndarray:
    """Values computed for some replications, placed back on the full replication axis."""
    out = np.full((replications, *values.shape[1:]), fill, dtype=values.dtype)
    out[rows] = values
    return out
