"""A Dask cluster that cannot run the sweep fails it with a message naming the worker, instead of hanging.

Workers are asked for their package version and code fingerprint before any chunk is sent; a chunk
that makes no progress for ``--task-timeout`` seconds fails the sweep. A task that never finishes is
made by blocking on an event the test sets only afterwards, so the outcome does not depend on speed.
"""

from __future__ import annotations

import threading
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

import pytest
from sweep_support import small_experiment

from model.cli import main
from model.sweep import backends
from model.sweep.backends import SweepFailed, _bounded
from model.sweep.runner import sweep

RELEASE = threading.Event()


def never_finishes(task):
    RELEASE.wait()
    return {}


class Task:
    def __init__(self, index: int) -> None:
        self.index, self.size = index, 1


def test_a_chunk_without_progress_fails_the_sweep_naming_it(monkeypatch):
    monkeypatch.setattr(backends, "run_chunk", never_finishes)
    RELEASE.clear()
    with ThreadPoolExecutor(2) as pool:
        results = _bounded(
            pool.submit,
            lambda fs, t: wait(fs, timeout=t, return_when=FIRST_COMPLETED)[0],
            iter([Task(3), Task(4)]),
            2,
            [],
            0.2,
        )
        with pytest.raises(
            SweepFailed, match=r"no chunk finished within --task-timeout 0.2 s \(chunks in flight: 3, 4\)"
        ):
            next(results)
        RELEASE.set()


@pytest.fixture(scope="module")
def local_cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        yield cluster


def test_a_worker_with_other_code_is_named(local_cluster, tmp_path, monkeypatch, capsys):
    from model.results.manifest import code_record

    monkeypatch.setattr("model.sweep.runner.code_record", lambda: {**code_record(), "version": "9.9.9"})
    experiment = small_experiment(tmp_path, reps=1, chunk=5)
    code = main(
        ["sweep", str(experiment), "--out", str(tmp_path / "out"), "--scheduler", local_cluster.scheduler_address]
    )
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    worker = next(iter(local_cluster.scheduler_info["workers"]))
    assert f"worker {worker} has peninsula" in err and "9.9.9" in err, err
    assert not (tmp_path / "out").exists(), "nothing is written before the workers are checked"


def test_a_stuck_task_fails_the_sweep_after_the_timeout(local_cluster, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(backends, "run_chunk", never_finishes)
    RELEASE.clear()
    experiment = small_experiment(tmp_path, reps=1, chunk=5)
    try:
        code = main(
            [
                "sweep",
                str(experiment),
                "--out",
                str(tmp_path / "out"),
                "--scheduler",
                local_cluster.scheduler_address,
                "--task-timeout",
                "1",
                "--quiet",
            ]
        )
    finally:
        RELEASE.set()
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert "no chunk finished within --task-timeout 1 s" in err and "--resume" in err, err


PRELOAD = "import sys\nsys.modules['model'] = None  # as if the project were not installed on this worker\n"


def test_a_worker_without_the_project_fails_the_sweep_instead_of_hanging(tmp_path):
    from distributed import LocalCluster

    preload = tmp_path / "without_peninsula.py"
    preload.write_text(PRELOAD)
    experiment = small_experiment(tmp_path, reps=1, chunk=5)
    with LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        worker_dashboard_address=None,
        preload=[str(preload)],
    ) as cluster:
        worker = next(iter(cluster.scheduler_info["workers"]))
        with pytest.raises(SweepFailed, match="cannot import the package") as failed:
            sweep(experiment, tmp_path / "out", scheduler=cluster.scheduler_address, progress=False)
    assert f"worker {worker}" in str(failed.value)
    assert not (tmp_path / "out").exists()
