"""Benchmark: batched replications in one Mesa model against `mesa.batch_run`, and `peninsula sweep` end to end.

Usage, from the repository root after the README's first command:

    .venv/bin/python experiments/benchmark.py --update-readme   # the README's speed table (about 15 minutes)
    .venv/bin/python experiments/benchmark.py --quick           # smaller sizes, fewer repeats (about 2 minutes)

Every figure is the median of repeated measurements with their range, on this
machine, with its CPU model, the date and the versions in the table's caption.
It prints the Markdown table; ``--update-readme`` puts it into README.md between
the benchmark markers, ``--json PATH`` also writes the raw measurements.
Measure on a quiet machine: other processes make every figure slower and noisier.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
START, END = "<!-- benchmark:start -->", "<!-- benchmark:end -->"
PENINSULA = str(Path(sys.executable).parent / "peninsula")
SCENARIO = "baseline-2019"
MONTHS = 48
SWEEP = ROOT / "experiments" / "benchmark-baseline.toml"
MILLION = ROOT / "experiments" / "benchmark-million.toml"

MEASURE = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def single_runs(runs: int = 100) -> float:
    """Runs per second of one 48-month model after another in one process (a `peninsula run`'s model)."""
    from model.scenario.loader import load_scenario
    from model.simulation import PeninsulaModel

    spec = load_scenario(SCENARIO)
    start = time.perf_counter()
    for seed in range(runs):
        PeninsulaModel(spec, rng=seed, collect=False).run_for(MONTHS)
    return runs / (time.perf_counter() - start)


def batch_run(runs: int, processes: int) -> float:
    """Runs per second of `mesa.batch_run`, one model per run (the common way to repeat a Mesa model)."""
    import mesa

    from model.scenario.loader import load_scenario
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
    return runs / (time.perf_counter() - start)


def batched(runs: int) -> float:
    """Runs per second of the same runs as replications of batched Mesa models (`run_replications`)."""
    from model.results.runs import run_replications
    from model.scenario.loader import load_scenario

    spec = load_scenario(SCENARIO)
    start = time.perf_counter()
    assert len(run_replications(spec, 0, runs)["deal_reached"]) == runs
    return runs / (time.perf_counter() - start)


def sweep(experiment: Path, workers: int, replications: int) -> dict[str, float]:
    """`peninsula sweep` in a new process, end to end: runs per second and the largest process's peak memory."""
    with tempfile.TemporaryDirectory() as tmp:
        text = experiment.read_text().replace("replications = ", f"replications = {replications}  # was ", 1)
        path = Path(tmp) / experiment.name
        path.write_text(text)
        out = Path(tmp) / "out"
        command = [PENINSULA, "sweep", str(path), "--workers", str(workers), "--out", str(out), "--quiet"]
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", MEASURE, *command], check=True, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        runs = json.loads((out / "manifest.json").read_text())["completed"]
    return {"rate": runs / seconds, "peak_mib": int(done.stdout.split()[-1]) / 1024}


def wall(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([PENINSULA, *args], check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - start


def repeat(measure: Callable[[], float], times: int) -> list[float]:
    return [measure() for _ in range(times)]


def spread(values: list[float], fmt: str = "{:,.0f}") -> str:
    """``8,250 (8,100 to 8,400)``: the median and the range of repeated measurements."""
    if len(values) == 1:
        return fmt.format(values[0])
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))} to {fmt.format(max(values))})"


def measure_all(quick: bool, times: int) -> dict[str, list[float]]:
    """Every measurement, repeated; the sizes of the quick mode keep it to a couple of minutes."""
    reference = 2_000 if quick else 20_000
    base_runs = 300 if quick else 2_000
    found: dict[str, list[float]] = {"load": [os.getloadavg()[0]]}

    def record(name: str, values: list[float]) -> None:
        found[name] = values
        print(f"{name:32s} {spread(values, '{:,.2f}')}", file=sys.stderr, flush=True)

    record("single", repeat(single_runs, times))
    record("batch_run_1", repeat(lambda: batch_run(base_runs, 1), times))
    record("batch_run_2", repeat(lambda: batch_run(base_runs, 2), times))
    record("batched", repeat(lambda: batched(reference), times))
    for label, experiment, reps in _sweeps(quick, reference):
        for workers in (1, 2):
            results = [sweep(experiment, workers, reps) for _ in range(1 if reps >= 40_000 else times)]
            record(f"sweep_{label}_{workers}", [r["rate"] for r in results])
            record(f"peak_{label}_{workers}", [r["peak_mib"] for r in results])
    record("help", repeat(lambda: wall(["--help"]), max(times, 3)))
    record("run", repeat(lambda: wall(["run", SCENARIO]), max(times, 3)))
    found["sizes"] = [reference, base_runs]
    found["load"].append(os.getloadavg()[0])
    return found


def _sweeps(quick: bool, reference: int) -> list[tuple[str, Path, int]]:
    """(label, experiment, replications): the reference size, a small one, and in full mode 200,000 and 1,000,000."""
    chosen = (
        [(f"{reference}", SWEEP, reference), ("2000", SWEEP, 2_000)]
        if not quick
        else [(f"{reference}", SWEEP, reference)]
    )
    if not quick:
        chosen += [("200000", MILLION, 8_000), ("1000000", MILLION, 40_000)]
    return chosen


def table(found: dict[str, list[float]], times: int) -> str:
    """The Markdown table and its caption (machine, date, versions)."""
    reference, base_runs = (int(v) for v in found["sizes"])
    median = {name: statistics.median(values) for name, values in found.items()}
    base1, base2 = median["batch_run_1"], median["batch_run_2"]
    rows = [
        ("one 48-month run, one process (the model of a `peninsula run`)", f"{spread(found['single'])} runs/s"),
        (
            f"`mesa.batch_run`, one model per run ({base_runs:,} runs of `{SCENARIO}`)",
            f"{spread(found['batch_run_1'])} runs/s (1 process), {spread(found['batch_run_2'])} (2 processes)",
        ),
        (
            f"{reference:,} runs as batched models (`model.results.runs.run_replications`)",
            f"{spread(found['batched'])} runs/s, **{median['batched'] / base1:.0f}x** `batch_run`",
        ),
    ]
    for label in sorted({k.split("_")[1] for k in found if k.startswith("sweep_")}, key=int):
        one, two = median[f"sweep_{label}_1"], median[f"sweep_{label}_2"]
        rows.append(
            (
                f"`peninsula sweep`, {int(label):,} runs, end to end (starting Python and Mesa included)",
                f"{spread(found[f'sweep_{label}_1'])} runs/s with 1 worker ({one / base1:.0f}x `batch_run`), "
                f"{spread(found[f'sweep_{label}_2'])} with 2 ({two / base2:.0f}x `batch_run` on 2 processes); "
                f"2-worker efficiency **{two / (2 * one):.0%}**",
            )
        )
    peaks = sorted((k for k in found if k.startswith("peak_") and k.endswith("_1")), key=lambda k: int(k.split("_")[1]))
    rows.append(
        (
            "peak memory of a sweep (largest process, 1 worker)",
            ", ".join(f"{spread(found[k])} MiB at {int(k.split('_')[1]):,} runs" for k in peaks),
        )
    )
    rows += [("`peninsula --help`", f"{spread(found['help'], '{:.2f}')} s")]
    rows += [(f"`peninsula run {SCENARIO}`", f"{spread(found['run'], '{:.2f}')} s")]
    lines = ["| measurement | median (range) |", "|---|---|", *(f"| {a} | {b} |" for a, b in rows)]
    return "\n".join([*lines, "", caption(times, found["load"])])


def caption(times: int, load: list[float]) -> str:
    """Machine, date, versions, and how busy the machine was: other processes make every figure low and noisy."""
    import mesa

    busy = max(load)
    quiet = (
        "the machine was otherwise quiet"
        if busy < 0.5
        else f"**other processes shared the CPUs** (load average up to {busy:.1f}): figures are low and noisy"
    )
    return (
        f"Measured {datetime.date.today().isoformat()} by `experiments/benchmark.py` on {cpu_model()} "
        f"({os.cpu_count()} CPUs), Python {platform.python_version()}, Mesa {mesa.__version__}; "
        f"each figure the median of {times} measurements (range in brackets; the 1,000,000-run sweep once); {quiet}."
    )


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "an unknown CPU"


def update_readme(text: str) -> None:
    readme = README.read_text(encoding="utf-8")
    head, start, rest = readme.partition(START)
    _, end, tail = rest.partition(END)
    if not start or not end:
        raise SystemExit(f"README.md has no {START} ... {END} markers")
    README.write_text(f"{head}{START}\n{text}\n{END}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes and 2 repeats (rates are comparable)")
    parser.add_argument("--repeat", type=int, default=None, help="measurements of each figure (default 3, quick 2)")
    parser.add_argument("--update-readme", action="store_true", help="write the table into README.md")
    parser.add_argument("--json", type=Path, default=None, help="also write the raw measurements here")
    args = parser.parse_args(argv)
    times = args.repeat or (2 if args.quick else 3)
    found = measure_all(args.quick, times)
    text = table(found, times)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(found, indent=2) + "\n")
    if args.update_readme:
        update_readme(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
