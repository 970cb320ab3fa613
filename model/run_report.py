"""What ``peninsula run`` prints and writes, for one run or for many replications."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from model.narrate import outcome_text, timeline
from model.outcomes import outcomes
from model.records import (
    TableWriter,
    manifest,
    monthly_table,
    plain,
    prepare_out_dir,
    row,
    write_json,
    write_table,
)
from model.runs import replication_batches, run_one
from model.scenario import Scenario
from model.summary import Tally, summary_text


def report_one(spec: Scenario, path: Path, args: argparse.Namespace) -> int:
    out_dir = prepare_out_dir(args.out) if args.out else None
    model = run_one(spec, args.seed, args.months)
    result = row(outcomes(model))
    record = {
        "manifest": manifest(spec, path, seed=args.seed, months=model.months, overrides=args.overrides),
        "outcome": result,
        "timeline": model.log,
    }
    if args.format == "json":
        print(json.dumps(plain(record), indent=2))
    else:
        start = spec.scenario.start
        print(f"{spec.scenario.name}: {spec.scenario.question}")
        print(f"seed {args.seed}, {model.months} months from {start}\n")
        print(timeline(model.log, start))
        print()
        print(outcome_text(result, start))
    if out_dir:
        written = [
            write_table(monthly_table(model), out_dir / "months", args.table),
            write_json(record, out_dir / "run.json"),
        ]
        _announce(written, args.format)
    return 0


def report_replications(spec: Scenario, path: Path, args: argparse.Namespace) -> int:
    """Summarise the replications batch by batch; with ``--out``, stream every row and month to disk."""
    import pandas as pd

    out_dir = prepare_out_dir(args.out) if args.out else None
    months_table = TableWriter(out_dir / "months", args.table) if out_dir else None
    runs_table = TableWriter(out_dir / "runs", args.table) if out_dir else None
    tally = Tally()
    batches = replication_batches(
        spec, args.seed, args.replications, args.months, monthly=months_table.write if months_table else None
    )
    for batch in batches:
        tally.add(batch)
        if runs_table is not None:
            runs_table.write(pd.DataFrame(batch))
    summary = tally.summary()
    record = {
        "manifest": manifest(
            spec,
            path,
            root_seed=args.seed,
            replications=args.replications,
            months=args.months or spec.scenario.months,
            overrides=args.overrides,
        ),
        "summary": summary,
    }
    if args.format == "json":
        print(json.dumps(plain(record), indent=2))
    else:
        print(f"{spec.scenario.name}: {spec.scenario.question}")
        print(f"root seed {args.seed}, {record['manifest']['months']} months from {spec.scenario.start}\n")
        print(summary_text(summary))
    if out_dir and months_table and runs_table:
        written = [months_table.close(), runs_table.close(), write_json(record, out_dir / "run.json")]
        _announce(written, args.format)
    return 0


def _announce(written: list[Path], fmt: str) -> None:
    if fmt == "text":
        print("\nWrote " + ", ".join(str(p) for p in written))
