"""A run's timeline in plain words, read from the records the model keeps for replication 0."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from model.core import records as rec

MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

ACTS = {
    "strategic_test": "The DPRK holds a strategic test",
    "launch": "The DPRK launches a satellite",
    "short_range": "The DPRK fires short-range missiles",
    "exercise": "The US and ROK hold a major exercise",
    "resolution": "The Security Council passes a new resolution: the enforcement gap narrows",
}
CAUSES = {
    "walked_away": "walked away",
    "covered_test": "a strategic test the text covers",
    "covered_launch": "a satellite launch the US reads as covered",
    "exercise": "exercises against the agreed restraint",
    "late_step": "a step overdue beyond the tolerance",
    "withheld_benefit": "benefits withheld",
    "new_sanctions": "new sanctions",
}


def calendar(start: str, month: int) -> str:
    """The calendar month of model month ``month`` (month 1 is the start month).

    >>> calendar("2019-11", 3)
    'Jan 2020'
    """
    year, first = int(start[:4]), int(start[5:7])
    index = first - 1 + month - 1
    return f"{MONTH_NAMES[index % 12]} {year + index // 12}"


def _name(text: str) -> str:
    return text.replace("_", " ")


def _values(values: dict[str, float]) -> str:
    return ", ".join(f"{_name(k)} {_number(v)}" for k, v in values.items() if v > -1e9)


def _number(v: float) -> str:
    """Three decimals, or four significant digits for the small values of a month's step."""
    return f"{v:.3f}" if abs(v) >= 0.01 or v == 0 else f"{v:.2e}"


def line(r: rec.Record) -> str | None:
    """One record in words, with the values compared; None for records the timeline leaves out."""
    match r:
        case rec.Scripted(label=label):
            return f"{label}."
        case rec.Deadline(measure="laborers"):
            return "UN deadline for sending DPRK workers abroad home (UNSCR 2397)."
        case rec.Activity(kind=kind, tension=tension):
            added = f"; tension +{tension:.2f}" if tension > 0 else ""
            return f"{ACTS.get(kind, kind)}{added}."
        case rec.Chose(actor=actor, decision="enforce", chosen=chosen, values=values, detail=detail):
            verb = "tightens" if chosen == "more" else "loosens"
            return (
                f"{actor} {verb} its enforcement: {detail.get('shift', 0.0):+.2f} of the mandate since the start "
                f"(this month: {_values(values)})."
            )
        case rec.Chose(actor=actor, decision="aid", chosen=chosen, values=values):
            verb = "withholds its share of the aid" if chosen == "withhold" else "pays its share of the aid"
            return f"{actor} {verb} ({_values(values)})."
        case rec.Chose(actor=actor, decision="provoke", chosen=chosen, values=values):
            return f"{actor} chooses {_name(chosen)} ({_values(values)})."
        case rec.Chose(actor=actor, decision=decision, chosen=chosen, values=values):
            return f"{actor} {_name(decision)}: {_name(chosen)} ({_values(values)})."
        case rec.Tabled(actor=actor, offer=None, no_deal=no_deal):
            return f"{actor} tables nothing: no proposal beats no agreement ({no_deal:.3f})."
        case rec.Tabled(actor=actor, offer=offer, brokered=True, point=point):
            return f"{actor}, brokering, tables a compromise at {list(point)}."
        case rec.Tabled(actor=actor, offer=offer, expected=ev, no_deal=no_deal, odds=odds):
            return (
                f"{actor} tables {_name(offer)} (expected {ev:.3f} against no agreement {no_deal:.3f}; "
                f"it puts the chance of signature at {odds:.0%})."
            )
        case rec.Answered(actor=a, accepts=yes, value=v, status_quo=sq, waiting=w, margin=m, veto=veto):
            verb = "accepts" if yes else "rejects"
            who = a if veto else f"({a}, not a veto player)"
            against = f"no agreement {sq + w:.3f} (status quo {sq:.3f} + waiting {w:.3f}) + margin {m:.3f}"
            return f"  {who} {verb}: value {v:.3f} against {against}."
        case rec.Signed(offer=offer, kind=kind, steps=steps, format=fmt, scope=scope):
            body = "a framework of principles" if kind == "framework" else f"an agreement in {steps} step(s)"
            return (
                f"Signed in {_name(fmt)} talks: {_name(offer)}, {body}; tests {_name(scope['tests'])}, "
                f"launches {_name(scope['launches'])}."
            )
        case rec.NoAgreement(format=fmt):
            return f"No agreement in these {_name(fmt)} talks."
        case rec.FormatChanged(broker=broker):
            return f"{broker} calls for six-party talks and both veto players consent: the next round is six-party."
        case rec.Breach(by=by, seen_by=seen_by, cause=cause):
            return f"{seen_by} reads this as a breach by {by}: {CAUSES.get(cause, cause)}."
        case rec.StepDelivered(step=step, steps=steps, late=late, relief=relief):
            return f"Step {step} of {steps} delivered{' late' if late else ''}; relief in force {relief:.2f}."
        case rec.StepHeldUp(step=step, months_late=months):
            return f"Step {step} is held up by a side dispute ({months} month(s) late)."
        case rec.Collapsed(cause=cause, by=by, ended_by=ender):
            return f"The agreement collapses: {CAUSES.get(cause, cause)} ({by}); {ender} ends it."
        case rec.Moved(actor=actor, toward=toward, issue=issue, change=change):
            return f"{actor}'s position on {_name(issue)} moves {change:+.2f} toward {' and '.join(toward)}."
    return None


def timeline(records: Iterable[rec.Record], start: str) -> str:
    """Month-by-month text: quiet months are left out."""
    out: list[str] = []
    month = None
    for r in records:
        text = line(r)
        if text is None:
            continue
        if r.month != month:
            month = r.month
            out.append(f"{calendar(start, month)} (month {month})")
        out.append(f"  {text}")
    return "\n".join(out) if out else "  Nothing happened: no talks, tests or exercises."


def outcome_text(row: dict[str, Any], start: str) -> str:
    """The outcome of one run in a few lines."""
    lines = [f"Outcome: {_name(row['outcome_class'])}"]
    if row["deal_reached"]:
        month = int(row["month_agreed"])
        lines.append(
            f"  first agreement in month {month} ({calendar(start, month)}); latest: {_name(row['package'])} "
            f"({row['agreement_kind']}, {row['steps_delivered']} of {row['steps']} steps delivered), signed in "
            f"{_name(row['signing_format'])} talks; in force {row['months_held']} months; agreements signed: "
            f"{row['deals_signed']}"
        )
        if row["collapsed"]:
            lines.append(
                f"  it collapsed: {CAUSES.get(row['collapse_cause'], row['collapse_cause'])} ({row['collapsed_by']})"
            )
    lines.append(
        f"  DPRK capability {row['capability_end']:.2f}, income {row['income_end']:.2f} of unsanctioned, "
        f"pressure {row['pressure_end']:.2f}; tests {row['tests']}, launches {row['launches']}, short-range "
        f"{row['short_range']}; tension peak {row['tension_peak']:.2f}, mean {row['tension_mean']:.2f}; "
        f"final format {_name(row['final_format'])}"
    )
    utilities = ", ".join(f"{k.removeprefix('utility_')} {v:.2f}" for k, v in row.items() if k.startswith("utility_"))
    lines.append(f"  realised utility: {utilities}")
    return "\n".join(lines)
