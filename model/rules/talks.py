"""One round of talks: offers, judgements against the best alternative, vetoes, mediation.

The round is generic over the number of actors and issues so that a two-actor,
one-issue case can be checked by hand. The caller supplies, per actor, a
profile (how it proposes and accepts) and, per replication, who sets the
agenda, which proposals are on it, and whether a mediator may offer a
compromise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from model.profiles import Profile
from model.rules.utility import compromise, utility

COMPROMISE = -1  # offer kind of a mediator's compromise
NO_OFFER = -2
MEDIATORS = -1  # "actor" index of an offer tabled by the mediators together


@dataclass(frozen=True)
class Table:
    """Who sits at the table this round and what they bring; arrays are per replication."""

    ideal: np.ndarray  # (R, A, K)
    salience: np.ndarray  # (R, A, K)
    capability: np.ndarray  # (R, A)
    proposals: np.ndarray  # (R, P, K)
    agenda: np.ndarray  # (R, P) which proposals may be tabled
    setter: np.ndarray  # (R,) actor index
    present: np.ndarray  # (R, A) at the table (their positions weigh in a compromise)
    mediated: np.ndarray  # (R,) mediators may table their own proposal and a compromise
    mediator_weight: np.ndarray  # (R, A) weight of each actor in the mediators' choice (0 for non-mediators)
    alternative: np.ndarray  # (R, A) value of the best alternative to agreement
    counterpart_trust: np.ndarray  # (R, A) trust toward the party whose compliance matters
    exposure: np.ndarray  # (R,) how much distrust devalues an all-at-once deal
    first_mover: np.ndarray  # (A,) 1 for the party that delivers first in an all-at-once deal
    step_share: np.ndarray  # (R,) share of a package one step puts at risk (1 / max_phases)
    margin: np.ndarray  # (R, A) surplus demanded over the alternative, before the profile's scale
    boost: np.ndarray  # (R,) margin given up at a leaders' summit
    noise: np.ndarray  # (R, A, S) unobserved part of each judgement, one per offer slot
    phasing_issue: int  # index of the phasing issue


@dataclass(frozen=True)
class Round:
    """The offers of one round, in the order tabled, and how every actor judged them."""

    offers: np.ndarray  # (R, S, K) points
    kind: np.ndarray  # (R, S) proposal index, COMPROMISE or NO_OFFER
    by: np.ndarray  # (R, S) actor who tabled it
    value: np.ndarray  # (R, A, S) perceived value of each offer
    accepts: np.ndarray  # (R, A, S)
    agreed: np.ndarray  # (R,) some offer was accepted by every veto player
    chosen: np.ndarray  # (R,) slot of the agreed offer, -1 if none

    @property
    def point(self) -> np.ndarray:
        """The agreed point (zeros where there is none)."""
        slot = np.maximum(self.chosen, 0)
        return np.take_along_axis(self.offers, slot[:, None, None], axis=1)[:, 0, :]


def perceived_value(u: np.ndarray, trust: np.ndarray, phasing: np.ndarray, table: Table) -> np.ndarray:
    """Value of an offer net of the risk of being cheated.

    v_i = u_i - e (1 - tau_i) [(1 - phi) m_i + phi s]: in an all-at-once deal
    (phasing phi = 0) the first mover m (the DPRK, which disarms before the
    benefits come, as in the US big deal) stakes everything on the other side's
    word; in a step-for-step deal (phi = 1) every party stakes only one step, a
    share s of the package. Distrust (1 - tau) scales the stake, ``e`` the cost.
    Shapes: ``u`` ``(R, A, S)``, ``trust`` ``(R, A)``, ``phasing`` ``(R, S)``.
    """
    stake = (1.0 - phasing)[:, None, :] * table.first_mover[None, :, None] + (phasing * table.step_share[:, None])[
        :, None, :
    ]
    return u - table.exposure[:, None, None] * (1.0 - trust)[:, :, None] * stake


def negotiate(table: Table, profiles: Sequence[Profile], vetoes: Sequence[int]) -> Round:
    """Table offers in turn (agenda setter, each veto player, a mediator) until all vetoes accept.

    Slots: 0 the setter's preferred proposal; then each veto player's preferred
    proposal unless it is the setter or repeats an earlier offer; then, if
    mediators are present, the proposal they jointly value most (weighted by
    clout) and last the compromise of the parties at the table. An offer is
    agreed when every veto player accepts it; the first such offer wins.
    """
    r = table.ideal.shape[0]
    n_actors = table.ideal.shape[1]
    rows = np.arange(r)
    u_props = utility(table.ideal, table.salience, table.proposals)
    v_props = perceived_value(u_props, table.counterpart_trust, table.proposals[:, :, table.phasing_issue], table)
    favourite = np.stack([profiles[a].propose(v_props[:, a, :], table.agenda) for a in range(n_actors)], axis=1)

    joint = np.einsum("ra,rap->rp", table.mediator_weight, v_props)
    mediators_pick = np.argmax(np.where(table.agenda, joint, -np.inf), axis=1)
    proposers = [table.setter] + [np.full(r, v) for v in vetoes] + [np.full(r, MEDIATORS)]
    kind = np.stack(
        [favourite[rows, who] for who in proposers[:-1]] + [np.where(table.mediated, mediators_pick, NO_OFFER)], axis=1
    )
    by = np.stack(proposers, axis=1)
    for slot in range(1, len(proposers)):
        repeat = (kind[:, slot, None] == kind[:, :slot]).any(axis=1) | (by[:, slot] == table.setter)
        kind[:, slot] = np.where(repeat, NO_OFFER, kind[:, slot])
    offers = table.proposals[rows[:, None], np.maximum(kind, 0)]
    value = np.take_along_axis(
        v_props, np.broadcast_to(np.maximum(kind, 0)[:, None, :], (r, n_actors, kind.shape[1])), axis=2
    )

    middle = compromise(table.ideal, table.salience, table.capability, table.present)
    u_mid = utility(table.ideal, table.salience, middle[:, None, :])
    v_mid = perceived_value(u_mid, table.counterpart_trust, middle[:, None, table.phasing_issue], table)
    offers = np.concatenate([offers, middle[:, None, :]], axis=1)
    kind = np.concatenate([kind, np.where(table.mediated, COMPROMISE, NO_OFFER)[:, None]], axis=1)
    by = np.concatenate([by, np.full((r, 1), MEDIATORS)], axis=1)
    value = np.concatenate([value, v_mid], axis=2)

    surplus = value - table.alternative[:, :, None]
    accepts = np.stack(
        [
            profiles[a].accepts(
                surplus[:, a, :] + table.boost[:, None], table.margin[:, a], table.noise[:, a, : kind.shape[1]]
            )
            for a in range(n_actors)
        ],
        axis=1,
    )
    made = kind != NO_OFFER
    accepts &= made[:, None, :]
    unanimous = accepts[:, list(vetoes), :].all(axis=1) & made
    agreed = unanimous.any(axis=1)
    chosen = np.where(agreed, np.argmax(unanimous, axis=1), -1)
    return Round(offers, kind, by, value, accepts, agreed, chosen)
