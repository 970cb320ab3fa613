"""The named things of the domain: actors, issues, proposals, channels, outcome classes.

Enums make a typo in a scenario file fail at load time instead of silently
creating a seventh actor. Their order is the order of the array axes used by
every rule (``Actor.DPRK.index`` is the DPRK's column).
"""

from __future__ import annotations

from enum import StrEnum


class _Indexed(StrEnum):
    @property
    def index(self) -> int:
        return list(type(self)).index(self)


class Actor(_Indexed):
    US = "US"
    DPRK = "DPRK"
    RUS = "RUS"
    CHN = "CHN"
    ROK = "ROK"
    JPN = "JPN"


class Issue(_Indexed):
    """Policy dimensions, each in [0, 1]."""

    DENUCLEARIZATION = "denuclearization"  # 0 none .. 1 complete, verified
    SANCTIONS_RELIEF = "sanctions_relief"  # 0 full enforcement .. 1 all lifted
    PHASING = "phasing"  # 0 all-at-once big deal .. 1 step-for-step
    EXERCISE_RESTRAINT = "exercise_restraint"  # 0 full exercises .. 1 suspended
    MULTILATERAL_FORMAT = "multilateral_format"  # 0 bilateral .. 1 six-party
    SECURITY_GUARANTEES = "security_guarantees"  # 0 none .. 1 international
    ECONOMIC_COOPERATION = "economic_cooperation"  # 0 none .. 1 rail, pipelines, laborers


class Proposal(_Indexed):
    BIG_DEAL = "big_deal"
    PHASED_RELIEF = "phased_relief"
    FREEZE_FOR_FREEZE = "freeze_for_freeze"
    SIX_PARTY_REVIVAL = "six_party_revival"
    STATUS_QUO = "status_quo"


class Enforcer(_Indexed):
    """States whose enforcement decides how much DPRK income sanctions cut."""

    CHN = "CHN"
    RUS = "RUS"


class Channel(_Indexed):
    TRADE = "trade"
    OIL = "oil"
    COAL = "coal"  # coal exports and re-exports
    LABORERS = "laborers"


class TalksFormat(_Indexed):
    BILATERAL = "bilateral"
    SIX_PARTY = "six_party"


class ReliefSchedule(_Indexed):
    UPFRONT = "upfront"  # all agreed relief at signing
    PER_STEP = "per_step"  # relief in proportion to verified steps
    AT_END = "at_end"  # relief only when every step is verified


class OutcomeClass(_Indexed):
    NO_DEAL = "no_deal"
    PARTIAL_DEAL = "partial_deal"
    DEAL = "deal"
    COLLAPSE = "collapse"


VETO_PLAYERS = (Actor.US, Actor.DPRK)
ALLIES_OF_US = (Actor.ROK, Actor.JPN)
PATRONS_OF_DPRK = (Actor.CHN, Actor.RUS)
MEDIATORS = (Actor.CHN, Actor.RUS)

N_ACTORS = len(Actor)
N_ISSUES = len(Issue)
N_PROPOSALS = len(Proposal)
