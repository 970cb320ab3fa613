"""Invariants of the expected-utility forecast, for any actor table and any reading (hypothesis)."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from model.forecast.eum import forecast, weighted_median
from model.forecast.options import OPTION_NOTES, Options

CHOICES = {name: list(note.values) for name, note in OPTION_NOTES.items() if name not in ("q", "t")}


@st.composite
def options(draw) -> Options:
    chosen = {name: draw(st.sampled_from(values)) for name, values in CHOICES.items()}
    q = draw(st.sampled_from([1.0, 0.5, 0.0]))
    t = draw(st.sampled_from(["closer", 0.0, 1.0]))
    return Options(**chosen, q=q, t=t)


@st.composite
def tables(draw, n_min: int = 2, n_max: int = 8):
    n = draw(st.integers(n_min, n_max))
    low = draw(st.floats(-100, 100))
    width = draw(st.floats(0.1, 100))
    unit = st.floats(0, 1)
    position = np.array(draw(st.lists(unit, min_size=n, max_size=n))) * width + low
    capability = np.array(draw(st.lists(st.floats(0.01, 10), min_size=n, max_size=n)))
    salience = np.array(draw(st.lists(st.floats(0.01, 1), min_size=n, max_size=n)))
    return position, capability, salience, (low, low + width)


@given(tables(), options())
def test_positions_stay_within_the_issue_range(table, reading):
    position, capability, salience, (low, high) = table
    result = forecast(position, capability, salience, reading, rounds=6)
    for r in result.rounds:
        assert np.all(r.positions >= position.min()) and np.all(r.positions <= position.max())
        assert np.all(r.positions >= low) and np.all(r.positions <= high)


@given(tables(), options())
def test_the_median_is_the_weighted_median_of_current_positions(table, reading):
    """No actor's position has a smaller capability-and-salience weighted distance to all others."""
    position, capability, salience, _ = table
    w = capability * salience
    result = forecast(position, capability, salience, reading, rounds=4)
    for r in result.rounds:
        cost = np.abs(r.positions[None, :] - r.positions[:, None]) @ w
        assert np.dot(w, np.abs(r.positions - r.median)) <= cost.min() * (1 + 1e-9) + 1e-12
        assert r.median == weighted_median(r.positions, w)
        assert r.mean == pytest.approx(np.dot(w, r.positions) / w.sum())


@given(tables(), options(), st.data())
def test_an_actor_with_all_the_capability_does_not_move(table, reading, data):
    position, _, salience, _ = table
    strong = data.draw(st.integers(0, len(position) - 1))
    capability = np.zeros(len(position))
    capability[strong] = 1.0
    result = forecast(position, capability, salience, reading, rounds=6)
    assert all(r.positions[strong] == position[strong] for r in result.rounds)
    assert result.median == position[strong]


@given(st.integers(2, 8), st.floats(-50, 50), st.floats(0.01, 5), st.floats(0.01, 1), options())
def test_identical_actors_forecast_their_own_position(n, x, c, s, reading):
    result = forecast(np.full(n, x), np.full(n, c), np.full(n, s), reading)
    assert result.median == x and result.mean == pytest.approx(x)
    assert result.settled == 0 and result.rounds == ()


@given(tables(), options())
def test_the_same_input_gives_the_same_forecast(table, reading):
    position, capability, salience, _ = table
    a = forecast(position, capability, salience, reading, rounds=4)
    b = forecast(position.copy(), capability.copy(), salience.copy(), reading, rounds=4)
    assert [r.positions.tolist() for r in a.rounds] == [r.positions.tolist() for r in b.rounds]


@given(tables(n_min=3), st.floats(0.5, 20), st.floats(-30, 30))
def test_the_forecast_does_not_depend_on_the_position_scale(table, scale, shift):
    """Rescaling and shifting every position rescales and shifts the forecast (distances are normalised)."""
    position, capability, salience, _ = table
    a = forecast(position, capability, salience, rounds=4)
    b = forecast(position * scale + shift, capability, salience, rounds=4)
    assert b.median == pytest.approx(a.median * scale + shift, rel=1e-6, abs=1e-6 * scale)


def test_a_low_salience_actor_gives_way_to_a_committed_one():
    """Scripted duel, by hand. A at 0 (c 1, s 1), B at 1 (c 1, s 0.1); all-pairs P_AB = 1/2.2, P_BA = 0.1/2.2.

    Risk-neutral, A expects 1.78 from challenging B and B expects -1.82 from challenging A, so B is the
    less secure: r_B = 0.5, r_A = 2. With r_B = 0.5 (U_s = 2, U_f = -2, U_sq = 2 - 2.83), B's estimates are
    E U_BA = (0.091 - 1.909) + 0.828 = -0.99 and E U_AB = 0.1(0.909 - 1.091) + 1.8 + 0.828 = 2.61: a
    compromise in which B moves 0.99 / 2.61 = 0.379 of the way to A. A never moves.
    """
    result = forecast(np.array([0.0, 1.0]), np.array([1.0, 1.0]), np.array([1.0, 0.1]), rounds=3)
    first = result.rounds[0]
    assert [(m.actor, m.toward, m.kind) for m in first.moves] == [(1, 0, "compromise")]
    assert first.risk.tolist() == pytest.approx([2.0, 0.5])
    assert first.positions[1] == pytest.approx(1 - 0.99 / 2.61, abs=0.002)
    assert [r.positions[0] for r in result.rounds] == [0.0, 0.0, 0.0]
    b = [1.0] + [r.positions[1] for r in result.rounds]
    assert all(later < earlier for earlier, later in pairwise(b))
