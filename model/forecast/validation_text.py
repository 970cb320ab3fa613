"""Markdown for the generated sections of ``docs/FORECAST.md`` (numbers from :mod:`.validation`)."""

from __future__ import annotations

import numpy as np

from model.forecast.eum import Forecast, forecast
from model.forecast.options import OPTION_NOTES, Options
from model.forecast.report import number_format
from model.forecast.tables import read_table, shipped_tables
from model.forecast.validation import (
    EC_CASE,
    PUBLISHED_MEAN,
    PUBLISHED_MEDIAN,
    ROUND_TWO,
    Deviation,
    FirstRound,
    RoundTwo,
    deviation,
)


def table2_markdown(best: Forecast, literal: Forecast) -> str:
    """The 16 published values beside the best and the paper-literal readings."""
    b, lit = deviation(best), deviation(literal)
    lines = [
        f"Baselines (starting positions): weighted mean {best.baseline_mean:.2f}, weighted median "
        f"{best.baseline_median:.2f} (hand computation: 7.39 and 7.0).",
        "",
        "| round | median, Table 2 | best | diff | paper-literal | diff | mean, Table 2 | best | diff "
        "| paper-literal | diff |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for k in range(len(PUBLISHED_MEDIAN)):
        lines.append(
            f"| {k + 1} | {PUBLISHED_MEDIAN[k]:.1f} | {best.rounds[k].median:.2f} | {b.median[k]:+.2f} "
            f"| {literal.rounds[k].median:.2f} | {lit.median[k]:+.2f} | {PUBLISHED_MEAN[k]:.1f} "
            f"| {best.rounds[k].mean:.2f} | {b.mean[k]:+.2f} | {literal.rounds[k].mean:.2f} | {lit.mean[k]:+.2f} |"
        )
    lines += [
        "",
        f"Best reading: largest deviation {b.all16:.2f} over all 16 values (the round-2 median), "
        f"{b.fifteen:.2f} over the other 15. Paper-literal reading: {lit.all16:.2f} over all 16.",
    ]
    return "\n".join(lines)


def options_markdown(
    effects: list[tuple[str, str, float, float]], literal: Deviation, t_at_half: list[tuple[str, str, float, float]]
) -> str:
    """Every option value, one change from the best reading, and its largest deviation from Table 2."""
    lines = [
        "| option | value | reading | largest deviation, 16 values | largest deviation, 15 values |",
        "|---|---|---|---:|---:|",
    ]
    for name, value, all16, fifteen in effects:
        note = OPTION_NOTES[name]
        tags = [tag for tag, v in (("best", note.best), ("paper-literal", note.literal)) if _same(v, value)]
        lines.append(f"| {name} | {value} | {', '.join(tags)} | {all16:.2f} | {fifteen:.2f} |")
    lines += [
        "",
        f"All paper-literal values together (the `paper-literal` reading): {literal.all16:.2f} over 16 values, "
        f"{literal.fifteen:.2f} over 15.",
        "",
        "T enters only when Q < 1. With Q = 0.5 the choice of T gives: "
        + "; ".join(f"T = {value}: {all16:.2f}" for _, value, all16, _ in t_at_half)
        + " (largest deviation over 16 values).",
    ]
    return "\n".join(lines)


def _same(documented: str, value: str) -> bool:
    try:
        return float(documented) == float(value)
    except ValueError:
        return documented == value


def round_two_markdown(move: RoundTwo, best: Forecast, early: Forecast) -> str:
    """Why round 2 reads 9.61, and what a 9.9 there would do to rounds 3 to 8."""
    published = PUBLISHED_MEDIAN[ROUND_TWO]
    rows = [
        "| round | 3 | 4 | 5 | 6 | 7 | 8 |",
        "|---|---:|---:|---:|---:|---:|---:|",
        "| median, Table 2 | " + " | ".join(f"{v:.1f}" for v in PUBLISHED_MEDIAN[2:]) + " |",
        "| median, best reading | " + " | ".join(f"{r.median:.2f}" for r in best.rounds[2:]) + " |",
        f"| median, Belgium at {published} after round 2 | "
        + " | ".join(f"{r.median:.2f}" for r in early.rounds)
        + " |",
        "| mean, Table 2 | " + " | ".join(f"{v:.1f}" for v in PUBLISHED_MEAN[2:]) + " |",
        "| mean, best reading | " + " | ".join(f"{r.mean:.2f}" for r in best.rounds[2:]) + " |",
        f"| mean, Belgium at {published} after round 2 | " + " | ".join(f"{r.mean:.2f}" for r in early.rounds) + " |",
    ]
    return "\n".join(
        [
            f"After round 1 Belgium holds the median at {move.start:.3f}. In round 2 its best offer is a compromise "
            f"with {move.proposer} (and Italy, identical): by its own estimates it would lose "
            f"{-move.loss:.4f} by challenging France and France would gain {move.threat:.4f} by challenging it, so it "
            f"moves the share {-move.loss:.4f} / {move.threat:.4f} = {move.share:.3f} of the way to 10, to "
            f"{move.end:.3f}. Table 2's {published} needs a share of {move.share_for_published:.3f}.",
            "",
            *rows,
        ]
    )


def inputs_markdown(rounds: int = 10) -> str:
    """Every shipped table under the best reading: per-round medians and means beside the baselines."""
    lines = []
    for name, path in shipped_tables().items():
        if name == EC_CASE:
            continue
        t = read_table(path)
        f = forecast(t.position, t.capability, t.salience, Options(), rounds)
        fmt = number_format(float(np.ptp(t.position)))
        settled = f"settled in round {f.settled}" if f.settled else f"still moving after round {len(f.rounds)}"
        lines += [
            f"**{name}** ({len(t.names)} actors, positions {t.position.min():g} to {t.position.max():g}, saliences "
            f"0-{t.salience_scale:g}): weighted mean {f.baseline_mean:.2f}, weighted median {f.baseline_median:.2f}; "
            f"{settled}.",
            "",
            "| round | " + " | ".join(str(r.number) for r in f.rounds) + " |",
            "|---|" + "---:|" * len(f.rounds),
            "| median | " + " | ".join(f"{r.median:{fmt}}" for r in f.rounds) + " |",
            "| mean | " + " | ".join(f"{r.mean:{fmt}}" for r in f.rounds) + " |",
            "",
        ]
    return "\n".join(lines)


def first_round_markdown(rounds: dict[str, FirstRound]) -> str:
    """Round 1 of the EC case under each named reading."""
    lines = [
        "| reading | P range | pairs where challenging pays | confrontation / compromise / capitulation offers "
        "| round-1 moves |",
        "|---|---|---:|---|---|",
    ]
    for name, f in rounds.items():
        offers = " / ".join(str(f.offers[k]) for k in ("confrontation", "compromise", "capitulation"))
        moves = "; ".join(f"{m} to {o} ({kind}) {end:.2f}" for m, o, kind, end in f.moves)
        lines.append(f"| {name} | {f.p_low:.3f} to {f.p_high:.3f} | {f.gain_share:.0%} | {offers} | {moves} |")
    return "\n".join(lines)
