"""Each phase of the month, scripted: given this state and these choices, this state and these records.

A phase is driven here as the Mesa model drives it (:mod:`model.phases.month`):
each view it yields is answered with a scripted option index, and any
question the script does not expect fails the test, so a phase that asks the
wrong actor, or asks where it should not, is caught too.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from dataclasses import fields, replace
from pathlib import Path

import numpy as np
import pytest
from model_support import CHN, DPRK, JPN, ROK, RUS, US, model_of

from model.agents.policies import Choice, Decision
from model.core import records as rec
from model.core.domain import Activity, Cause, Issue, Proposal, TalksFormat
from model.core.params import START_ONLY, STATE_FIELDS, Params
from model.phases import (
    activity,
    aid,
    breaches,
    council,
    economy,
    enforcement,
    format_change,
    implementation,
    learning,
    positions,
    talks,
    valuation,
    walk,
    world,
)
from model.simulation import OPENING, PHASES

PHASED = list(Proposal).index(Proposal.PHASED_RELIEF)
SIX = TalksFormat.SIX_PARTY.index
TEST = Activity.STRATEGIC_TEST.index


def given(overrides: tuple[str, ...] = (), month: int = 1, narrate: bool = False, **changes):
    """The baseline's month ``month`` with some state replaced, and its givens with the outlook."""
    model = model_of("baseline-2019", overrides, narrate=narrate)
    state = model.state.but(month=month, **{k: np.asarray(v) for k, v in changes.items()})
    m = model.month(state)
    return m.seeing(valuation.outlook(m, state)), state


def drive(result, answers: dict[tuple[int, Decision], int]):
    """Run a phase, answering each view from ``answers``; returns (state, records, the questions asked)."""
    asked = []
    if not isinstance(result, Generator):
        return (*result, asked)
    try:
        view = next(result)
        while True:
            key = (view.actor.index, view.decision)
            asked.append(key)
            index = np.full(view.asked.shape, answers[key], dtype=np.int64)
            view = result.send(Choice(index, view.options))
    except StopIteration as done:
        return (*done.value, asked)


def signed(answers=None, **changes):
    """A state in which the US tabled phased relief at month 4 and both veto players signed it."""
    m, s = given(month=4, **changes)
    script = {(US, Decision.PROPOSE): PHASED, (US, Decision.ACCEPT): 0, (DPRK, Decision.ACCEPT): 0}
    s, _, _ = drive(talks.phase(m, s), answers or script)
    return s


def test_economy_income_rises_with_relief_and_pressure_moves_toward_its_target():
    m, s = given()
    low, _, _ = drive(economy.phase(m, s.but(relief=np.array([0.0]))), {})
    high, _, _ = drive(economy.phase(m, s.but(relief=np.array([0.6]))), {})
    assert high.income[0] > low.income[0]
    assert high.pressure[0] < low.pressure[0]


def test_enforcement_moves_each_enforcer_by_its_own_choice():
    m, s = given()
    out, _, asked = drive(enforcement.phase(m, s), {(CHN, Decision.ENFORCE): 2, (RUS, Decision.ENFORCE): 0})
    step = m.params.delivery_step[0]
    chn, rus = (list(valuation.ENFORCERS).index(a) for a in (CHN, RUS))
    assert out.delivery_shift[0, chn] == pytest.approx(step)
    assert out.delivery_shift[0, rus] == pytest.approx(-step)
    assert sorted(asked) == sorted([(CHN, Decision.ENFORCE), (RUS, Decision.ENFORCE)])


def test_enforcement_asks_nobody_when_the_scenario_pins_delivery():
    m, s = given(("sanctions.pin_delivery=true",))
    out, _, asked = drive(enforcement.phase(m, s), {})
    assert asked == [] and out is s


def test_a_strategic_test_raises_tension_and_the_arsenal_and_costs_trust():
    m, s = given(("dynamics.conflict.test_opportunity=1",), narrate=True)
    out, records, asked = drive(activity.phase(m, s), {(DPRK, Decision.PROVOKE): TEST})
    assert asked == [(DPRK, Decision.PROVOKE)]  # month 1 (May) is not an exercise month
    assert out.act[0] == TEST and out.tests[0] == s.tests[0] + 1
    assert out.tension[0] > s.tension[0] and out.capability[0] > s.capability[0]
    assert out.trust[0, US, DPRK] < s.trust[0, US, DPRK]
    assert out.trust[0, DPRK, US] == s.trust[0, DPRK, US]
    assert any(isinstance(r, rec.Activity) and r.kind == Activity.STRATEGIC_TEST.value for r in records)


def test_holding_back_changes_nothing_but_the_count_of_quiet_months():
    m, s = given()
    out, records, _ = drive(activity.phase(m, s), {(DPRK, Decision.PROVOKE): 0})
    assert out.tension[0] == s.tension[0] and out.capability[0] == s.capability[0]
    assert (out.trust == s.trust).all() and records == []


def test_an_exercise_in_season_is_the_allies_choice_and_costs_the_dprks_trust_in_them():
    m, s = given(("conflict.exercises_suspended=false",), month=4)  # August
    script = {(DPRK, Decision.PROVOKE): 0, (US, Decision.EXERCISE): 0, (ROK, Decision.EXERCISE): 0}
    out, _, asked = drive(activity.phase(m, s), script)
    assert (US, Decision.EXERCISE) in asked and (ROK, Decision.EXERCISE) in asked
    assert out.exercised_last[0] and out.exercises[0] == 1
    assert out.trust[0, DPRK, US] < s.trust[0, DPRK, US]
    script[(ROK, Decision.EXERCISE)] = 1  # the ROK declines: no joint exercise
    out, _, _ = drive(activity.phase(m, s), script)
    assert not out.exercised_last[0] and out.tension[0] == s.tension[0]


@pytest.mark.parametrize(("chn", "rus", "passes"), [(0, 0, True), (0, 1, False), (1, 0, False)])
def test_a_resolution_needs_both_china_and_russia(chn, rus, passes):
    m, s = given(act=[TEST])
    out, _, _ = drive(council.phase(m, s), {(CHN, Decision.COUNCIL): chn, (RUS, Decision.COUNCIL): rus})
    assert out.tightenings[0] == int(passes)
    assert (out.enforcement_start > s.enforcement_start).any() == passes


def test_no_act_no_council():
    m, s = given()
    out, _, asked = drive(council.phase(m, s), {})
    assert asked == [] and out is s


def test_talks_sign_the_text_both_veto_players_accept():
    m, s = given(month=4, narrate=True)
    script = {(US, Decision.PROPOSE): PHASED, (US, Decision.ACCEPT): 0, (DPRK, Decision.ACCEPT): 0}
    out, records, asked = drive(talks.phase(m, s), script)
    assert out.in_force[0] and out.package[0] == PHASED and out.month_signed[0] == 4
    assert out.talks_held[0] == 1 and out.failed_rounds[0] == 0
    assert [type(r) for r in records][-1] is rec.Signed
    assert asked == [(US, Decision.PROPOSE), (US, Decision.ACCEPT), (DPRK, Decision.ACCEPT)]


def test_a_refusal_leaves_the_counter_proposal_to_the_other_veto_player_and_counts_a_failed_round():
    m, s = given(month=4)
    script = {
        (US, Decision.PROPOSE): PHASED,
        (US, Decision.ACCEPT): 0,
        (DPRK, Decision.ACCEPT): 1,
        (DPRK, Decision.PROPOSE): -1,
    }
    out, _, asked = drive(talks.phase(m, s), script)
    assert not out.in_force[0] and out.failed_rounds[0] == s.failed_rounds[0] + 1
    assert asked[-1] == (DPRK, Decision.PROPOSE)


def test_no_round_off_the_cadence():
    m, s = given(month=3)
    out, _, asked = drive(talks.phase(m, s), {})
    assert asked == [] and out is s


@pytest.mark.parametrize(("dprk", "six"), [(0, True), (1, False)])
def test_a_format_changes_only_when_a_broker_calls_and_both_veto_players_consent(dprk, six):
    m, s = given(month=4, failed_rounds=[3])
    script = {(RUS, Decision.CALL_FORMAT): 0, (US, Decision.CONSENT_FORMAT): 0, (DPRK, Decision.CONSENT_FORMAT): dprk}
    out, _, asked = drive(format_change.consider(m, s), script)
    assert (out.format[0] == SIX) == six
    assert (out.failed_rounds[0] == 0) == six
    assert (CHN, Decision.CALL_FORMAT) not in asked  # Russia called: China need not


def test_no_call_before_enough_failed_rounds():
    m, s = given(month=4, failed_rounds=[1])
    out, _, asked = drive(format_change.consider(m, s), {})
    assert asked == [] and out is s


def _in_force(**changes):
    s = signed()
    m, _ = given(month=5)
    s = s.but(month=5, **{k: np.asarray(v) for k, v in changes.items()})
    return m.seeing(valuation.outlook(m, s)), s


@pytest.mark.parametrize(("answer", "ends"), [(1, True), (0, False)])
def test_a_covered_test_is_a_breach_the_us_answers(answer, ends):
    m, s = _in_force(act=[TEST], deal_scope=[[2, 2]])
    out, _, asked = drive(breaches.phase(m, s), {(US, Decision.RESPOND): answer})
    assert asked == [(US, Decision.RESPOND)]
    assert out.trust[0, US, DPRK] < s.trust[0, US, DPRK]
    assert out.in_force[0] != ends
    if ends:
        assert out.cause[0] == Cause.COVERED_TEST.index and out.breaker[0] == DPRK and out.collapsed[0]


def test_a_test_the_text_does_not_cover_is_no_breach():
    m, s = _in_force(act=[TEST], deal_scope=[[0, 0]])
    out, _, asked = drive(breaches.phase(m, s), {})
    assert asked == [] and out is s


def test_walking_away_ends_the_agreement_with_the_walker_as_its_cause():
    m, s = _in_force()
    out, _, asked = drive(walk.phase(m, s), {(US, Decision.WALK): 0, (DPRK, Decision.WALK): 1})
    assert asked == [(US, Decision.WALK), (DPRK, Decision.WALK)]
    assert not out.in_force[0] and out.cause[0] == Cause.WALKED_AWAY.index and out.breaker[0] == DPRK
    assert out.trust[0, US, DPRK] < s.trust[0, US, DPRK]


def test_japan_withholding_aid_is_recorded_and_is_not_a_breach():
    m, s = _in_force()
    assert s.deal_point[0, Issue.ECONOMIC_COOPERATION.index] > 0
    out, _, asked = drive(aid.phase(m, s), {(JPN, Decision.AID): 1})
    assert asked == [(JPN, Decision.AID)]
    assert out.aid_withheld[0] and out.aid_withheld_months[0] == 1 and out.in_force[0]
    paid, _, _ = drive(aid.phase(m, s), {(JPN, Decision.AID): 0})
    assert not paid.aid_withheld[0]


def test_steps_fall_due_and_relief_follows_them_and_the_dprk_learns_from_it():
    m, s = _in_force(months_late=[0])
    m = replace(m, params=m.params.but(step_delay_rate=np.zeros(1)))
    for month in range(5, 60):
        s, _, _ = drive(implementation.phase(m, s.but(month=month)), {})
        if s.steps_done[0] > 0:
            break
    assert s.steps_done[0] == 1 and s.relief[0] > 0
    assert s.trust[0, DPRK, US] > signed().trust[0, DPRK, US]


def test_a_benefit_withheld_is_a_breach_the_dprk_answers():
    m, s = _in_force()
    m = replace(m, params=m.params.but(step_delay_rate=np.zeros(1), withhold_relief=np.ones(1, dtype=bool)))
    asked = []
    for month in range(5, 60):
        s, _, asked = drive(implementation.phase(m, s.but(month=month)), {(DPRK, Decision.RESPOND): 1})
        if asked:
            break
    assert asked == [(DPRK, Decision.RESPOND)]
    assert not s.in_force[0] and s.cause[0] == Cause.WITHHELD_BENEFIT.index and s.breaker[0] == US


def test_pressure_without_a_concession_lowers_the_hope_that_pressure_works():
    m, s = given(pressure=[0.6])
    out, _, _ = drive(learning.phase(m, s), {})
    assert out.yield_belief[0, US] < s.yield_belief[0, US]
    m, s = _in_force(pressure=[0.6])
    held, _, _ = drive(learning.phase(m, s), {})
    assert held.yield_belief[0, US] == s.yield_belief[0, US]  # an agreement in force is no wait


def test_positions_follow_allies_and_patrons_only_while_no_agreement_is_in_force():
    m, s = given(("actors.US.resolve=0.0",))
    out, _, _ = drive(positions.phase(m, s), {})
    allies = s.ideal[0, [ROK, JPN]].mean(axis=0)
    before = np.abs(s.ideal[0, US] - allies).sum()
    assert np.abs(out.ideal[0, US] - allies).sum() < before
    m, s = _in_force()
    held, _, _ = drive(positions.phase(m, s), {})
    assert held is s


def test_the_world_decays_tension_keeps_its_peak_and_grows_the_arsenal_unless_frozen():
    m, s = given(tension=[0.8], tension_peak=[0.5])
    out, _, _ = drive(world.phase(m, s), {})
    assert out.tension[0] < 0.8 and out.tension_peak[0] == pytest.approx(max(0.5, out.tension[0]))
    assert out.capability[0] > s.capability[0]
    assert (out.utility_sum != s.utility_sum).all()
    m, s = _in_force(deal_scope=[[2, 2]])
    frozen, _, _ = drive(world.phase(m, s), {})
    assert frozen.capability[0] == s.capability[0]


@pytest.mark.parametrize("phase", [*OPENING, *PHASES], ids=lambda f: f.__module__.rsplit(".", 1)[-1])
def test_every_phase_leaves_its_inputs_untouched(phase):
    """Pure: a phase returns a new state; the state and parameters it was given are as they were."""
    for m, s in (given(("dynamics.conflict.test_opportunity=1",), month=4), _in_force(act=[TEST])):
        arrays = {k: v.copy() for k, v in s.__dict__.items() if isinstance(v, np.ndarray)}
        params = {k: v.copy() for k, v in m.params.arrays().items()}
        model = model_of()
        result = phase(m, s)
        if isinstance(result, Generator):
            try:
                view = next(result)
                while True:
                    view = result.send(model.agents_by_actor[view.actor.index].decide(view))
            except StopIteration:
                pass
        for name, before in arrays.items():
            assert np.array_equal(getattr(s, name), before), name
        for name, before in params.items():
            assert np.array_equal(getattr(m.params, name), before), name


def _read_by_phases(name: str) -> bool:
    pattern = re.compile(rf"\bp(arams)?\.{name}\b|m\.params\.{name}\b")
    return any(pattern.search(path.read_text()) for path in PHASE_FILES)


PHASE_FILES = sorted((Path(valuation.__file__).parent).glob("*.py"))


@pytest.mark.parametrize("name", [f.name for f in fields(Params)])
def test_every_parameter_is_read_by_a_phase_or_marked_as_read_only_at_the_start(name):
    """No parameter that nothing reads: a month reads it, or the state starts from it (and events may not set it)."""
    if name in START_ONLY:
        assert not _read_by_phases(name), f"{name} is read during the month: take it out of START_ONLY"
    elif name not in STATE_FIELDS:
        assert _read_by_phases(name), f"no phase reads {name}: remove it, or mark it START_ONLY"


def test_one_enum_names_every_package_and_a_named_package_keeps_its_proposals_index():
    from model.core.domain import Package
    from model.results.outcomes import PACKAGE_NAMES
    from model.rules.talks import BROKERED

    assert [p.value for p in Package][: len(Proposal)] == [p.value for p in Proposal]
    assert Package.COMPROMISE.index == BROKERED and PACKAGE_NAMES[BROKERED] == "compromise"
