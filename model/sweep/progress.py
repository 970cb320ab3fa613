"""Progress of many runs: a status line at once, then a tqdm bar on a terminal, or a log line now and then.

The status line says what started (runs, chunks, workers) before any run
finishes, so a user never watches a bar sit at 0% wondering whether anything
happened. The bar (rate, time left) is drawn only when standard error is a
terminal; a batch job's log gets a short line every :data:`LOG_EVERY` seconds.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

LOG_EVERY = 10.0
"""Seconds between log lines when stderr is not a terminal (a batch job's log stays short)."""


class Progress:
    """Counts finished runs.

    ``enabled``: None means a bar on a terminal and, if ``log``, log lines otherwise;
    False means silent. ``label`` starts every line (``sweep``, ``run``).
    """

    def __init__(
        self,
        total: int,
        done: int = 0,
        enabled: bool | None = None,
        stream: TextIO | None = None,
        label: str = "sweep",
        log: bool = True,
    ) -> None:
        self.total, self.label = total, label
        self.stream = stream or sys.stderr
        self.quiet = enabled is False
        self.terminal = not self.quiet and enabled is None and _isatty(self.stream)
        self.log = log and not self.quiet and not self.terminal
        self.bar = None
        self.done = self.start_done = done
        self.started = self.last = time.perf_counter()

    def status(self, text: str) -> None:
        """One line saying what is happening, printed at once (terminal or log), unless quiet."""
        if not self.quiet and (self.terminal or self.log):
            print(f"{self.label}: {text}", file=self.stream, flush=True)

    def begin(self, done: int | None = None) -> None:
        """Start the clock from ``done`` finished runs (a resumed sweep); on a terminal the bar appears now."""
        if done is not None:
            self.done = self.start_done = done
        self.started = self.last = time.perf_counter()
        if self.terminal and self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(
                total=self.total, initial=self.done, unit="run", file=self.stream, dynamic_ncols=True, smoothing=0.1
            )

    def update(self, n: int) -> None:
        if self.terminal and self.bar is None:
            self.begin()
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
            return
        now = time.perf_counter()
        if self.log and (now - self.last >= LOG_EVERY or self.done == self.total):
            self.last = now
            print(self.line(now), file=self.stream, flush=True)

    def line(self, now: float) -> str:
        """``sweep: 1200/3000 runs (40%), 2345 runs/s, about 1 s left``."""
        rate = (self.done - self.start_done) / max(now - self.started, 1e-9)
        left = (self.total - self.done) / rate if rate > 0 else float("inf")
        share = self.done / max(self.total, 1)
        return f"{self.label}: {self.done}/{self.total} runs ({share:.0%}), {rate:.0f} runs/s, about {left:.0f} s left"

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
