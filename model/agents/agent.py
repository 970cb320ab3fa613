"""The six actors as Mesa agents: each holds its policy and answers the views it is shown.

One agent stands for its country in every replication at once: a view's
arrays run over the replication axis, and so does the choice. The agent sees a
view, never the model, and the model applies what it chose.
"""

from __future__ import annotations

import mesa

from model.agents.policies import Choice, Policy, View
from model.core.domain import Actor


class ActorAgent(mesa.Agent):
    """One state actor (US, DPRK, RUS, CHN, ROK or JPN) across all replications."""

    def __init__(self, model: mesa.Model, actor: Actor, policy: Policy) -> None:
        super().__init__(model)
        self.actor = actor
        self.policy = policy

    @property
    def index(self) -> int:
        return self.actor.index

    def decide(self, view: View) -> Choice | None:
        """The policy's answer, or None while it waits for one (a person who has not answered yet)."""
        return self.policy.decide(view)

    def __repr__(self) -> str:
        return f"ActorAgent({self.actor.value}, policy={self.policy.name!r})"
