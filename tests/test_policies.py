"""Policies: given a view, a choice. The default is random utility on the payoff scale; a script is one more policy.

Scripted duels: the rules are run with policies that answer as scripted,
and the timeline and state must follow (no rule changes).
"""

from __future__ import annotations

import numpy as np
import pytest
from model_support import model_of

from model.agents.policies import Choice, Decision, ScriptedPolicy, UtilityPolicy, View, profiles
from model.core import records as rec
from model.core.domain import Actor
from model.results.outcomes import outcomes
from model.rules.outlook import normal_cdf


def view(options: dict, noise: np.ndarray, scale: float = 0.01, decision: Decision = Decision.ACCEPT) -> View:
    r = noise.shape[0]
    return View(Actor.US, decision, 1, {}, None, options, np.ones(r, bool), noise, np.full(r, scale))


def test_without_noise_the_utility_policy_takes_the_option_worth_most():
    policy = UtilityPolicy("plain", "test")
    choice = policy.decide(view({"accept": np.array([0.6, 0.4]), "reject": np.array([0.5, 0.5])}, np.zeros((2, 2))))
    assert choice.index.tolist() == [0, 1]


def test_a_yes_or_no_is_taken_with_probability_phi_of_the_value_gap_over_the_noise():
    """Many replications of one judgement: the share of yes is Phi((V_yes - V_no) / noise)."""
    rng = np.random.default_rng(5)
    n, gap, scale = 40_000, 0.006, 0.01
    noise = rng.standard_normal((n, 2))
    choice = UtilityPolicy("plain", "test").decide(
        view({"accept": np.full(n, 0.5 + gap), "reject": np.full(n, 0.5)}, noise, scale)
    )
    share = float((choice.index == 0).mean())
    expected = float(normal_cdf(np.array(gap / scale)))
    assert abs(share - expected) < 4 * np.sqrt(expected * (1 - expected) / n)


def test_walk_bias_makes_a_hardliner_quit_an_agreement_a_plain_actor_keeps():
    options = {"stay": np.array([0.50]), "walk": np.array([0.495])}
    plain = UtilityPolicy("plain", "test").decide(view(options, np.zeros((1, 2)), decision=Decision.WALK))
    hard = profiles()["hardliner"].decide(view(options, np.zeros((1, 2)), decision=Decision.WALK))
    assert plain.index[0] == 0 and hard.index[0] == 1


def test_a_proposer_tables_the_offer_of_highest_expected_value_or_nothing():
    policy = UtilityPolicy("plain", "test")
    ev = np.array([[0.50, 0.70, 0.65], [0.50, 0.52, 0.51]])
    choice = policy.decide(
        view({"offers": ev, "no_offer": np.array([0.6, 0.6])}, np.zeros((2, 1)), decision=Decision.PROPOSE)
    )
    assert choice.index.tolist() == [1, -1]


def test_exact_ties_between_offers_go_to_the_joint_value_not_the_agenda_order():
    policy = UtilityPolicy("plain", "test")
    ev = np.array([[0.70, 0.70]])
    for joint, expected in (([[1.0, 2.0]], 1), ([[2.0, 1.0]], 0)):
        choice = policy.decide(
            view(
                {"offers": ev, "no_offer": np.array([0.6]), "joint": np.array(joint)},
                np.zeros((1, 1)),
                decision=Decision.PROPOSE,
            )
        )
        assert choice.index[0] == expected


def test_a_scripted_policy_answers_as_scripted_and_defers_the_rest():
    script = ScriptedPolicy("always yes", {Decision.ACCEPT: "accept"})
    yes = script.decide(view({"accept": np.array([0.0]), "reject": np.array([1.0])}, np.zeros((1, 2))))
    assert yes.index[0] == 0
    walk = script.decide(
        view({"stay": np.array([1.0]), "walk": np.array([0.0])}, np.zeros((1, 2)), decision=Decision.WALK)
    )
    assert walk.index[0] == 0  # the default policy: staying is worth more


# ---------------------------------------------------------------- scripted duels through the real rules


def test_a_us_that_accepts_anything_signs_the_dprk_offer_at_hanoi():
    model = model_of(
        "hanoi-2019", seed=1, narrate=True, policies={Actor.US: ScriptedPolicy("dove", {Decision.ACCEPT: "accept"})}
    )
    model.run_for(model.months)
    assert model.state.signed[0]
    signed = [r for r in model.records if isinstance(r, rec.Signed)]
    assert signed and signed[0].offer == "phased_relief"


def test_a_dprk_that_rejects_everything_leaves_no_agreement_whatever_the_us_does():
    model = model_of(
        "hanoi-2019-step-for-step",
        seed=1,
        policies={
            Actor.DPRK: ScriptedPolicy("no", {Decision.ACCEPT: "reject"}),
            Actor.US: ScriptedPolicy("dove", {Decision.ACCEPT: "accept"}),
        },
    )
    model.run_for(model.months)
    assert not model.state.signed[0]


def test_a_script_that_never_tests_holds_no_tests_and_one_that_always_can_tests_when_ready():
    quiet = model_of(
        "maximum-pressure", seed=2, policies={Actor.DPRK: ScriptedPolicy("quiet", {Decision.PROVOKE: "none"})}
    )
    quiet.run_for(24)
    assert quiet.state.activities[0, 1:].sum() == 0
    loud = model_of(
        "maximum-pressure",
        ("dynamics.conflict.test_opportunity=0.5",),
        seed=2,
        policies={Actor.DPRK: ScriptedPolicy("loud", {Decision.PROVOKE: "strategic_test"})},
    )
    loud.run_for(24)
    assert loud.state.tests[0] > 0


def test_six_party_talks_need_both_veto_players_consent():
    base = ("talks.allow_format_change=true", "dynamics.talks.switch_after=1")
    called = {
        Actor.RUS: ScriptedPolicy("caller", {Decision.CALL_FORMAT: "call"}),
        Actor.CHN: ScriptedPolicy("caller", {Decision.CALL_FORMAT: "call"}),
    }
    declining = model_of(
        "maximum-pressure",
        base,
        seed=1,
        policies={
            **called,
            Actor.US: ScriptedPolicy("no", {Decision.CONSENT_FORMAT: "decline"}),
            Actor.DPRK: ScriptedPolicy("yes", {Decision.CONSENT_FORMAT: "consent"}),
        },
    )
    declining.run_for(24)
    assert (declining.state.format == 0).all()
    both = model_of(
        "maximum-pressure",
        base,
        seed=1,
        policies={
            **called,
            Actor.US: ScriptedPolicy("yes", {Decision.CONSENT_FORMAT: "consent"}),
            Actor.DPRK: ScriptedPolicy("yes", {Decision.CONSENT_FORMAT: "consent"}),
        },
    )
    both.run_for(24)
    assert (both.state.format == 1).all()


@pytest.mark.parametrize("respond, collapses", [("respond", True), ("tolerate", False)])
def test_a_covered_test_is_a_breach_the_us_answers_as_its_policy_says(respond, collapses):
    """The DPRK is scripted to test as soon as it can while the agreement covers tests."""
    model = model_of(
        "hanoi-2019-step-for-step",
        ("scenario.months=30", "dynamics.conflict.test_opportunity=1.0"),
        seed=4,
        narrate=True,
        policies={
            Actor.DPRK: ScriptedPolicy("tester", {Decision.PROVOKE: "strategic_test"}),
            Actor.US: ScriptedPolicy("firm", {Decision.RESPOND: respond}),
        },
    )
    model.step()  # the summit: signed
    assert model.state.in_force[0]
    model.step()
    breaches = [r for r in model.records if isinstance(r, rec.Breach)]
    assert breaches and breaches[0].cause == "covered_test" and breaches[0].seen_by == "US"
    assert bool(model.state.collapsed[0]) == collapses
    if collapses:
        out = outcomes(model)
        assert out["collapse_cause"][0] == "covered_test" and out["collapsed_by"][0] == "DPRK"


def test_an_ambiguous_launch_is_a_breach_to_the_us_that_the_dprk_did_not_count_on():
    """Leap Day (E8): the DPRK reads the text as silent on launches, the US as covering them."""
    model = model_of(
        "hanoi-2019-step-for-step",
        (
            "scenario.months=12",
            "dynamics.conflict.launch_opportunity=1.0",
            "dynamics.conflict.launch_drive=0.03",
            'proposals.phased_relief.scope.launches="ambiguous"',
            "conflict.moratorium=0.0",
        ),
        seed=2,
        narrate=True,
    )
    model.run_for(12)
    launches = [
        r for r in model.records if isinstance(r, rec.Chose) and r.decision == "provoke" and r.chosen == "launch"
    ]
    assert launches, "with a launch always ready and a prestige drive, the DPRK launches"
    breach = [r for r in model.records if isinstance(r, rec.Breach) and r.cause == "covered_launch"]
    assert breach and breach[0].seen_by == "US"


def test_choice_records_carry_the_values_compared():
    model = model_of("hanoi-2019", seed=1, narrate=True)
    model.run_for(model.months)
    answers = [r for r in model.records if isinstance(r, rec.Answered)]
    assert {a.actor for a in answers} >= {"US", "DPRK"}
    for a in answers:
        assert np.isfinite([a.value, a.status_quo, a.waiting, a.margin]).all()
    assert any(a.waiting > 0 for a in answers if a.actor == "US")  # the US's value of waiting is shown


def test_choice_index_matches_its_option_names():
    choice = Choice(np.array([1]), {"a": np.array([0.0]), "b": np.array([1.0])})
    assert list(choice.values)[int(choice.index[0])] == "b"


def test_human_style_policy_that_is_waiting_pauses_the_month():
    class Waiting:
        name = "waiting"
        margin_scale = concession_scale = 1.0

        def decide(self, view):
            return None

    model = model_of("hanoi-2019", seed=1, policies={Actor.DPRK: Waiting()})
    pending = next(model.advance())
    assert pending.actor is Actor.DPRK and pending.decision is Decision.PROVOKE
    with pytest.raises(RuntimeError, match="advance"):
        model_of("hanoi-2019", seed=1, policies={Actor.DPRK: Waiting()}).step()
