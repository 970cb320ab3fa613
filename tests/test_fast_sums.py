"""The speed-ups of the valuation give the plain formulas' numbers bit for bit.

``model.rules.paths.value`` and the sums in ``model.rules.economy`` and
``model.rules.utility.weights`` add short axes by hand, in the order numpy
uses; these tests pin that order (signed zeros included) against numpy itself,
so a numpy that sums differently fails here rather than changing results.
The valuation is also checked against the plain formula it replaced, on
every offer the model's own months put before every actor.
"""

from __future__ import annotations

import numpy as np
import pytest
from model_support import model_of

from model.rules import paths
from model.rules.economy import _sum_cells, _sum_channels
from model.rules.outlook import ENFORCER_OF
from model.rules.utility import _sum_issues, economy, issue_utility, security


def _awkward(rng, shape):
    """Numbers of very different sizes and both signs, with signed zeros, so any other order shows."""
    x = rng.standard_normal(shape) * 10.0 ** rng.integers(-12, 12, shape)
    x[rng.random(shape) < 0.1] = -0.0
    x[rng.random(shape) < 0.05] = 0.0
    return x


@pytest.mark.parametrize("n", range(1, 10))
@pytest.mark.parametrize("order", ["C", "F"])
def test_sum_over_states_is_numpys(n, order):
    rng = np.random.default_rng(n)
    terms = np.asarray(_awkward(rng, (3000, 3, n)), order=order)
    assert paths._sum_states(terms).tobytes() == np.ascontiguousarray(terms).sum(axis=-1).tobytes()
    zeros = np.full((4, 2, n), -0.0, order=order)
    assert paths._sum_states(zeros).tobytes() == np.ascontiguousarray(zeros).sum(axis=-1).tobytes()


def test_sums_over_enforcers_channels_and_issues_are_numpys():
    rng = np.random.default_rng(7)
    for shape in [(3000, 2, 4), (5, 2, 4), (3000, 3, 4), (3000, 2, 3)]:
        x = _awkward(rng, shape)
        assert _sum_cells(x).tobytes() == x.sum(axis=(1, 2)).tobytes()
        assert _sum_channels(x).tobytes() == x.sum(axis=2).tobytes()
    every_actor = _awkward(rng, (3000, 6, 7))
    for rows in (every_actor[:, 2], every_actor[:, 0, :5], every_actor.reshape(3000, -1)[:, :7], every_actor[:4, 1]):
        assert _sum_issues(rows).tobytes() == rows.sum(axis=-1).tobytes()


def _plain_value(prefs, sit, p, reads, enforcer=None):
    """``paths.value`` as it was written before the speed-up (commit 6b2453d)."""
    d = prefs.patience
    if p.scope_tests is None:
        freeze = np.zeros((*p.arsenal.shape[:2], 1))
    else:
        freeze = paths.covered(p.scope_tests[..., None], reads)[..., 0][..., None]
    growing = paths.growing_arsenal(p.arsenal, sit, d, prefs.keep)
    arsenal = np.where(freeze > 0, p.arsenal, growing)
    first = p.point[:, :, :1, :]
    tests = sit.test_rate[:, None, None] * (1.0 - freeze)
    exercises = sit.exercise_rate[:, None, None] * (1.0 - first[..., paths.RESTRAINT])
    tension = paths._tension(sit, tests, exercises, prefs)
    shape = (-1,) + (1,) * (p.times.ndim - 1)
    dd, h = d.reshape(shape), sit.horizon.reshape(shape).astype(float)
    column = (*p.times.shape[:-1], 1)
    edges = np.concatenate([np.zeros(column), np.clip(p.times, 0.0, h), np.broadcast_to(h, column)], axis=-1)
    at_edge = dd**edges
    weight = (at_edge[..., :-1] - at_edge[..., 1:]) / (1.0 - at_edge[..., -1:])
    fixed = 1.0 - (1.0 - issue_utility(prefs.ideal, prefs.weight, np.ascontiguousarray(first[:, :, 0, :]), paths.FIXED))
    moving = 1.0 - issue_utility(prefs.ideal, prefs.weight, np.ascontiguousarray(p.point), paths.MOVING)
    sec = security(prefs, np.ascontiguousarray(arsenal), p.point[..., paths.GUARANTEES], p.kappa)
    trade = None
    if prefs.economy_term == "trade":
        trade = (
            sit.trade_base[:, None, None, :] + sit.trade_slope[:, None, None, :] * p.point[..., paths.RELIEF][..., None]
        )
    econ = economy(prefs, np.ascontiguousarray(p.regime_economy), trade, enforcer)
    col = paths._col
    terms = -moving + col(prefs.security, sec.shape) * sec + col(prefs.economy, sec.shape) * econ
    terms = terms - col(prefs.tension, sec.shape) * tension
    return fixed + np.ascontiguousarray(terms * weight).sum(axis=-1)


def test_value_is_the_plain_formulas_bit_for_bit():
    model = model_of(seeds=list(range(64)))
    seen = []
    for _ in range(30):  # through the months, into those where agreements are in force
        model.step()
        seen.append(model.outlook())
    out = next((o for o in reversed(seen) if o.deal is not None), seen[-1])
    sit = out.situation
    plans = [(out.agenda, None)]
    if out.deal is not None:
        plans.append((out.deal, out.progress))
    checked = 0
    for offers, progress in plans:
        for actor, prefs in enumerate(out.prefs):
            enforcer = ENFORCER_OF.get(actor)
            reads = out.reads[:, actor]
            made = (
                paths.honest_paths(sit, offers, progress),
                paths.breakdown_paths(sit, offers, actor == paths.DPRK, progress),
                paths.status_quo_paths(sit),
            )
            for p in made:
                fast = paths.value(prefs, sit, p, reads, enforcer if prefs.economy_term == "trade" else None)
                plain = _plain_value(prefs, sit, p, reads, enforcer if prefs.economy_term == "trade" else None)
                assert fast.shape == plain.shape and fast.flags.c_contiguous
                assert fast.tobytes() == plain.tobytes()
                checked += 1
    assert checked >= 36
