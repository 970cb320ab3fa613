"""The one payoff scale: consistency of deal and no-deal values, and the directions the theory implies.

Each property is checked over drawn states (hypothesis) on the decision
functions themselves (:mod:`model.rules.paths`, :class:`model.rules.outlook.Outlook`),
where its sign must hold for every state.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from model_support import ACTORS, DPRK, US, model_of, offer, outlook_at, with_situation, with_trust

from model.core.domain import Coverage, Issue, ReliefSchedule
from model.rules.paths import (
    Offers,
    breakdown_paths,
    honest_paths,
    segment_weights,
    status_quo_paths,
    value,
)
from model.rules.utility import World, flow

MODEL = model_of()
unit = st.floats(0.0, 1.0, allow_nan=False)
inner = st.floats(0.05, 0.95, allow_nan=False)


@st.composite
def states(draw):
    """A month of baseline-2019 with the arsenal, tension, relief, trust and enforcement drawn."""
    trust = MODEL.state.trust.copy()
    trust[0, US, DPRK] = draw(inner)
    trust[0, DPRK, US] = draw(inner)
    shift = np.array([[draw(st.floats(-0.5, 0.3)), draw(st.floats(-0.5, 0.3))]])
    return {
        "capability": draw(inner),
        "tension": draw(st.floats(0.0, 0.8)),
        "relief": draw(st.floats(0.0, 0.3)),
        "trust": trust,
        "delivery_shift": shift,
    }


def phased(den: float = 0.4, relief: float = 0.5, guarantees: float = 0.5, **more) -> Offers:
    point = {
        "denuclearization": den,
        "sanctions_relief": relief,
        "phasing": 1.0,
        "exercise_restraint": 0.5,
        "multilateral_format": 0.2,
        "security_guarantees": guarantees,
        "economic_cooperation": 0.5,
        **more,
    }
    return offer(point, steps=4)


# ---------------------------------------------------------------- consistency


def test_value_is_the_discounted_mean_of_the_flow_over_each_path():
    """value() and flow() are one scale: a path's value is the weight of each state times its flow.

    Fails if a term is dropped from, or added to, either of them.
    """
    out = outlook_at(MODEL)
    sit, deal = out.situation, phased()
    for paths in (honest_paths(sit, deal), breakdown_paths(sit, deal, True), status_quo_paths(sit)):
        for actor in ACTORS:
            prefs = out.prefs[actor]
            reads = out.reads[:, actor]
            got = value(prefs, sit, paths, reads, 0 if actor == 3 else 1 if actor == 2 else None)
            expected = _by_flow(out, paths, actor)
            assert got == pytest.approx(expected, abs=1e-12), actor


def _by_flow(out, paths, actor):
    """The same value computed state by state with utility.flow (the realised-utility function)."""
    from model.rules.paths import covered, growing_arsenal, persistence

    sit, prefs = out.situation, out.prefs[actor]
    if paths.scope_tests is None:
        freeze = np.zeros((*paths.arsenal.shape[:2], 1))
    else:
        freeze = covered(paths.scope_tests[..., None], out.reads[:, actor])[..., 0][..., None]
    arsenal = np.where(freeze > 0, paths.arsenal, growing_arsenal(paths.arsenal, sit, prefs.patience))
    tests = sit.test_rate[:, None, None] * (1 - freeze)
    exercises = sit.exercise_rate[:, None, None] * (1 - paths.point[..., Issue.EXERCISE_RESTRAINT.index])
    level = np.clip(
        (tests * sit.test_tension[:, None, None] + exercises * sit.exercise_tension[:, None, None])
        / sit.tension_decay[:, None, None],
        0,
        1,
    )
    tension = level + (sit.tension[:, None, None] - level) * persistence(sit, prefs.patience)[:, None, None]
    world = World(
        paths.point,
        arsenal,
        np.broadcast_to(paths.kappa, arsenal.shape),
        paths.regime_economy,
        paths.trade(sit),
        np.broadcast_to(tension, arsenal.shape),
    )
    enforcer = {3: 0, 2: 1}.get(actor)
    weight = segment_weights(paths.times, prefs.patience, sit.horizon)
    return (flow(prefs, world, enforcer) * weight).sum(axis=-1)


@pytest.mark.parametrize("term", ["security", "economy", "tension"])
def test_every_flow_term_counts_in_both_deal_and_no_deal_values(term):
    """Doubling a term's weight moves the value of a deal and of no deal (a dropped term would not)."""
    out = outlook_at(MODEL)
    actor = DPRK if term == "economy" else US
    doubled = replace(
        out,
        prefs=tuple(
            replace(p, **{term: p.__dict__[term] * 2 + 0.1}) if i == actor else p for i, p in enumerate(out.prefs)
        ),
        _cache={},
    )
    deal = phased()
    assert doubled.value(actor, deal)[0, 0] != pytest.approx(out.value(actor, deal)[0, 0], abs=1e-9)
    assert doubled.status_quo(actor)[0] != pytest.approx(out.status_quo(actor)[0], abs=1e-9)


@given(state=states())
def test_an_agreement_at_the_status_quo_point_is_worth_the_status_quo(state):
    out = outlook_at(MODEL, **state)
    here = offer(out.situation.sq_point[0], tests=Coverage.NOT_COVERED, launches=Coverage.NOT_COVERED, framework=True)
    for actor in ACTORS:
        assert out.value(actor, here)[0, 0] == pytest.approx(out.status_quo(actor)[0], abs=1e-12)


@pytest.mark.parametrize("actor", ACTORS)
def test_no_actor_rejects_its_own_ideal_point_offered_with_full_trust_and_guarantees(actor):
    out = with_trust(outlook_at(MODEL), 1.0)
    ideal = out.prefs[actor].ideal[0].copy()
    ideal[Issue.SECURITY_GUARANTEES.index] = max(ideal[Issue.SECURITY_GUARANTEES.index], 1.0 if actor == DPRK else 0.0)
    own = offer(ideal, steps=1 + round(ideal[Issue.PHASING.index] * 3))
    values = __import__("model.rules.options", fromlist=["accept"]).accept(out, actor, own, np.zeros(1))
    assert values["accept"][0] > values["reject"][0], (actor, values)


# ---------------------------------------------------------------- directions


@given(state=states(), more=st.floats(0.05, 0.3))
def test_a_larger_arsenal_raises_the_dprk_no_deal_value(state, more):
    small = outlook_at(MODEL, **state)
    large = outlook_at(MODEL, **{**state, "capability": min(state["capability"] + more, 1.0)})
    assert large.no_deal(DPRK)[0] > small.no_deal(DPRK)[0]


def accepted_scope(out) -> float:
    """The largest denuclearization scope of a phased offer the DPRK would sign (noise aside)."""
    best = 0.0
    for den in np.linspace(0, 1, 41):
        if out.value(DPRK, phased(den=den))[0, 0] - out.margin[0, DPRK] >= out.no_deal(DPRK)[0]:
            best = den
    return best


STILL = model_of("baseline-2019", overrides=("dynamics.conflict.capability_growth=0",))


@given(state=states(), more=st.floats(0.1, 0.3), arsenal=st.floats(0.05, 0.9))
def test_a_larger_arsenal_lowers_the_scope_the_dprk_accepts(state, more, arsenal):
    """The arsenal as security: a DPRK with more to give up demands more before it gives a share of it.

    Checked where the arsenal does not grow: an agreement also freezes the arsenal's growth,
    and that second effect can turn the sign (next test), so the property does not hold for
    every state with growth on.
    """
    state = {**state, "capability": arsenal}
    small = outlook_at(STILL, **state)
    large = outlook_at(STILL, **{**state, "capability": min(arsenal + more, 1.0)})
    assert accepted_scope(large) <= accepted_scope(small)


def test_the_freeze_of_a_growing_arsenal_can_turn_the_sign():
    """Why the property above is checked without growth (a case hypothesis found, reported, not tuned away).

    A DPRK that barely trusts the US (0.05) expects the agreement to break down; what it keeps
    from a deal is mostly the freeze of the arsenal's growth, and the smaller arsenal, with more
    room to grow, loses more by that freeze: at 0.75 the DPRK accepts a token scope, at 0.5 none.
    Without growth the freeze costs nothing and the larger arsenal accepts no more than the smaller.
    """
    trust = MODEL.state.trust.copy()
    trust[0, DPRK, US] = 0.05
    state = {"tension": 0.0, "relief": 0.1484375, "trust": trust, "delivery_shift": np.zeros((1, 2))}
    growing = [accepted_scope(outlook_at(MODEL, **state, capability=a)) for a in (0.5, 0.75)]
    still = [accepted_scope(outlook_at(STILL, **state, capability=a)) for a in (0.5, 0.75)]
    assert growing[1] > growing[0]
    assert still[1] <= still[0]


def surpluses(out):
    """Each veto player's value of a grid of offers over its value of no agreement."""
    offers = [phased(den=d, relief=r) for d in (0.2, 0.5, 0.8) for r in (0.2, 0.5, 0.8)]
    return {v: np.array([out.value(v, o)[0, 0] - out.no_deal(v)[0] for o in offers]) for v in (US, DPRK)}


@given(state=states(), tighter=st.floats(0.05, 0.4))
def test_at_fixed_beliefs_more_pressure_never_narrows_the_bargaining_range(state, tighter):
    """Stricter enforcement (less DPRK income, the US's forecast of pressure held fixed) leaves every offer
    at least as acceptable to both veto players: the DPRK's surplus never falls, the US's does not move."""
    loose = outlook_at(MODEL, **state)
    shift = state["delivery_shift"] + tighter
    strict = outlook_at(MODEL, **{**state, "delivery_shift": np.minimum(shift, 1.0)})
    a, b = surpluses(loose), surpluses(strict)
    assert (b[DPRK] >= a[DPRK] - 1e-12).all()
    assert b[US] == pytest.approx(a[US], abs=1e-12)


@given(state=states(), relief=st.floats(0.3, 0.8))
def test_upfront_relief_is_worth_more_to_the_dprk_than_relief_at_the_end(state, relief):
    base = outlook_at(MODEL, **state)
    upfront = with_situation(base, schedule=np.array([ReliefSchedule.UPFRONT.index]))
    at_end = with_situation(base, schedule=np.array([ReliefSchedule.AT_END.index]))
    deal = phased(relief=relief)
    assert upfront.value(DPRK, deal)[0, 0] > at_end.value(DPRK, deal)[0, 0]


@given(state=states())
def test_snapback_lowers_the_dprk_gain_from_breaching(state):
    live = MODEL.state.but(
        in_force=np.array([True]),
        deal_point=phased().point[:, 0],
        deal_steps=np.array([4]),
        steps_done=np.array([1]),
        deal_scope=np.array([[2, 1]]),
    )
    after = {**state, "relief": max(state["relief"], 0.2)}
    keep = MODEL.outlook(live.but(**{k: np.atleast_1d(v) for k, v in after.items()}))
    snap = with_situation(keep, snapback=np.array([True]))
    loose = with_situation(keep, snapback=np.array([False]))
    gain = {name: o.walk(DPRK)[0] - o.stay(DPRK)[0] for name, o in (("snap", snap), ("loose", loose))}
    assert gain["snap"] < gain["loose"]


@given(state=states(), share=unit)
def test_a_us_that_finds_the_dprk_cheating_takes_back_what_the_rules_let_it(state, share):
    """The US side's breakdown path ends the agreement as implementation.end does when the US ends one.

    Fails if the breakdown path keeps all relief without snapback, or returns all of it.
    """
    from model.rules import implementation

    out = with_situation(
        outlook_at(MODEL, **state),
        schedule=np.array([ReliefSchedule.UPFRONT.index]),
        snapback=np.array([False]),
        restored=np.array([share]),
    )
    sit, deal = out.situation, phased(relief=0.6)
    relief = breakdown_paths(sit, deal, False).point[0, 0, :, Issue.SANCTIONS_RELIEF.index]
    given_relief = max(0.6, float(sit.relief[0]))
    assert relief[0] == given_relief  # given at signing, kept until the DPRK is found out
    signed = MODEL.state.but(relief=np.array([given_relief]), in_force=np.array([True]))
    yes, no = np.array([True]), np.array([False])
    ended = implementation.end(signed, yes, np.array([0]), np.array([DPRK]), yes, no, sit.relief, share)
    assert relief[1] == pytest.approx(ended.relief[0], abs=1e-12)
    snapped = breakdown_paths(replace(sit, snapback=np.array([True])), deal, False).point[0, 0, 1]
    assert snapped[Issue.SANCTIONS_RELIEF.index] == sit.relief[0]


@given(state=states(), less=st.floats(0.0, 0.5), more=st.floats(0.05, 0.5))
def test_the_more_relief_the_us_can_take_back_the_more_it_values_relief_upfront(state, less, more):
    """Without snapback, the share the US can take back after a DPRK breach limits its exposure to upfront relief."""
    base = with_situation(
        outlook_at(MODEL, **state), schedule=np.array([ReliefSchedule.UPFRONT.index]), snapback=np.array([False])
    )
    deal = phased(relief=0.6)
    low = with_situation(base, restored=np.array([less]))
    high = with_situation(base, restored=np.array([less + more]))
    assert high.value(US, deal)[0, 0] > low.value(US, deal)[0, 0]


@given(state=states(), g=st.floats(0.0, 0.6), more=st.floats(0.1, 0.4))
def test_guarantees_raise_the_dprk_value_of_a_deal_more_when_it_believes_them(state, g, more):
    out = outlook_at(MODEL, **state)

    def rise(o):
        return o.value(DPRK, phased(guarantees=g + more))[0, 0] - o.value(DPRK, phased(guarantees=g))[0, 0]

    doubtful = with_trust(out, 0.2)
    believing = with_trust(out, 0.8)
    assert rise(doubtful) > 0
    assert rise(believing) > rise(doubtful)
