"""What ``peninsula run`` prints and writes, for one run or for many replications."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from model.core.errors import InputError
from model.results.columns import record as outcome_record
from model.results.manifest import (
    TableWriter,
    manifest,
    monthly_table,
    plain,
    prepare_out_dir,
    row,
    write_json,
    write_table,
)
from model.results.outcomes import outcomes
from model.results.runs import replication_batches, run_one
from model.results.summary import Tally, summary_text
from model.scenario.schema import Scenario
from model.story.narrate import outcome_text, timeline
from model.sweep.progress import Progress

FAN_MAX = 5_000
"""Replications whose months a fan chart keeps."""


def report_one(spec: Scenario, path: Path, args: argparse.Namespace) -> int:
    plot = _plot_path(args.plot)
    out_dir = prepare_out_dir(args.out) if args.out else None
    posterior = _posterior(args)
    model = run_one(spec, args.seed, args.months, posterior=posterior)
    out = outcomes(model)
    result = row(out)
    record = {
        "manifest": manifest(spec, path, seed=args.seed, months=model.months, overrides=args.overrides)
        | _posterior_note(posterior),
        "outcome": outcome_record(out),
        "timeline": [vars(r) | {"type": type(r).__name__} for r in model.records],
    }
    if args.format == "json":
        print(json.dumps(plain(record), indent=2))
    else:
        start = spec.scenario.start
        print(f"{spec.scenario.name}: {spec.scenario.question}")
        print(f"seed {args.seed}, {model.months} months from {start}{_posterior_words(posterior)}\n")
        print(timeline(model.records, start))
        print()
        print(outcome_text(result, start))
    written = []
    if plot:
        from model import charts

        months = monthly_table(model)
        title = f"{spec.scenario.name}, seed {args.seed}: {spec.scenario.question}"
        written.append(charts.save(charts.run_chart(months, charts.events_of(months, _scripted(spec)), title), plot))
    if out_dir:
        written += [
            write_table(monthly_table(model), out_dir / "months", args.table),
            write_json(record, out_dir / "run.json"),
        ]
    _announce(written, args.format)
    return 0


def report_replications(spec: Scenario, path: Path, args: argparse.Namespace) -> int:
    """Summarise the replications batch by batch; with ``--out``, stream every row and month to disk."""
    plot = _plot_path(args.plot)
    out_dir = prepare_out_dir(args.out) if args.out else None
    months_table = TableWriter(out_dir / "months", args.table) if out_dir else None
    runs_table = TableWriter(out_dir / "runs", args.table, "runs") if out_dir else None
    fan = FanData() if plot else None
    sinks = [sink.write for sink in (months_table, fan) if sink is not None]
    tally = Tally()
    posterior = _posterior(args)
    bar = Progress(args.replications, label="run", log=False)
    bar.begin(0)
    try:
        batches = replication_batches(
            spec,
            args.seed,
            args.replications,
            args.months,
            monthly=(lambda table: [write(table) for write in sinks]) if sinks else None,
            posterior=posterior,
        )
        for batch in batches:
            tally.add(batch)
            if runs_table is not None:
                runs_table.write(batch)
            bar.update(len(batch["seed"]))
    finally:
        bar.close()
    summary = tally.summary()
    record = {
        "manifest": manifest(
            spec,
            path,
            root_seed=args.seed,
            replications=args.replications,
            months=args.months or spec.scenario.months,
            overrides=args.overrides,
        )
        | _posterior_note(posterior),
        "summary": summary,
    }
    if args.format == "json":
        print(json.dumps(plain(record), indent=2))
    else:
        print(f"{spec.scenario.name}: {spec.scenario.question}")
        months = record["manifest"]["months"]
        print(f"root seed {args.seed}, {months} months from {spec.scenario.start}{_posterior_words(posterior)}\n")
        print(summary_text(summary))
    written = []
    if fan is not None and plot is not None:
        written.append(fan.save(spec, args, plot))
    if out_dir and months_table and runs_table:
        written += [months_table.close(), runs_table.close(), write_json(record, out_dir / "run.json")]
    _announce(written, args.format)
    return 0


class FanData:
    """The monthly values a fan chart needs, from the first :data:`FAN_MAX` replications (quantiles settle well
    before that; memory stays small however many replications run)."""

    def __init__(self) -> None:
        self.parts: list = []
        self.kept = 0

    def write(self, table) -> None:
        from model.charts import FAN_COLUMNS

        if self.kept < FAN_MAX:
            part = table[table["replication"] < FAN_MAX][["replication", "month", *FAN_COLUMNS]]
            self.parts.append(part)
            self.kept += part["replication"].nunique()

    def save(self, spec: Scenario, args: argparse.Namespace, path: Path) -> Path:
        import pandas as pd

        from model import charts

        shown = min(args.replications, FAN_MAX)
        of = f"first {shown:,} of {args.replications:,}" if shown < args.replications else f"{shown:,}"
        title = f"{spec.scenario.name}, {of} replications (root seed {args.seed}): {spec.scenario.question}"
        chart = charts.fan_chart(pd.concat(self.parts, ignore_index=True), _scripted(spec), title)
        return charts.save(chart, path)


def _scripted(spec: Scenario) -> list[tuple[int, str]]:
    return [(event.month, event.label) for event in spec.events]


def _plot_path(path: Path | None) -> Path | None:
    """A chart file the run can write: a known format in an existing folder (checked before running)."""
    from model.charts import FORMATS

    if path is None:
        return None
    if path.suffix.lstrip(".").lower() not in FORMATS:
        raise InputError(str(path), "--plot", f"unknown chart format; allowed: {', '.join(FORMATS)}", path.suffix)
    if not path.parent.is_dir():
        raise InputError(str(path), "--plot", "the folder does not exist; create it or give another path")
    return path


def _announce(written: list[Path], fmt: str) -> None:
    if fmt == "text" and written:
        print("\nWrote " + ", ".join(str(p) for p in written))


def _posterior(args: argparse.Namespace):
    """The posterior file of ``--posterior``, read and checked, or None for the nominal point."""
    if getattr(args, "posterior", None) is None:
        return None
    from model.calibration.posterior import read_posterior

    return read_posterior(args.posterior)


def _posterior_note(posterior) -> dict:
    return {} if posterior is None else {"posterior": posterior.path, "posterior_parameters": list(posterior.keys)}


def _posterior_words(posterior) -> str:
    return "" if posterior is None else f"; each run with one draw from the posterior {posterior.path}"
