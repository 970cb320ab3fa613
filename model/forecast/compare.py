"""Two lenses on the same actors: the expected-utility forecast beside where the agent model's deals land.

For each shipped scenario and issue: the baselines, the forecast under the ``best`` and
``paper-literal`` readings, and the mean agreed point of the agent model's deals over seeded runs
(:func:`model.results.runs.run_replications`). Regenerate the tables in ``docs/FORECAST.md`` with::

    python -m model.forecast.compare --write docs/FORECAST.md

which also rewrites the validation sections (:mod:`model.forecast.validation`).
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model.forecast.eum import forecast
from model.forecast.options import READINGS
from model.forecast.tables import scenario_table

REPLICATIONS = 1000
ROOT_SEED = 0


def deal_points(spec, n: int = REPLICATIONS, seed: int = ROOT_SEED) -> dict[str, dict]:
    """Per issue: the share of ``n`` seeded runs that reach a deal, and the mean agreed point over them.

    Also, under the key ``"deals"``: which packages were signed and in which talks format (shares of deals).
    """
    from model.core.domain import Issue
    from model.results.runs import run_replications

    out = run_replications(spec, seed, n)
    reached = np.asarray(out["deal_reached"], dtype=bool)
    points: dict[str, dict] = {"deals": {"package": _shares(out["package"], reached)}}
    points["deals"]["format"] = _shares(out["signing_format"], reached)
    for issue in Issue:
        agreed = np.asarray(out[f"deal_{issue.value}"], dtype=float)[reached]
        agreed = agreed[np.isfinite(agreed)]
        points[issue.value] = {
            "deal_rate": float(reached.mean()),
            "mean_deal_point": float(agreed.mean()) if agreed.size else None,
        }
    return points


def _shares(values, reached: np.ndarray) -> dict[str, float]:
    """Share of each value among the runs with a deal, largest first."""
    names, counts = np.unique(np.asarray(values)[reached].astype(str), return_counts=True)
    order = np.argsort(-counts, kind="stable")
    return {str(names[k]): float(counts[k] / counts.sum()) for k in order}


@dataclass(frozen=True)
class Row:
    scenario: str
    issue: str
    weighted_mean: float
    weighted_median: float
    best: float
    literal: float
    deal_rate: float
    deal_point: float | None
    deals: dict


def comparison(n: int = REPLICATIONS, seed: int = ROOT_SEED, rounds: int = 10) -> list[Row]:
    """One row per shipped scenario and issue."""
    from model.core.domain import Issue
    from model.scenario.loader import load_scenario, shipped_scenarios

    rows = []
    for name in [s for s in shipped_scenarios() if "/" not in s]:  # the analyst's scenarios, not history
        spec = load_scenario(name)
        agent = deal_points(spec, n, seed)
        for issue in Issue:
            t = scenario_table(spec, issue)
            best, literal = (
                forecast(t.position, t.capability, t.salience, READINGS[r], rounds) for r in ("best", "paper-literal")
            )
            point = agent[issue.value]
            rows.append(
                Row(
                    name,
                    issue.value,
                    best.baseline_mean,
                    best.baseline_median,
                    best.median,
                    literal.median,
                    point["deal_rate"],
                    point["mean_deal_point"],
                    agent["deals"],
                )
            )
    return rows


def comparison_markdown(rows: list[Row], n: int = REPLICATIONS, seed: int = ROOT_SEED) -> str:
    """Per scenario, a table of the forecasts beside the agent model's mean agreed point; then a summary."""
    parts = []
    for scenario in dict.fromkeys(r.scenario for r in rows):
        mine = [r for r in rows if r.scenario == scenario]
        parts += [
            f"**{scenario}**: deals in {mine[0].deal_rate:.0%} of {n} runs (root seed {seed})" + _deals(mine[0].deals),
            "",
            "| issue | weighted mean | weighted median | EUM best | EUM paper-literal | agent model deals "
            "| deals - EUM best |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        parts += [_row(r) for r in mine]
        parts.append("")
    parts += _summary(rows)
    return "\n".join(parts).rstrip() + "\n"


def _deals(deals: dict) -> str:
    if not deals["package"]:
        return ""
    packages = ", ".join(f"{name.replace('_', ' ')} {share:.0%}" for name, share in deals["package"].items())
    formats = ", ".join(f"{name.replace('_', ' ')} {share:.0%}" for name, share in deals["format"].items())
    return f"; packages signed: {packages}; talks format at signing: {formats}"


def _row(r: Row) -> str:
    deal = "no deal" if r.deal_point is None else f"{r.deal_point:.2f}"
    gap = "" if r.deal_point is None else f"{r.deal_point - r.best:+.2f}"
    return (
        f"| {r.issue} | {r.weighted_mean:.2f} | {r.weighted_median:.2f} | {r.best:.2f} | {r.literal:.2f} "
        f"| {deal} | {gap} |"
    )


def _summary(rows: list[Row]) -> list[str]:
    """Mean absolute distance from the agent model's deals to each lens, over cells with deals."""
    cells = [r for r in rows if r.deal_point is not None]
    if not cells:
        return ["No scenario reached a deal in any run."]
    lenses = {
        "weighted mean": [r.weighted_mean for r in cells],
        "weighted median": [r.weighted_median for r in cells],
        "EUM best": [r.best for r in cells],
        "EUM paper-literal": [r.literal for r in cells],
    }
    deals = np.array([r.deal_point for r in cells])
    lines = [
        f"Mean absolute distance from the agent model's mean agreed point, over {len(cells)} scenario-issue cells:",
        "",
        "| lens | mean absolute distance | cells within 0.10 | closest lens in cells |",
        "|---|---:|---:|---:|",
    ]
    gaps = {name: np.abs(deals - np.array(values)) for name, values in lenses.items()}
    nearest = np.argmin(np.vstack(list(gaps.values())), axis=0)
    for k, (name, gap) in enumerate(gaps.items()):
        lines.append(f"| {name} | {gap.mean():.3f} | {int((gap <= 0.10).sum())} | {int((nearest == k).sum())} |")
    lines += ["", "Ties for the closest lens go to the lens listed first."]
    return lines


BEGIN, END = "<!-- BEGIN generated: {name} -->", "<!-- END generated: {name} -->"


def replace_section(text: str, name: str, body: str) -> str:
    """Replace what lies between the section's BEGIN and END markers (both must exist)."""
    begin, end = BEGIN.format(name=name), END.format(name=name)
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), flags=re.DOTALL)
    if not pattern.search(text):
        raise ValueError(f"markers for section {name!r} not found")
    return pattern.sub(lambda _: f"{begin}\n{body.rstrip()}\n{end}", text, count=1)


def section(text: str, name: str) -> str:
    """What lies between a section's markers, as :func:`replace_section` writes it."""
    begin, end = BEGIN.format(name=name), END.format(name=name)
    return text[text.index(begin) + len(begin) : text.index(end)].strip("\n") + "\n"


def generated_sections(n: int = REPLICATIONS, seed: int = ROOT_SEED) -> dict[str, str]:
    from model.forecast.validation import validation_sections

    return {**validation_sections(), "comparison": comparison_markdown(comparison(n, seed), n, seed)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m model.forecast.compare", description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", type=Path, default=None, help="rewrite the generated sections of this file")
    parser.add_argument("--replications", type=int, default=REPLICATIONS)
    parser.add_argument("--seed", type=int, default=ROOT_SEED)
    args = parser.parse_args(argv)
    sections = generated_sections(args.replications, args.seed)
    if args.write is None:
        print("\n\n".join(sections.values()))
        return 0
    text = args.write.read_text(encoding="utf-8")
    for name, body in sections.items():
        text = replace_section(text, name, body)
    args.write.write_text(text, encoding="utf-8")
    print(f"Rewrote {len(sections)} sections of {args.write}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
