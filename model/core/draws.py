"""Counter-based random draws: a run's randomness does not depend on what it is batched with.

Draw ``n`` for purpose ``p`` in month ``t`` of the run with seed ``s`` is a pure
function ``hash(s, t, p, n)`` (SplitMix64 mixing, in 64-bit unsigned integer
arithmetic, identical on every machine). A run computed alone and the same run
inside a batch of 10,000 therefore see the same numbers, and no state is shared
between runs, processes or machines.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


class Purpose(IntEnum):
    """What a draw is for; each has its own stream."""

    CHOICE = 1  # the unobserved part of a decision (keyed further by actor, decision and stage)
    OPPORTUNITY = 2  # whether a test, launch or short-range launch is ready this month
    STEP_DELAY = 3  # whether a side dispute holds up a step that falls due


OFFSET_BITS = 12
"""Draws of one purpose and month are split into blocks of 2**12 by an offset (an actor and a decision)."""


def _mix(z: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: a bijection of uint64 with good avalanche."""
    z = z ^ (z >> np.uint64(30))
    z = z * _M1
    z = z ^ (z >> np.uint64(27))
    z = z * _M2
    return z ^ (z >> np.uint64(31))


def _mix_in_place(z: np.ndarray) -> np.ndarray:
    """:func:`_mix` of a new uint64 array of the caller's, computed in it (exact integer arithmetic: the same bits)."""
    shifted = np.empty_like(z)
    with np.errstate(over="ignore"):
        z ^= np.right_shift(z, np.uint64(30), out=shifted)
        z *= _M1
        z ^= np.right_shift(z, np.uint64(27), out=shifted)
        z *= _M2
        z ^= np.right_shift(z, np.uint64(31), out=shifted)
    return z


def stream_keys(seeds: np.ndarray | list[int]) -> np.ndarray:
    """One 64-bit key per run, from its seed (any non-negative integer below 2**64)."""
    seeds = np.asarray(seeds, dtype=np.uint64).reshape(-1)
    with np.errstate(over="ignore"):
        return _mix(seeds * _GOLDEN + _GOLDEN)


def derive_seeds(root: int, points: np.ndarray, replications: np.ndarray) -> np.ndarray:
    """63-bit run seeds keyed by (root seed, design point, replication), vectorised.

    A SplitMix64 hash, so a run's seed depends only on its own key: the same in
    any order, batch, process or machine, and ``peninsula run --seed S`` with it
    reproduces that run alone.

    >>> a = derive_seeds(5, np.array([0, 1, 2]), np.array([7, 7, 7]))
    >>> bool(a[1] == derive_seeds(5, np.array([1]), np.array([7]))[0]), len(set(a.tolist()))
    (True, 3)
    """
    key = stream_keys([root])[0]
    index = (np.asarray(points, dtype=np.uint64) << np.uint64(32)) | np.asarray(replications, dtype=np.uint64)
    with np.errstate(over="ignore"):
        return _mix(key ^ _mix(index * _GOLDEN + _M2)) >> np.uint64(1)


class Draws:
    """Uniform and normal draws over a leading run axis, keyed by run, month and purpose."""

    def __init__(self, keys: np.ndarray) -> None:
        self.keys = keys

    def uniform(self, month: int, purpose: Purpose, *shape: int, offset: int = 0) -> np.ndarray:
        """Uniform numbers in [0, 1) of shape ``(runs, *shape)``; ``offset`` selects a disjoint block.

        >>> d = Draws(stream_keys([7, 8]))
        >>> a = d.uniform(3, Purpose.OPPORTUNITY, 2)[1]
        >>> bool((a == Draws(stream_keys([8])).uniform(3, Purpose.OPPORTUNITY, 2)[0]).all())
        True
        """
        n = int(np.prod(shape)) if shape else 1
        if n >= 1 << OFFSET_BITS or not 0 <= offset < 1 << (24 - OFFSET_BITS):
            raise ValueError(f"draw block too large: {n} draws at offset {offset}")
        counter = (np.uint64(month) << np.uint64(32)) | (np.uint64(int(purpose)) << np.uint64(24))
        index = (np.arange(n, dtype=np.uint64) + np.uint64(offset << OFFSET_BITS)) | counter
        with np.errstate(over="ignore"):
            bits = _mix_in_place(self.keys[:, None] ^ _mix(index * _GOLDEN)[None, :])
        bits >>= np.uint64(11)
        values = bits.astype(np.float64)
        values *= 1.0 / 9007199254740992.0
        return values.reshape((len(self.keys), *shape))

    def normal(self, month: int, purpose: Purpose, *shape: int, offset: int = 0) -> np.ndarray:
        """Standard normal numbers: the inverse normal distribution function of uniforms in (0, 1)."""
        from scipy.special import ndtri

        u = self.uniform(month, purpose, *shape, offset=offset)
        u += 0.5 / 9007199254740992.0  # shifted off 0 by half a step: never infinite
        return ndtri(u, out=u)
