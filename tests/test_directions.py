"""Directional properties the theory implies, for the rules and for whole runs.

Tighter enforcement lowers DPRK income; a breach lowers trust in the party
that breached; a freeze in force means fewer tests. Model-level comparisons
use the same seeds on both sides, so the only difference is the lever moved.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from strategies import run, scenarios, seeds, toml_value, unit_floats

from model.domain import Actor, Channel, Enforcer
from model.loader import load_scenario
from model.records import monthly_table
from model.rules import conflict, economy
from model.runs import run_replications
from model.simulation import PeninsulaModel

US, DPRK = Actor.US.index, Actor.DPRK.index
CHANNEL_KEYS = tuple(f"sanctions.enforcement.{e.value}.{c.value}" for e in Enforcer for c in Channel)


def unit_arrays(shape) -> st.SearchStrategy[np.ndarray]:
    return hnp.arrays(float, shape, elements=unit_floats())


# ---------------------------------------------------------------- enforcement and income


@given(
    enforcement=unit_arrays((1, 2, 4)),
    tightening=unit_arrays((1, 2, 4)),
    shares=unit_arrays((1, 2, 4)),
    rest=unit_floats(0, 0.1),
    relief=unit_floats(0, 1),
)
def test_tighter_enforcement_never_raises_income(enforcement, tightening, shares, rest, relief):
    """Never up; and down by clearly more than rounding wherever the theory says by how much.

    The drop is (1 - relief) * sum(share * tightening) / total; a strict drop is
    asserted only where that is well above float noise (near relief = 1 both
    incomes round to the same number, and that is no sign flip).
    """
    tighter = enforcement + tightening * (1 - enforcement)
    args = (np.array([rest]), np.array([relief]))
    loose, tight = economy.income(enforcement, shares, *args)[0], economy.income(tighter, shares, *args)[0]
    assert tight <= loose + 1e-12
    expected = (1 - relief) * (shares * (tighter - enforcement)).sum() / max(shares.sum() + rest, 1e-300)
    if shares.sum() + rest > 0 and expected > 1e-9:
        assert loose - tight > expected / 2


@given(enforcement=unit_arrays((1, 2, 4)), shares=unit_arrays((1, 2, 4)), low=unit_floats(), high=unit_floats())
def test_relief_never_lowers_income(enforcement, shares, low, high):
    low, high = sorted((low, high))
    rest = np.array([0.02])
    assert economy.income(enforcement, shares, rest, np.array([high]))[0] >= (
        economy.income(enforcement, shares, rest, np.array([low]))[0] - 1e-12
    )


def test_full_enforcement_and_no_relief_leaves_no_income():
    shares = np.full((1, 2, 4), 0.1)
    assert economy.income(np.ones((1, 2, 4)), shares, np.array([0.2]), np.array([0.0]))[0] == 0.0


@given(previous=unit_floats(), low=unit_floats(), high=unit_floats(), need=unit_floats(0.1, 1), rate=unit_floats())
def test_lower_income_means_at_least_as_much_pressure(previous, low, high, need, rate):
    low, high = sorted((low, high))
    args = (np.array([need]), np.array([rate]))
    poorer = economy.pressure(np.array([previous]), np.array([low]), *args)[0]
    richer = economy.pressure(np.array([previous]), np.array([high]), *args)[0]
    assert poorer >= richer - 1e-12
    assert 0.0 <= richer <= poorer <= 1.0


@given(
    case=scenarios(policy=False),
    seed=seeds,
    channels=st.lists(st.sampled_from(CHANNEL_KEYS), min_size=1, unique=True),
    step=unit_floats(0.2, 1.0),
)
def test_tighter_enforcement_lowers_monthly_income_in_a_run(case, seed, channels, step):
    """Without talks (so no relief is ever agreed), the same seed under tighter enforcement earns less, every month."""
    quiet = (*case.overrides, "talks.active=false", "initial.relief=0.0")
    loose = load_scenario(case.base, quiet)
    enforcement = loose.sanctions.enforcement
    tighter = []
    for key in channels:
        *_, enforcer, channel = key.split(".")
        value = getattr(enforcement[Enforcer(enforcer)], channel)
        tighter.append(f"{key}={toml_value(value + step * (1 - value))}")
    assume(any(getattr(enforcement[Enforcer(k.split(".")[2])], k.split(".")[3]) < 0.99 for k in channels))
    tight = load_scenario(case.base, (*quiet, *tighter))
    income_loose = monthly_table(run(loose, seed))["income"].to_numpy()[1:]
    income_tight = monthly_table(run(tight, seed))["income"].to_numpy()[1:]
    assert (income_tight <= income_loose + 1e-12).all()
    assert income_tight.mean() < income_loose.mean()


@pytest.mark.parametrize("name", ["baseline-2019", "hanoi-2019"])
def test_strict_enforcement_lowers_mean_income_over_replications(name):
    """Same seeds, every channel enforced at 0.95 instead of the scenario's: lower mean DPRK income."""
    strict = [f"{key}=0.95" for key in CHANNEL_KEYS]
    base = run_replications(load_scenario(name, ["talks.active=false"]), 11, 100)
    tight = run_replications(load_scenario(name, ["talks.active=false", *strict]), 11, 100)
    assert tight["income_end"].mean() < base["income_end"].mean()


# ---------------------------------------------------------------- breach and trust


@given(
    trust=unit_arrays((3, 6, 6)),
    toward=st.integers(0, 5),
    by=unit_arrays((3,)),
    who=hnp.arrays(bool, (3,)),
)
def test_cut_trust_lowers_trust_toward_the_breacher_only(trust, toward, by, who):
    after = conflict.cut_trust(trust, toward, by, who)
    others = np.arange(6) != toward
    assert np.array_equal(after[:, :, others], trust[:, :, others])  # trust in anyone else is untouched
    before_col, after_col = trust[:, others, toward], after[:, others, toward]
    assert (after_col <= before_col).all()
    assert np.array_equal(after_col[~who], before_col[~who])
    assert np.allclose(after_col[who], np.clip(before_col[who] - by[who, None], 0.0, 1.0))


BREACHING = ("dynamics.implementation.violation_rate=1.0",)  # within the scenario's 3 months: no second round


@given(seed=seeds)
def test_a_breach_lowers_trust_toward_the_breaching_party(seed):
    """hanoi-2019-step-for-step signs at the summit (month 1); with certain violation both parties breach in month 2."""
    spec = load_scenario("hanoi-2019-step-for-step", BREACHING)
    model = PeninsulaModel(spec, rng=seed, narrate=True)
    model.step()
    assume(bool(model.state.in_force[0]))
    before = model.state.trust[0].copy()
    model.step()
    breached = model.log[-1].get("breach", [])
    assert breached, "violation_rate=1 at low trust must produce a breach in the first month in force"
    for name in breached:
        breacher = Actor(name).index
        victim = DPRK if breacher == US else US
        assert model.state.trust[0, victim, breacher] < before[victim, breacher]


@given(seed=seeds)
def test_a_breach_leaves_trust_lower_than_keeping_the_deal(seed):
    """Same seed, violation rate 1 vs 0: mutual trust of the veto players is lower after breaches."""
    kept = run(load_scenario("hanoi-2019-step-for-step", ("dynamics.implementation.violation_rate=0.0",)), seed)
    broken = run(load_scenario("hanoi-2019-step-for-step", BREACHING), seed)
    assume(bool(kept.state.signed[0]))
    assert broken.state.breached[0]
    assert broken.state.trust[0, US, DPRK] < kept.state.trust[0, US, DPRK]
    assert broken.state.trust[0, DPRK, US] < kept.state.trust[0, DPRK, US]


# ---------------------------------------------------------------- freeze and tests


@given(
    base=unit_floats(),
    moratorium=unit_floats(),
    low=unit_floats(),
    high=unit_floats(),
    tension=unit_floats(),
    pressure=unit_floats(),
)
def test_test_chance_falls_as_the_freeze_tightens(base, moratorium, low, high, tension, pressure):
    low, high = sorted((low, high))
    args = [np.array([x]) for x in (base, moratorium)]
    state = [np.array([tension]), np.array([pressure])]
    weak = conflict.test_chance(*args, np.array([low]), *state)[0]
    strong = conflict.test_chance(*args, np.array([high]), *state)[0]
    assert 0.0 <= strong <= weak <= 1.0
    assert conflict.test_chance(*args, np.array([1.0]), *state)[0] == 0.0


FREEZE_RUN = ("scenario.months=48", "conflict.moratorium=0.0")


def freeze_batch(effect: float, n: int = 100):
    spec = load_scenario("hanoi-2019-step-for-step", (*FREEZE_RUN, f"dynamics.conflict.freeze_effect={effect}"))
    model = PeninsulaModel(spec, seeds=np.arange(n))
    model.run_for(model.months)
    return model


def test_a_full_freeze_means_no_test_while_a_deal_is_in_force():
    table = monthly_table(freeze_batch(1.0))
    tested = table.groupby("replication")["tests"].diff().fillna(0) > 0
    in_force_before = table.groupby("replication")["deal_in_force"].shift(1, fill_value=False)
    assert tested.any(), "with no moratorium some months outside a deal must see tests"
    assert not (tested & in_force_before).any()


def test_a_freeze_in_force_means_fewer_tests_for_the_same_seeds():
    frozen, unfrozen = freeze_batch(1.0), freeze_batch(0.0)
    assert frozen.state.tests.mean() < unfrozen.state.tests.mean()
    assert frozen.state.tests.sum() < unfrozen.state.tests.sum()
