"""The named things of the domain: actors, issues, proposals, channels, activities, outcome classes.

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
    SECURITY_GUARANTEES = "security_guarantees"  # 0 none .. 1 international, legally binding
    ECONOMIC_COOPERATION = "economic_cooperation"  # 0 none .. 1 rail, pipelines, laborers


class Proposal(_Indexed):
    BIG_DEAL = "big_deal"
    PHASED_RELIEF = "phased_relief"
    FREEZE_FOR_FREEZE = "freeze_for_freeze"
    SIX_PARTY_REVIVAL = "six_party_revival"
    FRAMEWORK_STATEMENT = "framework_statement"  # principles only, as at Singapore (background E10)
    STATUS_QUO = "status_quo"


class Package(_Indexed):
    """What was signed: a named proposal, or the compromise a broker blended (the state's ``package``).

    The named proposals keep their :class:`Proposal` index, so a package and the proposal it names
    share a number; the compromise comes after them.
    """

    BIG_DEAL = "big_deal"
    PHASED_RELIEF = "phased_relief"
    FREEZE_FOR_FREEZE = "freeze_for_freeze"
    SIX_PARTY_REVIVAL = "six_party_revival"
    FRAMEWORK_STATEMENT = "framework_statement"
    STATUS_QUO = "status_quo"
    COMPROMISE = "compromise"


class AgreementKind(_Indexed):
    """What kind of text an offer is: a framework has no schedule and no relief; an agreement has steps."""

    FRAMEWORK = "framework"
    AGREEMENT = "agreement"


class Coverage(_Indexed):
    """Whether an agreement's text covers a DPRK activity; each party reads "ambiguous" its own way."""

    NOT_COVERED = "not_covered"
    AMBIGUOUS = "ambiguous"
    COVERED = "covered"


class Activity(_Indexed):
    """What the DPRK does in a month, from nothing to a strategic (nuclear or long-range missile) test."""

    NONE = "none"
    SHORT_RANGE = "short_range"  # below-threshold launches: never covered by a deal
    LAUNCH = "launch"  # a satellite launch: covered as the scope says
    STRATEGIC_TEST = "strategic_test"  # a nuclear or ICBM test


SCOPED_ACTIVITIES = (Activity.STRATEGIC_TEST, Activity.LAUNCH)
"""Activities an agreement's scope speaks to, in the order of the scope axis (tests, launches)."""


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


class ReliefFrom(_Indexed):
    """Which sanctions an agreement's relief lifts (Hanoi: the DPRK asked for UN measures only, E11)."""

    UN_AND_US = "un_and_us"  # the UN's measures and the US's own (secondary) sanctions alike
    UN = "un"  # UN measures only: the US keeps its own sanctions
    US = "us"  # the US's own sanctions (and benefits) only


class OutcomeClass(_Indexed):
    """Historians' classes, read by implementation at the end of the window (BACKGROUND.md)."""

    NO_DEAL = "no_deal"
    PARTIAL_DEAL = "partial_deal"
    DEAL = "deal"
    COLLAPSE = "collapse"


class Cause(_Indexed):
    """Why an agreement ended: recorded when it collapses."""

    NONE = "none"
    WALKED_AWAY = "walked_away"  # a party judged walking away worth more than staying
    COVERED_TEST = "covered_test"  # a strategic test the other side reads as covered
    COVERED_LAUNCH = "covered_launch"  # a launch the other side reads as covered (E8)
    EXERCISE = "exercise"  # exercises held against an agreed restraint
    LATE_STEP = "late_step"  # a step overdue beyond the tolerance, treated as withheld
    WITHHELD_BENEFIT = "withheld_benefit"  # a promised benefit withheld (E1's fuel oil)
    NEW_SANCTIONS = "new_sanctions"  # a new sanction while the agreement was in force


VETO_PLAYERS = (Actor.US, Actor.DPRK)
ALLIES_OF_US = (Actor.ROK, Actor.JPN)
PATRONS_OF_DPRK = (Actor.CHN, Actor.RUS)
BROKERS = (Actor.RUS, Actor.CHN, Actor.ROK)
"""Who may broker a proposal or a change of format (Russia's and China's six-party call; the ROK at Singapore)."""
EXERCISING = (Actor.US, Actor.ROK)

N_ACTORS = len(Actor)
N_ISSUES = len(Issue)
N_PROPOSALS = len(Proposal)
