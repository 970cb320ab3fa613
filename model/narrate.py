"""A run's timeline in plain words, from the notes the model keeps for replication 0."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from model.domain import VETO_PLAYERS

MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def calendar(start: str, month: int) -> str:
    """The calendar month of model month ``month`` (month 1 is the start month).

    >>> calendar("2019-11", 3)
    'Jan 2020'
    """
    year, first = int(start[:4]), int(start[5:7])
    index = first - 1 + month - 1
    return f"{MONTH_NAMES[index % 12]} {year + index // 12}"


def _name(proposal: str) -> str:
    return proposal.replace("_", " ")


def _judgement(actor: str, offer: dict) -> str:
    value, alt, margin = offer["value"][actor], offer["alternative"][actor], offer["margin"][actor]
    verb = "accepts" if offer["accepts"][actor] else "rejects"
    margin = round(margin, 2) + 0.0  # no "-0.00" when a summit cancels the margin
    return f"{actor} {verb} (value {value:.2f}; alternative {alt:.2f} + margin {margin:.2f})"


def _joined(actors: list[str], verb: str) -> str:
    return f"{', '.join(actors)} {verb if len(actors) > 1 else verb + 's'}"


def _talks(talks: dict) -> Iterator[str]:
    kind = "summit" if talks["summit"] else "talks"
    yield f"{talks['format'].replace('_', '-')} {kind}:"
    vetoes = [a.value for a in VETO_PLAYERS]
    for offer in talks["offers"]:
        who = "CHN and RUS, mediating, propose" if offer["by"] == "mediators" else f"{offer['by']} proposes"
        verdicts = "; ".join(_judgement(a, offer) for a in vetoes)
        yield f"  {who} {_name(offer['proposal'])}: {verdicts}."
        others = [a for a in offer["accepts"] if a not in vetoes]
        if talks["format"] == "six_party" and others:
            yes = [a for a in others if offer["accepts"][a]]
            no = [a for a in others if not offer["accepts"][a]]
            parts = ([_joined(yes, "support") + " it"] if yes else []) + ([_joined(no, "object")] if no else [])
            yield f"    ({'; '.join(parts)})"
    if talks["agreed"]:
        agreed = next(o for o in talks["offers"] if all(o["accepts"][a] for a in vetoes))
        yield f"  Agreement signed: {_name(agreed['proposal'])} at {agreed['point']}."
    else:
        yield "  No agreement."


def month_lines(note: dict[str, Any]) -> list[str]:
    lines: list[str] = [f"{label}." for label in note.get("events", [])]
    if note.get("exercise"):
        lines.append("US and ROK hold a major exercise; tension rises.")
    if note.get("test"):
        lines.append("DPRK holds a strategic test; tension rises and trust in the DPRK falls.")
    if note.get("tightened"):
        lines.append("The Security Council tightens sanctions; China and Russia enforce more strictly.")
    if "talks" in note:
        lines.extend(_talks(note["talks"]))
    if note.get("format_switch"):
        lines.append("Russia and China call for six-party talks; the next round is six-party.")
    step = note.get("implementation")
    if step and step["verified"]:
        lines.append(f"Step {step['step']} of {step['steps']} verified; trust grows, relief follows the schedule.")
    for actor in note.get("breach", []):
        lines.append(
            f"{actor} breaches the agreement; trust in {actor} falls and sanctions snap back if the regime says so."
        )
    if note.get("collapse"):
        lines.append("The agreement collapses.")
    return lines


def timeline(notes: list[dict[str, Any]], start: str) -> str:
    """Month-by-month text: quiet months are left out."""
    out = []
    for note in notes:
        lines = month_lines(note)
        if lines:
            out.append(f"{calendar(start, note['month'])} (month {note['month']})")
            out.extend(f"  {line}" for line in lines)
    return "\n".join(out) if out else "  Nothing happened: no talks, tests or exercises."


def outcome_text(row: dict[str, Any], start: str) -> str:
    """The outcome of one run in a few lines."""
    lines = [f"Outcome: {row['outcome_class'].replace('_', ' ')}"]
    if row["deal_reached"]:
        month = int(row["month_agreed"])
        lines.append(
            f"  first agreement in month {month} ({calendar(start, month)}); latest package: {_name(row['package'])}, "
            f"signed in {row['signing_format'].replace('_', '-')} talks; in force {row['months_held']} months; "
            f"agreements signed: {row['deals_signed']}"
        )
    lines.append(
        f"  DPRK capability {row['capability_end']:.2f}, income {row['income_end']:.2f} of unsanctioned, "
        f"pressure {row['pressure_end']:.2f}; tests {row['tests']}; tension peak {row['tension_peak']:.2f}, "
        f"mean {row['tension_mean']:.2f}; final format {row['final_format'].replace('_', '-')}"
    )
    utilities = ", ".join(f"{k.removeprefix('utility_')} {v:.2f}" for k, v in row.items() if k.startswith("utility_"))
    lines.append(f"  realised utility: {utilities}")
    return "\n".join(lines)
