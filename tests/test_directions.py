"""Directions the theory implies, over whole runs: 200 seeded runs per side, 95% intervals apart.

Each comparison changes one thing (a lever, a belief, a profile) and uses the
same root seed on both sides. The directions that hold for every state are
checked on the decision functions themselves in ``test_payoff.py``; these are
the ones that only a whole run can show.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from model.results.runs import run_replications
from model.results.summary import wilson
from model.scenario.loader import load_scenario

RUNS = 200
ROOT = 11
WINDOW = ("scenario.months=12",)
"""baseline-2019 over its first year: deals are neither certain nor impossible there, so both directions can show."""


@cache
def runs(name: str, overrides: tuple[str, ...] = ()) -> dict[str, np.ndarray]:
    return run_replications(load_scenario(name, overrides), ROOT, RUNS)


def share(name: str, overrides: tuple[str, ...] = (), column: str = "deal_reached") -> tuple[float, float, float]:
    hits = int(np.asarray(runs(name, overrides)[column], dtype=bool).sum())
    lo, hi = wilson(hits, RUNS)
    return hits / RUNS, lo, hi


def assert_more(low: tuple, high: tuple) -> None:
    """The second share is larger and the 95% intervals do not overlap."""
    assert high[0] > low[0] and high[1] > low[2], (low, high)


def mean_interval(values: np.ndarray) -> tuple[float, float, float]:
    values = np.asarray(values, dtype=float)
    half = 1.96 * values.std(ddof=1) / np.sqrt(len(values))
    return values.mean(), values.mean() - half, values.mean() + half


def test_more_trust_gives_more_deals():
    trusting = (*WINDOW, "actors.US.trust.DPRK=0.4", "actors.DPRK.trust.US=0.4")
    assert_more(share("baseline-2019", WINDOW), share("baseline-2019", trusting))


def test_the_us_accepting_phasing_gives_more_deals():
    assert_more(share("hanoi-2019"), share("hanoi-2019-step-for-step"))


@pytest.mark.parametrize("actor", ["US", "DPRK"])
def test_a_hardliner_gives_fewer_deals(actor):
    hard = (*WINDOW, f'actors.{actor}.profile="hardliner"')
    assert_more(share("baseline-2019", hard), share("baseline-2019", WINDOW))


def test_mediation_gives_more_deals():
    assert_more(share("baseline-2019", WINDOW), share("baseline-2019", (*WINDOW, "talks.mediation=true")))


def test_suspended_exercises_lower_tension_and_tests():
    """Without talks (nothing else changes tests) and with a half-kept moratorium (tests are a close call)."""
    quiet = ("talks.active=false", "conflict.moratorium=0.5")
    held, suspended = (*quiet, "conflict.exercises_suspended=false"), (*quiet, "conflict.exercises_suspended=true")
    for column in ("tension_mean", "tests"):
        high = mean_interval(runs("baseline-2019", held)[column])
        low = mean_interval(runs("baseline-2019", suspended)[column])
        assert low[2] < high[1], (column, low, high)


def test_a_test_the_us_reads_as_covered_during_an_agreement_ends_it_as_a_breach():
    """A text ambiguous on tests: the DPRK reads it as silent and tests; the US reads it as covered.

    Against the same agreement with tests left out of the text, the same tests end far more agreements.
    """
    restless = (
        "scenario.months=24",
        "talks.cadence=24",
        "conflict.moratorium=0.0",
        "dynamics.conflict.test_opportunity=0.5",
    )
    ambiguous = (*restless, 'proposals.phased_relief.scope.tests="ambiguous"')
    silent = (*restless, 'proposals.phased_relief.scope.tests="not_covered"')
    assert_more(
        share("hanoi-2019-step-for-step", silent, "collapses"),
        share("hanoi-2019-step-for-step", ambiguous, "collapses"),
    )
    out = runs("hanoi-2019-step-for-step", ambiguous)
    assert set(out["collapse_cause"][out["collapsed"]]) == {"covered_test"}


def test_a_withheld_benefit_raises_the_other_side_s_chance_of_ending_the_agreement():
    base = ("scenario.months=24", "talks.cadence=24")  # one agreement, signed at the summit: no second round
    withheld = (*base, "sanctions.withhold_relief=true")
    kept = share("hanoi-2019-step-for-step", base, "collapses")
    cut = share("hanoi-2019-step-for-step", withheld, "collapses")
    assert_more(kept, cut)
    out = runs("hanoi-2019-step-for-step", withheld)
    assert (out["collapse_cause"][out["collapsed"]] != "none").all()
