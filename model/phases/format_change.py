"""A change of format, inside a round of talks: after failed bilateral rounds a broker may call for six-party
talks, and both veto players must consent. Each values a format by what a round in it would bring."""

from __future__ import annotations

from typing import Any

import numpy as np

from model.agents.policies import Decision
from model.core import records as rec
from model.core.domain import VETO_PLAYERS, Actor, TalksFormat
from model.core.state import State
from model.phases import brokering
from model.phases.month import ACTORS, Month, Phase, Records, ask, chose
from model.phases.valuation import named
from model.rules import options
from model.rules.outlook import Outlook, spread_rows

CHN = Actor.CHN.index
VETOES = tuple(a.index for a in VETO_PLAYERS)
SIX = TalksFormat.SIX_PARTY.index


def consider(m: Month, s: State) -> Phase:
    p = m.params
    want = p.allow_format_change & (s.format != SIX) & (s.failed_rounds >= p.switch_after)
    if not want.any():
        return s, []
    boost = s.summit * p.summit_boost
    out = m.outlook
    brokers = np.flatnonzero(p.brokers.any(axis=0))
    deciders = sorted({*VETOES, *brokers.tolist()})
    rows = np.flatnonzero(want)
    sub = m.subset(rows)
    value = {}
    drafted = named(sub.params)
    for f in (SIX, 1 - SIX):
        o = sub.outlook.in_format(np.full(len(rows), f == SIX), drafted)
        plan = round_outlook(sub, o, f, boost[rows])
        value[f] = {a: spread_rows(round_value(o, plan, a), rows, s.replications) for a in deciders}
    records: Records = []
    called = np.zeros(s.replications, dtype=bool)
    caller = np.full(s.replications, -1)
    for actor in brokers:
        asked = want & p.brokers[:, actor] & ~called
        if not asked.any():
            continue
        values = {"call": value[SIX][actor], "wait": value[1 - SIX][actor]}
        picked = yield from ask(m, s, out, int(actor), Decision.CALL_FORMAT, values, asked, deliberate=True)
        records += chose(m, s, int(actor), Decision.CALL_FORMAT, picked, asked)
        newly = asked & (picked.index == 0)
        caller = np.where(newly, actor, caller)
        called |= newly
    consent = called.copy()
    for actor in VETOES:
        if called.any():
            values = {"consent": value[SIX][actor], "decline": value[1 - SIX][actor]}
            picked = yield from ask(m, s, out, actor, Decision.CONSENT_FORMAT, values, called, deliberate=True)
            records += chose(m, s, actor, Decision.CONSENT_FORMAT, picked, called)
            consent &= picked.index == 0
    if m.narrate and consent[0]:
        records.append(rec.FormatChanged(s.month, ACTORS[int(caller[0])].value))
    changed = s.but(format=np.where(consent, SIX, s.format), failed_rounds=np.where(consent, 0, s.failed_rounds))
    return changed, records


def round_outlook(m: Month, out: Outlook, fmt: int, boost: np.ndarray) -> dict[str, Any]:
    """What a round in a format would table, and the chance each text is signed (for a format's value).

    A text is worth the same whoever tables it; the format decides who sets
    the agenda, whether a broker tables a compromise, and the value of no
    agreement (through the format issue).
    """
    p = m.params
    r = out.replications
    setter = np.full(r, CHN) if fmt == SIX else p.setter
    first, odds1 = np.zeros(r, dtype=np.int64), np.zeros(r)
    for proposer in np.unique(setter):
        rows = setter == proposer
        responders = [v for v in VETOES if v != proposer]
        ev = options.propose(out, int(proposer), responders, boost)
        k = np.argmax(ev, axis=1)
        tables = np.isfinite(ev.max(axis=1)) & (ev.max(axis=1) > out.no_deal(int(proposer)))
        odds = np.ones(r)
        for v in responders:
            odds = odds * out.accept_probability(v, out.agenda_values(v) + boost[:, None])[np.arange(r), k]
        first = np.where(rows, k, first)
        odds1 = np.where(rows & tables, odds, odds1)
    plan = brokering.compromise(m, out, boost, brokering.broker_of(p, np.full(r, fmt == SIX)))
    k3 = plan["nash"]
    rows = np.arange(r)
    odds3 = np.prod([out.accept_probability(v, plan["values"][v] + boost[:, None])[rows, k3] for v in VETOES], axis=0)
    mediated = (fmt == SIX) | p.mediation
    return {"first": first, "odds1": odds1, "third": k3, "odds3": np.where(mediated, odds3, 0.0), "plan": plan}


def round_value(out: Outlook, plan: dict[str, Any], actor: int) -> np.ndarray:
    """An actor's expectation of a round: the setter's text, else the broker's, else no agreement."""
    rows = np.arange(out.replications)
    first = out.agenda_values(actor)[rows, plan["first"]]
    compromise = plan["plan"]
    values = compromise["values"].get(actor)
    if values is None:
        values = np.concatenate([out.agenda_values(actor), out.value(actor, compromise["mixed"])], axis=1)
    third = values[rows, plan["third"]]
    later = plan["odds3"] * third + (1 - plan["odds3"]) * out.no_deal(actor)
    return plan["odds1"] * first + (1 - plan["odds1"]) * later
