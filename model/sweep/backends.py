"""Where chunks run: in this process, in a process pool, or on a Dask cluster; each yields finished chunks.

Every backend keeps at most a few chunks in flight (flat memory) and fails the
sweep if none of them finishes within ``task_timeout`` seconds, naming them,
instead of waiting forever. Pool workers end with their parent: each watches
the parent's sentinel pipe (and its parent id) from a daemon thread and exits
when the parent is gone, even after ``kill -9``; they ignore SIGINT, so a
Ctrl-C is handled once, by the parent, which then stops them. Dask workers are
asked for their package version and code fingerprint before any chunk is sent,
and only the workers that answered correctly receive chunks.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from model.sweep.execute import ChunkTask, run_chunk, warm_up

POOL_RESTARTS = 3
"""How often a process pool whose worker died is rebuilt before the sweep gives up (finished chunks are kept)."""

WATCH_SECONDS = 1.0
"""How often a pool worker also checks its parent id (the sentinel pipe wakes it at once)."""

WORKER_WAIT_SECONDS = 60
"""How long a Dask sweep waits for a first worker to join the scheduler."""

Results = Iterator[tuple[int, int, dict]]


class SweepFailed(RuntimeError):
    """The sweep cannot go on (no progress, a worker without the right code): finished chunks are kept."""


def run_serial(tasks: Iterator[ChunkTask]) -> Results:
    for task in tasks:
        yield task.index, task.size, run_chunk(task)


# ---------------------------------------------------------------- process pool


def worker_start(parent: int) -> None:
    """Pool initializer: leave Ctrl-C to the parent, and exit as soon as the parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="peninsula-parent-watch").start()


def _watch_parent(parent: int) -> None:
    import multiprocessing
    from multiprocessing.connection import wait

    me = multiprocessing.parent_process()
    sentinel = me.sentinel if me is not None else None
    while True:
        if sentinel is not None:
            if wait([sentinel], timeout=WATCH_SECONDS):
                os._exit(1)  # the parent's end of the pipe closed: it has exited
        else:
            time.sleep(WATCH_SECONDS)
        if os.getppid() != parent:
            os._exit(1)


def start_pool(workers: int):
    """A spawn-context process pool (made here, never at import) whose workers start now and import the model,
    so that they are ready by the time the parent has built the design and locked the folder."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(workers, context, initializer=worker_start, initargs=(os.getpid(),))
    for _ in range(workers):
        pool.submit(warm_up)
    return pool


def run_pool(tasks: Iterator[ChunkTask], workers: int, task_timeout: float, started=None) -> Results:
    """Chunks on a process pool (``started``, or a new one); a pool whose worker died is rebuilt."""
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool

    retry: list[ChunkTask] = []
    for attempt in range(POOL_RESTARTS + 1):
        pool = started if attempt == 0 and started is not None else start_pool(workers)
        source = _chain(retry, tasks)
        retry = []
        try:
            yield from _bounded(
                pool.submit,
                lambda fs, t: wait(fs, timeout=t, return_when=FIRST_COMPLETED)[0],
                source,
                2 * workers,
                retry,
                task_timeout,
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
                raise SweepFailed(
                    f"worker processes died {POOL_RESTARTS + 1} times; finished chunks are kept, rerun with --resume"
                ) from None
        except BaseException:
            stop_pool(pool)
            raise


def stop_pool(pool) -> None:
    """Cancel what is queued and end the workers now, rather than after the chunks they are running."""
    handles = list((getattr(pool, "_processes", None) or {}).values())  # no public handle before Python 3.14
    pool.shutdown(wait=False, cancel_futures=True)
    for process in handles:
        process.terminate()
    for process in handles:
        process.join(timeout=10)


# ---------------------------------------------------------------- Dask


def check_dask_workers(client, expected: tuple[str, str]) -> list[str]:
    """Addresses of the workers that run this package's version and code; fail naming any other worker."""
    import cloudpickle

    from model.sweep import probe

    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
    except TimeoutError:
        raise SweepFailed(f"no Dask worker joined the scheduler within {WORKER_WAIT_SECONDS} s") from None
    cloudpickle.register_pickle_by_value(probe)
    try:
        answers = client.run(probe.identity, on_error="return")
    finally:
        cloudpickle.unregister_pickle_by_value(probe)
    problems = [_worker_problem(address, answer, expected) for address, answer in sorted(answers.items())]
    problems = [p for p in problems if p]
    if problems:
        raise SweepFailed(
            "Dask workers must run the same peninsula as this client (install this checkout on every worker: "
            "`pip install -e .`): " + "; ".join(problems)
        )
    return sorted(answers)


def _worker_problem(address: str, answer: Any, expected: tuple[str, str]) -> str | None:
    version, fingerprint = expected
    if isinstance(answer, ImportError):
        return f"worker {address} cannot import the package ({answer})"
    if isinstance(answer, BaseException):
        return f"worker {address} failed the check ({type(answer).__name__}: {answer})"
    if tuple(answer) == expected:
        return None
    theirs_version, theirs_code = answer
    if theirs_version != version:
        return f"worker {address} has peninsula {theirs_version}, this client {version}"
    return f"worker {address} runs other model code (fingerprint {theirs_code[:19]}, here {fingerprint[:19]})"


def run_dask(tasks: Iterator[ChunkTask], client, workers: list[str], task_timeout: float) -> Results:
    """The same chunks on the checked Dask workers (Dask reruns the tasks of a worker that died)."""
    from distributed import wait

    with client:
        slots = 2 * max(1, sum(n for w, n in client.nthreads().items() if w in workers))

        def submit(fn: Callable, task: ChunkTask):
            return client.submit(fn, task, pure=False, workers=workers, allow_other_workers=False)

        def wait_any(fs, timeout):
            try:
                return wait(fs, timeout=timeout, return_when="FIRST_COMPLETED").done
            except TimeoutError:
                return set()

        inflight: list = []
        try:
            yield from _bounded(submit, wait_any, tasks, slots, [], task_timeout, inflight)
        finally:
            if inflight:
                client.cancel(inflight)


# ---------------------------------------------------------------- shared


def _chain(first: list[ChunkTask], rest: Iterator[ChunkTask]) -> Iterator[ChunkTask]:
    """``first``, then ``rest``; a for loop, not ``yield from``, so closing this chain leaves ``rest`` open."""
    yield from first
    for task in rest:  # noqa: UP028
        yield task


def _bounded(
    submit: Callable,
    wait_any: Callable,
    tasks: Iterator[ChunkTask],
    limit: int,
    unfinished: list[ChunkTask],
    task_timeout: float,
    pending: list | None = None,
) -> Results:
    """Keep at most ``limit`` chunks in flight (flat memory); yield each as it finishes.

    On a failure, ``unfinished`` receives every chunk still in flight, so a rebuilt pool can run them again;
    ``pending`` (if given) always lists the futures in flight, so a caller can cancel them.
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
        if pending is not None:
            pending[:] = list(inflight)
        if not inflight:
            break
        finished = wait_any(list(inflight), task_timeout)
        if not finished:
            stuck = ", ".join(str(t.index) for t in sorted(inflight.values(), key=lambda t: t.index))
            raise SweepFailed(
                f"no chunk finished within --task-timeout {task_timeout:g} s (chunks in flight: {stuck}); "
                "finished chunks are kept, rerun with --resume (a larger --task-timeout if chunks are slow)"
            )
        for future in finished:
            task = inflight.pop(future)
            try:
                columns = future.result()
            except BaseException:
                unfinished.extend([task, *inflight.values()])
                raise
            yield task.index, task.size, columns
