"""A run computed alone equals the same seed inside a batch (issue 3's property), exactly.

Randomness is counter-based (:mod:`model.core.draws`), so a replication's numbers
depend only on its own seed, never on its neighbours in the batch.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from strategies import differing_outcomes, outcomes_of, scenarios, seeds

from model.core.draws import Draws, Purpose, stream_keys
from model.results.runs import replication_seeds, run_batch, run_replications
from model.simulation import PeninsulaModel


def alone(spec, seed: int) -> dict[str, np.ndarray]:
    model = PeninsulaModel(spec, seeds=[seed], collect=False)
    model.run_for(model.months)
    return outcomes_of(model)


def replication(out: dict[str, np.ndarray], i: int) -> dict[str, np.ndarray]:
    return {key: values[i : i + 1] for key, values in out.items()}


@given(case=scenarios(), batch=st.lists(seeds, min_size=2, max_size=6, unique=True), data=st.data())
def test_a_run_alone_equals_the_same_seed_in_a_batch(case, batch, data):
    i = data.draw(st.integers(0, len(batch) - 1), label="position in batch")
    batched = run_batch(case.spec, np.array(batch, dtype=np.uint64))
    assert differing_outcomes(alone(case.spec, batch[i]), replication(batched, i)) == []


@given(case=scenarios(), seed=seeds)
def test_the_narrated_single_run_equals_the_batch_of_one(case, seed):
    """What ``peninsula run --seed S`` narrates is the replication with seed S of a batch."""
    narrated = PeninsulaModel(case.spec, rng=seed, narrate=True)
    narrated.run_for(narrated.months)
    assert differing_outcomes(outcomes_of(narrated), run_batch(case.spec, np.array([seed], dtype=np.uint64))) == []


@given(root=st.integers(0, 2**32), n=st.integers(2, 20), data=st.data())
def test_replication_seeds_reproduce_each_replication_alone(root, n, data):
    """The seed column of run_replications re-runs that replication by itself."""
    from model.scenario.loader import load_scenario

    spec = load_scenario("baseline-2019")
    out = run_replications(spec, root, n, months=24)
    i = data.draw(st.integers(0, n - 1), label="replication")
    assert out["seed"][i] == replication_seeds(root, n)[i]
    batched = {k: v for k, v in replication(out, i).items() if k not in ("replication", "seed")}
    model = PeninsulaModel(spec, rng=int(out["seed"][i]), months=24, collect=False)
    model.run_for(24)
    assert differing_outcomes(outcomes_of(model), batched) == []


@given(keys=st.lists(seeds, min_size=1, max_size=5, unique=True), month=st.integers(0, 600))
def test_draws_of_a_seed_do_not_depend_on_its_batch(keys, month):
    batch = Draws(stream_keys(keys)).uniform(month, Purpose.OPPORTUNITY, 3)
    for i, key in enumerate(keys):
        assert np.array_equal(batch[i], Draws(stream_keys([key])).uniform(month, Purpose.OPPORTUNITY, 3)[0])
    assert ((batch >= 0) & (batch < 1)).all()


def test_replication_seeds_are_distinct_and_fit_63_bits():
    seeds_ = replication_seeds(2024, 1000)
    assert len(set(seeds_.tolist())) == 1000
    assert int(seeds_.max()) < 2**63
    assert np.array_equal(seeds_[:10], replication_seeds(2024, 10))
