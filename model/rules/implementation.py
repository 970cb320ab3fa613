"""An agreement in force: steps falling due, side disputes that delay them, relief, and the end of it.

Each step is due ``duration / steps`` months after the last; a side dispute
holds a due step up with chance ``step_delay_rate`` a month (E5's steps ran
about three months late and the deal held). A step overdue beyond
``late_tolerance`` is one the other side may treat as withheld.
"""

from __future__ import annotations

import numpy as np

from model.core.domain import Actor, Issue, ReliefSchedule
from model.core.state import State

DEN, RELIEF = Issue.DENUCLEARIZATION.index, Issue.SANCTIONS_RELIEF.index
UPFRONT, AT_END = ReliefSchedule.UPFRONT.index, ReliefSchedule.AT_END.index
US = Actor.US.index


def due_month(step: np.ndarray, steps: np.ndarray, duration: np.ndarray) -> np.ndarray:
    """Month after signing at which step ``step`` (1-based) falls due.

    >>> due_month(np.array([1, 2, 4]), np.array([4, 4, 4]), np.array([12, 12, 12])).tolist()
    [3, 6, 12]
    """
    return np.ceil(step * duration / np.maximum(steps, 1) - 1e-9).astype(np.int64)


def scheduled_relief(
    agreed: np.ndarray, share: np.ndarray, schedule: np.ndarray, framework: np.ndarray, floor: np.ndarray
) -> np.ndarray:
    """Relief in force under the schedule, given the share of steps delivered; never below ``floor``.

    >>> scheduled_relief(np.array([0.6] * 3), np.array([0.5] * 3), np.array([0, 1, 2]), np.zeros(3, bool),
    ...                  np.zeros(3)).tolist()
    [0.6, 0.3, 0.0]
    """
    relief = np.select([schedule == UPFRONT, schedule == AT_END], [agreed, agreed * (share >= 1.0)], agreed * share)
    return np.maximum(np.where(framework, 0.0, relief), floor)


def months_to_next(state: State, duration: np.ndarray) -> np.ndarray:
    """Months until the next step falls due (0 if due or overdue, or if none is left)."""
    due = due_month(state.steps_done + 1, state.deal_steps, duration)
    left = state.steps_done < state.deal_steps
    return np.where(left, np.maximum(due - state.months_in_force, 0), 0).astype(float)


def advance(
    state: State, active: np.ndarray, duration: np.ndarray, held_up: np.ndarray
) -> tuple[State, np.ndarray, np.ndarray]:
    """One month of an agreement in force: the due step is delivered unless a side dispute holds it up.

    Returns the new state and the masks of replications whose step was
    delivered, and delivered late. ``held_up`` is ``(R,)`` bool (a draw
    against ``step_delay_rate``).
    """
    months = state.months_in_force + active
    due = due_month(state.steps_done + 1, state.deal_steps, duration)
    pending = active & ~state.deal_framework & (state.steps_done < state.deal_steps) & (months >= due)
    delivered = pending & ~held_up
    late = np.where(pending & held_up, months - due + 1, 0)
    return (
        state.but(
            months_in_force=months,
            months_held=state.months_held + active,
            steps_done=state.steps_done + delivered,
            began=state.began | delivered,
            late_steps=state.late_steps + (delivered & (months > due)),
            months_late=np.where(active, late, state.months_late),
        ),
        delivered,
        delivered & (months > due),
    )


def deliver(state: State, schedule: np.ndarray, initial_relief: np.ndarray) -> State:
    """Relief and dismantlement as far as the steps delivered: the schedule's relief, the arsenal cut."""
    share = state.implemented_share
    relief = scheduled_relief(
        state.deal_point[:, RELIEF], share, schedule, state.deal_framework, np.maximum(initial_relief, 0.0)
    )
    cut = state.deal_point[:, DEN] * share
    live = state.in_force & ~state.deal_framework
    return state.but(
        relief=np.where(state.in_force, relief, state.relief),
        capability=np.where(live, state.capability_at_signing * (1 - cut), state.capability),
    )


def end(
    state: State,
    ended: np.ndarray,
    cause: np.ndarray,
    breaker: np.ndarray,
    by_us: np.ndarray,
    snapback,
    initial,
    restored=1.0,
) -> State:
    """The agreement collapses where ``ended``: relief returns to its starting level if the regime snaps it
    back; if the US ended it without a snapback clause, the ``restored`` share of it returns (the US takes
    back its own sanctions, the Council only some of the UN's). The arsenal cut stays cut (it grows back)."""
    withdrawn = state.relief - (state.relief - initial) * restored
    relief = np.where(ended & snapback, initial, np.where(ended & by_us, withdrawn, state.relief))
    return state.but(
        in_force=state.in_force & ~ended,
        collapsed=state.collapsed | ended,
        collapses=state.collapses + (ended & state.in_force),
        cause=np.where(ended, cause, state.cause),
        breaker=np.where(ended, breaker, state.breaker),
        relief=relief,
    )
