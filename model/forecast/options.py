"""The readings of Bueno de Mesquita's model: every place where the published description is ambiguous.

Scholz, Calbert and Smith (2011) state the model step by step; the open replications that follow
them still disagree in nine places. Each is a field of :class:`Options`, and two named readings
combine them: ``best`` (the one that follows Scholz's Table 2 most closely) and ``paper-literal``
(the equations and prose as stated). :data:`OPTION_NOTES` says, per field, which value is which;
``docs/FORECAST.md`` shows what each choice does to the published case.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, Literal, get_args

from model.core.errors import InputError

Probability = Literal["all-pairs", "pair", "pair-net"]
Votes = Literal["risk", "linear"]
Perception = Literal["perceiver", "own"]
View = Literal["receiver", "proposer"]
OfferChoice = Literal["kind-threat", "kind-nearest", "nearest", "scholz-code"]
Compromise = Literal["ratio", "weighted"]
RiskUpdate = Literal["each-round", "once", "never"]
CLOSER = "closer"


def _allowed(name: str) -> tuple[str, ...]:
    hint = {
        "probability": Probability,
        "votes": Votes,
        "perception": Perception,
        "view": View,
        "offer": OfferChoice,
        "compromise": Compromise,
        "risk": RiskUpdate,
    }.get(name)
    return get_args(hint) if hint else ()


@dataclass(frozen=True)
class Options:
    """One reading of the model. Defaults are the ``best`` reading; see :data:`OPTION_NOTES`."""

    probability: Probability = "all-pairs"
    votes: Votes = "risk"
    perception: Perception = "perceiver"
    view: View = "receiver"
    offer: OfferChoice = "kind-threat"
    compromise: Compromise = "ratio"
    risk: RiskUpdate = "each-round"
    q: float = 1.0
    t: float | str = CLOSER

    def __post_init__(self) -> None:
        for field in fields(self):
            allowed = _allowed(field.name)
            if allowed and getattr(self, field.name) not in allowed:
                raise ValueError(f"{field.name} must be one of {', '.join(allowed)}")
        if not 0.0 <= self.q <= 1.0:
            raise ValueError("q must be in [0, 1]")
        if self.t != CLOSER and not (isinstance(self.t, float) and 0.0 <= self.t <= 1.0):
            raise ValueError(f"t must be {CLOSER!r} or a number in [0, 1]")

    def changed_from(self, other: Options) -> dict[str, Any]:
        """The fields where this reading differs from ``other``."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) != getattr(other, f.name)}


READINGS: dict[str, Options] = {
    "best": Options(),
    "paper-literal": Options(probability="pair", votes="linear", offer="nearest", compromise="weighted"),
}
"""Named readings. ``best`` reproduces 15 of Scholz's 16 published values within 0.07."""


@dataclass(frozen=True)
class OptionNote:
    question: str
    literal: str
    best: str
    values: dict[str, str]


OPTION_NOTES: dict[str, OptionNote] = {
    "probability": OptionNote(
        "How is the probability that a challenger beats its target normalised?",
        "pair",
        "all-pairs",
        {
            "pair": "votes for the challenger over all votes cast in this pair (Scholz eq. 30); P_ij + P_ji = 1",
            "all-pairs": "votes for the challenger over all votes cast in every pair (Scholz's code, as the "
            "jmckib replication reports it); probabilities near 0.01",
            "pair-net": "net votes for the challenger, floored at 0, over all votes in the pair (dmasad replication)",
        },
    ),
    "votes": OptionNote(
        "Do third parties vote with risk-shaped utilities?",
        "linear",
        "risk",
        {
            "risk": "a voter's utility for a position is its distance raised to its own risk exponent",
            "linear": "votes are capability x salience x difference in distance (the median-voter equation)",
        },
    ),
    "perception": OptionNote(
        "Whose risk exponent does actor i use when it estimates j's expected utility?",
        "perceiver",
        "perceiver",
        {
            "perceiver": "i's own (i does not know j's attitude to risk)",
            "own": "j's (i's estimate equals j's own expected utility)",
        },
    ),
    "view": OptionNote(
        "Whose estimates place a pair in an octant?",
        "receiver",
        "receiver",
        {
            "receiver": "the actor that would move: it gives way when its own estimates say it loses",
            "proposer": "the actor that would gain: it makes the offer when its estimates say it wins",
        },
    ),
    "offer": OptionNote(
        "Which offer does an actor take when it gets several?",
        "nearest",
        "kind-threat",
        {
            "nearest": "the one that moves it least (the prose of Bueno de Mesquita and of Scholz)",
            "kind-nearest": "confrontation before compromise before capitulation; the nearest of that kind",
            "kind-threat": "by kind as above; among compromises the one whose proposer expects most from "
            "challenging it, else the nearest",
            "scholz-code": "by kind; among compromises the lowest expected-utility-weighted position "
            "(Scholz's code as jmckib reports it; not invariant to reversing the scale)",
        },
    ),
    "compromise": OptionNote(
        "Where does a compromise put the actor that gives way?",
        "weighted",
        "ratio",
        {
            "ratio": "it moves the fraction |E U_ij| / E U_ji of the way to the proposer",
            "weighted": "to the mean of both positions weighted by the two expected utilities",
        },
    ),
    "risk": OptionNote(
        "Are risk exponents re-estimated each round?",
        "each-round",
        "each-round",
        {
            "each-round": "reset to 1 and re-estimated from each actor's security every round",
            "once": "estimated in round 1 and kept",
            "never": "every actor risk-neutral (r = 1)",
        },
    ),
    "q": OptionNote(
        "Q: the probability that, unchallenged, the target's position stays put",
        "1.0",
        "1.0",
        {"number in [0, 1]": "Scholz's Table 2 uses Q = 1.0, which switches the T term off"},
    ),
    "t": OptionNote(
        "T: the probability that, if it does move unchallenged, the target moves the challenger's way",
        CLOSER,
        CLOSER,
        {
            CLOSER: "1 if the challenger is nearer the median than the target, else 0",
            "number in [0, 1]": "the same T for every pair",
        },
    ),
}


def reading(name: str, changes: list[str] | tuple[str, ...] = ()) -> Options:
    """A named reading with ``key=value`` changes, as the CLI's ``--reading`` and ``--option`` give them."""
    if name not in READINGS:
        raise InputError("--reading", "", f"unknown reading; allowed: {', '.join(READINGS)}", name)
    options = READINGS[name]
    for text in changes:
        key, _, raw = text.partition("=")
        key = key.strip().lower()
        if key not in OPTION_NOTES or not raw.strip():
            raise InputError("--option", text, f"expected KEY=VALUE with KEY one of {', '.join(OPTION_NOTES)}")
        try:
            options = replace(options, **{key: _value(key, raw.strip())})
        except ValueError as err:
            raise InputError("--option", key, str(err), raw.strip()) from None
    return options


def _value(key: str, raw: str) -> Any:
    if key == "q" or (key == "t" and raw != CLOSER):
        try:
            return float(raw)
        except ValueError:
            raise ValueError(f"{key} must be a number in [0, 1]" + (f" or {CLOSER!r}" if key == "t" else "")) from None
    return raw
