"""The six actors as Mesa agents.

An agent's state and parameters are views into the model's arrays over the
replication axis (its row of ``ideal``, ``trust``...), so one agent stands for
its country in every replication at once. Its behaviour profile turns values
into decisions; the model applies them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from model.domain import Actor
from model.profiles import Profile

if TYPE_CHECKING:
    from model.simulation import PeninsulaModel


class ActorAgent(mesa.Agent):
    """One state actor (US, DPRK, RUS, CHN, ROK or JPN) across all replications."""

    def __init__(self, model: PeninsulaModel, actor: Actor, profile: Profile) -> None:
        super().__init__(model)
        self.actor = actor
        self.profile = profile

    @property
    def index(self) -> int:
        return self.actor.index

    @property
    def position(self) -> np.ndarray:
        """Current position on each issue, ``(R, K)``."""
        return self.model.state.ideal[:, self.index, :]

    @property
    def trust(self) -> np.ndarray:
        """Trust toward each actor, ``(R, A)``."""
        return self.model.state.trust[:, self.index, :]

    @property
    def capability(self) -> np.ndarray:
        return self.model.params["capability"][:, self.index]

    @property
    def resolve(self) -> np.ndarray:
        return self.model.params["resolve"][:, self.index]

    def __repr__(self) -> str:
        return f"ActorAgent({self.actor.value}, profile={self.profile.name!r})"
