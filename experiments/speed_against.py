"""Runs per second of the batched model here against another commit's, interleaved on one machine.

    .venv/bin/python experiments/speed_against.py d928900            # the model before the issue-12 rebuild
    .venv/bin/python experiments/speed_against.py d928900 --runs 20000 --rounds 7

The other commit is checked out into a temporary git worktree and imported from
there by a child process of this same interpreter (the same numpy and Mesa), so
only the model's code differs. Measurements alternate between the two, so load
from other processes falls on both alike; the ratio of the medians is reported.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

from other_commit import ROOT, checkout

MEASURE = """
import sys, time
sys.path.insert(0, sys.argv[1])
try:  # the layout since issue 15
    from model.results.runs import run_replications
    from model.scenario.loader import load_scenario
except ImportError:  # the flat layout before it
    from model.loader import load_scenario
    from model.runs import run_replications
spec = load_scenario(sys.argv[2])
run_replications(spec, 1, 1_000)
start = time.perf_counter()
run_replications(spec, 2, int(sys.argv[3]))
print(int(sys.argv[3]) / (time.perf_counter() - start))
"""


def rate(tree: Path, scenario: str, runs: int) -> float:
    """Runs per second of ``run_replications`` imported from ``tree``, in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(tree), scenario, str(runs)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tree,
    )
    return float(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ref", help="the commit to compare against (e.g. d928900)")
    parser.add_argument("--scenario", default="baseline-2019")
    parser.add_argument("--runs", type=int, default=10_000, help="replications per measurement")
    parser.add_argument("--rounds", type=int, default=5, help="measurements of each side, interleaved")
    args = parser.parse_args(argv)
    here, there = [], []
    with checkout(args.ref) as other:
        for _ in range(args.rounds):
            here.append(rate(ROOT, args.scenario, args.runs))
            there.append(rate(other, args.scenario, args.runs))
    for name, values in (("this checkout", here), (args.ref, there)):
        print(f"{name:>14}: {statistics.median(values):,.0f} runs/s (range {min(values):,.0f} to {max(values):,.0f})")
    print(f"ratio this / {args.ref}: {statistics.median(here) / statistics.median(there):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
