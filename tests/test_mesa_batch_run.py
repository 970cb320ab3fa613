"""Mesa's conventions hold: ``rng=None`` draws a fresh seed and records it, so any run can be repeated."""

from __future__ import annotations

import warnings

import mesa
import pandas as pd

from model.simulation import PeninsulaModel

OUTCOME = ["tension", "income", "capability", "trust_US_in_DPRK", "tests", "deal_in_force"]


def _batch_run_three():
    with warnings.catch_warnings():
        warnings.simplefilter(
            "ignore", DeprecationWarning
        )  # Mesa prefers rng=[None] * 3; iterations is what users write
        return mesa.batch_run(
            PeninsulaModel,
            {"scenario": ["baseline-2019"]},
            iterations=3,
            max_steps=48,
            number_processes=1,
            display_progress=False,
        )


def test_batch_run_iterations_give_different_runs_each_repeatable_from_its_seed():
    results = pd.DataFrame(_batch_run_three())
    assert len(results) == 3
    seeds = results["seed"].tolist()
    assert len(set(seeds)) == 3, "rng=None must draw a fresh seed per run"
    histories = []
    for row in results.itertuples():
        again = PeninsulaModel("baseline-2019", rng=int(row.seed))
        again.run_for(48)
        last = again.datacollector.get_model_vars_dataframe().iloc[-1]
        assert [last[c] for c in OUTCOME] == [getattr(row, c) for c in OUTCOME]
        histories.append(again.datacollector.get_model_vars_dataframe()[OUTCOME].to_numpy().tobytes())
    assert len(set(histories)) > 1, "three fresh seeds should not give three identical histories"


def test_a_model_given_no_seed_records_the_one_it_drew():
    first, second = PeninsulaModel("hanoi-2019"), PeninsulaModel("hanoi-2019")
    assert first.seed != second.seed and 0 <= first.seed < 2**63
    assert PeninsulaModel("hanoi-2019", rng=7).seed == 7
