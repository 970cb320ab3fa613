"""The rules that apply choices: given this state and these actions and draws, this state.

Each rule is a pure function over the replication axis; each test is a
scripted case small enough to check by hand.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from model_support import DPRK, model_of, offer

from model.core.domain import Cause, Coverage, Issue, ReliefSchedule
from model.rules import conflict, economy, enforcement, implementation, positions, talks
from model.rules.paths import Offers, covered, steps_for

UPFRONT, PER_STEP, AT_END = (s.index for s in ReliefSchedule)


def signed_state(steps: int = 4, relief: float = 0.6, den: float = 0.4, schedule: int = PER_STEP):
    """A baseline state just after signing a phased offer (relief per the schedule)."""
    model = model_of()
    deal = offer({"denuclearization": den, "sanctions_relief": relief, "phasing": 1.0}, steps=steps)
    s = talks.sign(
        model.state.but(month=5),
        np.array([True]),
        deal,
        np.array([0]),
        np.array([1]),
        np.array([-1]),
        np.zeros((1, 6, 2)),
    )
    return implementation.deliver(s, np.array([schedule]), np.array([0.0])), model


def test_signing_starts_an_agreement_with_its_terms_and_counters():
    s, _ = signed_state()
    assert s.in_force[0] and s.signed[0] and s.deals[0] == 1 and s.month_signed[0] == 5
    assert s.first_month_signed[0] == 5 and s.steps_done[0] == 0 and s.deal_steps[0] == 4
    assert not s.began[0] and not s.collapsed[0]
    assert s.relief[0] == 0.0  # per-step relief waits for the first step


def test_upfront_relief_is_delivered_at_signing():
    s, _ = signed_state(schedule=UPFRONT)
    assert s.relief[0] == pytest.approx(0.6)


@pytest.mark.parametrize("schedule, after_two", [(UPFRONT, 0.6), (PER_STEP, 0.3), (AT_END, 0.0)])
def test_relief_follows_the_schedule_as_steps_are_delivered(schedule, after_two):
    s, _ = signed_state(schedule=schedule)
    s = s.but(steps_done=np.array([2]))
    s = implementation.deliver(s, np.array([schedule]), np.array([0.0]))
    assert s.relief[0] == pytest.approx(after_two)
    assert s.capability[0] == pytest.approx(s.capability_at_signing[0] * (1 - 0.4 * 0.5))


def test_a_step_falls_due_after_its_share_of_the_duration_and_is_delivered_unless_held_up():
    s, _ = signed_state()
    duration, clear = np.array([12]), np.array([False])
    for _ in (1, 2):
        s, delivered, late = implementation.advance(s, np.array([True]), duration, clear)
        assert not delivered[0]
    s, delivered, late = implementation.advance(s, np.array([True]), duration, np.array([True]))  # held up
    assert not delivered[0] and s.months_late[0] == 1
    s, delivered, late = implementation.advance(s, np.array([True]), duration, clear)
    assert delivered[0] and late[0] and s.steps_done[0] == 1 and s.began[0] and s.late_steps[0] == 1


def test_an_agreement_ends_with_its_cause_and_relief_returns_if_snapback_or_the_us_ends_it():
    s, _ = signed_state(schedule=UPFRONT)
    for snapback, by_us, relief in ((True, False, 0.0), (False, True, 0.0), (False, False, 0.6)):
        ended = implementation.end(
            s,
            np.array([True]),
            np.array([Cause.COVERED_TEST.index]),
            np.array([DPRK]),
            np.array([by_us]),
            np.array([snapback]),
            np.array([0.0]),
        )
        assert not ended.in_force[0] and ended.collapsed[0] and ended.cause[0] == Cause.COVERED_TEST.index
        assert ended.relief[0] == pytest.approx(relief)


def test_more_phasing_means_more_steps():
    assert steps_for(np.array([[0.0, 0.34, 0.66, 1.0]]), np.array([4])).tolist() == [[1, 2, 3, 4]]


def test_each_party_reads_an_ambiguous_text_its_own_way():
    scope = np.array([[[Coverage.COVERED.index, Coverage.AMBIGUOUS.index]]])
    assert covered(scope, np.array([True])).tolist() == [[[1.0, 1.0]]]
    assert covered(scope, np.array([False])).tolist() == [[[1.0, 0.0]]]


def test_a_broker_blends_the_favourites_and_picks_the_largest_nash_product():
    points = np.zeros((1, 2, 7))
    points[0, 0, 0] = 1.0
    named = Offers(points, np.array([[False, False]]), np.zeros((1, 2, 2), dtype=np.int64), np.array([[1, 1]]))
    mixed = talks.blends(named, np.array([0]), np.array([1]), np.array([4]))
    assert mixed.point[0, :, 0].tolist() == [0.75, 0.5, 0.25]
    gains_us = np.array([[0.3, -0.1, 0.2, 0.1, 0.0]])
    gains_dprk = np.array([[-0.1, 0.3, 0.04, 0.1, 0.2]])
    assert talks.nash_slot(gains_us, gains_dprk, np.ones((1, 5), bool))[0] == 3  # 0.1 x 0.1 beats 0.2 x 0.04


def test_delivered_enforcement_moves_with_choices_unless_pinned():
    shift = np.zeros((1, 2))
    moved = enforcement.adjust(shift, np.array([[-1.0, 1.0]]), np.array([0.05]), np.array([False]))
    assert moved.tolist() == [[-0.05, 0.05]]
    assert enforcement.adjust(shift, np.array([[-1.0, 1.0]]), np.array([0.05]), np.array([True])).tolist() == [[0, 0]]
    start = np.full((1, 2, 4), 0.6)
    assert enforcement.delivered(start, moved)[0, 0, 0] == pytest.approx(0.55)
    assert enforcement.tighten(start, np.array([0.25]), np.array([True]))[0, 0, 0] == pytest.approx(0.7)


@given(
    enforcement=st.floats(0.0, 1.0),
    share=st.floats(0.05, 1.0),
    relief=st.floats(0.0, 0.9),
    tighter=st.floats(0.05, 0.5),
)
def test_tighter_enforcement_lowers_income_while_any_unrelieved_share_is_exposed(enforcement, share, relief, tighter):
    """Strict direction, checked where it must be strict: a share exposed, relief below 1, a real step up."""
    e0 = np.full((1, 2, 4), min(enforcement, 0.9))
    e1 = np.minimum(e0 + tighter, 1.0)
    shares = np.full((1, 2, 4), share)
    args = (shares, np.array([0.02]), np.array([relief]))
    assert economy.income(e1, *args)[0] < economy.income(e0, *args)[0]


def test_income_is_a_line_in_relief():
    e, shares, rest = np.full((1, 2, 4), 0.7), np.full((1, 2, 4), 0.1), np.array([0.2])
    base, slope = economy.income_coefficients(e, shares, rest)
    for r in (0.0, 0.4, 1.0):
        assert economy.income(e, shares, rest, np.array([r]))[0] == pytest.approx(base[0] + slope[0] * r)


def test_positions_stay_anchored_to_their_own_start():
    """Friedkin-Johnsen: repeated pulls settle between the anchor and the pressers, never at the pressers."""
    anchor = np.array([[0.0]])
    x = anchor.copy()
    row = positions.influence(np.array([0.5]), np.array([[1.0]]))
    for _ in range(500):
        x = positions.friedkin_johnsen(x, anchor, np.array([[[1.0]]]), row, np.array([0.2]))
    # fixed point x = 0.2 (0.5 x + 0.5) / (1 - 0.1) ... = 0.1 / 0.9
    assert x[0, 0] == pytest.approx(0.1 / 0.9)


def test_a_strategic_test_adds_tension_and_capability_a_short_range_launch_only_a_little_tension():
    act = np.array([3, 1, 0])
    added = conflict.activity_tension(act, np.array(0.3), np.array(0.15), np.array(0.03))
    assert added.tolist() == [0.3, 0.03, 0.0]
    grown = conflict.test_gain(np.array([0.5, 0.5, 0.5]), np.array([0.1]), act == 3)
    assert grown.tolist() == [0.55, 0.5, 0.5]


def test_an_agreement_freezes_the_arsenal():
    assert conflict.grow_arsenal(np.array([0.5, 0.5]), np.array([0.1]), np.array([True, False])).tolist() == [0.5, 0.55]


def test_hand_built_offer_points_at_the_issue_named():
    deal = offer({"denuclearization": 0.4})
    assert deal.point[0, 0, Issue.DENUCLEARIZATION.index] == 0.4 and deal.steps[0, 0] == 4
