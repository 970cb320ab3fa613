"""Runs per second of the batched model here against another commit's, interleaved on one machine.

    .venv/bin/python experiments/speed_against.py d928900            # the model before the issue-12 rebuild
    .venv/bin/python experiments/speed_against.py d928900 --runs 20000 --rounds 7
    .venv/bin/python experiments/speed_against.py d928900 --flops   # also the arithmetic each model does

The other commit is checked out into a temporary git worktree and imported from
there by a child process of this same interpreter (the same numpy and Mesa), so
only the model's code differs. Measurements alternate between the two, so load
from other processes falls on both alike; the ratio of the medians is reported.
With ``--flops``, each side's floating-point operations per run-month are also
counted by ``experiments/flops.py``'s counter (1,000 runs), which tells a model
that does more arithmetic from one that does the same arithmetic more slowly.
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


COUNT = """
import sys, types
sys.path.insert(0, sys.argv[1])
sys.path.insert(0, sys.argv[2])
try:  # the layout since issue 15
    from model.scenario.loader import load_scenario
except ImportError:  # the flat layout before it: flops.py's imports, pointed at the old modules
    import model, model.outcomes, model.params, model.runs, model.simulation
    from model.loader import load_scenario
    for name, module in {"model.core": types.ModuleType("model.core"), "model.core.params": model.params,
                         "model.results": types.ModuleType("model.results"), "model.results.runs": model.runs,
                         "model.results.outcomes": model.outcomes}.items():
        sys.modules[name] = module
    model.params.Params = dict  # its parameters were a dict of arrays
    model.simulation.PeninsulaModel.memo = None  # it kept no memo
import flops
counted = flops.count(load_scenario(sys.argv[3]), 1_000)
assert counted["same"], "counting changed the outcomes"
print((counted["month1"] + counted["months_total"]) / counted["months"])
"""


def flops_per_run_month(tree: Path, scenario: str) -> float:
    """FLOPs per run-month of the model in ``tree``, counted by experiments/flops.py, in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", COUNT, str(tree), str(ROOT / "experiments"), scenario],
        capture_output=True,
        text=True,
        check=True,
        cwd=tree,
    )
    return float(done.stdout)


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
    parser.add_argument("--flops", action="store_true", help="also count each side's FLOPs per run-month")
    args = parser.parse_args(argv)
    here, there = [], []
    with checkout(args.ref) as other:
        for _ in range(args.rounds):
            here.append(rate(ROOT, args.scenario, args.runs))
            there.append(rate(other, args.scenario, args.runs))
        if args.flops:
            work = {name: flops_per_run_month(tree, args.scenario) for name, tree in (("here", ROOT), ("there", other))}
    for name, values in (("this checkout", here), (args.ref, there)):
        print(f"{name:>14}: {statistics.median(values):,.0f} runs/s (range {min(values):,.0f} to {max(values):,.0f})")
    print(f"ratio this / {args.ref}: {statistics.median(here) / statistics.median(there):.2f}")
    if args.flops:
        print(f"FLOPs per run-month: this checkout {work['here']:,.0f}, {args.ref} {work['there']:,.0f}", end="")
        print(f" (ratio {work['here'] / work['there']:.2f})")
        per_flop = (statistics.median(here) * work["here"]) / (statistics.median(there) * work["there"])
        print(f"arithmetic per second, this / {args.ref}: {per_flop:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
