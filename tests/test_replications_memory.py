"""``run --replications N`` reduces each batch as it goes: peak memory does not grow with N.

Peak resident memory is read from the kernel (``getrusage`` of a wrapper process whose only child is
the command), not timed. Runs are one month long: memory per run does not depend on run length, and
short runs keep the check quick. The streamed summary equals the one from all outcomes in memory.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from sweep_support import PENINSULA

from model.results.runs import replication_batches, run_replications
from model.results.summary import Tally, summarize
from model.scenario.loader import load_scenario

MIB = 1024 * 1024
WRAPPER = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
    "assert done.returncode == 0, done.stderr.decode()\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def peak_bytes(*args: str) -> int:
    """Peak RSS of ``peninsula ARGS`` (Linux reports kilobytes)."""
    done = subprocess.run([sys.executable, "-c", WRAPPER, str(PENINSULA), *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return int(done.stdout) * 1024


def replications_peak(n: int, *extra: str) -> int:
    return peak_bytes("run", "baseline-2019", "--replications", str(n), "--months", "1", *extra)


def test_memory_is_flat_from_ten_thousand_to_a_hundred_thousand_replications():
    small, large = replications_peak(10_000), replications_peak(100_000)
    assert large < 1024 * MIB
    assert large - small < 40 * MIB, f"peak grew by {(large - small) / MIB:.0f} MiB for 90,000 more runs"


@pytest.mark.slow
def test_memory_stays_flat_at_a_million_replications(tmp_path):
    small, large = replications_peak(10_000), replications_peak(1_000_000)
    assert large < 1024 * MIB
    assert large - small < 60 * MIB, f"peak grew by {(large - small) / MIB:.0f} MiB for 990,000 more runs"
    streamed = replications_peak(200_000, "--out", str(tmp_path / "out"), "--table", "parquet")
    assert streamed < 1024 * MIB, "with --out every row and month is streamed to disk, not held"


def test_the_streamed_summary_equals_the_summary_of_all_outcomes():
    spec = load_scenario("hanoi-2019")
    whole = summarize(run_replications(spec, 3, 2_500))
    tally = Tally()
    for batch in replication_batches(spec, 3, 2_500):
        tally.add(batch)
    assert json.dumps(tally.summary(), sort_keys=True) == json.dumps(whole, sort_keys=True)


def test_a_continuous_outcome_beyond_the_exact_limit_is_binned_closely():
    import numpy as np

    from model.results.tally import EXACT_LIMIT, Distribution

    values = np.random.default_rng(4).beta(2, 5, 3 * EXACT_LIMIT)
    dist = Distribution()
    for part in np.array_split(values, 7):
        dist.add(part)
    assert not dist.exact
    expected = np.quantile(values, [0.1, 0.5, 0.9])
    assert np.allclose(dist.quantiles([0.1, 0.5, 0.9]), expected, atol=1e-5)
    assert dist.mean() == pytest.approx(values.mean(), rel=1e-12)
