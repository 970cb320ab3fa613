"""Running a sweep: chunks executed serially, in a process pool, or on a Dask cluster, streamed to disk.

What is run (the experiment, its design, each run's seed) is fixed in the
parent before any worker starts, so every backend writes the same rows
(EMA Workbench keeps the model apart from its evaluator the same way). The
parent keeps at most a few chunks in flight and writes each one as it
finishes, so memory is flat in the number of runs.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from model import __version__
from model.errors import InputError
from model.records import file_hash, git_commit
from model.sweep import store
from model.sweep.design import Design, build_design
from model.sweep.execute import INDEX_COLUMNS, ChunkTask, make_task, run_chunk
from model.sweep.experiment import Experiment, load_experiment
from model.sweep.progress import Progress

CONNECT_SECONDS = 10
"""How long to wait for a Dask scheduler before telling the user it cannot be reached."""

POOL_RESTARTS = 3
"""How often a process pool whose worker died is rebuilt before the sweep gives up (finished chunks are kept)."""

PAUSE_HOOK = "PENINSULA_TEST_PAUSE_AFTER_CHUNKS"
"""Test hook: with this set to k, the sweep says so on stderr once its k-th chunk is on disk, then waits for
a line on stdin. Tests interrupt a sweep at an exact point with it, never after a sleep."""


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
    """What reproduces the sweep: code version, file hashes, root seed, design, chunking, columns."""
    runs = design.size * exp.meta.replications
    return {
        "package": "peninsula",
        "version": __version__,
        "git_commit": git_commit(),
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
            "points": design.size,
            "options": exp.design.model_dump(),
            "parameters": [_parameter_record(p) for p in design.parameters],
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
) -> SweepResult:
    """Run every unfinished chunk of an experiment's design into ``out``; see the module docstring."""
    exp = load_experiment(experiment)
    design = build_design(exp)
    total = design.size * exp.meta.replications
    chunk_runs = exp.meta.chunk_runs or default_chunk_runs(total)
    out = Path(out)
    manifest = manifest_for(exp, design, chunk_runs)
    client = connect_dask(scheduler) if scheduler else None
    done = store.prepare(out, manifest, resume)
    bounds = chunk_bounds(total, chunk_runs)
    pending = [b for b in bounds if b[0] not in done]
    completed = total - sum(stop - start for _, start, stop in pending)
    tasks = (make_task(exp, design, i, start, stop) for i, start, stop in pending)
    backend, results = _backend(tasks, workers, scheduler, client)
    bar = Progress(total, completed, enabled=progress)
    started = time.perf_counter()
    written = 0
    try:
        pause_for_tests(written)
        for index, size, columns in results:
            store.write_chunk(out, index, columns)
            done.add(index)
            completed += size
            written += 1
            _update(out, manifest, completed, len(done), "running")
            bar.update(size)
            pause_for_tests(written)
    except BaseException:
        _update(out, manifest, completed, len(done), "interrupted")
        raise
    finally:
        bar.close()
    if len(done) < len(bounds):
        _update(out, manifest, completed, len(done), "incomplete")
        raise RuntimeError(f"{len(bounds) - len(done)} chunks did not finish; rerun with --resume to complete them")
    _update(out, manifest, completed, len(done), "complete")
    ran = sum(stop - start for _, start, stop in pending)
    return SweepResult(out, total, ran, time.perf_counter() - started, backend)


def pause_for_tests(written: int) -> None:
    """The test hook (see :data:`PAUSE_HOOK`): block at exactly ``written`` chunks until told to go on."""
    wanted = os.environ.get(PAUSE_HOOK)
    if wanted is None or wanted.strip() != str(written):
        return
    print(f"peninsula-test: paused after {written} chunks", file=sys.stderr, flush=True)
    sys.stdin.readline()


def _update(out: Path, manifest: dict[str, Any], completed: int, chunks: int, status: str) -> None:
    manifest.update(completed=completed, completed_chunks=chunks, status=status)
    store.write_manifest(out, manifest)


Results = Iterator[tuple[int, int, dict]]


def _backend(tasks: Iterator[ChunkTask], workers: int | None, scheduler: str | None, client) -> tuple[str, Results]:
    """Pick the executor: a Dask cluster if an address is given, else serial for one worker, else a process pool."""
    if scheduler:
        return f"dask {scheduler}", run_dask(tasks, client)
    n = workers or os.cpu_count() or 1
    if n == 1:
        return "serial", run_serial(tasks)
    return f"process pool of {n}", run_pool(tasks, n)


def run_serial(tasks: Iterator[ChunkTask]) -> Results:
    for task in tasks:
        yield task.index, task.size, run_chunk(task)


def run_pool(tasks: Iterator[ChunkTask], workers: int) -> Results:
    """A spawn-context process pool (made here, never at import); a pool whose worker died is rebuilt."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("spawn")
    retry: list[ChunkTask] = []
    for attempt in range(POOL_RESTARTS + 1):
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
        source = _chain(retry, tasks)
        retry = []
        try:
            yield from _bounded(
                pool.submit, lambda fs: wait(fs, return_when=FIRST_COMPLETED), source, 2 * workers, retry
            )
            pool.shutdown()
            return
        except BrokenProcessPool:
            pool.shutdown(wait=False, cancel_futures=True)
            print(
                f"sweep: a worker process died; starting a new pool and rerunning {len(retry)} unfinished chunks",
                file=sys.stderr,
                flush=True,
            )
            if attempt == POOL_RESTARTS:
                raise RuntimeError(
                    f"worker processes died {POOL_RESTARTS + 1} times; finished chunks are kept, rerun with --resume"
                ) from None
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def connect_dask(address: str):
    """A client of the Dask scheduler at ``address``; an unreachable one is bad input, found before any output."""
    from distributed import Client

    try:
        return Client(address, timeout=CONNECT_SECONDS)
    except (OSError, ValueError, TypeError) as err:
        raise InputError(
            "--scheduler", "", f"cannot reach a Dask scheduler there ({err}); expected e.g. tcp://HOST:8786", address
        ) from None


def run_dask(tasks: Iterator[ChunkTask], client) -> Results:
    """The same chunks on a Dask distributed cluster (which retries tasks of a worker that died)."""
    from distributed import wait

    with client:
        slots = 2 * max(1, sum(client.nthreads().values()))

        def submit(fn: Callable, task: ChunkTask):
            return client.submit(fn, task, pure=False)

        yield from _bounded(submit, lambda fs: wait(fs, return_when="FIRST_COMPLETED"), tasks, slots, [])


def _chain(first: list[ChunkTask], rest: Iterator[ChunkTask]) -> Iterator[ChunkTask]:
    """``first``, then ``rest``; a for loop, not ``yield from``, so closing this chain leaves ``rest`` open."""
    yield from first
    for task in rest:  # noqa: UP028
        yield task


def _bounded(
    submit: Callable, wait_any: Callable, tasks: Iterator[ChunkTask], limit: int, unfinished: list[ChunkTask]
) -> Results:
    """Keep at most ``limit`` chunks in flight (flat memory); yield each as it finishes.

    On a failure, ``unfinished`` receives every chunk still in flight, so a rebuilt pool can run them again.
    """
    inflight: dict[Any, ChunkTask] = {}
    exhausted = False
    while inflight or not exhausted:
        while not exhausted and len(inflight) < limit:
            task = next(tasks, None)
            if task is None:
                exhausted = True
                continue
            try:
                inflight[submit(run_chunk, task)] = task
            except BaseException:
                unfinished.extend([task, *inflight.values()])
                raise
        if not inflight:
            break
        finished, _ = wait_any(list(inflight))
        for future in finished:
            task = inflight.pop(future)
            try:
                columns = future.result()
            except BaseException:
                unfinished.extend([task, *inflight.values()])
                raise
            yield task.index, task.size, columns
