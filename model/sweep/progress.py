"""Progress of a sweep: a tqdm bar (rate, time left) on a terminal, a quiet log line now and then otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO

LOG_EVERY = 10.0
"""Seconds between log lines when stderr is not a terminal (a batch job's log stays short)."""


class Progress:
    """Counts finished runs; ``enabled=None`` means a bar on a terminal, log lines otherwise."""

    def __init__(self, total: int, done: int = 0, enabled: bool | None = None, stream: TextIO | None = None) -> None:
        self.total, self.done, self.start_done = total, done, done
        self.stream = stream or sys.stderr
        self.quiet = enabled is False
        self.started = self.last = time.perf_counter()
        self.bar = None
        if enabled is None and self.stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, initial=done, unit="run", file=self.stream, dynamic_ncols=True, smoothing=0.1)

    def update(self, n: int) -> None:
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
            return
        now = time.perf_counter()
        if not self.quiet and (now - self.last >= LOG_EVERY or self.done == self.total):
            self.last = now
            print(self.line(now), file=self.stream, flush=True)

    def line(self, now: float) -> str:
        """``sweep: 1200/3000 runs (40%), 2345 runs/s, about 1 s left``."""
        rate = (self.done - self.start_done) / max(now - self.started, 1e-9)
        left = (self.total - self.done) / rate if rate > 0 else float("inf")
        share = self.done / max(self.total, 1)
        return f"sweep: {self.done}/{self.total} runs ({share:.0%}), {rate:.0f} runs/s, about {left:.0f} s left"

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
