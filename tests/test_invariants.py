"""Invariants over random valid scenarios: bounds, veto consent, agenda, reproducibility.

Every scenario here is drawn by :func:`strategies.scenarios` (a shipped base
plus ``--set`` overrides through the real loader).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from strategies import Case, accepts, outcomes_of, run, same_outcomes, scenarios, seeds

from model.domain import N_PROPOSALS, Proposal, TalksFormat
from model.errors import InputError
from model.loader import load_scenario
from model.provenance import sources
from model.records import monthly_table
from model.runs import run_replications
from model.simulation import PeninsulaModel

UNIT_STATE = ("tension", "capability", "income", "pressure", "relief", "tension_peak")
UNIT_ARRAYS = ("ideal", "trust", "enforcement", "deal_point")
COUNTS = (
    "failed_rounds",
    "deals",
    "phases",
    "phases_done",
    "months_in_force",
    "months_held",
    "tests",
    "exercises",
    "talks_held",
)
VETOES = ("US", "DPRK")
EPS = 1e-12  # float rounding: shares that sum to 1 may add up to 1 + 2e-16


def bound_violations(state) -> list[str]:
    """Every way the state is out of its documented bounds (empty when all is well)."""
    problems = []
    for name in (*UNIT_STATE, *UNIT_ARRAYS):
        value = getattr(state, name)
        if not np.isfinite(value).all():
            problems.append(f"{name} not finite: {value}")
        elif (value < -EPS).any() or (value > 1 + EPS).any():
            problems.append(f"{name} outside [0, 1]: min {value.min()}, max {value.max()}")
    for name in COUNTS:
        value = getattr(state, name)
        if (value < 0).any():
            problems.append(f"{name} negative: {value}")
        if name != "phases" and (value > state.month).any():
            problems.append(f"{name} exceeds the months run ({state.month}): {value}")
    if (state.phases_done > state.phases).any():
        problems.append(f"phases_done {state.phases_done} > phases {state.phases}")
    if not np.isfinite(state.utility_sum).all() or not np.isfinite(state.tension_sum).all():
        problems.append("utility_sum or tension_sum not finite")
    if (state.tension_sum > state.month + 1e-9).any():
        problems.append(f"tension_sum {state.tension_sum} above the months run")
    if not np.isin(state.format, [f.index for f in TalksFormat]).all():
        problems.append(f"format {state.format} is not a talks format")
    if ((state.package < -1) | (state.package > N_PROPOSALS)).any():
        problems.append(f"package code {state.package} out of range")
    if not np.allclose(np.diagonal(state.trust, axis1=1, axis2=2), 1.0):
        problems.append("self-trust is not 1")
    return problems


def talks_notes(model) -> list[dict]:
    return [note["talks"] for note in model.log if "talks" in note]


def effective_margin(talks: dict, offer: dict, actor: str) -> float:
    """The margin an actor demanded, less a summit boost if the note records one."""
    return offer["margin"][actor] - offer.get("boost", talks.get("boost", 0.0))


def first_veto_accepted(talks: dict) -> dict | None:
    return next((o for o in talks["offers"] if all(o["accepts"][v] for v in VETOES)), None)


@given(case=scenarios(), seed=seeds)
def test_state_stays_in_bounds_and_finite_every_month(case, seed):
    model = PeninsulaModel(case.spec, rng=seed, collect=False)
    assert bound_violations(model.state) == []
    for _ in range(model.months):
        model.step()
        assert bound_violations(model.state) == [], f"month {model.state.month}"


HANOI_UNDER_PRESSURE = ("initial.pressure=1.0",)
"""At this Hanoi summit (seed 0) the DPRK accepts the big deal inside the summit boost: a case found by hypothesis."""


@example(case=Case("hanoi-2019", HANOI_UNDER_PRESSURE, load_scenario("hanoi-2019", HANOI_UNDER_PRESSURE)), seed=0)
@given(case=scenarios(), seed=seeds)
def test_every_agreement_was_acceptable_to_both_veto_players_when_signed(case, seed):
    model = run(case.spec, seed, narrate=True)
    for talks in talks_notes(model):
        if not talks["agreed"]:
            continue
        offer = first_veto_accepted(talks)
        assert offer is not None, "an agreement was recorded but no offer was accepted by both vetoes"
        for veto in VETOES:
            margin = effective_margin(talks, offer, veto)
            assert accepts(offer["value"][veto], offer["noise"][veto], offer["alternative"][veto], margin), (
                veto,
                talks,
            )


@example(case=Case("hanoi-2019", HANOI_UNDER_PRESSURE, load_scenario("hanoi-2019", HANOI_UNDER_PRESSURE)), seed=0)
@given(case=scenarios(), seed=seeds)
def test_timeline_verdicts_follow_the_acceptance_rule(case, seed):
    """Every recorded accept/reject agrees with value + noise >= alternative + margin (ties aside)."""
    model = run(case.spec, seed, narrate=True)
    for talks in talks_notes(model):
        for offer in talks["offers"]:
            for actor, said_yes in offer["accepts"].items():
                margin = effective_margin(talks, offer, actor)
                gap = offer["value"][actor] + offer["noise"][actor] - offer["alternative"][actor] - margin
                if abs(gap) > 1e-9:
                    assert said_yes == (gap > 0), (actor, offer)


@given(case=scenarios(), seed=seeds)
def test_signed_agreements_are_the_recorded_agreements(case, seed):
    model = run(case.spec, seed, narrate=True)
    out = outcomes_of(model)
    agreed_rounds = sum(talks["agreed"] for talks in talks_notes(model))
    assert int(out["deals_signed"][0]) == agreed_rounds
    assert bool(out["deal_reached"][0]) == (agreed_rounds > 0)


@given(case=scenarios(), seed=seeds)
def test_only_agenda_proposals_and_mediated_compromises_are_tabled(case, seed):
    model = run(case.spec, seed, narrate=True)
    agenda = {p.value for p in case.spec.talks.agenda}
    for talks in talks_notes(model):
        for offer in talks["offers"]:
            if offer["by"] == "mediators":
                assert case.spec.talks.mediation or talks["format"] == "six_party", offer
            if offer["proposal"] != "compromise":
                assert offer["proposal"] in agenda, f"{offer['by']} tabled {offer['proposal']}, agenda {sorted(agenda)}"
    package = str(outcomes_of(model)["package"][0])
    assert package in agenda | {"compromise", "none"}


def test_income_never_exceeds_its_unsanctioned_level():
    """Income is a share of unsanctioned income, so it is at most 1 (or the loader refuses the shares).

    Every income share at the top of its sourced range sums to 1.38 with the rest of the world.
    """

    high = [
        f"{key}={src.high!r}"
        for key, src in sources().items()
        if key.startswith(("economy.income_share", "economy.rest"))
    ]
    try:
        spec = load_scenario("baseline-2019", [*high, "initial.relief=1.0"])
    except InputError:
        return
    model = run(spec, 0, months=3, collect=False)
    assert model.state.income[0] <= 1.0 + 1e-12, f"income {model.state.income[0]:.3f} of its unsanctioned level"


@given(case=scenarios(), seed=seeds)
def test_same_scenario_and_seed_give_an_identical_run(case, seed):
    first, second = run(case.spec, seed, narrate=True), run(case.spec, seed, narrate=True)
    assert same_outcomes(outcomes_of(first), outcomes_of(second))
    pd.testing.assert_frame_equal(monthly_table(first), monthly_table(second), check_exact=True)
    assert first.log == second.log


@given(case=scenarios(), seed=seeds)
def test_reloading_the_scenario_gives_the_same_run(case, seed):
    """A scenario is data: loading it again from its base and overrides changes nothing."""
    again = load_scenario(case.base, case.overrides)
    assert again == case.spec
    assert same_outcomes(outcomes_of(run(case.spec, seed)), outcomes_of(run(again, seed)))


@settings(max_examples=30)
@given(pair=st.lists(seeds, min_size=2, max_size=2, unique=True))
def test_different_seeds_give_different_runs(pair):
    """Over 48 months of baseline-2019 without a moratorium (monthly tests likely), two seeds differ."""
    spec = load_scenario("baseline-2019", ["conflict.moratorium=0.0", "dynamics.talks.decision_noise=0.05"])
    a, b = (run(spec, seed, months=48) for seed in pair)
    assert not monthly_table(a).equals(monthly_table(b))


@pytest.mark.parametrize("name", ["baseline-2019", "six-party-revival", "phased-relief"])
def test_seeds_spread_outcomes_over_replications(name):
    """Randomness matters: 100 seeds do not all give the same number of tests and the same month of agreement."""
    out = run_replications(load_scenario(name), 7, 100)
    assert len(np.unique(out["tests"])) > 1
    assert len(np.unique(out["month_agreed"][np.isfinite(out["month_agreed"])])) > 1


def test_an_agenda_of_only_the_status_quo_is_refused():
    with pytest.raises(InputError, match=r"talks\.agenda"):
        load_scenario("baseline-2019", ['talks.agenda=["status_quo"]'])


def test_status_quo_is_never_signed():
    spec = load_scenario("baseline-2019", ['talks.agenda=["status_quo", "phased_relief"]'])
    out = run_replications(spec, 3, 200)
    assert Proposal.STATUS_QUO.value not in set(out["package"].tolist())
