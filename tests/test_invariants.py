"""Invariants over random valid scenarios: bounds, veto consent, the agenda, reproducibility.

Every scenario here is drawn by :func:`strategies.scenarios` (a shipped base
plus ``--set`` overrides through the real loader).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import outcomes_of, run, same_outcomes, scenarios, seeds

from model.core import records as rec
from model.core.domain import N_PROPOSALS, Proposal, TalksFormat
from model.core.errors import InputError
from model.results.manifest import monthly_table
from model.results.runs import run_replications
from model.scenario.loader import load_scenario
from model.scenario.provenance import sources
from model.simulation import PeninsulaModel

UNIT_STATE = ("tension", "capability", "income", "pressure", "relief", "tension_peak", "pressure_forecast", "test_rate")
UNIT_ARRAYS = ("ideal", "trust", "enforcement_start", "deal_point", "yield_belief")
COUNTS = ("failed_rounds", "deals", "steps_done", "months_in_force", "months_held", "exercises", "talks_held")
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
        if (value < 0).any() or (value > state.month).any():
            problems.append(f"{name} outside 0 to the months run ({state.month}): {value}")
    if (state.activities.sum(axis=1) != state.month).any():
        problems.append(f"one DPRK activity (or none) a month: {state.activities}")
    if (state.steps_done > state.deal_steps).any():
        problems.append(f"steps_done {state.steps_done} > steps {state.deal_steps}")
    if (state.in_force & state.collapsed).any():
        problems.append("an agreement both in force and collapsed")
    if not np.isfinite(state.utility_sum).all() or (state.tension_sum > state.month + 1e-9).any():
        problems.append("utility_sum not finite or tension_sum above the months run")
    if not np.isin(state.format, [f.index for f in TalksFormat]).all():
        problems.append(f"format {state.format} is not a talks format")
    if ((state.package < -1) | (state.package > N_PROPOSALS)).any():
        problems.append(f"package code {state.package} out of range")
    if not np.allclose(np.diagonal(state.trust, axis1=1, axis2=2), 1.0):
        problems.append("self-trust is not 1")
    return problems


def records_of(model, kind) -> list:
    return [r for r in model.records if isinstance(r, kind)]


@given(case=scenarios(), seed=seeds)
def test_state_stays_in_bounds_and_finite_every_month(case, seed):
    model = PeninsulaModel(case.spec, rng=seed, collect=False)
    assert bound_violations(model.state) == []
    for _ in range(model.months):
        model.step()
        assert bound_violations(model.state) == [], f"month {model.state.month}"


@given(case=scenarios(), seed=seeds)
def test_every_agreement_was_accepted_by_both_veto_players_when_signed(case, seed):
    model = run(case.spec, seed, narrate=True)
    for signed in records_of(model, rec.Signed):
        answers = [
            a for a in records_of(model, rec.Answered) if a.month == signed.month and a.veto and a.offer == signed.offer
        ]
        assert {a.actor for a in answers if a.accepts} >= set(VETOES), (signed, answers)


@given(case=scenarios(), seed=seeds)
def test_clear_verdicts_follow_the_values_the_timeline_states(case, seed):
    """An answer whose value clears no agreement plus margin by six noise spreads is a yes (and the reverse)."""
    model = run(case.spec, seed, narrate=True)
    spread = 6 * float(model.params.decision_noise[0])
    for answer in records_of(model, rec.Answered):
        gap = answer.value - (answer.status_quo + answer.waiting) - answer.margin
        if abs(gap) > spread:
            assert answer.accepts == (gap > 0), answer


@given(case=scenarios(), seed=seeds)
def test_signed_agreements_are_the_recorded_agreements(case, seed):
    model = run(case.spec, seed, narrate=True)
    out = outcomes_of(model)
    signed = records_of(model, rec.Signed)
    assert int(out["deals_signed"][0]) == len(signed)
    assert bool(out["deal_reached"][0]) == bool(signed)
    order = [r for r in model.records if isinstance(r, rec.Signed | rec.Collapsed)]
    assert bool(out["collapsed"][0]) == (bool(order) and isinstance(order[-1], rec.Collapsed))


@given(case=scenarios(), seed=seeds)
def test_only_agenda_proposals_and_brokered_compromises_are_tabled(case, seed):
    model = run(case.spec, seed, narrate=True)
    agenda = {p.value for p in case.spec.talks.agenda}
    formats = {r.month: r.format for r in model.records if isinstance(r, rec.Signed | rec.NoAgreement)}
    for tabled in records_of(model, rec.Tabled):
        if tabled.brokered:
            assert case.spec.talks.mediation or formats[tabled.month] == "six_party", tabled
        if tabled.offer not in (None, "compromise"):
            assert tabled.offer in agenda, f"{tabled.actor} tabled {tabled.offer}, agenda {sorted(agenda)}"
    package = str(outcomes_of(model)["package"][0])
    assert package in agenda | {"compromise", "none"}


def test_income_never_exceeds_its_unsanctioned_level():
    """Income is a share of unsanctioned income, so it is at most 1 (or the loader refuses the shares)."""
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
    assert first.records == second.records


@given(case=scenarios(), seed=seeds)
def test_reloading_the_scenario_gives_the_same_run(case, seed):
    """A scenario is data: loading it again from its base and overrides changes nothing."""
    again = load_scenario(case.base, case.overrides)
    assert again == case.spec
    assert same_outcomes(outcomes_of(run(case.spec, seed)), outcomes_of(run(again, seed)))


@settings(max_examples=20)
@given(pair=st.lists(seeds, min_size=2, max_size=2, unique=True))
def test_different_seeds_give_different_runs(pair):
    """Over 48 months of baseline-2019 with tests and launches ready often, two seeds differ."""
    spec = load_scenario("baseline-2019", ["conflict.moratorium=0.0", "dynamics.conflict.short_range_opportunity=0.5"])
    a, b = (run(spec, seed, months=48) for seed in pair)
    assert not monthly_table(a).equals(monthly_table(b))


@pytest.mark.parametrize("name", ["baseline-2019", "maximum-pressure"])
def test_seeds_spread_outcomes_over_replications(name):
    """Randomness matters: 100 seeds do not all give the same tests and short-range launches."""
    out = run_replications(load_scenario(name), 7, 100)
    assert len(np.unique(out["tests"])) > 1
    assert len(np.unique(out["short_range"])) > 1


def test_an_agenda_of_only_the_status_quo_is_refused():
    with pytest.raises(InputError, match=r"talks\.agenda"):
        load_scenario("baseline-2019", ['talks.agenda=["status_quo"]'])


def test_status_quo_is_never_signed():
    spec = load_scenario("baseline-2019", ['talks.agenda=["status_quo", "phased_relief"]'])
    out = run_replications(spec, 3, 200)
    assert Proposal.STATUS_QUO.value not in set(out["package"].tolist())
