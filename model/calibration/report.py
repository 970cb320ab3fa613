"""docs/VALIDATION.md and the terminal summary, written from a results file alone (no model run)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from model.calibration.driver import tolerance
from model.calibration.posterior import band_shares, verdict
from model.history import CLASSES, backcast_text, conditions_text, score_text, words

SHIPPED = Path(__file__).resolve().parents[2] / "docs" / "validation"
"""Where the shipped results, calibration folders and posterior live (in a checkout)."""


def load_results(folder: Path = SHIPPED) -> dict[str, Any]:
    return json.loads((folder / "results.json").read_text())


def cross_validation_rows(results: dict[str, Any]) -> list[str]:
    rows = [
        "| case | scenario | recorded | held-out model: deal / partial / collapse / no deal | modal | match |",
        "|---|---|---|---|---|---|",
    ]
    for c in results["cross_validation"]:
        shares = " / ".join(f"{c['shares'][k]:.0%}" for k in CLASSES)
        match = "yes" if c["strict_match"] else ("loose only" if c["loose_match"] else "no")
        rows.append(
            f"| {c['case']} | history/{c['scenario']} | {words(c['recorded'])} | {shares} | {words(c['modal'])} | "
            f"{match} |"
        )
    strict = sum(c["strict_match"] for c in results["cross_validation"])
    loose = sum(c["loose_match"] for c in results["cross_validation"])
    n = len(results["cross_validation"])
    rows += ["", f"Held-out score: strict {strict} of {n}, loose {loose} of {n}."]
    return rows


def calibration_rows(results: dict[str, Any]) -> list[str]:
    cal = results["calibration"]
    rows = [
        "| parameter | prior range | posterior mean | posterior 5% to 95% | share of the prior range | the record |",
        "|---|---|---|---|---|---|",
    ]
    shares = band_shares(cal["summary"], cal["prior"])
    for key, s in cal["summary"].items():
        low, high = cal["prior"][key]
        rows.append(
            f"| `{key}` | {low:g} to {high:g} | {s['mean']:.3g} | {s['p05']:.3g} to {s['p95']:.3g} | "
            f"{shares[key]:.0%} | {verdict(shares[key])} |"
        )
    return rows


def screen_rows(results: dict[str, Any], top: int = 15) -> list[str]:
    screen = results["calibration"]["screen"]
    chosen = set(results["calibration"]["parameters"])
    rows = ["| parameter | total-order Sobol index | calibrated |", "|---|---|---|"]
    for key, st in list(screen.items())[:top]:
        rows.append(f"| `{key}` | {st:.3f} | {'yes' if key in chosen else 'no'} |")
    return rows


def generation_rows(results: dict[str, Any]) -> list[str]:
    rows = ["| generation | tolerance | median distance | candidates simulated |", "|---|---|---|---|"]
    for i, g in enumerate(results["calibration"]["generations"]):
        rows.append(f"| {i} | {tolerance(g['epsilon'])} | {g['median_distance']:.3f} | {g['simulated']} |")
    return rows


def check_rows(results: dict[str, Any]) -> list[str]:
    rows = [
        "| expectation | measured | nominal: lower side; higher side | holds | posterior: lower; higher | holds |",
        "|---|---|---|---|---|---|",
    ]
    for c in results["checks"]:
        cells = []
        for point in ("nominal", "posterior"):
            lo, hi = c[point]["low"], c[point]["high"]
            cells += [f"{lo[0]:.3g} ({lo[1]:.3g} to {lo[2]:.3g}); {hi[0]:.3g} ({hi[1]:.3g} to {hi[2]:.3g})"]
            cells += ["yes" if c[point]["holds"] else "no"]
        rows.append(f"| {c['expectation']} | {c['column']} | " + " | ".join(cells) + " |")
    return rows


def headline(results: dict[str, Any]) -> list[str]:
    """The numbers the README states (a test checks it states these)."""
    nominal, post = results["nominal"]["score"]["strict"], results["posterior"]["score"]["strict"]
    held = results["cross_validation"]
    hanoi = results["hanoi_2019"]
    return [
        f"Backcast at the nominal point, strict: {score_text(nominal)}.",
        f"Backcast under the posterior, strict: {score_text(post)}.",
        f"Each case predicted by a calibration on the other five, strict: {sum(c['strict_match'] for c in held)} of "
        f"{len(held)}; loose: {sum(c['loose_match'] for c in held)} of {len(held)}.",
        f"`hanoi-2019` ends with no deal in {hanoi['nominal']:.0%} of runs at the nominal point and in "
        f"{hanoi['posterior']:.0%} across the posterior.",
    ]


def reading_rows(results: dict[str, Any]) -> list[str]:
    """What the numbers above mean, computed from them (so the text cannot drift from the results)."""
    cal = results["calibration"]
    checks = results["checks"]
    lost = [c["expectation"] for c in checks if c["nominal"]["holds"] and not c["posterior"]["holds"]]
    screen = list(cal["screen"].values())
    floor = float(sorted(screen)[len(screen) // 2])
    above = [k for k, st in cal["screen"].items() if st > 1.5 * floor]
    shares = band_shares(cal["summary"], cal["prior"])
    pinned = [f"`{k}`" for k, share in shares.items() if verdict(share) == "pins it down"]
    narrowed = [f"`{k}`" for k, share in shares.items() if verdict(share) == "narrows it"]
    rows = [
        f"- The screen's indices come from noisy runs: {len(above)} parameter(s) stand clearly above the rest "
        f"({', '.join(f'`{k}`' for k in above) or 'none'}); the others sit near {floor:.2f}, the share of the "
        "distance's variance that the runs' own randomness leaves, so the order among them means little.",
        f"- The record pins down {', '.join(pinned) or 'no parameter'}, narrows {', '.join(narrowed) or 'none'}, "
        f"and says little about the other {len(shares) - len(pinned) - len(narrowed)} calibrated parameters.",
    ]
    if lost:
        rows.append(
            f"- Under the posterior, {len(lost)} of the {len(checks)} expectations above "
            f"{'no longer holds' if len(lost) == 1 else 'no longer hold'} "
            f"({'; '.join(lost)}). The posterior is fitted to six short historical windows, not to these "
            "patterns: where the two pull the assumptions apart, that is a finding about the model, and one "
            "reason the nominal point stays the default."
        )
    return rows


def results_text(results: dict[str, Any]) -> str:
    """The headline numbers, for the terminal."""
    nominal, post = results["nominal"]["score"], results["posterior"]["score"]
    strict = sum(c["strict_match"] for c in results["cross_validation"])
    n = len(results["cross_validation"])
    hanoi = results["hanoi_2019"]
    return (
        f"Backcast, strict: nominal {score_text(nominal['strict'])}; posterior {score_text(post['strict'])}.\n"
        f"Leave-one-case-out, strict: {strict} of {n}.\n"
        f"hanoi-2019 ends with no deal in {hanoi['nominal']:.0%} of runs at the nominal point and "
        f"{hanoi['posterior']:.0%} across the posterior.\n"
        f"Calibrated: {', '.join(results['calibration']['parameters'])}.\n"
        f"Wall time {results['wall_seconds']:.0f} s.\n"
    )


def validation_markdown(results: dict[str, Any] | None = None) -> str:
    """docs/VALIDATION.md, from the shipped results (``python -m model.docs``)."""
    results = results or load_results()
    s = results["settings"]
    cal = results["calibration"]
    hanoi = results["hanoi_2019"]
    lines = [
        "# Validation: the model against the historical record",
        "",
        "<!-- Generated by `python -m model.docs` from docs/validation/results.json; do not edit by hand. -->",
        "",
        "What this page shows: the six historical cases of `../shared/BACKGROUND.md` run through the model at the",
        "nominal point and under a posterior calibrated on them, how the verdicts move under other plausible",
        "codings, how well a calibration on five cases predicts the sixth, the directions and stylized facts the",
        "theory implies, and what the model does not capture. Every number below comes from",
        "`docs/validation/results.json`, which one command wrote:",
        "",
        "```",
        f"peninsula calibrate --cross-validate --out docs/validation --particles {s['particles']} "
        f"--generations {s['generations']} --replications {s['replications']} --screen-samples "
        f"{s['screen_samples']} --top {s['top']} --seed {s['seed']}",
        "```",
        "",
        f"It took {results['wall_seconds'] / 60:.0f} minutes on 2 cores{_at_a_time(results)} (the calibration on every "
        f"case alone {(cal['wall_seconds'] or 0) / 60:.1f} minutes). A test regenerates this page from that file and "
        "fails on any",
        "difference, and another fails when the shipped posterior was made by a model other than the one in the",
        "repository (its rules, schema or nominal values changed): then run the command again.",
        "",
        "**Defaults.** `run`, `sweep`, `backcast` and the exercises use the nominal point unless given",
        "`--posterior docs/validation/all/posterior.json`. The nominal point is what the sources and the stated",
        "assumptions say; the posterior adds what six short historical windows say about a dozen assumptions, and",
        "six cases are few. An analyst asking how far an answer rests on assumptions should run both.",
        "",
        "## Headline",
        "",
        *(f"- {line}" for line in headline(results)),
        "",
        "## The cases",
        "",
        conditions_text(),
        "",
        "## The backcast at the nominal point",
        "",
        backcast_text(results["nominal"]),
        "",
        "## The backcast under the posterior",
        "",
        backcast_text(results["posterior"]),
        "",
        "## Leave one case out",
        "",
        "Each case is predicted by a posterior calibrated on the other five (its own screen, its own particles).",
        "The model's mechanisms were designed with these six cases in view, so this tests the calibration, not",
        "the structure: a structure fitted to the cases would pass it too.",
        "",
        *cross_validation_rows(results),
        "",
        "## What the record says about the assumptions",
        "",
        f"A Sobol screen (Saltelli design, {s['screen_samples']} base samples, {s['screen_replications']} runs per",
        f"case per set) over all {len(cal['prior'])} assumption-level parameters that no case sets ranks them by",
        "their total-order index for the distance from the record; the top",
        f"{s['top']} are calibrated, the rest stay at their nominal values. The distance is, over cases, the share",
        "of runs whose class differs from the record plus half the error in months held as a share of the case's",
        "window. ABC-SMC (population Monte Carlo) then ran",
        f"{s['generations']} generations of {s['particles']} particles, {s['replications']} runs each per case;",
        "each tolerance is the median distance of the generation before. Effective sample size of the posterior:",
        f"{cal['effective_size']:.0f} of {s['particles']}.",
        "",
        *screen_rows(results),
        "",
        *generation_rows(results),
        "",
        "The posterior against the prior (uniform over each range in `model/data/sources.toml`):",
        "",
        *calibration_rows(results),
        "",
        "## Hanoi and the stylized facts",
        "",
        f"`hanoi-2019` (the analyst's scenario, not a history case) ends with no deal in {hanoi['nominal']:.0%} of",
        f"{hanoi['runs']} runs at the nominal point and in {hanoi['posterior']:.0%} across the posterior (the",
        "record, and the stylized fact the model is held to: at least 80%).",
        "",
        f"Directions the theory implies and stylized facts, {results['runs']} seeded runs per side (mean and 95%",
        "interval; a direction holds when the higher side's mean is higher and the intervals do not overlap):",
        "",
        *check_rows(results),
        "",
        "## Reading it",
        "",
        *reading_rows(results),
        "",
        "## What the model does not capture",
        "",
        "- A summit statement valued for its own sake (E10): in the model a framework is worth to the US only",
        "  what it delivers, so the US does not sign one.",
        "- A pause in talks after a collapse (E8): the next scheduled round may sign the same text again.",
        "- Japan's aid (E5) and the split between UN and US relief (E11) are built simply: Japan pays or",
        "  withholds a fixed share each month, one linkage value standing for its domestic politics; a scenario's",
        "  relief lifts one kind of sanctions for every proposal. Neither changes a case's class at the nominal",
        "  point. The UN deadline for the DPRK's workers abroad is built (`sanctions.laborers_deadline`) but",
        "  falls outside every case's window.",
        "- Domestic politics (elections, leadership changes) and the personal diplomacy of leaders, beyond what",
        "  the trust and profile parameters carry.",
        "- Six cases with windows of 3 to 12 months cannot tell many parameters apart: the table above says which",
        "  the record pins down and which it leaves to the sources and assumptions.",
        "",
    ]
    return "\n".join(lines)


def _at_a_time(results: dict[str, Any]) -> str:
    """How many of the cross-validation's calibrations ran at once (``--workers``), if more than one."""
    workers = min(results.get("workers", 1), 1 + len(results["cross_validation"]))
    return f", its {1 + len(results['cross_validation'])} calibrations {workers} at a time" if workers > 1 else ""
