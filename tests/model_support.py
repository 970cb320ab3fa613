"""Helpers for tests of the decision core: a model at a chosen state, its outlook, and offers built by hand."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from model.core.domain import Actor, Coverage, Issue
from model.rules.paths import Offers
from model.scenario.loader import load_scenario
from model.simulation import PeninsulaModel

US, DPRK, RUS, CHN, ROK, JPN = (a.index for a in Actor)
ACTORS = tuple(a.index for a in Actor)
K = {issue.value: issue.index for issue in Issue}


def model_of(name: str = "baseline-2019", overrides: tuple[str, ...] = (), seed: int = 0, **kw) -> PeninsulaModel:
    return PeninsulaModel(load_scenario(name, overrides), rng=seed, collect=False, **kw)


def outlook_at(model: PeninsulaModel, **state_changes):
    """The model's outlook at its current state with some fields replaced (arrays of one replication)."""
    state = model.state.but(
        **{
            k: np.atleast_1d(np.asarray(v, dtype=float)) if np.ndim(v) == 0 else np.asarray(v)
            for k, v in state_changes.items()
        }
    )
    return model.outlook(state)


def offer(
    point,
    steps: int = 4,
    tests: Coverage = Coverage.COVERED,
    launches: Coverage = Coverage.COVERED,
    framework: bool = False,
) -> Offers:
    """One offer ``(1, 1)`` at ``point`` (a dict of issue values over a zero point, or a length-7 sequence)."""
    if isinstance(point, dict):
        values = np.zeros(len(Issue))
        for name, v in point.items():
            values[K[name]] = v
    else:
        values = np.asarray(point, dtype=float)
    return Offers(
        values[None, None, :],
        np.array([[framework]]),
        np.array([[[tests.index, launches.index]]]),
        np.array([[0 if framework else steps]]),
    )


def with_trust(out, level: float):
    """The outlook with every actor fully (or ``level``) trusting every other."""
    trust = np.full_like(out.situation.trust, level)
    for a in ACTORS:
        trust[:, a, a] = 1.0
    return replace(out, situation=replace(out.situation, trust=trust), _cache={})


def with_situation(out, **changes):
    return replace(out, situation=replace(out.situation, **changes), _cache={})
