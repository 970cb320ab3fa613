"""The broker's rule: who brokers, and the compromise it tables (the point of greatest joint surplus)."""

from __future__ import annotations

from typing import Any

import numpy as np

from model.core.domain import VETO_PLAYERS, Actor
from model.phases.month import Month
from model.rules import talks
from model.rules.outlook import Outlook
from model.rules.paths import Offers

US, DPRK, CHN = Actor.US.index, Actor.DPRK.index, Actor.CHN.index
VETOES = tuple(a.index for a in VETO_PLAYERS)


def broker_of(p, six: np.ndarray) -> np.ndarray:
    """China hosts six-party talks; in mediated bilateral talks the broker with most clout brokers."""
    clout = np.where(p.brokers, p.capability, -1.0)
    best = np.where(clout.max(axis=1) >= 0, np.argmax(clout, axis=1), -1)
    return np.where(six & p.brokers[:, CHN], CHN, best)


def compromise(m: Month, out: Outlook, boost: np.ndarray, broker: np.ndarray) -> dict[str, Any]:
    """Of the agreements on the agenda and blends of the favourites of the two veto players and of the broker,
    the one of greatest joint surplus for the veto players (the largest Nash product of their gains). The
    broker's own favourite enters only as a text to blend with."""
    key = ("compromise", id(boost), broker.tobytes())
    if key in out._cache:
        return out._cache[key][1]
    usable = out.on_agenda & ~out.agenda.framework
    mixed_key = ("mixed", broker.tobytes())
    if mixed_key not in out._cache:
        out._cache[mixed_key] = blends(m, out, usable, broker)
    mixed = out._cache[mixed_key]
    candidates = talks.join(out.agenda, mixed)
    valid = np.concatenate([usable, np.repeat(usable.any(axis=1)[:, None], mixed.steps.shape[1], axis=1)], axis=1)
    values = {v: np.concatenate([out.agenda_values(v), out.value(v, mixed)], axis=1) for v in VETOES}
    gains = [values[v] - (out.no_deal(v) + out.margin[:, v] - boost)[:, None] for v in VETOES]
    plan = {
        "candidates": candidates,
        "valid": valid,
        "values": values,
        "nash": talks.nash_slot(*gains, valid),
        "named": out.agenda.steps.shape[1],
        "mixed": mixed,
    }
    out._cache[key] = (boost, plan)  # the boost is kept alive so that its id is not reused
    return plan


def blends(m: Month, out: Outlook, usable: np.ndarray, broker: np.ndarray) -> Offers:
    """Blends of the US's and the DPRK's favourites (3/4, 1/2, 1/4) and of each with the broker's (1/2)."""

    def favourite(actors: np.ndarray) -> np.ndarray:
        pick = np.zeros(out.replications, dtype=np.int64)
        for actor in np.unique(actors):
            rows = actors == actor
            best = np.argmax(np.where(usable, out.agenda_values(int(actor)), -np.inf), axis=1)
            pick = np.where(rows, best, pick)
        return pick

    us, dprk = favourite(np.full(out.replications, US)), favourite(np.full(out.replications, DPRK))
    own = favourite(np.where(broker >= 0, broker, US))
    phases = m.params.max_phases
    return talks.join(
        talks.blends(out.agenda, us, dprk, phases),
        talks.join(
            talks.blends(out.agenda, us, own, phases, (0.5,)), talks.blends(out.agenda, dprk, own, phases, (0.5,))
        ),
    )
