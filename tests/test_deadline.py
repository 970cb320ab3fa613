"""The UN deadline for DPRK workers abroad: when it falls due, and only then, it bites on the laborers channel."""

from __future__ import annotations

import numpy as np
import pytest

from model.core.domain import Channel
from model.rules.enforcement import deadline
from model.simulation import PeninsulaModel

LABORERS = Channel.LABORERS.index
QUIET = ("talks.active=false", "sanctions.pin_delivery=true", "scenario.months=10")


def months_of(overrides: tuple[str, ...], seeds=range(20)) -> list[dict[str, np.ndarray]]:
    """The enforcement and income after each month of a batched run."""
    model = PeninsulaModel("baseline-2019", seeds=list(seeds), overrides=overrides, collect=False)
    seen = []
    for _ in range(model.months):
        model.step()
        seen.append({"start": model.state.enforcement_start.copy(), "income": model.state.income.copy()})
    return seen


def test_the_deadline_closes_a_share_of_each_gap_on_the_laborers_channel_only():
    start = np.array([[[0.9, 0.8, 0.7, 0.6], [0.5, 0.4, 0.3, 0.2]]])
    after = deadline(start, np.array([0.25]), np.array([True]))
    assert np.allclose(after[0, :, :LABORERS], start[0, :, :LABORERS])
    assert np.allclose(after[0, :, LABORERS], [0.6 + 0.25 * 0.4, 0.2 + 0.25 * 0.8])
    assert np.array_equal(deadline(start, np.array([0.25]), np.array([False])), start)


def test_the_deadline_falls_in_its_month_and_lowers_dprk_income_from_then_on():
    with_deadline = months_of((*QUIET, "sanctions.laborers_deadline=3", "sanctions.laborers_deadline_step=0.5"))
    without = months_of((*QUIET, "sanctions.laborers_deadline=0"))
    for month in (0, 1):  # months 1 and 2: nothing yet
        assert np.array_equal(with_deadline[month]["start"], without[month]["start"])
        assert np.array_equal(with_deadline[month]["income"], without[month]["income"])
    rose = with_deadline[2]["start"][:, :, LABORERS] > without[2]["start"][:, :, LABORERS]
    assert rose.all()
    other = np.delete(np.arange(len(Channel)), LABORERS)
    assert np.array_equal(with_deadline[2]["start"][:, :, other], without[2]["start"][:, :, other])
    for month in range(2, 10):  # from month 3 on, less income
        assert (with_deadline[month]["income"] < without[month]["income"]).all()


@pytest.mark.parametrize("step", [0.0])
def test_a_deadline_nobody_enforces_changes_nothing(step):
    kept = months_of((*QUIET, "sanctions.laborers_deadline=3", f"sanctions.laborers_deadline_step={step}"))
    without = months_of((*QUIET, "sanctions.laborers_deadline=0"))
    assert all(np.array_equal(a["income"], b["income"]) for a, b in zip(kept, without, strict=True))


def test_the_deadline_is_no_new_sanction_against_an_agreement_in_force():
    """A deal signed at the summit is in force when the deadline falls: the DPRK sees no breach in it."""
    from model.core import records as rec

    base = ("scenario.months=3", "talks.cadence=24", "sanctions.pin_delivery=true", "sanctions.laborers_deadline=2")
    for seed in range(5):
        model = PeninsulaModel("hanoi-2019-step-for-step", rng=seed, overrides=base, narrate=True)
        model.run_for(model.months)
        signed = [r for r in model.records if isinstance(r, rec.Signed)]
        assert signed and signed[0].month == 1
        breaches = [r for r in model.records if isinstance(r, rec.Breach) and r.cause == "new_sanctions"]
        assert breaches == []
