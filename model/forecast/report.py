"""What ``peninsula forecast`` prints and writes: per dimension and round, the median and mean, who moved
toward whom, beside the two baselines (weighted mean and weighted median of the starting positions).

Imports numpy only: the forecast starts fast and never loads Mesa, unless ``--compare`` asks for the
agent model's runs.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
from dataclasses import asdict
from pathlib import Path
from typing import Any

from model.forecast.eum import Forecast, forecast
from model.forecast.options import Options, reading
from model.forecast.tables import ActorTable, read_table, scenario_table

CITATION = "Bueno de Mesquita 1994, as stated by Scholz, Calbert and Smith 2011"
PHRASES = {
    "confrontation": "{m} loses a confrontation to {o}",
    "compromise": "{m} compromises with {o}",
    "capitulation": "{m} gives in to {o}",
}


def forecast_command(args: argparse.Namespace) -> int:
    """``peninsula forecast``: read the actors, forecast each dimension, print, and write ``--out``."""
    from model.results.manifest import prepare_out_dir

    options = reading(args.reading, args.option)
    source, tables = _inputs(args)
    out_dir = prepare_out_dir(args.out) if args.out else None
    results = [
        (table, forecast(table.position, table.capability, table.salience, options, args.rounds)) for table in tables
    ]
    agent = _agent_model(source, tables, args.compare) if args.compare else None
    record = {"manifest": _manifest(source, args, options), "dimensions": [dimension_record(t, f) for t, f in results]}
    if agent is not None:
        for entry in record["dimensions"]:
            entry["agent_model"] = agent[entry["dimension"]]
    print(json.dumps(record, indent=2) if args.format == "json" else text(record))
    if out_dir:
        written = write_out(record, out_dir)
        if args.format == "text":
            print("\nWrote " + ", ".join(str(p) for p in written))
    return 0


def _inputs(args: argparse.Namespace) -> tuple[dict[str, Any], list[ActorTable]]:
    from model.core.errors import InputError

    if args.table is not None:
        if args.scenario is not None or args.issue is not None or args.compare:
            raise InputError(
                "--table", "", "reads one actor table on its own; drop the scenario, --issue and --compare"
            )
        return {"table": args.table}, [read_table(args.table)]
    from model.core.domain import Issue
    from model.scenario.loader import DEFAULT_SCENARIO, load_scenario, resolve

    path = resolve(args.scenario or DEFAULT_SCENARIO)
    spec = load_scenario(path)
    if args.issue is not None and args.issue not in {i.value for i in Issue}:
        raise InputError("--issue", "", f"unknown issue; allowed: {', '.join(i.value for i in Issue)}", args.issue)
    issues = [Issue(args.issue)] if args.issue else list(Issue)
    return {"scenario": spec.scenario.name, "file": path, "spec": spec}, [scenario_table(spec, i) for i in issues]


def _manifest(source: dict[str, Any], args: argparse.Namespace, options: Options) -> dict[str, Any]:
    from model import __version__
    from model.results.manifest import file_hash, git_commit

    path = Path(source.get("file") or source["table"])
    return {
        "package": "peninsula",
        "version": __version__,
        "git_commit": git_commit(),
        "model": f"expected-utility forecast ({CITATION})",
        "input": str(path) if "table" in source else source["scenario"],
        "input_file": str(path),
        "input_file_hash": file_hash(path),
        "reading": args.reading,
        "option_changes": list(args.option),
        "options": asdict(options),
        "max_rounds": args.rounds,
    }


def _agent_model(source: dict[str, Any], tables: list[ActorTable], n: int) -> dict[str, Any]:
    from model.forecast.compare import deal_points

    points = deal_points(source["spec"], n, seed=0)
    return {t.title: {"replications": n, "root_seed": 0, **points[t.title], **points["deals"]} for t in tables}


def dimension_record(table: ActorTable, result: Forecast) -> dict[str, Any]:
    """One dimension as plain data: actors, baselines, every round, the forecast."""
    names = table.names
    return {
        "dimension": table.title,
        "source": table.source,
        "actors": [
            {"name": n, "capability": float(c), "position": float(x), "salience": float(s)}
            for n, c, x, s in zip(names, table.capability, table.position, table.salience, strict=True)
        ],
        "baselines": {"weighted_mean": result.baseline_mean, "weighted_median": result.baseline_median},
        "rounds": [
            {
                "round": r.number,
                "median": r.median,
                "mean": r.mean,
                "positions": dict(zip(names, r.positions.tolist(), strict=True)),
                "risk_exponents": dict(zip(names, r.risk.tolist(), strict=True)),
                "moves": [
                    {"actor": names[m.actor], "toward": names[m.toward], "kind": m.kind, "from": m.start, "to": m.end}
                    for m in r.moves
                ],
            }
            for r in result.rounds
        ],
        "settled": result.settled,
        "forecast": {"median": result.median, "mean": result.mean},
    }


def text(record: dict[str, Any]) -> str:
    """The human-readable report of a whole forecast record."""
    manifest = record["manifest"]
    changes = f", changed: {', '.join(manifest['option_changes'])}" if manifest["option_changes"] else ""
    lines = [
        f"{manifest['input']}: expected-utility forecast ({CITATION})",
        f"reading {manifest['reading']}{changes}; at most {manifest['max_rounds']} rounds, one dimension at a time",
    ]
    for dim in record["dimensions"]:
        lines += ["", *dimension_text(dim)]
    return "\n".join(lines)


def dimension_text(dim: dict[str, Any]) -> list[str]:
    positions = [a["position"] for a in dim["actors"]]
    fmt = number_format(max(positions) - min(positions) or 1.0)
    base = dim["baselines"]
    lines = [
        f"{dim['dimension']} ({len(dim['actors'])} actors)",
        "  start      " + "  ".join(f"{a['name']} {a['position']:{fmt}}" for a in dim["actors"]),
        f"  baselines  weighted mean {base['weighted_mean']:{fmt}}, weighted median {base['weighted_median']:{fmt}}"
        " (capability x salience, starting positions)",
        "  round   median     mean  who moved toward whom",
    ]
    for r in dim["rounds"]:
        moves = [_move_text(m, fmt) for m in r["moves"]] or ["nobody moves"]
        lines.append(f"  {r['round']:5d} {r['median']:8{fmt}} {r['mean']:8{fmt}}  {moves[0]}")
        lines += [" " * 27 + m for m in moves[1:]]
    lines.append("  " + _verdict(dim, fmt))
    if "agent_model" in dim:
        lines.append("  " + _agent_text(dim["agent_model"], fmt))
    return lines


def _move_text(move: dict[str, Any], fmt: str) -> str:
    said = PHRASES[move["kind"]].format(m=move["actor"], o=move["toward"])
    if f"{move['from']:{fmt}}" == f"{move['to']:{fmt}}":  # a step below the shown precision: show it
        fmt = f".{int(fmt[1:-1]) + 3}f"
    return f"{said} ({move['from']:{fmt}} -> {move['to']:{fmt}})"


def _verdict(dim: dict[str, Any], fmt: str) -> str:
    f, base = dim["forecast"], dim["baselines"]
    rounds = len(dim["rounds"])
    if dim["settled"] == 0:
        how = "every actor holds the same position: nothing to negotiate"
    elif dim["settled"]:
        how = f"settled: nobody moved in round {dim['settled']}"
    else:
        how = f"still moving after round {rounds}"
    return (
        f"forecast   median {f['median']:{fmt}}, mean {f['mean']:{fmt}} ({how}); "
        f"baselines {base['weighted_mean']:{fmt}} and {base['weighted_median']:{fmt}}"
    )


def _agent_text(agent: dict[str, Any], fmt: str) -> str:
    runs = f"{agent['replications']} seeded runs (root seed {agent['root_seed']})"
    if agent["mean_deal_point"] is None:
        return f"agent model: no deal in {runs}"
    return (
        f"agent model: deals in {agent['deal_rate']:.0%} of {runs}; mean agreed point {agent['mean_deal_point']:{fmt}}"
    )


def number_format(span: float) -> str:
    """Decimals that resolve a hundredth of the span: 0-1 scale 2, 4-10 scale 2, 0-100 scale 1."""
    decimals = max(1, 2 - math.floor(math.log10(span))) if span > 0 else 2
    return f".{decimals}f"


def write_out(record: dict[str, Any], folder: Path) -> list[Path]:
    """``forecast.json`` (the record), ``rounds.csv`` (median and mean per round), ``positions.csv``."""
    from model.results.manifest import write_json

    rounds, positions = folder / "rounds.csv", folder / "positions.csv"
    with rounds.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["dimension", "round", "median", "mean", "baseline_weighted_mean", "baseline_weighted_median"])
        for dim in record["dimensions"]:
            base = dim["baselines"]
            out.writerow([dim["dimension"], 0, base["weighted_median"], base["weighted_mean"], *base.values()])
            out.writerows([dim["dimension"], r["round"], r["median"], r["mean"], *base.values()] for r in dim["rounds"])
    with positions.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["dimension", "round", "actor", "position", "moved_toward", "kind"])
        for dim in record["dimensions"]:
            out.writerows([dim["dimension"], 0, a["name"], a["position"], "", ""] for a in dim["actors"])
            for r in dim["rounds"]:
                moved = {m["actor"]: m for m in r["moves"]}
                out.writerows(
                    [
                        dim["dimension"],
                        r["round"],
                        name,
                        x,
                        moved.get(name, {}).get("toward", ""),
                        moved.get(name, {}).get("kind", ""),
                    ]
                    for name, x in r["positions"].items()
                )
    return [write_json(record, folder / "forecast.json"), rounds, positions]
