"""Running a sweep: chunks executed serially, in a process pool, or on a Dask cluster, streamed to disk.

What is run (the experiment, its design, each run's seed) is fixed in the
parent before any worker starts, so every backend writes the same rows
(EMA Workbench keeps the model apart from its evaluator the same way). The
parent keeps at most a few chunks in flight and writes each one as it
finishes, so memory is flat in the number of runs. The output folder is locked
for the sweep's life, a resume first verifies what the folder holds and refuses
one that would mix other inputs (:mod:`model.sweep.store`, :mod:`model.sweep.inputs`).
"""

from __future__ import annotations

import math
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from model.core.errors import InputError, OutputError
from model.results.columns import FORMAT_VERSION
from model.results.manifest import code_record, file_hash
from model.sweep import store
from model.sweep.backends import (
    SweepFailed,
    check_dask_workers,
    run_dask,
    run_pool,
    run_serial,
    start_pool,
    stop_pool,
)
from model.sweep.design import Design, build_design, generator
from model.sweep.execute import INDEX_COLUMNS, make_task
from model.sweep.experiment import Experiment, load_experiment
from model.sweep.inputs import changes, design_hash
from model.sweep.progress import Progress

CONNECT_SECONDS = 10
"""How long to wait for a Dask scheduler before telling the user it cannot be reached."""

TASK_TIMEOUT = 3600.0
"""Default of ``--task-timeout``: seconds without any chunk finishing after which the sweep fails."""

WORKERS_PER_CORE = 4
"""``--workers`` above this many per core is refused: the processes would only queue for the cores."""

PAUSE_HOOK = "PENINSULA_TEST_PAUSE_AFTER_CHUNKS"
"""Test hook: with this set to k, the sweep says so on stderr once its k-th chunk is on disk, then waits for
a line on stdin. Tests interrupt a sweep at an exact point with it, never after a sleep."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C would be, so a terminated sweep stops (and says so) like an interrupted one."""


@dataclass(frozen=True)
class SweepResult:
    out: Path
    runs: int
    ran: int
    seconds: float
    backend: str

    @property
    def rate(self) -> float:
        return self.ran / self.seconds if self.seconds > 0 else float("nan")


def default_chunk_runs(total: int) -> int:
    """Runs per chunk: at least 16 chunks to share out, each big enough that a batched model runs near full speed.

    A batch of a few thousand replications amortises Python's per-step cost;
    a kill loses at most the chunks in flight.

    >>> default_chunk_runs(3000), default_chunk_runs(20_000), default_chunk_runs(1_000_000)
    (200, 1250, 4000)
    """
    return max(200, min(4000, math.ceil(total / 16)))


def chunk_bounds(total: int, size: int) -> list[tuple[int, int, int]]:
    """(index, start, stop) of every chunk of the run range."""
    return [(i, start, min(start + size, total)) for i, start in enumerate(range(0, total, size))]


def manifest_for(exp: Experiment, design: Design, chunk_runs: int) -> dict[str, Any]:
    """What reproduces the sweep: code, resolved inputs, file hashes, root seed, design, chunking, columns."""
    runs = design.size * exp.meta.replications
    return {
        "package": "peninsula",
        **code_record(),
        "format_version": FORMAT_VERSION,
        "experiment": exp.meta.name,
        "question": exp.meta.question,
        "months": exp.spec.scenario.months,
        "experiment_file": exp.path,
        "experiment_file_hash": file_hash(Path(exp.path)),
        "scenario_file": exp.scenario_path,
        "scenario_file_hash": file_hash(Path(exp.scenario_path)),
        "root_seed": exp.meta.root_seed,
        "design": {
            "kind": design.kind,
            "generator": generator(design.kind),
            "points": design.size,
            "options": exp.design.model_dump(),
            "parameters": [_parameter_record(p) for p in design.parameters],
            "matrix_hash": design_hash(design),
        },
        "replications": exp.meta.replications,
        "runs": runs,
        "design_size": runs,
        "chunk_runs": chunk_runs,
        "chunks": math.ceil(runs / chunk_runs),
        "completed": 0,
        "completed_chunks": 0,
        "status": "running",
        "outcomes": list(exp.outcomes),
        "columns": [*INDEX_COLUMNS, *(p.name for p in design.parameters), *exp.outcomes],
        "scenario_tree": exp.spec.to_tree(),
        "posterior": None
        if exp.posterior is None
        else {
            "file": exp.posterior.path,
            "hash": file_hash(Path(exp.posterior.path)),
            "parameters": list(exp.posterior.keys),
        },
    }


def _parameter_record(param) -> dict[str, Any]:
    return {
        "name": param.name,
        "role": param.role,
        "kind": param.kind,
        "keys": list(param.keys),
        "low": param.low,
        "high": param.high,
        "values": list(param.values),
        "levels": param.levels,
    }


def sweep(
    experiment: str | Path,
    out: str | Path,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    progress: bool | None = None,
    *,
    task_timeout: float = TASK_TIMEOUT,
) -> SweepResult:
    """Run every unfinished chunk of an experiment's design into ``out``; see the module docstring.

    A process pool's workers start first and import the model while the parent builds the design.
    """
    exp = load_experiment(experiment)
    n = worker_count(workers) if not scheduler else 0
    pool = start_pool(n) if n > 1 else None
    try:
        return _sweep(exp, Path(out), n, scheduler, resume, progress, task_timeout, pool)
    finally:
        if pool is not None:
            stop_pool(pool)  # already shut down after a finished sweep; ends the workers after a failure


def _sweep(exp: Experiment, out: Path, n: int, scheduler, resume: bool, progress, task_timeout: float, pool):
    design = build_design(exp)
    total = design.size * exp.meta.replications
    chunk_runs = exp.meta.chunk_runs or default_chunk_runs(total)
    manifest = manifest_for(exp, design, chunk_runs)
    client = connect_dask(scheduler) if scheduler else None
    try:
        checked = check_dask_workers(client, (manifest["version"], manifest["code_fingerprint"])) if client else []
        done, lock = store.prepare(out, manifest, resume, lambda old: changes(old, manifest), quiet=progress is False)
    except BaseException:
        if client is not None:
            client.close()
        raise
    try:
        bounds = chunk_bounds(total, chunk_runs)
        pending = [b for b in bounds if b[0] not in done]
        if progress is not False:
            Progress(total, enabled=progress).status(_started(exp.meta.name, total, chunk_runs, scheduler or n))
        announce(exp, design, out, sum(stop - start for _, start, stop in pending), quiet=progress is False)
        tasks = (make_task(exp, design, i, start, stop) for i, start, stop in pending)
        if client is not None:
            backend, results = f"dask {scheduler}", run_dask(tasks, client, checked, task_timeout)
        elif n == 1:
            backend, results = "serial", run_serial(tasks)
        else:
            backend, results = f"process pool of {n}", run_pool(tasks, n, task_timeout, pool)
        started = time.perf_counter()
        ran = _write_all(out, manifest, results, done, total, bounds, pending, progress, design.parameters)
    finally:
        lock.release()
    return SweepResult(out, total, ran, time.perf_counter() - started, backend)


def _write_all(out, manifest, results: Iterator, done: set[int], total, bounds, pending, progress, parameters) -> int:
    """Write each finished chunk and keep the manifest current; mark how the sweep ended."""
    completed = total - sum(stop - start for _, start, stop in pending)
    bar = Progress(total, completed, enabled=progress)
    written = 0
    try:
        pause_for_tests(written)
        for index, size, columns in results:
            store.write_chunk(out, index, columns, {p.name: p.kind for p in parameters})
            done.add(index)
            completed += size
            written += 1
            _update(out, manifest, completed, len(done), "running")
            bar.update(size)
            pause_for_tests(written)
    except KeyboardInterrupt:
        _final(out, manifest, completed, len(done), "interrupted")
        raise
    except BaseException:
        _final(out, manifest, completed, len(done), "failed")
        raise
    finally:
        results.close()  # stops a pool or cancels Dask futures now, not at garbage collection
        bar.close()
    if len(done) < len(bounds):
        _final(out, manifest, completed, len(done), "incomplete")
        raise SweepFailed(f"{len(bounds) - len(done)} chunks did not finish; rerun with --resume to complete them")
    _update(out, manifest, completed, len(done), "complete")
    return sum(stop - start for _, start, stop in pending)


def _started(name: str, runs: int, chunk_runs: int, where: int | str) -> str:
    """The status line: ``sensitivity: 16,384 runs in 16 chunks of up to 1,024 runs, 2 processes; starting``."""
    chunks = math.ceil(runs / chunk_runs)
    on = f"Dask scheduler {where}" if isinstance(where, str) else "1 process" if where == 1 else f"{where} processes"
    return f"{name}: {runs:,} runs in {chunks:,} chunks of up to {chunk_runs:,} runs, {on}; starting"


def _update(out: Path, manifest: dict[str, Any], completed: int, chunks: int, status: str) -> None:
    manifest.update(completed=completed, completed_chunks=chunks, status=status)
    store.write_manifest(out, manifest)


def _final(out: Path, manifest: dict[str, Any], completed: int, chunks: int, status: str) -> None:
    """Record how the sweep ended, if the disk still allows (the journal already holds every finished chunk)."""
    with suppress(OutputError):
        _update(out, manifest, completed, chunks, status)


def pause_for_tests(written: int) -> None:
    """The test hook (see :data:`PAUSE_HOOK`): block at exactly ``written`` chunks until told to go on."""
    wanted = os.environ.get(PAUSE_HOOK)
    if wanted is None or wanted.strip() != str(written):
        return
    print(f"peninsula-test: paused after {written} chunks", file=sys.stderr, flush=True)
    sys.stdin.readline()


def worker_count(workers: int | None) -> int:
    """Worker processes: all cores by default; more than a few per core is refused with the reason."""
    cores = os.cpu_count() or 1
    if workers is None:
        return cores
    if workers > WORKERS_PER_CORE * cores:
        raise InputError(
            "--workers",
            "",
            f"more than {WORKERS_PER_CORE} per core ({cores} cores here): extra processes only queue for the "
            f"cores and each holds a copy of the model; allowed 1 to {WORKERS_PER_CORE * cores}",
            workers,
        )
    return workers


def announce(exp: Experiment, design: Design, out: Path, runs: int, quiet: bool = False) -> None:
    """Say how much disk the runs still to do will take, before they start; warn (even if quiet) if it is not there."""
    if runs == 0:
        return
    per_run = bytes_per_run(exp, design)
    need = per_run * runs
    free = shutil.disk_usage(out).free
    if not quiet:
        print(
            f"sweep: {runs:,} runs to do; at most about {_size(need)} of Parquet in {out} "
            f"({per_run} bytes a run before compression; {_size(free)} free)",
            file=sys.stderr,
            flush=True,
        )
    if need > free:
        print(f"sweep: warning: that may not fit; {_size(free)} are free in {out}", file=sys.stderr, flush=True)


def bytes_per_run(exp: Experiment, design: Design) -> int:
    """Uncompressed bytes of one row, from the column types of a one-month probe run."""
    from model.results.runs import run_batch

    probe = run_batch(exp.spec, np.zeros(1, dtype=np.uint64), months=1)
    size = 8 * len(INDEX_COLUMNS)
    for param in design.parameters:
        size += max((len(str(v)) + 4 for v in param.values), default=8)
    for name in exp.outcomes:
        values = np.asarray(probe[name])
        size += values.dtype.itemsize if values.dtype.kind in "biuf" else 4 + max(len(str(values[0])), 12)
    return size


def _size(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


@contextmanager
def sigterm_as_interrupt():
    """While inside, SIGTERM raises :class:`Terminated` in the main thread (no-op elsewhere)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def connect_dask(address: str):
    """A client of the Dask scheduler at ``address``; an unreachable one is bad input, found before any output."""
    from distributed import Client

    try:
        return Client(address, timeout=CONNECT_SECONDS)
    except (OSError, ValueError, TypeError) as err:
        raise InputError(
            "--scheduler", "", f"cannot reach a Dask scheduler there ({err}); expected e.g. tcp://HOST:8786", address
        ) from None
