"""Beliefs that learn: trust counts kept and broken promises; the US's hope that pressure works fades.

Each update rule is checked for its direction over every state it can meet
(hypothesis), and by a hand-computed value; then in a run, with the evidence
that feeds it.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from model_support import DPRK, US, model_of

from model.rules import beliefs

unit = st.floats(0.01, 0.99, allow_nan=False)


@given(tau=unit, n=st.floats(0.5, 50), w=st.floats(0.1, 5))
def test_a_kept_promise_raises_trust_and_a_broken_one_lowers_it(tau, n, w):
    trust = np.full((1, 2, 2), tau)
    count = np.full((1, 2, 2), n)
    watcher = np.array([[True, False]])
    kept, _ = beliefs.observe(trust, count, watcher, 1, 1.0, np.array([w]), np.array([100.0]))
    broken, _ = beliefs.observe(trust, count, watcher, 1, 0.0, np.array([w]), np.array([100.0]))
    assert kept[0, 0, 1] > tau > broken[0, 0, 1]
    assert kept[0, 1, 1] == broken[0, 1, 1] == tau  # who did not watch learns nothing


def test_trust_is_the_mean_of_its_evidence():
    """Prior 0.25 worth 4 observations, then 3 kept and 1 broken promise: (1 + 3) / 8 = 0.5."""
    trust, count = np.full((1, 2, 2), 0.25), np.full((1, 2, 2), 4.0)
    watcher = np.array([[True, False]])
    for outcome in (1.0, 1.0, 0.0, 1.0):
        trust, count = beliefs.observe(trust, count, watcher, 1, outcome, np.array([1.0]), np.array([100.0]))
    assert trust[0, 0, 1] == pytest.approx(0.5)
    assert count[0, 0, 1] == pytest.approx(8.0)


def test_memory_caps_the_evidence_so_old_promises_fade():
    trust, count = np.full((1, 2, 2), 0.9), np.full((1, 2, 2), 4.0)
    watcher = np.array([[True, False]])
    for _ in range(50):
        trust, count = beliefs.observe(trust, count, watcher, 1, 0.0, np.array([1.0]), np.array([6.0]))
    assert count[0, 0, 1] == pytest.approx(6.0)
    assert trust[0, 0, 1] < 0.01


@given(h=unit, pressure=unit, hazard=st.floats(0.01, 0.5))
def test_a_month_of_pressure_without_a_concession_lowers_the_hope_that_pressure_works(h, pressure, hazard):
    after = beliefs.no_concession(np.array([[h]]), np.array([pressure]), np.array([hazard]), np.array([True]))
    assert after[0, 0] < h
    # more pressure endured is stronger evidence of a resolute DPRK
    more = beliefs.no_concession(
        np.array([[h]]), np.array([min(1.0, pressure + 0.2)]), np.array([hazard]), np.array([True])
    )
    assert more[0, 0] <= after[0, 0]


@given(h=unit, ratio=st.floats(0.05, 0.95))
def test_a_strategic_test_lowers_the_hope_that_pressure_works(h, ratio):
    assert beliefs.after_test(np.array([[h]]), np.array([ratio]), np.array([True]))[0, 0] < h
    assert beliefs.after_test(np.array([[h]]), np.array([ratio]), np.array([False]))[0, 0] == h


@given(previous=unit, settled=unit, rate=st.floats(0.01, 1.0))
def test_the_pressure_forecast_moves_toward_what_the_delivered_sanctions_imply(previous, settled, rate):
    new = beliefs.forecast(np.array([previous]), np.array([settled]), np.array([rate]))[0]
    assert min(previous, settled) - 1e-12 <= new <= max(previous, settled) + 1e-12
    assert abs(new - settled) <= abs(previous - settled) + 1e-12


def test_in_a_run_the_us_hope_fades_while_sanctions_bite_without_a_concession():
    model = model_of("maximum-pressure", seed=3)
    start = model.state.yield_belief[0, US]
    model.run_for(12)
    assert not model.state.signed[0]
    assert model.state.yield_belief[0, US] < start


def test_in_a_run_delivered_steps_raise_the_trust_of_the_side_that_sees_them():
    model = model_of("hanoi-2019-step-for-step", ("scenario.months=24",), seed=1)
    start = model.state.trust[0, US, DPRK], model.state.trust[0, DPRK, US]
    model.run_for(24)
    assert model.state.steps_done[0] >= 2
    assert model.state.trust[0, US, DPRK] > start[0]
    assert model.state.trust[0, DPRK, US] > start[1]


def test_leakage_lowers_the_forecast_of_pressure_and_with_it_the_value_of_waiting():
    strict = model_of("maximum-pressure", seed=1)
    leaky = model_of("leaky-enforcement", ('talks.agenda=["big_deal"]',), seed=1)
    for m in (strict, leaky):
        m.run_for(12)
    assert leaky.state.pressure_forecast[0] < strict.state.pressure_forecast[0]
    assert leaky.outlook().waiting(US)[0] < strict.outlook().waiting(US)[0]


def test_the_dprk_belief_in_us_credibility_falls_when_benefits_are_withheld():
    model = model_of("hanoi-2019-step-for-step", ("scenario.months=12",), seed=1)
    model.run_for(3)
    assert model.state.in_force[0]
    before = model.state.trust[0, DPRK, US]
    model.params.withhold_relief[:] = True
    steps = model.state.steps_done[0]
    while model.state.steps_done[0] == steps and model.state.month < 12:  # until a step falls due and is kept
        model.step()
    assert model.state.trust[0, DPRK, US] < before
