"""Scripted duels of the talks rule, and the two-actor known answer.

Like Axelrod's strategy tests, each test builds one round of talks by hand (a
:class:`model.rules.talks.Table`: who sits, what they want, what is on the
agenda) and checks what :func:`model.rules.talks.negotiate` does with it:
"given offers of rising relief, the DPRK rejects, rejects, accepts".
Unless a test says otherwise, nobody fears being cheated (exposure 0), noise
is 0 and every actor's salience and clout are 1.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from model.profiles import PROFILES, Profile
from model.rules.talks import COMPROMISE, MEDIATORS, NO_OFFER, Table, negotiate, perceived_value
from model.rules.utility import compromise, utility

DEFAULT = PROFILES["default"]
US, DPRK, CHN = 0, 1, 2
RELIEF, PHASING = 0, 1  # the two issues of the duels


def make_table(ideal, proposals, vetoes=(US, DPRK), **given) -> Table:
    """One replication's table from plain lists: ``ideal`` is (actors, issues), ``proposals`` (proposals, issues)."""
    ideal = np.asarray(ideal, dtype=float)[None]
    n_actors, n_issues = ideal.shape[1:]
    proposals = np.asarray(proposals, dtype=float)[None]
    slots = 3 + len(vetoes)
    fields = {
        "ideal": ideal,
        "salience": np.ones_like(ideal),
        "capability": np.ones((1, n_actors)),
        "proposals": proposals,
        "agenda": np.ones((1, proposals.shape[1]), dtype=bool),
        "setter": np.array([US]),
        "present": np.ones((1, n_actors), dtype=bool),
        "mediated": np.array([False]),
        "mediator_weight": np.zeros((1, n_actors)),
        "alternative": np.zeros((1, n_actors)),
        "counterpart_trust": np.ones((1, n_actors)),
        "exposure": np.array([0.0]),
        "first_mover": np.zeros(n_actors),
        "step_share": np.array([1.0]),
        "margin": np.zeros((1, n_actors)),
        "boost": np.zeros(1),
        "noise": np.zeros((1, n_actors, slots)),
        "phasing_issue": n_issues - 1,
    }
    for name, value in given.items():
        per_replication = name not in ("phasing_issue", "first_mover")
        fields[name] = np.asarray(value)[None] if per_replication else value
    return Table(**fields)


def tabled(result, i: int = 0) -> list[int]:
    """Proposal indices (or COMPROMISE) of the offers made, in order."""
    return [int(k) for k in result.kind[i] if k != NO_OFFER]


def single_offer(relief: float) -> Table:
    """The US tables one offer of ``relief``; the DPRK (ideal: all lifted) needs 0.6 plus a 0.05 margin."""
    return make_table(
        ideal=[[0.0, 0.0], [1.0, 0.0]],
        proposals=[[relief, 0.0]],
        alternative=[-1.0, 0.6],
        margin=[0.0, 0.05],
        salience=[[1.0, 0.0], [1.0, 0.0]],
    )


def test_dprk_rejects_rejects_then_accepts_rising_relief():
    verdicts = []
    for relief in (0.2, 0.5, 0.9):
        result = negotiate(single_offer(relief), [DEFAULT, DEFAULT], (US, DPRK))
        verdicts.append("accepts" if result.accepts[0, DPRK, 0] else "rejects")
        assert bool(result.agreed[0]) == (verdicts[-1] == "accepts")
    assert verdicts == ["rejects", "rejects", "accepts"]


def test_an_accepted_offer_is_the_agreed_point():
    result = negotiate(single_offer(0.9), [DEFAULT, DEFAULT], (US, DPRK))
    assert result.chosen[0] == 0
    assert result.point[0].tolist() == [0.9, 0.0]


def test_setter_tables_its_favourite_first_then_the_other_veto_its_own():
    table = make_table(
        ideal=[[0.1, 0.0], [0.9, 0.0]],
        proposals=[[0.5, 0.0], [0.1, 0.0], [0.9, 0.0]],
        alternative=[2.0, 2.0],  # nobody accepts anything: only the order of offers matters
    )
    result = negotiate(table, [DEFAULT, DEFAULT], (US, DPRK))
    assert tabled(result) == [1, 2]
    assert result.by[0][result.kind[0] != NO_OFFER].tolist() == [US, DPRK]
    assert not result.agreed[0]


def test_the_dprk_as_setter_tables_its_favourite_first():
    table = make_table(
        ideal=[[0.1, 0.0], [0.9, 0.0]],
        proposals=[[0.5, 0.0], [0.1, 0.0], [0.9, 0.0]],
        setter=DPRK,
        alternative=[2.0, 2.0],
    )
    assert tabled(negotiate(table, [DEFAULT, DEFAULT], (US, DPRK)))[0] == 2


def test_proposals_off_the_agenda_are_never_tabled():
    table = make_table(
        ideal=[[0.1, 0.0], [0.9, 0.0]],
        proposals=[[0.5, 0.0], [0.1, 0.0], [0.9, 0.0]],
        agenda=[True, False, False],
        alternative=[2.0, 2.0],
    )
    assert tabled(negotiate(table, [DEFAULT, DEFAULT], (US, DPRK))) == [0]


def test_a_veto_player_blocks_what_everyone_else_accepts():
    table = make_table(
        ideal=[[0.0, 0.0], [1.0, 0.0], [0.5, 0.0]],
        proposals=[[0.3, 0.0]],
        alternative=[0.0, 0.9, 0.0],  # the DPRK values 0.3 relief at 0.65 only
    )
    result = negotiate(table, [DEFAULT] * 3, (US, DPRK))
    assert result.accepts[0, US, 0] and result.accepts[0, CHN, 0]
    assert not result.accepts[0, DPRK, 0]
    assert not result.agreed[0] and result.chosen[0] == -1


def test_a_non_veto_objection_does_not_block():
    table = make_table(
        ideal=[[0.0, 0.0], [1.0, 0.0], [0.5, 0.0]],
        proposals=[[0.3, 0.0]],
        alternative=[0.0, 0.0, 2.0],  # CHN objects to everything
    )
    result = negotiate(table, [DEFAULT] * 3, (US, DPRK))
    assert not result.accepts[0, CHN, 0]
    assert result.agreed[0]


def test_the_first_offer_both_vetoes_accept_wins():
    table = make_table(
        ideal=[[0.2, 0.0], [0.8, 0.0]],
        proposals=[[0.2, 0.0], [0.8, 0.0]],
        alternative=[-1.0, -1.0],  # both accept anything
    )
    result = negotiate(table, [DEFAULT, DEFAULT], (US, DPRK))
    assert result.chosen[0] == 0
    assert result.point[0, RELIEF] == pytest.approx(0.2)


@pytest.mark.parametrize("mediated", [False, True])
def test_a_compromise_is_tabled_only_when_mediated(mediated):
    table = make_table(
        ideal=[[0.2, 0.0], [0.8, 0.0]],
        proposals=[[0.2, 0.0], [0.8, 0.0]],
        mediated=mediated,
        alternative=[2.0, 2.0],
    )
    result = negotiate(table, [DEFAULT, DEFAULT], (US, DPRK))
    assert (COMPROMISE in tabled(result)) == mediated
    assert (MEDIATORS in result.by[0][result.kind[0] != NO_OFFER].tolist()) == mediated


def test_mediators_table_the_proposal_they_value_most():
    table = make_table(
        ideal=[[0.0, 0.0], [1.0, 0.0], [0.5, 0.0]],
        proposals=[[0.0, 0.0], [1.0, 0.0], [0.5, 0.0]],
        mediated=True,
        mediator_weight=[0.0, 0.0, 1.0],
        alternative=[2.0, 2.0, 2.0],
    )
    result = negotiate(table, [DEFAULT] * 3, (US, DPRK))
    assert tabled(result) == [0, 1, 2, COMPROMISE]
    assert result.by[0, 3] == MEDIATORS


@pytest.mark.parametrize(
    ("name", "surplus", "default_accepts"),
    [("hardliner", 0.07, True), ("spoiler", 0.15, True), ("pragmatist", 0.03, False)],
)
def test_profiles_shift_the_acceptance_threshold(name, surplus, default_accepts):
    """Margin 0.05: hardliner (x2) and spoiler (x4) reject what default accepts; pragmatist (x0.3) the reverse."""
    table = make_table(
        ideal=[[0.0, 0.0], [1.0, 0.0]],
        proposals=[[0.5, 0.0]],
        salience=[[1.0, 0.0], [1.0, 0.0]],
        alternative=[-1.0, 0.5 - surplus],
        margin=[0.0, 0.05],
    )
    by_default = negotiate(table, [DEFAULT, DEFAULT], (US, DPRK))
    by_profile = negotiate(table, [DEFAULT, PROFILES[name]], (US, DPRK))
    assert bool(by_default.agreed[0]) is default_accepts
    assert bool(by_profile.agreed[0]) is not default_accepts


def test_noise_can_tip_a_rejection_into_acceptance():
    table = make_table(
        ideal=[[0.0, 0.0], [1.0, 0.0]],
        proposals=[[0.5, 0.0]],
        salience=[[1.0, 0.0], [1.0, 0.0]],
        alternative=[-1.0, 0.5],
        margin=[0.0, 0.05],
    )
    noise = np.zeros((1, 2, 5))
    noise[0, DPRK, 0] = 0.06
    assert not negotiate(table, [DEFAULT, DEFAULT], (US, DPRK)).agreed[0]
    tipped = Table(**{**vars(table), "noise": noise})
    assert negotiate(tipped, [DEFAULT, DEFAULT], (US, DPRK)).agreed[0]


def test_distrust_costs_the_first_mover_of_an_all_at_once_deal_more_than_a_phased_one():
    """Perceived value: a big deal (phasing 0) stakes the DPRK's whole package, a phased one one step."""
    table = make_table(
        ideal=[[0.0, 0.0], [1.0, 1.0]],
        proposals=[[1.0, 0.0], [1.0, 1.0]],
        exposure=0.5,
        first_mover=np.array([0.0, 1.0]),
        step_share=0.25,
        counterpart_trust=[0.2, 0.2],
    )
    u = np.ones((1, 2, 2))
    v = perceived_value(u, table.counterpart_trust, table.proposals[:, :, PHASING], table)
    assert v[0, DPRK, 0] == pytest.approx(1 - 0.5 * 0.8 * 1.0)
    assert v[0, DPRK, 1] == pytest.approx(1 - 0.5 * 0.8 * 0.25)
    assert v[0, US, 0] == pytest.approx(1.0)  # the US does not move first


# ---------------------------------------------------------------- known answer


def two_party_table(low: float, high: float) -> Table:
    """Two parties at ``low`` and ``high`` on one issue, each proposing its own ideal; a mediator at the side.

    Each values the other's proposal at 1 - (high - low) and the midpoint at
    1 - (high - low) / 2; the alternative sits between the two, so each
    rejects the other's proposal and accepts the midpoint.
    """
    gap = high - low
    alternative = 1 - 0.75 * gap
    return make_table(
        ideal=[[low], [high], [0.5]],
        proposals=[[low], [high]],
        present=[True, True, False],
        mediated=True,
        mediator_weight=[0.0, 0.0, 1.0],
        alternative=[alternative, alternative, -1.0],
        margin=[0.1 * gap, 0.1 * gap, 0.0],
        phasing_issue=0,
    )


def test_known_answer_symmetric_parties_agree_at_the_midpoint():
    result = negotiate(two_party_table(0.2, 0.8), [DEFAULT] * 3, (US, DPRK))
    first, second = 0, 1
    assert not result.accepts[0, DPRK, first] and not result.accepts[0, US, second]
    assert result.agreed[0]
    assert result.kind[0, result.chosen[0]] == COMPROMISE
    assert result.point[0, 0] == pytest.approx(0.5)


@given(
    low=st.floats(0.0, 0.45, allow_nan=False),
    gap=st.floats(0.1, 0.5, allow_nan=False),
    clout=st.floats(0.1, 1.0, allow_nan=False),
)
def test_equal_parties_meet_halfway_wherever_they_stand(low, gap, clout):
    table = two_party_table(low, low + gap)
    table = Table(**{**vars(table), "capability": np.array([[clout, clout, 1.0]])})
    result = negotiate(table, [DEFAULT] * 3, (US, DPRK))
    assert result.agreed[0] and result.kind[0, result.chosen[0]] == COMPROMISE
    assert result.point[0, 0] == pytest.approx(low + gap / 2)


@given(c1=st.floats(0.1, 1.0), c2=st.floats(0.1, 1.0))
def test_the_compromise_leans_toward_the_stronger_party(c1, c2):
    point = compromise(np.array([[[0.2], [0.8]]]), np.ones((1, 2, 1)), np.array([[c1, c2]]), np.ones((1, 2), bool))
    assert point[0, 0] == pytest.approx((0.2 * c1 + 0.8 * c2) / (c1 + c2))
    assert (point[0, 0] > 0.5) == (c2 > c1) or c1 == pytest.approx(c2)


@given(
    ideal=st.lists(st.floats(0, 1), min_size=3, max_size=3),
    point=st.lists(st.floats(0, 1), min_size=3, max_size=3),
    salience=st.lists(st.floats(0.01, 1), min_size=3, max_size=3),
)
def test_utility_is_one_at_the_ideal_and_stays_in_unit_interval(ideal, point, salience):
    i, s, p = (np.array(x)[None, None, :] for x in (ideal, salience, point))
    u = utility(i, s, p)[0, 0, 0]
    assert 0.0 - 1e-12 <= u <= 1.0 + 1e-12
    assert utility(i, s, i)[0, 0, 0] == pytest.approx(1.0)


def test_profile_propose_ignores_proposals_off_the_agenda():
    values = np.array([[0.9, 0.1, 0.5]])
    assert DEFAULT.propose(values, np.array([[False, True, True]]))[0] == 2


def test_every_profile_is_registered_under_its_own_name():
    assert PROFILES and all(isinstance(p, Profile) and p.name == key for key, p in PROFILES.items())
    assert {"default", "hardliner", "pragmatist"} <= set(PROFILES)
