"""The phases' wiring, checked closely: who learns what from whom, which rows a phase runs on, which draws
each decision reads, and the records a narrated month keeps.

Two kinds of test. The first compute the expected value independently, from the rule functions in
:mod:`model.rules` (the trust after a delivered step is ``beliefs.observe`` with the right observers, target,
outcome and evidence). The second pin whole narrated runs (:data:`CASES`, several replications whose rows
differ in format, cadence, setter, mediation, brokers, evidence and delays) to a fingerprint of every state
field and every record, month by month, stored in ``tests/data/phase_trajectories.json``: any change to
what a phase does, to which rows it runs on or to which draws it reads changes a fingerprint. After a
deliberate change of the model, regenerate the file with ``python tests/test_phase_mechanics.py --regen``
and say why in the commit.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import asdict, replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from model_support import CHN, DPRK, JPN, ROK, RUS, US
from test_phases import PHASED, SIX, TEST, _in_force, drive, given

from model.agents.policies import Choice, Decision, ScriptedPolicy, UtilityPolicy, _best_offer
from model.core import records as rec
from model.core.domain import N_ACTORS, Activity, Actor, Cause, Issue, Proposal
from model.core.params import compile_params, replicate
from model.phases import (
    activity,
    aid,
    breaches,
    brokering,
    council,
    enforcement,
    format_change,
    implementation,
    month,
    positions,
    scripted,
    talks,
    valuation,
    walk,
    world,
)
from model.rules import beliefs, options
from model.rules import implementation as rules_implementation
from model.rules import positions as rules_positions
from model.rules.outlook import normal_cdf
from model.scenario.loader import load_scenario
from model.simulation import PeninsulaModel

ACTOR_NAMES = [a.value for a in Actor]
GOLDEN = Path(__file__).parent / "data" / "phase_trajectories.json"


# ---------------------------------------------------------------- who learns what from whom
def test_a_delivered_step_is_evidence_to_all_but_the_dprk_and_relief_is_evidence_to_the_dprk():
    m, s = _in_force(months_late=[0])
    p = m.params.but(step_delay_rate=np.zeros(1), step_evidence=np.array([0.7]), memory=np.array([10.0]))
    m = replace(m, params=p)
    for month_ in range(5, 60):
        before = s.but(month=month_)
        s, _records, _ = drive(implementation.phase(m, before), {})
        if s.steps_done[0] > before.steps_done[0]:
            break
    assert s.relief[0] > before.relief[0]
    others = np.broadcast_to(np.arange(N_ACTORS) != DPRK, (1, N_ACTORS))
    trust, count = beliefs.observe(before.trust, before.trust_count, others, DPRK, 1.0, np.array([0.7]), p.memory)
    dprk = np.broadcast_to(np.arange(N_ACTORS) == DPRK, (1, N_ACTORS))
    trust, count = beliefs.observe(trust, count, dprk, US, 1.0, np.array([0.7]), p.memory)
    assert np.allclose(s.trust, trust) and np.allclose(s.trust_count, count)
    assert s.trust[0, US, DPRK] > before.trust[0, US, DPRK] and s.trust[0, DPRK, US] > before.trust[0, DPRK, US]


def test_a_step_held_up_teaches_nobody_and_is_recorded_with_the_months_it_is_late():
    m, s = _in_force(months_late=[0])
    m = replace(m, narrate=True, params=m.params.but(step_delay_rate=np.ones(1)))
    for month_ in range(5, 60):
        before = s.but(month=month_)
        s, records, _ = drive(implementation.phase(m, before), {})
        if s.months_late[0] > 0:
            break
    assert np.array_equal(s.trust, before.trust) and s.steps_done[0] == before.steps_done[0]
    assert records == [rec.StepHeldUp(month_, int(before.steps_done[0]) + 1, 1)]


def test_a_narrated_step_delivered_after_a_hold_up_is_recorded_as_late_with_the_relief_it_brought():
    m, s = _in_force(months_late=[0])
    m = replace(m, narrate=True, params=m.params.but(step_delay_rate=np.ones(1)))
    for month_ in range(5, 60):
        s, _, _ = drive(implementation.phase(m, s.but(month=month_)), {})
        if s.months_late[0] > 0:
            break
    m = replace(m, params=m.params.but(step_delay_rate=np.zeros(1)))
    s, records, _ = drive(implementation.phase(m, s.but(month=month_ + 1)), {})
    step = rec.StepDelivered(month_ + 1, 1, int(s.deal_steps[0]), True, float(s.relief[0]))
    assert records == [step] and s.deal_steps[0] > 1 and s.relief[0] > 0 and s.late_steps[0] == 1


def test_a_test_outside_an_agreement_costs_the_dprk_everyones_trust_by_the_test_evidence():
    m, s = given(("dynamics.conflict.test_opportunity=1",), narrate=True)
    m = replace(m, params=m.params.but(test_evidence=np.array([0.8]), memory=np.array([12.0])))
    out, records, _ = drive(activity.phase(m, s), {(DPRK, Decision.PROVOKE): TEST})
    others = np.broadcast_to(np.arange(N_ACTORS) != DPRK, (1, N_ACTORS))
    trust, count = beliefs.observe(s.trust, s.trust_count, others, DPRK, 0.0, np.array([0.8]), np.array([12.0]))
    assert np.allclose(out.trust, trust) and np.allclose(out.trust_count, count)
    assert out.act[0] == TEST and out.activities[0, TEST] == s.activities[0, TEST] + 1
    assert out.yield_belief[0, US] == pytest.approx(
        beliefs.after_test(s.yield_belief, m.params.test_likelihood_ratio, np.array([True]))[0, US]
    )
    added = float(m.params.test_tension[0])
    assert records[-1] == rec.Activity(1, "strategic_test", pytest.approx(added))
    chose = records[0]
    assert isinstance(chose, rec.Chose) and (chose.actor, chose.decision, chose.chosen) == (
        "DPRK",
        "provoke",
        "strategic_test",
    )


def test_a_joint_exercise_costs_the_allies_the_dprks_trust_by_the_exercise_evidence_and_is_recorded():
    m, s = given(("conflict.exercises_suspended=false",), month=4, narrate=True)
    m = replace(m, params=m.params.but(exercise_evidence=np.array([0.45])))
    script = {(DPRK, Decision.PROVOKE): 0, (US, Decision.EXERCISE): 0, (ROK, Decision.EXERCISE): 0}
    out, records, _asked = drive(activity.phase(m, s), script)
    dprk = np.broadcast_to(np.arange(N_ACTORS) == DPRK, (1, N_ACTORS))
    trust, count = s.trust, s.trust_count
    for ally in (US, ROK):
        trust, count = beliefs.observe(trust, count, dprk, ally, 0.0, np.array([0.45]), m.params.memory)
    assert np.allclose(out.trust, trust) and np.allclose(out.trust_count, count)
    assert out.tension[0] > s.tension[0] and out.exercises[0] == s.exercises[0] + 1
    assert records[-1] == rec.Activity(4, "exercise", pytest.approx(float(m.params.exercise_tension[0])))
    assert [(r.actor, r.decision) for r in records if isinstance(r, rec.Chose)] == [
        ("US", "exercise"),
        ("ROK", "exercise"),
    ]


def test_others_expect_a_strategic_test_by_readiness_times_the_chance_it_beats_holding_back():
    m, _ = given()
    p = m.params.but(test_opportunity=np.array([0.4]), activity_noise=np.array([0.01]))
    values = {Activity.STRATEGIC_TEST.value: np.array([0.305]), Activity.NONE.value: np.array([0.3])}
    rate = activity.expected_test_rate(values, p)
    assert rate[0] == pytest.approx(0.4 * normal_cdf(np.array([0.5]))[0])


def test_the_dprk_reckons_a_resolution_needs_both_china_and_russia_to_consent():
    m, s = given(act=[TEST])
    conf = valuation.conflict_terms(m.params, s)
    gap = 1.0 - valuation.delivered(s).mean(axis=2)
    expected = 1.0
    for e, actor in enumerate(valuation.ENFORCERS):  # the enforcers in their order on the channels
        v = options.council(m.outlook, actor, conf, gap[:, e])
        expected *= normal_cdf((v["consent"] - v["veto"]) / m.params.activity_noise)[0]
    odds = activity.council_odds(m, m.outlook, conf, s)
    assert odds[0] == pytest.approx(expected) and 0 < expected < 1


def test_the_dprk_and_the_allies_decide_their_acts_on_the_months_outlook():
    m, s = given(("conflict.exercises_suspended=false",), month=4)
    script = {(DPRK, Decision.PROVOKE): 0, (US, Decision.EXERCISE): 1, (ROK, Decision.EXERCISE): 1}
    _, _, views = drive_views(activity.phase(m, s), script)
    assert [v.actor.index for v in views] == [DPRK, US, ROK] and all(v.outlook is m.outlook for v in views)
    assert views[0].asked.dtype == bool


@pytest.mark.parametrize("schedule", [0, 2])
def test_relief_follows_the_agreements_own_schedule_as_steps_are_delivered(schedule):
    m, s = _in_force(months_late=[0])
    m = replace(m, params=m.params.but(step_delay_rate=np.zeros(1), relief_schedule=np.array([schedule])))
    for month_ in range(5, 60):
        s, records, _ = drive(implementation.phase(m, s.but(month=month_)), {})
        if s.steps_done[0] > 0:
            break
    share = s.implemented_share
    agreed = s.deal_point[:, Issue.SANCTIONS_RELIEF.index]
    floor = np.maximum(m.params.initial_relief, 0.0)
    expected = rules_implementation.scheduled_relief(agreed, share, np.array([schedule]), s.deal_framework, floor)
    assert s.relief[0] == pytest.approx(expected[0]) and records == []  # not narrated: no records


def test_a_round_after_the_format_changes_is_seen_in_the_new_format():
    m, s = given(month=4, failed_rounds=[3])
    script = {(RUS, Decision.CALL_FORMAT): 0, (US, Decision.CONSENT_FORMAT): 0, (DPRK, Decision.CONSENT_FORMAT): 0}
    script.update({(CHN, Decision.PROPOSE): -1, (CHN, Decision.BROKER): -1})
    out, _, views = drive_views(talks.phase(m, s), script)
    assert out.format[0] == SIX
    propose = next(v for v in views if v.decision is Decision.PROPOSE)
    assert propose.actor.index == CHN
    assert propose.outlook.situation.sq_point[0, Issue.MULTILATERAL_FORMAT.index] == 1.0
    assert m.outlook.situation.sq_point[0, Issue.MULTILATERAL_FORMAT.index] == 0.0
    assert set(propose.options) == {"offers", "no_offer", "joint", "own"}
    assert propose.context == {"names": [p.value for p in Proposal]}
    calls = [v for v in views if v.decision in (Decision.CALL_FORMAT, Decision.CONSENT_FORMAT)]
    assert all(v.outlook is m.outlook and v.scale[0] == m.params.decision_noise[0] for v in calls)
    accept = [v for v in views if v.decision is Decision.ACCEPT]
    assert all(v.outlook is propose.outlook for v in accept)


def test_brokers_call_for_six_party_talks_each_where_it_brokers_and_the_call_is_kept():
    m, s = rows_given(4, 2, narrate=True, brokers=_brokers((RUS,), (CHN,)))
    s = s.but(failed_rounds=np.array([3, 3]))
    script = {(RUS, Decision.CALL_FORMAT): 0, (CHN, Decision.CALL_FORMAT): 0}
    script.update({(US, Decision.CONSENT_FORMAT): 0, (DPRK, Decision.CONSENT_FORMAT): 0})
    out, records, views = drive_views(format_change.consider(m, s), script)
    assert [(v.actor.index, v.asked.tolist()) for v in views[:2]] == [(RUS, [True, False]), (CHN, [False, True])]
    assert views[2].asked.tolist() == [True, True] and out.format.tolist() == [SIX, SIX]
    assert records[-1] == rec.FormatChanged(4, "RUS")


def test_a_broker_that_need_not_call_anywhere_leaves_the_call_to_the_next():
    m, s = rows_given(4, 2, brokers=_brokers((RUS,), (CHN,)))
    s = s.but(failed_rounds=np.array([0, 3]))
    script = {(CHN, Decision.CALL_FORMAT): 0, (US, Decision.CONSENT_FORMAT): 0, (DPRK, Decision.CONSENT_FORMAT): 0}
    out, _, asked = drive(format_change.consider(m, s), script)
    assert asked[0] == (CHN, Decision.CALL_FORMAT) and out.format.tolist() == [0, SIX]


def test_the_first_text_on_the_agenda_can_be_signed_too():
    m, s = given(month=4)
    script = {(US, Decision.PROPOSE): 0, (US, Decision.ACCEPT): 0, (DPRK, Decision.ACCEPT): 0}
    out, _, _ = drive(talks.phase(m, s), script)
    assert out.in_force[0] and out.package[0] == 0


@pytest.mark.parametrize("schedule", [0, 2])
def test_relief_due_at_signing_follows_the_schedule(schedule):
    m, s = given(month=4)
    m = replace(m, params=m.params.but(relief_schedule=np.array([schedule]), initial_relief=np.array([0.1])))
    script = {(US, Decision.PROPOSE): PHASED, (US, Decision.ACCEPT): 0, (DPRK, Decision.ACCEPT): 0}
    out, _, _ = drive(talks.phase(m, s), script)
    agreed = out.deal_point[:, Issue.SANCTIONS_RELIEF.index]
    floor = np.array([0.1])
    expected = rules_implementation.scheduled_relief(
        agreed, out.implemented_share, np.array([schedule]), out.deal_framework, floor
    )
    assert out.relief[0] == pytest.approx(expected[0])


def test_the_noise_scale_of_a_policy_widens_its_unobserved_judgement():
    view = SimpleNamespace(
        decision=Decision.EXERCISE,
        options={"hold": np.array([0.0]), "skip": np.array([0.01])},
        asked=np.ones(1, bool),
        noise=np.array([[1.0, -1.0]]),
        scale=np.array([0.01]),
    )
    calm = UtilityPolicy("calm", "", noise_scale=0.5).decide(view)  # 0.01 - 0.01 * 0.5 * 2 / sqrt 2 > 0
    wild = UtilityPolicy("wild", "", noise_scale=2.0).decide(view)  # 0.01 - 0.01 * 2 * 2 / sqrt 2 < 0
    assert calm.index.tolist() == [1] and wild.index.tolist() == [0]


# ---------------------------------------------------------------- narrated talks
def test_a_narrated_signature_records_the_tabled_text_both_answers_and_the_signed_text():
    m, s = given(month=4, narrate=True)
    script = {(US, Decision.PROPOSE): PHASED, (US, Decision.ACCEPT): 0, (DPRK, Decision.ACCEPT): 0}
    out, records, _ = drive(talks.phase(m, s), script)
    tabled, us, dprk, signed_ = records
    o = m.outlook.with_hope(m.outlook.fresh_hope([US, DPRK, CHN, RUS]))
    assert tabled.actor == "US" and tabled.offer == Proposal.PHASED_RELIEF.value and not tabled.brokered
    assert tabled.point == tuple(np.round(o.agenda.point[0, PHASED], 2).tolist())
    assert tabled.no_deal == pytest.approx(float(o.no_deal(US)[0]))
    assert tabled.odds == pytest.approx(float(o.accept_probability(DPRK, o.agenda_values(DPRK))[0, PHASED]))
    assert 0 < tabled.odds < 1
    assert (us.actor, us.offer, us.accepts, us.veto) == ("US", "phased_relief", True, True)
    assert (dprk.actor, dprk.accepts) == ("DPRK", True)
    assert dprk.margin == pytest.approx(float(o.margin[0, DPRK]))
    assert dprk.status_quo == pytest.approx(float(o.status_quo(DPRK)[0]))
    assert dprk.waiting == pytest.approx(float(o.waiting(DPRK)[0]))
    assert signed_.offer == "phased_relief" and signed_.format == "bilateral" and signed_.month == 4
    assert signed_.steps == int(out.deal_steps[0]) and signed_.point == tuple(np.round(out.deal_point[0], 2).tolist())
    assert set(signed_.scope) == {"tests", "launches"}


def test_a_narrated_round_without_agreement_says_so_in_its_format():
    m, s = given(month=4, narrate=True)
    script = {
        (US, Decision.PROPOSE): PHASED,
        (US, Decision.ACCEPT): 0,
        (DPRK, Decision.ACCEPT): 1,
        (DPRK, Decision.PROPOSE): -1,
    }
    out, records, _ = drive(talks.phase(m, s), script)
    assert records[-1] == rec.NoAgreement(4, "bilateral")
    assert [type(r) for r in records] == [rec.Tabled, rec.Answered, rec.Answered, rec.Tabled, rec.NoAgreement]
    assert records[-2].actor == "DPRK" and records[-2].offer is None and records[-2].odds is None
    assert out.talks_held[0] == s.talks_held[0] + 1


def test_six_party_talks_are_chinas_agenda_every_party_answers_and_china_brokers_the_compromise():
    m, s = given(month=4, narrate=True, format=[SIX])
    script = {(CHN, Decision.PROPOSE): PHASED, (CHN, Decision.BROKER): 0}
    script.update({(a.index, Decision.ACCEPT): 1 for a in Actor})
    out, records, asked = drive(talks.phase(m, s), script)
    assert asked[0] == (CHN, Decision.PROPOSE) and (CHN, Decision.BROKER) in asked
    answered = [r.actor for r in records if isinstance(r, rec.Answered)]
    assert answered == [a.value for a in Actor] * 2  # the named text, then the compromise
    assert [r.veto for r in records if isinstance(r, rec.Answered)][:N_ACTORS] == [a.index in (US, DPRK) for a in Actor]
    brokered = [r for r in records if isinstance(r, rec.Tabled) and r.brokered]
    assert len(brokered) == 1 and brokered[0].actor == "CHN" and brokered[0].expected is None
    assert records[-1] == rec.NoAgreement(4, "six_party") and out.failed_rounds[0] == s.failed_rounds[0] + 1


def test_a_brokered_compromise_both_veto_players_accept_is_signed_with_the_broker():
    m, s = given(("talks.mediation=true",), month=4, narrate=True)
    script = {
        (US, Decision.PROPOSE): -1,
        (DPRK, Decision.PROPOSE): -1,
        (US, Decision.ACCEPT): 0,
        (DPRK, Decision.ACCEPT): 0,
    }
    script[(CHN, Decision.BROKER)] = script[(RUS, Decision.BROKER)] = 0
    out, records, asked = drive(talks.phase(m, s), script)
    broker = CHN if (CHN, Decision.BROKER) in asked else RUS
    assert asked[-3:] == [(broker, Decision.BROKER), (US, Decision.ACCEPT), (DPRK, Decision.ACCEPT)]
    assert out.in_force[0] and out.broker[0] == broker and out.failed_rounds[0] == s.failed_rounds[0]
    assert isinstance(records[-1], rec.Signed) and records[-1].format == "bilateral"


# ---------------------------------------------------------------- the format changes
def test_a_narrated_format_change_records_the_call_the_consents_and_the_broker_who_called():
    m, s = given(month=4, failed_rounds=[3], narrate=True)
    script = {(RUS, Decision.CALL_FORMAT): 1, (CHN, Decision.CALL_FORMAT): 0}
    script.update({(US, Decision.CONSENT_FORMAT): 0, (DPRK, Decision.CONSENT_FORMAT): 0})
    out, records, asked = drive(format_change.consider(m, s), script)
    assert asked == [
        (RUS, Decision.CALL_FORMAT),
        (CHN, Decision.CALL_FORMAT),
        (US, Decision.CONSENT_FORMAT),
        (DPRK, Decision.CONSENT_FORMAT),
    ]
    chose = [(r.actor, r.decision, r.chosen) for r in records if isinstance(r, rec.Chose)]
    assert chose == [
        ("RUS", "call_format", "wait"),
        ("CHN", "call_format", "call"),
        ("US", "consent_format", "consent"),
        ("DPRK", "consent_format", "consent"),
    ]
    assert records[-1] == rec.FormatChanged(4, "CHN")
    assert out.format[0] == SIX and out.failed_rounds[0] == 0


def test_each_decider_values_a_format_by_what_a_round_in_it_would_bring():
    m, s = given(month=4, failed_rounds=[3], narrate=True)
    script = {(RUS, Decision.CALL_FORMAT): 0, (US, Decision.CONSENT_FORMAT): 0, (DPRK, Decision.CONSENT_FORMAT): 1}
    _, records, _ = drive(format_change.consider(m, s), script)
    drafted = valuation.named(m.params)
    for r in records:
        actor = Actor(r.actor).index
        worth = {}
        for f in (SIX, 1 - SIX):
            o = m.outlook.in_format(np.full(1, f == SIX), drafted)
            plan = format_change.round_outlook(m, o, f, s.summit * m.params.summit_boost)
            worth[f] = float(format_change.round_value(o, plan, actor)[0])
        assert list(r.values.values()) == pytest.approx([worth[SIX], worth[1 - SIX]])
    assert len(records) == 3 and not any(isinstance(r, rec.FormatChanged) for r in records)


def _round_expected(o, setter: int, boost: np.ndarray):
    """What a round would table and the odds of each signature, from the rule functions."""
    responders = [v for v in (US, DPRK) if v != setter]
    ev = options.propose(o, setter, responders, boost)
    k = int(np.argmax(ev[0]))
    tables = np.isfinite(ev[0].max()) and ev[0].max() > o.no_deal(setter)[0]
    odds = np.prod([o.accept_probability(v, o.agenda_values(v) + boost[:, None])[0, k] for v in responders])
    return k, (odds if tables else 0.0)


@pytest.mark.parametrize(
    ("overrides", "fmt", "setter", "broker"),
    [
        ((), 1 - SIX, US, CHN),  # China has the most clout of the brokers
        (("talks.setter=DPRK", "talks.mediation=true"), 1 - SIX, DPRK, CHN),
        (("talks.brokers=['RUS', 'CHN']",), SIX, CHN, CHN),
    ],
    ids=["bilateral", "mediated-dprk-sets", "six-party"],
)
def test_a_format_is_worth_what_its_setter_would_table_and_its_broker_would_blend(overrides, fmt, setter, broker):
    m, _ = given(overrides, month=4)
    boost = np.array([0.012])
    o = m.outlook.in_format(np.full(1, fmt == SIX), valuation.named(m.params))
    plan = format_change.round_outlook(m, o, fmt, boost)
    k, odds1 = _round_expected(o, setter, boost)
    assert plan["first"].tolist() == [k] and plan["odds1"][0] == pytest.approx(odds1, abs=1e-12)
    expected_broker = brokering.broker_of(m.params, np.full(1, fmt == SIX))
    assert expected_broker.tolist() == [broker]
    compromise = brokering.compromise(m, o, boost, expected_broker)
    k3 = compromise["nash"]
    assert plan["third"].tolist() == k3.tolist()
    odds3 = np.prod([o.accept_probability(v, compromise["values"][v] + boost[:, None])[0, k3[0]] for v in (US, DPRK)])
    mediated = fmt == SIX or bool(m.params.mediation[0])
    assert plan["odds3"][0] == pytest.approx(odds3 if mediated else 0.0, abs=1e-12)
    assert not mediated or 0 < odds3 < 1


# ---------------------------------------------------------------- positions
def test_a_narrated_move_names_the_mover_those_it_moved_toward_and_the_issue_of_the_largest_change():
    m, s = given(("actors.US.resolve=0.0", "actors.DPRK.resolve=0.0"), narrate=True)
    out, records, _ = drive(positions.phase(m, s), {})
    assert [r.actor for r in records] == ["US", "DPRK"]
    assert records[0].toward == ("ROK", "JPN") and records[1].toward == ("CHN", "RUS")
    for r, mover in zip(records, (US, DPRK), strict=True):
        change = out.ideal[0, mover] - s.ideal[0, mover]
        k = int(np.argmax(np.abs(change)))
        assert r.issue == list(Issue)[k].value and r.change == pytest.approx(float(change[k]))
        assert abs(r.change) >= 0.01


@pytest.mark.parametrize(("scale", "lam"), [(0.5, 0.45), (2.0, 1.0)])
def test_the_us_position_moves_by_its_susceptibility_times_its_policys_concession_scale_at_most_all_the_way(scale, lam):
    m, s = given(("actors.US.resolve=0.0",))
    m = replace(m, params=m.params.but(susceptibility=np.array([0.9])), concession_scale=np.full(N_ACTORS, scale))
    out, _, _ = drive(positions.phase(m, s), {})
    p, allies = m.params, [ROK, JPN]
    row = rules_positions.influence(p.self_weight, p.capability[:, allies])
    lam_ = np.array([lam])
    expected = rules_positions.friedkin_johnsen(s.ideal[:, US], p.ideal[:, US], s.ideal[:, allies], row, lam_)
    assert np.allclose(out.ideal[:, US], expected)


# ---------------------------------------------------------------- the draws
def test_each_decision_of_each_actor_at_each_stage_reads_its_own_fixed_draws():
    m, _ = given(month=3)
    seen = {}
    for actor in range(N_ACTORS):
        for decision in Decision:
            for stage in (0, 1, 2):
                seen[(actor, decision, stage)] = tuple(month.noise(m, actor, decision, stage, 2)[0].round(12))
    assert len(set(seen.values())) == len(seen)
    # the layout is fixed: a run's draws do not move when the code around them changes
    assert month.noise(m, US, Decision.PROPOSE, 0, 3)[0] == pytest.approx(NOISE_US_PROPOSE_0)
    assert month.noise(m, DPRK, Decision.ACCEPT, 2, 2)[0] == pytest.approx(NOISE_DPRK_ACCEPT_2)
    last = list(Decision)[-1]
    assert month.noise(m, JPN, last, 1, 2)[0] == pytest.approx(NOISE_JPN_LAST_1)
    assert month.noise(m, US, last, 0, 2)[0] == pytest.approx(NOISE_US_LAST_0)


def test_draws_for_the_rows_that_decide_are_those_of_a_full_draw_and_zero_elsewhere():
    model = PeninsulaModel("baseline-2019", seeds=[5, 6, 7], collect=False)
    m = model.month(model.state.but(month=2))
    full = month.noise(m, RUS, Decision.ENFORCE, 1, 2)
    asked = np.array([False, True, True])
    part = month.noise(m, RUS, Decision.ENFORCE, 1, 2, asked)
    assert np.array_equal(part[1:], full[1:]) and (part[0] == 0).all() and (full[0] != 0).all()
    assert (month.noise(m, RUS, Decision.ENFORCE, 1, 2, np.zeros(3, bool)) == 0).all()
    assert np.array_equal(month.noise(m, RUS, Decision.ENFORCE, 1, 2, np.ones(3, bool)), full)
    sub = m.subset(np.array([2, 0]))
    assert np.array_equal(month.noise(sub, RUS, Decision.ENFORCE, 1, 2), full[[2, 0]])
    assert sub.narrate is False and sub.params.cadence.shape == (2,)


def test_a_subset_of_the_month_keeps_narrating_only_when_it_starts_with_replication_zero():
    model = PeninsulaModel("baseline-2019", seeds=[5, 6, 7], collect=False, narrate=True)
    m = model.month(model.state)
    m = m.seeing(valuation.outlook(m, model.state))
    assert m.subset(np.array([0, 2])).narrate and not m.subset(np.array([1, 2])).narrate
    sub = m.subset(np.array([1, 2]))
    assert np.array_equal(sub.draws.keys, m.draws.keys[[1, 2]])
    assert sub.outlook.replications == 2 and sub.margin_scale is m.margin_scale


# computed once, from baseline-2019 at seed 0, month 3
NOISE_US_PROPOSE_0 = [-1.0631328144487584, -1.5974747899562767, 0.19290542244458675]
NOISE_DPRK_ACCEPT_2 = [-0.32150339013961665, 0.01873051988674056]
NOISE_JPN_LAST_1 = [1.2182680164470527, 0.8094248092089925]
NOISE_US_LAST_0 = [1.1240751751147091, -0.6638780465701699]


# ---------------------------------------------------------------- what the deciders see
def rows_given(month_: int, n: int, narrate: bool = False, **columns):
    """Month ``month_`` of baseline-2019 over ``n`` replications whose parameters differ by row."""
    params = _varied("baseline-2019", n, **columns)
    model = PeninsulaModel("baseline-2019", seeds=list(range(n)), params=params, collect=False, narrate=narrate)
    state = model.state.but(month=month_)
    m = model.month(state)
    return m.seeing(valuation.outlook(m, state)), state


def drive_views(result, answers: dict[tuple[int, Decision], int]):
    """As ``drive``, but keeps every view the phase yields; returns (state, records, views)."""
    views = []
    try:
        view = next(result)
        while True:
            views.append(view)
            index = np.full(view.asked.shape, answers[(view.actor.index, view.decision)], dtype=np.int64)
            view = result.send(Choice(index, view.options))
    except StopIteration as done:
        return (*done.value, views)


NO_OFFERS = {(US, Decision.PROPOSE): -1, (DPRK, Decision.PROPOSE): -1}


def test_only_the_broker_of_a_mediated_row_is_asked_and_it_sees_the_candidates_and_its_own_draws():
    m, s = rows_given(4, 2, mediation=[True, False], brokers=_brokers((RUS,), (CHN,)))
    _, _, views = drive_views(talks.phase(m, s), {**NO_OFFERS, (RUS, Decision.BROKER): -1})
    broker = [v for v in views if v.decision is Decision.BROKER]
    assert [(v.actor.index, v.asked.tolist()) for v in broker] == [(RUS, [True, False])]
    view = broker[0]
    assert set(view.context) == {"candidates", "valid", "named"} and view.context["named"] == len(Proposal)
    assert view.context["candidates"].point.shape[1] > len(Proposal) and view.outlook is not None
    assert np.array_equal(view.noise, month.noise(m, RUS, Decision.BROKER, 2, 1, np.array([True, False])))


def test_mediation_without_a_broker_tables_no_compromise():
    m, s = rows_given(4, 1, mediation=[True], brokers=_brokers(()))
    out, _, asked = drive(talks.phase(m, s), NO_OFFERS)
    assert asked == [(US, Decision.PROPOSE), (DPRK, Decision.PROPOSE)]
    assert not out.in_force[0] and out.failed_rounds[0] == s.failed_rounds[0] + 1


def test_a_compromise_the_broker_blends_is_tabled_answered_and_signed_as_the_compromise():
    m, s = given(("talks.mediation=true", "talks.brokers=['RUS']"), month=4, narrate=True)
    blend = len(Proposal)  # the first slot after the named proposals: the first blend
    script = {**NO_OFFERS, (RUS, Decision.BROKER): blend, (US, Decision.ACCEPT): 0, (DPRK, Decision.ACCEPT): 0}
    out, records, views = drive_views(talks.phase(m, s), script)
    candidates = next(v for v in views if v.decision is Decision.BROKER).context["candidates"]
    point = candidates.point[0, blend]
    assert not np.allclose(point, np.round(point, 2))  # a blend has more than two decimals to round
    tabled = [r for r in records if isinstance(r, rec.Tabled) and r.brokered]
    assert tabled == [rec.Tabled(4, "RUS", "compromise", tuple(np.round(point, 2).tolist()), None, 0.0, None, True)]
    assert [r.offer for r in records if isinstance(r, rec.Answered)] == ["compromise", "compromise"]
    assert records[-1].offer == "compromise" and out.package[0] == len(Proposal) and out.broker[0] == RUS
    assert records[-1].point == tabled[0].point  # the signed text is the tabled one, rounded alike
    # the answers read the broker's stage of draws: the signed text keeps them as its parties' lasting taste
    assert np.array_equal(out.deal_noise[0, DPRK], month.noise(m, DPRK, Decision.ACCEPT, 2, 2)[0])


def test_an_exercise_against_agreed_restraint_is_a_breach_in_proportion_to_the_restraint():
    restraint = Issue.EXERCISE_RESTRAINT.index
    m, s = _in_force(exercised_last=[True])
    point = s.deal_point.copy()
    point[0, restraint] = 0.4
    s = s.but(deal_point=point)
    m = replace(m, narrate=True, params=m.params.but(breach_evidence=np.array([2.5]), precedent=np.array([0.05])))
    out, records, views = drive_views(breaches.phase(m, s), {(DPRK, Decision.RESPOND): 0})
    dprk = np.broadcast_to(np.arange(N_ACTORS) == DPRK, (1, N_ACTORS))
    trust, count = beliefs.observe(s.trust, s.trust_count, dprk, US, 0.0, np.array([2.5 * 0.4]), m.params.memory)
    assert np.allclose(out.trust, trust) and np.allclose(out.trust_count, count) and out.in_force[0]
    (view,) = views
    assert view.context == {"cause": "exercise"} and view.outlook is not None
    seen = m.outlook.with_trust(trust)
    expected = options.respond(seen, DPRK, np.array([0.05 * 0.4]))
    assert records[0] == rec.Breach(5, "US", "DPRK", "exercise")
    assert records[1].values == pytest.approx({k: float(v[0]) for k, v in expected.items()})


def test_a_test_is_a_breach_where_the_text_covers_tests_whatever_it_says_of_launches():
    m, s = _in_force(act=[TEST], deal_scope=[[2, 0]])
    _, _, asked = drive(breaches.phase(m, s), {(US, Decision.RESPOND): 0})
    assert asked == [(US, Decision.RESPOND)]
    m, s = _in_force(act=[Activity.LAUNCH.index], deal_scope=[[2, 0]])
    out, _, asked = drive(breaches.phase(m, s), {})
    assert asked == [] and out is s  # a launch the text leaves out is no breach


def test_an_exercise_under_a_text_without_restraint_is_no_breach():
    restraint = Issue.EXERCISE_RESTRAINT.index
    m, s = _in_force(exercised_last=[True])
    point = s.deal_point.copy()
    point[0, restraint] = 0.0
    out, _, asked = drive(breaches.phase(m, s.but(deal_point=point)), {})
    assert asked == [] and out.in_force[0]


def test_two_breaches_in_a_month_are_both_narrated_and_each_side_answers_its_own():
    restraint = Issue.EXERCISE_RESTRAINT.index
    m, s = _in_force(act=[TEST], deal_scope=[[2, 2]], exercised_last=[True])
    point = s.deal_point.copy()
    point[0, restraint] = 0.5
    m = replace(m, narrate=True)
    script = {(US, Decision.RESPOND): 0, (DPRK, Decision.RESPOND): 0}
    out, records, views = drive_views(breaches.phase(m, s.but(deal_point=point)), script)
    assert [(r.by, r.seen_by, r.cause) for r in records if isinstance(r, rec.Breach)] == [
        ("DPRK", "US", "covered_test"),
        ("US", "DPRK", "exercise"),
    ]
    assert [(v.actor.index, v.context["cause"]) for v in views] == [(US, "covered_test"), (DPRK, "exercise")]
    assert out.in_force[0]


def test_an_enforcer_is_asked_only_where_delivery_is_not_pinned_and_sees_the_months_outlook():
    m, s = rows_given(1, 2, pin_delivery=[False, True])
    script = {(CHN, Decision.ENFORCE): 2, (RUS, Decision.ENFORCE): 0}
    out, _, views = drive_views(enforcement.phase(m, s), script)
    assert [v.asked.tolist() for v in views] == [[True, False], [True, False]]
    assert all(v.outlook is m.outlook for v in views)
    assert np.array_equal(out.delivery_shift[1], s.delivery_shift[1])
    assert not np.array_equal(out.delivery_shift[0], s.delivery_shift[0])


def test_the_council_judges_with_the_state_the_act_left():
    m, s = given(act=[TEST])
    s = s.but(tension=np.array([0.9]))  # the act raised tension after the month's outlook was taken
    assert m.outlook.situation.tension[0] != pytest.approx(0.9)
    _, _, views = drive_views(council.phase(m, s), {(CHN, Decision.COUNCIL): 0, (RUS, Decision.COUNCIL): 0})
    assert len(views) == 2
    for view in views:
        assert view.outlook.situation.tension[0] == pytest.approx(0.9)


# ---------------------------------------------------------------- the broker and the script
def test_china_brokers_six_party_talks_and_otherwise_the_broker_with_most_clout():
    p = SimpleNamespace(
        brokers=np.array(_brokers((CHN, RUS), (CHN, RUS), (RUS,), (), (CHN, RUS))),
        capability=np.tile(np.linspace(0.1, 0.6, N_ACTORS), (5, 1)),
    )
    p.capability[:, CHN], p.capability[:, RUS] = 0.3, 0.5  # Russia has more clout than China here
    broker = brokering.broker_of(p, np.array([False, True, True, True, False]))
    assert broker.tolist() == [RUS, CHN, RUS, -1, RUS]
    assert broker.dtype.kind == "i"


def test_a_script_names_its_proposal_and_an_option_it_does_not_have_is_no_offer():
    view = SimpleNamespace(
        decision=Decision.PROPOSE,
        asked=np.ones(2, bool),
        options={"offers": np.zeros((2, 6)), "no_offer": np.zeros(2)},
        context={"names": [p.value for p in Proposal]},
    )
    named = ScriptedPolicy("s", {Decision.PROPOSE: Proposal.PHASED_RELIEF.value}).decide(view)
    assert named.index.tolist() == [PHASED, PHASED] and named.index.dtype == np.int64
    unknown = ScriptedPolicy("s", {Decision.PROPOSE: "no_such_text"}).decide(view)
    assert unknown.index.tolist() == [-1, -1]
    view.decision = Decision.AID
    view.options = {"pay": np.zeros(2), "withhold": np.ones(2)}
    view.context = {}  # not a proposal: scripted by the name of the option
    assert ScriptedPolicy("s", {Decision.AID: "withhold"}).decide(view).index.tolist() == [1, 1]


def test_a_proposer_opens_with_its_own_favourite_only_where_no_text_has_a_chance_that_shows():
    ev = np.array([[0.7, 0.5], [-np.inf, -np.inf], [-np.inf, -np.inf]])
    own = np.array([[0.1, 0.9], [0.2, 0.8], [0.1, 0.2]])
    slots = _best_offer(ev, np.array([0.6, 0.6, 0.6]), None, own)
    assert slots.tolist() == [0, 1, -1]  # the first slot tabled as it is; a favourite that beats no deal; none


# ---------------------------------------------------------------- scripted events, collapse
def test_an_event_that_sets_a_quantity_that_is_also_state_changes_the_state_for_every_row():
    model = PeninsulaModel("baseline-2019", seeds=[0, 1], collect=False)
    s = model.state.but(month=3)
    event = SimpleNamespace(
        summit=False, talks=False, set={"talks.format": "six_party", "actors.US.trust.DPRK": 0.7}, label="x"
    )
    params, out, records = scripted.fire(model.params, s, [event])
    assert out.format.tolist() == [SIX, SIX] and params.format.tolist() == [SIX, SIX]
    assert out.trust[:, US, DPRK].tolist() == [0.7, 0.7] and params.trust[:, US, DPRK].tolist() == [0.7, 0.7]
    assert np.array_equal(out.trust[:, DPRK, US], s.trust[:, DPRK, US]) and s.format.tolist() == [0, 0]
    assert records == [rec.Scripted(3, "x")]
    _, calm, _ = scripted.fire(model.params, s.but(sanctioned=np.ones(2, bool)), [])
    assert not calm.sanctioned.any()  # no new sanction this month


def test_the_workers_deadline_is_narrated_only_where_it_falls_in_replication_zero():
    m, s = rows_given(8, 2, laborers_deadline=[9, 8])
    quiet, records = scripted.deadline(m, s)
    assert records == [] and (quiet.enforcement_start[1] != s.enforcement_start[1]).any()
    assert np.array_equal(quiet.enforcement_start[0], s.enforcement_start[0])
    m, s = rows_given(8, 2, narrate=True, laborers_deadline=[8, 8])
    assert scripted.deadline(m, s)[1] == [rec.Deadline(8, "laborers")]
    assert scripted.deadline(replace(m, narrate=False), s)[1] == []


def _in_force_rows(n: int, **columns):
    """``n`` replications in which phased relief was signed at month 4, at month 5, narrated."""
    m, s = rows_given(4, n, **columns)
    script = {(US, Decision.PROPOSE): PHASED, (US, Decision.ACCEPT): 0, (DPRK, Decision.ACCEPT): 0}
    s, _, _ = drive(talks.phase(m, s), script)
    m, _ = rows_given(5, n, narrate=True, **columns)
    s = s.but(month=5)
    return m.seeing(valuation.outlook(m, s)), s


def test_a_walk_in_replication_zero_is_narrated_though_the_other_side_still_decides_elsewhere():
    m, s = _in_force_rows(2)
    assert s.in_force.all()
    out, records, views = drive_views(
        walk.phase(m, s), {(US, Decision.WALK): np.array([1, 0]), (DPRK, Decision.WALK): 0}
    )
    assert [(v.actor.index, v.asked.tolist()) for v in views] == [(US, [True, True]), (DPRK, [False, True])]
    assert all(v.outlook is m.outlook for v in views)
    assert [type(r) for r in records] == [rec.Chose, rec.Collapsed] and records[1].ended_by == "US"
    assert out.in_force.tolist() == [False, True]


def test_japan_is_asked_for_aid_only_where_the_text_has_cooperation_and_it_has_a_share():
    m, s = _in_force_rows(3, japan_share=[0.2, 0.2, 0.0])
    point = s.deal_point.copy()
    point[1, Issue.ECONOMIC_COOPERATION.index] = 0.0
    out, _, views = drive_views(aid.phase(m, s.but(deal_point=point)), {(JPN, Decision.AID): 1})
    (view,) = views
    assert view.asked.tolist() == [True, False, False] and view.outlook is m.outlook
    assert out.aid_withheld.tolist() == [True, False, False]


def test_an_agreement_that_does_not_cover_tests_does_not_freeze_the_arsenal():
    m, s = _in_force(deal_scope=[[0, 0]])
    grown, _, _ = drive(world.phase(m, s), {})
    assert grown.capability[0] > s.capability[0]


@pytest.mark.parametrize(("ender", "kept"), [(US, False), (DPRK, True)])
def test_an_agreement_the_us_ends_without_snapback_takes_back_the_restored_share_of_relief(ender, kept):
    m, s = _in_force()
    m = replace(m, narrate=True, params=m.params.but(snapback=np.zeros(1, bool), un_reimposition=np.array([0.4])))
    s = s.but(relief=np.array([0.5]))
    breaker = DPRK if ender == US else US
    out, records = breaches.collapse(m, s, np.array([True]), Cause.WALKED_AWAY, breaker, ender)
    initial = float(m.params.initial_relief[0])
    share = float(valuation.restored(m.params)[0])
    assert 0 < share < 1
    assert out.relief[0] == pytest.approx(0.5 if kept else 0.5 - (0.5 - initial) * share)
    assert records == [rec.Collapsed(5, "walked_away", ACTOR_NAMES[breaker], ACTOR_NAMES[ender])]


# ---------------------------------------------------------------- whole narrated runs, pinned
def _varied(name: str, n: int, **columns) -> dict[str, np.ndarray]:
    """The scenario's parameters for ``n`` replications, some columns set row by row."""
    arrays = replicate(compile_params(load_scenario(name)), n)
    for key, values in columns.items():
        target = arrays[key]
        for row, v in enumerate(values):
            if v is not None:
                target[row] = v
    return arrays


def _brokers(*rows):
    out = []
    for row in rows:
        mask = np.zeros(N_ACTORS, bool)
        mask[list(row)] = True
        out.append(mask)
    return out


CASES = {
    # rows differ: the first is not always due when the others are, the formats and setters differ
    "mixed-rows": dict(
        scenario="baseline-2019",
        seeds=[11, 12, 13, 14],
        params=dict(
            cadence=[5, 3, 4, 2],
            format=[0, 0, SIX, 0],
            setter=[US, DPRK, US, CHN],
            mediation=[True, True, False, True],
            brokers=_brokers((CHN, RUS), (RUS,), (CHN,), (RUS,)),
            switch_after=[1, 2, 1, 1],
            step_evidence=[0.7, 1.3, 1.0, 0.4],
            test_evidence=[1.2, 0.6, 1.0, 0.9],
            exercise_evidence=[0.3, 0.5, 0.2, 0.7],
            breach_evidence=[2.5, 3.5, 3.0, 1.5],
            exercises_suspended=[False, False, True, False],
            test_opportunity=[0.6, 0.9, 0.3, 0.5],
            step_delay_rate=[0.4, 0.1, 0.6, 0.0],
            late_tolerance=[1, 2, 0, 3],
            withhold_relief=[False, False, False, True],
            summit_boost=[0.01, 0.003, 0.02, 0.0],
            duration=[6, 12, 4, 8],
        ),
        months=36,
    ),
    "row-zero-rests": dict(
        scenario="baseline-2019",
        seeds=[21, 22, 23],
        params=dict(
            active=[False, True, True],
            cadence=[4, 2, 3],
            mediation=[True, True, False],
            allow_format_change=[True, True, True],
            switch_after=[1, 1, 2],
            step_delay_rate=[0.3, 0.5, 0.2],
        ),
        months=24,
    ),
    # no text both accept: failed rounds, a call for six-party talks, brokers, positions that move
    "hard-bargain": dict(
        scenario="maximum-pressure",
        seeds=[31, 32, 33],
        params=dict(
            allow_format_change=[True, True, True],
            switch_after=[1, 2, 1],
            mediation=[True, False, True],
            brokers=_brokers((CHN, RUS), (CHN, RUS), (RUS,)),
            susceptibility=[0.6, 0.3, 0.9],
            cadence=[2, 3, 2],
        ),
        months=30,
    ),
    # agreements that break: benefits withheld, steps overdue, covered tests
    "breaking": dict(
        scenario="phased-relief",
        seeds=[41, 42, 43],
        params=dict(
            withhold_relief=[True, False, False],
            step_delay_rate=[0.2, 0.9, 0.5],
            late_tolerance=[1, 0, 1],
            test_opportunity=[1.0, 0.8, 1.0],
            moratorium=[0.0, 0.1, 0.0],
            breach_evidence=[2.2, 3.3, 1.1],
            cadence=[2, 2, 3],
            duration=[3, 2, 4],
        ),
        months=36,
    ),
    **{
        name: dict(scenario=name, seeds=[1, 2, 3], params={}, months=24)
        for name in ("freeze-for-freeze", "hanoi-2019", "six-party-revival")
    },
}


def _digest(value) -> str:
    return hashlib.sha1(repr(value).encode()).hexdigest()[:16]


def _rounded(a: np.ndarray):
    return a.round(9).tolist() if a.dtype.kind == "f" else a.tolist()


def _record_text(r) -> str:
    def clean(v):
        if isinstance(v, float):
            return round(v, 9)
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [clean(x) for x in v]
        return v

    return f"{type(r).__name__}{clean(asdict(r))}"


def run(case: dict) -> PeninsulaModel:
    """The case's narrated run, to its end."""
    params = _varied(case["scenario"], len(case["seeds"]), **case["params"])
    model = PeninsulaModel(case["scenario"], seeds=case["seeds"], params=params, collect=False, narrate=True)
    model.fingerprint_fields = {}
    for _ in range(case["months"]):
        model.step()
        for name, value in model.state.__dict__.items():
            if isinstance(value, np.ndarray):
                model.fingerprint_fields.setdefault(name, []).append(_rounded(value))
    return model


def trajectory(case: dict, model: PeninsulaModel | None = None) -> dict[str, str]:
    """A fingerprint of every state field, month by month, and of every record of a narrated run."""
    model = model or run(case)
    prints = {name: _digest(values) for name, values in model.fingerprint_fields.items()}
    texts = [_record_text(r) for r in model.records]
    prints["records"] = _digest(texts)
    prints["record_kinds"] = _digest(sorted({t.split("{")[0] for t in texts}))
    return prints


@pytest.fixture(scope="session")
def pinned_runs():
    """The cases' runs, each run once a session (a fixture, not a module global: mutmut forks a session
    per mutant from one that has imported this module, and a module-level cache would outlive the mutant)."""
    runs: dict[str, PeninsulaModel] = {}

    def run_once(name: str) -> PeninsulaModel:
        if name not in runs:
            runs[name] = run(CASES[name])
        return runs[name]

    return run_once


def _golden() -> dict:
    return json.loads(GOLDEN.read_text())


@pytest.mark.parametrize("name", list(CASES))
def test_a_pinned_narrated_run_goes_month_by_month_as_it_did(name, pinned_runs):
    expected = _golden()["runs"][name]
    got = trajectory(CASES[name], pinned_runs(name))
    differ = sorted(k for k in expected if got.get(k) != expected[k])
    assert not differ, f"{name}: these fields or records went differently: {differ}"


def test_the_pinned_runs_reach_the_mechanisms_they_are_meant_to_pin(pinned_runs):
    """The fingerprints are worth something only if the runs sign, deliver, breach, broker and move."""
    kinds = set()
    for name in ("mixed-rows", "hard-bargain", "breaking", "freeze-for-freeze"):
        records = pinned_runs(name).records
        kinds |= {type(r).__name__ for r in records}
        kinds |= {"brokered"} if any(isinstance(r, rec.Tabled) and r.brokered for r in records) else set()
    wanted = {"Signed", "Answered", "Tabled", "StepDelivered", "StepHeldUp", "Activity", "NoAgreement"}
    assert wanted | {"Breach", "Collapsed", "Moved", "Chose", "brokered"} <= kinds


def _regen() -> None:
    runs = {name: trajectory(case) for name, case in CASES.items()}
    GOLDEN.write_text(json.dumps({"runs": runs}, indent=1, sort_keys=True) + "\n")
    print(f"wrote {GOLDEN}")


if __name__ == "__main__":
    if "--regen" in sys.argv:
        _regen()
