"""The talks phase: a round where one is due. The format may change first; the agenda setter tables a named
proposal and the other veto player may counter; a broker tables the compromise of greatest joint surplus; a
text is signed when both veto players accept it."""

from __future__ import annotations

import numpy as np

from model.agents.policies import Decision
from model.core import records as rec
from model.core.domain import N_ACTORS, VETO_PLAYERS, Actor, AgreementKind, Coverage, Package, Proposal, TalksFormat
from model.core.state import NO_ONE, State
from model.phases import brokering, format_change
from model.phases.implementation import relief_evidence
from model.phases.month import ACTORS, Month, Phase, Records, ask, noise, on_rows
from model.phases.valuation import named
from model.rules import options, talks
from model.rules.implementation import deliver
from model.rules.outlook import Outlook
from model.rules.paths import Offers

US, DPRK, CHN = Actor.US.index, Actor.DPRK.index, Actor.CHN.index
VETOES = tuple(a.index for a in VETO_PLAYERS)
SIX = TalksFormat.SIX_PARTY.index
PROPOSALS = list(Proposal)
PACKAGES = list(Package)


def phase(m: Month, s: State) -> Phase:
    """Talks in the replications where a round is due (by the cadence, or called by a scripted event)."""
    p = m.params
    scheduled = s.in_force & ~s.deal_framework
    due = p.active & ~scheduled & ((s.month % p.cadence == 0) | s.talks_called)
    if not due.any():
        return s, []
    return (yield from on_rows(m, s, np.flatnonzero(due), round_of_talks))


def round_of_talks(m: Month, s: State) -> Phase:
    p = m.params
    changed = s.format.copy()
    s, records = yield from format_change.consider(m, s)
    out = m.outlook if (changed == s.format).all() else m.outlook.in_format(s.format == SIX, named(p))
    hope = out.fresh_hope([*VETOES, *np.flatnonzero(p.brokers.any(axis=0)).tolist()])
    out = out.with_hope(hope)
    s = s.but(hope=hope)
    six = s.format == SIX
    boost = s.summit * p.summit_boost
    setter = np.where(six, CHN, p.setter)
    agreed = np.zeros(s.replications, dtype=bool)
    # 1. the agenda setter tables a named proposal; 2. a veto player counters
    for stage, proposer_of in enumerate((setter, counter_proposer(setter))):
        open_ = ~agreed & (proposer_of >= 0)
        slot = np.full(s.replications, -1)
        for actor in range(N_ACTORS):
            asked = open_ & (proposer_of == actor)
            if asked.any():
                responders = [v for v in VETOES if v != actor]
                ev = options.propose(out, actor, responders, boost)
                values = {
                    "offers": ev,
                    "no_offer": out.no_deal(actor),
                    "joint": sum(out.agenda_values(v) for v in VETOES),
                    "own": options.opening(out, actor, boost),
                }
                context = {"names": [name.value for name in Proposal]}
                picked = yield from ask(m, s, out, actor, Decision.PROPOSE, values, asked, stage, context)
                slot = np.where(asked, picked.index, slot)
                records += tabled(m, s, out, actor, asked, picked.index, ev)
        offers = out.agenda.take(np.maximum(slot, 0))
        yes, taste, more = yield from answers(m, s, out, offers, slot >= 0, boost, stage, name_of(slot))
        records += more
        signing = open_ & (slot >= 0) & yes
        s, more = sign(m, s, signing, out.agenda, slot, slot, np.full(s.replications, NO_ONE), taste)
        records += more
        agreed |= signing
    # 3. a broker tables the compromise of greatest joint surplus
    mediated = ~agreed & (six | p.mediation)
    if mediated.any():
        s, signed, more = yield from broker_round(m, s, out, mediated, boost, six)
        records += more
        agreed |= signed
    if m.narrate and not agreed[0]:
        records.append(rec.NoAgreement(s.month, list(TalksFormat)[int(s.format[0])].value))
    failed = np.where(~agreed, s.failed_rounds + 1, s.failed_rounds)
    return s.but(talks_held=s.talks_held + 1, failed_rounds=failed), records


def counter_proposer(setter: np.ndarray) -> np.ndarray:
    """The veto player that is not the setter counters; with a non-veto setter, nobody does."""
    return np.where(setter == US, DPRK, np.where(setter == DPRK, US, -1))


def name_of(slot: np.ndarray) -> list[str]:
    return [PROPOSALS[int(slot[0])].value if slot[0] >= 0 else "none"]


def tabled(m: Month, s: State, out: Outlook, actor: int, asked, slot, ev) -> Records:
    """The record of what replication 0's proposer tabled, with its value and its odds of a signature."""
    if not (m.narrate and asked[0]):
        return []
    k = int(slot[0])
    name = PROPOSALS[k].value if k >= 0 else None
    odds = None
    if k >= 0:
        others = [v for v in VETOES if v != actor]
        odds = float(np.prod([out.accept_probability(v, out.agenda_values(v))[0, k] for v in others]))
    point = tuple(np.round(out.agenda.point[0, k], 2).tolist()) if k >= 0 else None
    value = float(ev[0, k]) if k >= 0 else None
    return [rec.Tabled(s.month, ACTORS[actor].value, name, point, value, float(out.no_deal(actor)[0]), odds)]


def answers(m: Month, s: State, out: Outlook, offers: Offers, tabled, boost, stage: int, names: list[str]):
    """The veto players answer (and, in a narrated six-party round, the others say where they stand).

    Returns the mask where every veto player accepts, each party's draws
    ``(R, A, 2)`` (its lasting taste for the text, if it is signed), and the records.
    """
    yes = tabled.copy()
    taste = np.zeros((s.replications, N_ACTORS, 2))
    present = np.where((s.format == SIX)[:, None], True, np.isin(np.arange(N_ACTORS), VETOES)[None, :])
    records: Records = []
    for actor in range(N_ACTORS):
        asked = tabled & present[:, actor]
        if not asked.any() or (actor not in VETOES and not m.narrate):
            continue
        values = options.accept(out, actor, offers, boost)
        picked = yield from ask(m, s, out, actor, Decision.ACCEPT, values, asked, stage, deliberate=True)
        taste[:, actor] = noise(m, actor, Decision.ACCEPT, stage, 2)
        if actor in VETOES:
            yes &= picked.index == 0
        if m.narrate and asked[0]:
            demand = float(out.margin[0, actor] - boost[0])
            records.append(
                rec.Answered(
                    s.month,
                    ACTORS[actor].value,
                    names[0],
                    bool(picked.index[0] == 0),
                    float(values["accept"][0]) + demand,
                    float(out.status_quo(actor)[0]),
                    float(out.waiting(actor)[0]),
                    demand,
                    actor in VETOES,
                )
            )
    return yes, taste, records


def broker_round(m: Month, s: State, out: Outlook, mediated, boost, six):
    """The broker tables its compromise; the veto players answer. Returns the state, where it was signed, records."""
    broker = brokering.broker_of(m.params, six)
    plan = brokering.compromise(m, out, boost, broker)
    candidates, nash = plan["candidates"], plan["nash"]
    slot = np.full(s.replications, -1)
    for actor in np.unique(broker[mediated & (broker >= 0)]):
        asked = mediated & (broker == actor)
        context = {"candidates": candidates, "valid": plan["valid"], "named": plan["named"]}
        picked = yield from ask(m, s, out, int(actor), Decision.BROKER, {"nash": nash}, asked, 2, context)
        slot = np.where(asked, picked.index, slot)
    on_table = mediated & (slot >= 0)
    offers = candidates.take(np.maximum(slot, 0))
    package = np.where(slot < plan["named"], slot, talks.BROKERED)
    name = PACKAGES[int(package[0])].value if slot[0] >= 0 else Package.COMPROMISE.value
    records: Records = []
    if m.narrate and on_table[0]:
        point = tuple(np.round(candidates.point[0, int(slot[0])], 2).tolist())
        records.append(rec.Tabled(s.month, ACTORS[int(broker[0])].value, name, point, None, 0.0, None, True))
    yes, taste, more = yield from answers(m, s, out, offers, on_table, boost, 2, [name])
    signing = on_table & yes
    s, signed = sign(m, s, signing, candidates, slot, package, broker, taste)
    return s, signing, records + more + signed


def sign(m: Month, s: State, signing, offers: Offers, slot, package, broker, taste) -> tuple[State, Records]:
    """The text in ``slot`` is signed where ``signing``: relief due at signing is paid, and that is a promise kept."""
    if not signing.any():
        return s, []
    p = m.params
    before = s.relief
    s = talks.sign(s, signing, offers, slot, package, broker, taste)
    s = deliver(s, p.relief_schedule, p.initial_relief)
    s = relief_evidence(m, s, signing & (s.relief > before))
    if not (m.narrate and signing[0]):
        return s, []
    k = int(slot[0])
    name = PACKAGES[int(package[0])].value
    kind = AgreementKind.FRAMEWORK if offers.framework[0, k] else AgreementKind.AGREEMENT
    scope = {part: list(Coverage)[int(offers.scope[0, k, i])].value for i, part in enumerate(("tests", "launches"))}
    point = tuple(np.round(offers.point[0, k], 2).tolist())
    fmt = list(TalksFormat)[int(s.format[0])].value
    return s, [rec.Signed(s.month, name, kind.value, int(offers.steps[0, k]), fmt, point, scope)]
