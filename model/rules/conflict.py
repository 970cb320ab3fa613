"""Outside the talks: DPRK tests, US-ROK exercises, tension, trust and the arsenal."""

from __future__ import annotations

import numpy as np


def test_chance(
    base: np.ndarray, moratorium: np.ndarray, freeze: np.ndarray, tension: np.ndarray, pressure: np.ndarray
) -> np.ndarray:
    """Monthly chance of a strategic (nuclear or long-range missile) test.

    p = base (1 - moratorium) (1 - freeze) (0.5 + tension) (0.5 + pressure), clipped to [0, 1]:
    a self-declared moratorium and a freeze in force hold tests back; tension and
    pressure push them up (a test is both a signal and a bargaining chip).
    """
    return np.clip(base * (1 - moratorium) * (1 - freeze) * (0.5 + tension) * (0.5 + pressure), 0.0, 1.0)


def tighten(enforcement: np.ndarray, step: np.ndarray, acts: np.ndarray) -> np.ndarray:
    """A new UN resolution closes a share ``step`` of every enforcement gap where ``acts``."""
    gap = 1.0 - enforcement
    return enforcement + (step * acts)[:, None, None] * gap


def security_council_acts(trust_in_dprk: np.ndarray, draw: np.ndarray) -> np.ndarray:
    """After a test, the Council tightens only if China and Russia both agree.

    Each agrees with probability 1 - trust toward the DPRK, so the trust a test
    just destroyed makes the next resolution likelier (as in 2016-2017, background 4.1).
    ``trust_in_dprk`` and ``draw`` are ``(R, 2)`` for CHN and RUS.
    """
    return (draw < 1.0 - trust_in_dprk).all(axis=1)


def cut_trust(trust: np.ndarray, toward: int, by: np.ndarray, who: np.ndarray) -> np.ndarray:
    """Lower every actor's trust in ``toward`` by ``by`` (``(R,)``) where ``who`` (``(R,)`` mask)."""
    out = trust.copy()
    cut = np.where(who, by, 0.0)[:, None]
    out[:, :, toward] = np.clip(out[:, :, toward] - cut, 0.0, 1.0)
    out[:, toward, toward] = 1.0
    return out


def recover_trust(trust: np.ndarray, start: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """Trust lost (or gained) drifts back toward its starting level at ``rate`` a month."""
    return trust + rate[:, None, None] * (start - trust)


def grow_arsenal(capability: np.ndarray, growth: np.ndarray, frozen: np.ndarray) -> np.ndarray:
    """The arsenal closes a share ``growth`` of the gap to its ceiling each month, unless frozen."""
    return np.where(frozen, capability, capability + growth * (1.0 - capability))


def decay(tension: np.ndarray, rate: np.ndarray) -> np.ndarray:
    return tension * (1.0 - rate)
