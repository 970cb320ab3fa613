"""experiments/flops.py counts what numpy does on its counted arrays, and counting changes no outcome."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _flops():
    spec = importlib.util.spec_from_file_location("flops", ROOT / "experiments" / "flops.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_counts_elementwise_reductions_and_not_comparisons():
    flops = _flops()
    a = np.ones((10, 3)).view(flops.Counted)
    flops.TALLY.reset()
    b = a * 2.0 + 1.0  # 30 + 30
    b.sum(axis=1)  # 30 input elements
    np.clip(b, 0.0, 2.0)  # 2 x 30
    np.where(b > 1.0, b, 0.0)  # a comparison and a selection: none
    (a.astype(np.int64) * 3).sum()  # integers: none
    flops.TALLY.on = False
    assert flops.TALLY.total == 30 + 30 + 30 + 60
    assert isinstance(np.where(b > 1.0, b, 0.0), flops.Counted)


@pytest.mark.slow
def test_counting_reaches_every_array_and_changes_no_outcome():
    from model.scenario.loader import load_scenario

    flops = _flops()
    counts = flops.count(load_scenario("baseline-2019"), 50)
    assert counts["same"]
    assert counts["trace"].counted > 0 and not counts["trace"].plain
    assert all(c == t for c, t in counts["shares"].values())
    assert counts["months_total"] > 0
