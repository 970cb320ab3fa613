"""Two mechanisms the historical cases need: Japan withholding its share of aid (E5), and relief that lifts
UN measures only (E11). Each test fails if its term is dropped or its sign flips."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from model.core.domain import Actor, Issue, Proposal, ReliefFrom
from model.phases.economy import settle
from model.phases.valuation import world_now
from model.rules import economy, implementation, options
from model.simulation import PeninsulaModel

US, DPRK, JPN = Actor.US.index, Actor.DPRK.index, Actor.JPN.index
UN, BOTH, US_ONLY = ReliefFrom.UN.index, ReliefFrom.UN_AND_US.index, ReliefFrom.US.index
COOPERATION = Issue.ECONOMIC_COOPERATION.index
SEEDS = list(range(200))


def in_force(
    scenario: str, overrides: tuple[str, ...] = (), seed: int = 3, months: int = 24, steps: int = 0
) -> PeninsulaModel:
    """A one-run model stepped until an agreement with aid is in force (with ``steps`` delivered)."""
    model = PeninsulaModel(scenario, rng=seed, overrides=overrides, collect=False)
    for _ in range(months):
        model.step()
        s = model.state
        if s.in_force[0] and s.deal_point[0, COOPERATION] > 0 and s.steps_done[0] >= steps:
            return model
    pytest.fail(f"no agreement with aid in {months} months of {scenario}")


# ---------------------------------------------------------------- Japan's share of the aid
def test_paying_is_worth_the_share_of_the_stake_and_withholding_the_linkage():
    outlook = SimpleNamespace(
        deal=object(),
        replications=2,
        stay=lambda actor: np.array([0.9, 0.5]),
        walk=lambda actor: np.array([0.5, 0.7]),  # the second has nothing at stake
    )
    values = options.aid(outlook, JPN, np.array([0.2, 0.2]), np.array([0.03, 0.03]))
    assert np.allclose(values["pay"], [0.2 * 0.4, 0.0])
    assert np.allclose(values["withhold"], [0.03, 0.03])


def test_withheld_aid_lowers_what_the_agreement_is_worth_to_the_dprk_now_and_as_it_lives():
    model = in_force("baseline-2019", steps=1)
    paying = model.state.but(aid_withheld=np.array([False]))
    withholding = model.state.but(aid_withheld=np.array([True]))
    assert model.outlook(withholding).stay(DPRK)[0] < model.outlook(paying).stay(DPRK)[0]
    assert model.realised_utility(withholding)[0, DPRK] < model.realised_utility(paying)[0, DPRK]
    # a share of nothing withheld changes nothing
    model.params.japan_share[:] = 0.0
    assert model.outlook(withholding).stay(DPRK)[0] == model.outlook(paying).stay(DPRK)[0]


def months_withheld(overrides: tuple[str, ...]) -> np.ndarray:
    model = PeninsulaModel("history/initial-actions-2007", seeds=SEEDS, overrides=overrides, collect=False)
    model.run_for(model.months)
    held = model.state.months_held
    assert (model.state.aid_withheld_months <= np.maximum(held, model.state.months_in_force)).all()
    return model.state.aid_withheld_months


def test_a_stronger_abduction_linkage_means_more_months_of_aid_withheld():
    low = months_withheld(("aid.japan_linkage=0.0",))
    high = months_withheld(("aid.japan_linkage=0.05",))
    assert high.mean() > low.mean() + 1.0


def test_japan_is_never_asked_without_a_share_to_pay():
    assert (months_withheld(("aid.japan_share=0.0", "aid.japan_linkage=0.05")) == 0).all()


def test_withholding_is_not_a_breach_and_the_e5_deal_still_holds():
    model = PeninsulaModel("history/initial-actions-2007", seeds=SEEDS, overrides=("aid.japan_linkage=0.05",))
    model.run_for(model.months)
    withheld = model.state.aid_withheld_months > 0
    assert withheld.mean() > 0.5
    assert not model.state.collapsed[withheld].any()


# ---------------------------------------------------------------- relief from UN measures only
def test_relief_lifts_its_share_of_the_bite():
    u = np.full(3, 0.3)
    reach = economy.relief_reach(np.array([BOTH, UN, US_ONLY]), u)
    assert np.allclose(reach, [1.0, 0.7, 0.3])
    felt = economy.effective_relief(np.full(3, 0.6), np.full(3, 0.1), reach)
    assert np.allclose(felt, 0.1 + reach * 0.5)


def test_the_us_takes_back_its_own_sanctions_and_the_council_some_of_the_uns():
    restored = economy.restored_share(np.array([BOTH, UN, US_ONLY]), np.full(3, 0.3), np.full(3, 0.2))
    assert np.allclose(restored, [0.3 + 0.7 * 0.2, 0.2, 1.0])
    # with no UN measures in force (E1, E2) everything the US lifted comes back
    assert np.allclose(economy.restored_share(np.array([BOTH]), np.array([1.0]), np.array([0.0])), 1.0)


def collapse(relief_from: int, snapback: bool, by_us: bool) -> float:
    model = in_force("baseline-2019")
    state = model.state.but(relief=np.array([0.6]))
    restored = economy.restored_share(np.array([relief_from]), np.array([0.3]), np.array([0.2]))
    after = implementation.end(
        state, np.array([True]), np.array([1]), np.array([DPRK]), np.array([by_us]),
        np.array([snapback]), np.array([0.1]), restored,
    )  # fmt: skip
    return float(after.relief[0])


def test_an_agreement_the_us_ends_without_snapback_leaves_the_un_relief_the_council_keeps():
    assert collapse(UN, snapback=False, by_us=True) == pytest.approx(0.6 - 0.5 * 0.2)
    assert collapse(BOTH, snapback=False, by_us=True) == pytest.approx(0.6 - 0.5 * 0.44)
    assert collapse(US_ONLY, snapback=False, by_us=True) == pytest.approx(0.1)
    assert collapse(UN, snapback=True, by_us=True) == pytest.approx(0.1)  # the clause re-imposes everything
    assert collapse(UN, snapback=False, by_us=False) == pytest.approx(0.6)  # the DPRK walked: relief stays


def income_at(relief_from: str, relief: float = 0.6) -> float:
    model = PeninsulaModel("baseline-2019", rng=1, overrides=(f'sanctions.relief_from="{relief_from}"',))
    return float(settle(model.params, model.state.but(relief=np.array([relief])), adapt=False).income[0])


def test_relief_from_un_measures_only_raises_dprk_income_less():
    assert income_at("un_and_us") > income_at("un") > income_at("us") > income_at("un_and_us", relief=0.0)


def test_the_dprk_values_hanois_phased_offer_less_when_its_relief_is_un_relief_only():
    def value(relief_from: str) -> float:
        model = PeninsulaModel("hanoi-2019", rng=1, overrides=(f'sanctions.relief_from="{relief_from}"',))
        return float(model.outlook().agenda_values(DPRK)[0, Proposal.PHASED_RELIEF.index])

    assert value("un") < value("un_and_us")


def test_the_us_values_walking_away_less_when_the_council_keeps_un_relief():
    def walk(relief_from: str) -> float:
        model = in_force("baseline-2019", (f'sanctions.relief_from="{relief_from}"', "sanctions.snapback=false"))
        state = model.state.but(relief=np.array([0.6]))
        return float(model.outlook(state).walk(US)[0])

    assert walk("un") < walk("us")  # the US wants relief back; it gets less of UN relief back


def test_default_relief_and_a_full_us_share_behave_as_relief_the_us_controls():
    """The default (UN and US measures, snapback) reproduces the model before the split, run for run."""
    a = PeninsulaModel("history/agreed-framework-1994", seeds=SEEDS[:50])
    b = PeninsulaModel("history/agreed-framework-1994", seeds=SEEDS[:50], overrides=("sanctions.un_reimposition=0.7",))
    a.run_for(a.months)
    b.run_for(b.months)  # E1 has no UN measures in force, so the Council's part does not arise
    assert np.array_equal(a.state.relief, b.state.relief)


@pytest.mark.parametrize("relief_from", ["un_and_us", "un", "us"])
def test_valuations_price_relief_as_the_economy_feels_it(relief_from):
    """The income and trade lines that every valuation uses equal the economy's own, at any relief in force."""
    overrides = (f'sanctions.relief_from="{relief_from}"', "initial.relief=0.1")
    model = PeninsulaModel("baseline-2019", seeds=[1, 2], overrides=overrides)
    situation = model.outlook().situation
    for r in (0.1, 0.4, 0.9):
        state = model.state.but(relief=np.full(2, r))
        felt = settle(model.params, state, adapt=False).income
        assert np.allclose(situation.income_base + situation.income_slope * r, felt)
        trade_kept = world_now(model.params, state).trade_kept[:, 0]
        assert np.allclose(situation.trade_base + situation.trade_slope * r, trade_kept)
