"""Behaviour profiles: how an actor turns what it values into decisions.

A profile is a small strategy object, named in a scenario file
(``actors.DPRK.profile = "hardliner"``) and looked up in :data:`PROFILES`, so a
teacher can swap one for another and a person can later take an actor's seat
as one more profile. Every method is a pure function of arrays over the
replication axis and the run's draws: it judges, the model applies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Profile:
    """The default, utility-based decision maker; variants scale its three tendencies.

    ``margin_scale`` multiplies the surplus over its best alternative the actor
    demands before it accepts; ``concession_scale`` multiplies how fast allies
    and patrons move its position; ``breach_scale`` multiplies its monthly
    chance of breaching an agreement in force.
    """

    name: str
    description: str
    margin_scale: float = 1.0
    concession_scale: float = 1.0
    breach_scale: float = 1.0

    def propose(self, values: np.ndarray, agenda: np.ndarray) -> np.ndarray:
        """Index of the proposal on the agenda it values most: ``values``, ``agenda`` are ``(R, P)``."""
        return np.argmax(np.where(agenda, values, -np.inf), axis=1)

    def accepts(self, surplus: np.ndarray, margin: np.ndarray, noise: np.ndarray) -> np.ndarray:
        """Accept when value over the best alternative, plus unobserved noise, covers the margin.

        ``surplus`` and ``noise`` are ``(R, n)``; ``margin`` is ``(R,)``.
        """
        return surplus + noise >= self.margin_scale * margin[:, None]

    def breaches(self, chance: np.ndarray, draw: np.ndarray) -> np.ndarray:
        """Breach an agreement in force this month with the model's chance, scaled."""
        return draw < np.clip(self.breach_scale * chance, 0.0, 1.0)

    def concession(self, rate: np.ndarray) -> np.ndarray:
        """Monthly rate at which its position follows its allies' or patrons'."""
        return np.clip(self.concession_scale * rate, 0.0, 1.0)


PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile("default", "Weighs each offer against its best alternative, as calibrated."),
        Profile(
            "hardliner",
            "Demands twice the surplus, yields slowly to allies or patrons, breaches more readily.",
            margin_scale=2.0,
            concession_scale=0.3,
            breach_scale=1.5,
        ),
        Profile(
            "pragmatist",
            "Settles for a third of the surplus, follows its partners twice as fast, keeps its word.",
            margin_scale=0.3,
            concession_scale=2.0,
            breach_scale=0.5,
        ),
        Profile(
            "spoiler",
            "Accepts almost nothing and breaches often: a stress test for any regime.",
            margin_scale=4.0,
            concession_scale=0.0,
            breach_scale=3.0,
        ),
    )
}
