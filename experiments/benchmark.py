"""Benchmark: batched replications in one Mesa model against `mesa.batch_run`, one model per run.

Usage (from the repository root, in the project's environment):

    python experiments/benchmark.py                 # the issue's sizes (takes ~10 minutes)
    python experiments/benchmark.py --quick         # smaller sizes, same rates, ~1 minute

It prints one line per measurement and writes them as JSON (``--json PATH``). Every
figure is a measurement on this machine, not an assertion: see the README for the
latest numbers.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PENINSULA = str(Path(sys.executable).parent / "peninsula")
SCENARIO = "baseline-2019"
MONTHS = 48


def _rate(runs: int, seconds: float) -> dict:
    return {"runs": runs, "seconds": round(seconds, 3), "runs_per_second": round(runs / seconds, 1)}


def single_run() -> dict:
    """One 48-month run after another in one process: the cost of a narrated `peninsula run`."""
    from model.loader import load_scenario
    from model.simulation import PeninsulaModel

    spec = load_scenario(SCENARIO)
    runs = 200
    start = time.perf_counter()
    for seed in range(runs):
        model = PeninsulaModel(spec, rng=seed, collect=False)
        model.run_for(MONTHS)
    return _rate(runs, time.perf_counter() - start)


def mesa_batch_run(runs: int, processes: int) -> dict:
    """`mesa.batch_run` over the model with one replication per run (the baseline of issue 3)."""
    import mesa

    from model.loader import load_scenario
    from model.simulation import PeninsulaModel

    spec = load_scenario(SCENARIO)
    start = time.perf_counter()
    results = mesa.batch_run(
        PeninsulaModel,
        {"scenario": [spec]},
        number_processes=processes,
        max_steps=MONTHS,
        display_progress=False,
        rng=list(range(runs)),
    )
    assert len(results) == runs
    return _rate(runs, time.perf_counter() - start)


def batched(runs: int) -> dict:
    """The same runs as replications of one batched Mesa model (chunks of 10,000)."""
    from model.loader import load_scenario
    from model.runs import run_replications

    spec = load_scenario(SCENARIO)
    start = time.perf_counter()
    out = run_replications(spec, 0, runs)
    assert len(out["deal_reached"]) == runs
    return _rate(runs, time.perf_counter() - start)


def sweep(experiment: Path, workers: int) -> dict:
    """`peninsula sweep` in a subprocess; its wall time and the peak memory of the whole process tree."""
    with tempfile.TemporaryDirectory() as tmp:
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        start = time.perf_counter()
        subprocess.run(
            [PENINSULA, "sweep", str(experiment), "--workers", str(workers), "--out", str(Path(tmp) / "out")],
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        seconds = time.perf_counter() - start
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        manifest = json.loads((Path(tmp) / "out" / "manifest.json").read_text())
    runs = manifest["completed"]
    return {**_rate(runs, seconds), "peak_rss_mib_max_process": round(max(peak_kib, before) / 1024, 1)}


def wall(args: list[str], repeat: int = 5) -> dict:
    """Best-of-N wall time of a CLI call."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([PENINSULA, *args], check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return {"best_seconds": round(min(times), 3), "median_seconds": round(float(np.median(times)), 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller run counts (rates are comparable)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--sweep-experiment", type=Path, default=ROOT / "experiments" / "benchmark-baseline.toml")
    parser.add_argument("--memory-experiment", type=Path, default=ROOT / "experiments" / "benchmark-million.toml")
    args = parser.parse_args(argv)
    reference_runs = 2_000 if args.quick else 20_000

    results: dict[str, dict] = {}

    def record(name: str, value: dict) -> None:
        results[name] = value
        print(f"{name:40s} {value}", flush=True)

    record("single_run_one_process", single_run())
    record("mesa_batch_run_1_process", mesa_batch_run(reference_runs, 1))
    record("batched_replications_1_process", batched(reference_runs))
    record("mesa_batch_run_2_processes", mesa_batch_run(reference_runs, 2))
    if args.sweep_experiment.exists():
        record("sweep_1_worker", sweep(args.sweep_experiment, 1))
        record("sweep_2_workers", sweep(args.sweep_experiment, 2))
    if args.memory_experiment.exists() and not args.quick:
        record("sweep_million_runs_memory", sweep(args.memory_experiment, 2))
    record("peninsula_help", wall(["--help"]))
    record("peninsula_run_baseline", wall(["run", SCENARIO], repeat=3))

    base = results["mesa_batch_run_1_process"]["runs_per_second"]
    fast = results.get("sweep_1_worker", results["batched_replications_1_process"])["runs_per_second"]
    print(f"speed-up over mesa.batch_run, one process: {fast / base:.0f}x")
    if "sweep_2_workers" in results:
        efficiency = results["sweep_2_workers"]["runs_per_second"] / (2 * results["sweep_1_worker"]["runs_per_second"])
        print(f"scaling efficiency with 2 workers: {efficiency:.0%}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
