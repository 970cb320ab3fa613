"""The ``peninsula`` command: each subcommand parses, calls one library function, and writes.

Imports of Mesa, numpy and pandas happen inside the commands that need them,
so ``peninsula --help`` and ``peninsula validate`` start fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from model import __version__
from model.errors import InputError

DEFAULT_SCENARIO = "baseline-2019"
SEED_LIMIT = 2**64


def _bounded_int(low: int, high: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is out of range; allowed {low} to {high}")
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="peninsula",
        description="Scenario simulation of the Korean Peninsula nuclear negotiations (Mesa).",
        epilog="Start with: peninsula run baseline-2019. Docs: README.md, docs/ODD.md.",
    )
    parser.add_argument("--version", action="version", version=f"peninsula {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run a scenario and print its timeline and outcome")
    run.add_argument(
        "scenario",
        nargs="?",
        default=DEFAULT_SCENARIO,
        help="a shipped scenario name or a TOML path (default: %(default)s)",
    )
    run.add_argument(
        "--seed",
        type=_bounded_int(0, SEED_LIMIT - 1),
        default=0,
        help="seed of the run, or root seed of the replications (default: 0)",
    )
    run.add_argument(
        "--months", type=_bounded_int(1, 600), default=None, help="months to run (default: the scenario's)"
    )
    run.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override any scenario field by its dotted key; repeatable",
    )
    run.add_argument(
        "--replications",
        type=_bounded_int(1, 10_000_000),
        default=1,
        help="run N seeded replications and print the outcome distribution",
    )
    run.add_argument("--out", type=Path, default=None, help="folder for the monthly table, outcomes and run.json")
    run.add_argument("--format", choices=("text", "json"), default="text", help="how to print the result")
    run.add_argument("--table", choices=("csv", "parquet"), default="csv", help="file type of written tables")

    validate = commands.add_parser("validate", help="check scenario files without running them")
    validate.add_argument("files", nargs="+", type=Path)

    sources = commands.add_parser("sources", help="list every default number with its source")
    sources.add_argument("--format", choices=("markdown", "json"), default="markdown")

    commands.add_parser("scenarios", help="list the shipped scenarios and the questions they ask")
    commands.add_parser("profiles", help="list the behaviour profiles an actor can be given")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = {
        "run": cmd_run,
        "validate": cmd_validate,
        "sources": cmd_sources,
        "scenarios": cmd_scenarios,
        "profiles": cmd_profiles,
    }[args.command]
    try:
        return handler(args)
    except InputError as err:
        print(f"peninsula: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (e.g. `| head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from model.loader import load_scenario

    for path in args.files:
        if not path.is_file():
            raise InputError(str(path), "", "no such file")
        spec = load_scenario(path)
        print(f"ok  {path}: {spec.scenario.name} ({spec.scenario.months} months from {spec.scenario.start})")
    return 0


def cmd_sources(args: argparse.Namespace) -> int:
    from model.provenance import sources, sources_table

    if args.format == "json":
        print(json.dumps({k: vars(v) for k, v in sources().items()}, indent=2))
    else:
        print(sources_table(), end="")
    return 0


def cmd_scenarios(args: argparse.Namespace) -> int:
    from model.loader import load_scenario, shipped_scenarios

    for name in shipped_scenarios():
        print(f"{name}\n    {load_scenario(name).scenario.question}")
    return 0


def cmd_profiles(args: argparse.Namespace) -> int:
    from model.profiles import PROFILES

    for profile in PROFILES.values():
        print(f"{profile.name:12s} {profile.description}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from model.loader import load_scenario, resolve
    from model.run_report import report_one, report_replications

    path = resolve(args.scenario)
    spec = load_scenario(path, args.overrides)
    if args.replications == 1:
        return report_one(spec, path, args)
    return report_replications(spec, path, args)


if __name__ == "__main__":
    raise SystemExit(main())
