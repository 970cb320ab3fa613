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


def sweep(experiment: Path, workers: int, replications: int | None = None) -> dict:
    """`peninsula sweep` in a subprocess: its runs per second and the peak memory (RSS) of the process tree.

    The peak is the largest resident set of any one process (parent or worker),
    read from the kernel's rusage of the finished children.
    """
    with tempfile.TemporaryDirectory() as tmp:
        if replications is not None:
            text = experiment.read_text().replace("replications = ", f"replications = {replications}  # was ", 1)
            experiment = Path(tmp) / experiment.name
            experiment.write_text(text)
        out = Path(tmp) / "out"
        start = time.perf_counter()
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                MEASURE,
                PENINSULA,
                "sweep",
                str(experiment),
                "--workers",
                str(workers),
                "--out",
                str(out),
                "--quiet",
            ],
            check=True,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - start
        manifest = json.loads((out / "manifest.json").read_text())
    peak_kib = int(done.stdout.strip().splitlines()[-1])
    return {**_rate(manifest["completed"], seconds), "peak_rss_mib": round(peak_kib / 1024, 1)}


MEASURE = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


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
    record("mesa_batch_run_2_processes", mesa_batch_run(reference_runs, 2))
    record("batched_replications_1_process", batched(reference_runs))
    baseline = args.sweep_experiment
    record("sweep_1_worker", sweep(baseline, 1, reference_runs))
    record("sweep_2_workers", sweep(baseline, 2, reference_runs))
    record("sweep_2000_runs_1_worker", sweep(baseline, 1, 2_000))
    record("sweep_2000_runs_2_workers", sweep(baseline, 2, 2_000))
    if not args.quick:
        record("sweep_200000_runs_1_worker", sweep(args.memory_experiment, 1, 8_000))
        record("sweep_200000_runs_2_workers", sweep(args.memory_experiment, 2, 8_000))
        record("sweep_1000000_runs_1_worker", sweep(args.memory_experiment, 1, 40_000))
    record("peninsula_help", wall(["--help"]))
    record("peninsula_run_baseline", wall(["run", SCENARIO], repeat=3))

    base = results["mesa_batch_run_1_process"]["runs_per_second"]
    base2 = results["mesa_batch_run_2_processes"]["runs_per_second"]
    one, two = results["sweep_1_worker"]["runs_per_second"], results["sweep_2_workers"]["runs_per_second"]
    print(f"sweep against mesa.batch_run, 1 process: {one / base:.0f}x; 2 processes: {two / base2:.0f}x")
    print(f"scaling efficiency of the sweep with 2 workers: {two / (2 * one):.0%} ({reference_runs:,} runs)")
    if "sweep_200000_runs_2_workers" in results:
        big1, big2 = (results[f"sweep_200000_runs_{w}"]["runs_per_second"] for w in ("1_worker", "2_workers"))
        print(f"scaling efficiency with 2 workers, 200,000 runs: {big2 / (2 * big1):.0%}")
    small1, small2 = (results[f"sweep_2000_runs_{w}"]["runs_per_second"] for w in ("1_worker", "2_workers"))
    print(f"2,000-run sweep against mesa.batch_run: {small1 / base:.0f}x (1 worker), {small2 / base2:.0f}x (2 workers)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
