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
from model.core.domain import Actor
from model.core.errors import InputError, OutputError

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
    run.add_argument(
        "--posterior",
        type=Path,
        default=None,
        metavar="FILE",
        help="a posterior from peninsula calibrate: one draw per run instead of the nominal point",
    )
    run.add_argument("--out", type=Path, default=None, help="folder for the monthly table, outcomes and run.json")
    run.add_argument(
        "--plot",
        type=Path,
        default=None,
        metavar="FILE",
        help="chart of the run over months (with --replications: median and 50%%/90%% bands); .png, .svg or .pdf",
    )
    run.add_argument("--format", choices=("text", "json"), default="text", help="how to print the result")
    run.add_argument("--table", choices=("csv", "parquet"), default="csv", help="file type of written tables")

    validate = commands.add_parser("validate", help="check scenario files without running them")
    validate.add_argument("files", nargs="+", type=Path)
    for command in (run, validate):
        command.add_argument(
            "--scenario-root",
            type=Path,
            default=None,
            metavar="DIR",
            help="let `extends` reach any .toml file under DIR (default: only the including file's folder)",
        )

    sources = commands.add_parser("sources", help="list every default number with its source")
    sources.add_argument("--format", choices=("markdown", "json"), default="markdown")

    commands.add_parser("scenarios", help="list the shipped scenarios and the questions they ask")
    commands.add_parser("profiles", help="list the behaviour profiles an actor can be given")
    commands.add_parser("experiments", help="list the shipped experiments and the questions they ask")

    sweep = commands.add_parser(
        "sweep", help="run an experiment's design of seeded runs into a folder of Parquet chunks"
    )
    sweep.add_argument(
        "experiment", nargs="?", help="a shipped experiment's name (see `peninsula experiments`) or a TOML path"
    )
    sweep.add_argument("--out", type=Path, help="output folder (created; must be empty unless --resume); required")
    sweep.add_argument(
        "--workers",
        type=_bounded_int(1, 4096),
        default=None,
        help="worker processes (default: all cores; 1 runs serially)",
    )
    sweep.add_argument(
        "--scheduler", default=None, metavar="ADDRESS", help="run on a Dask cluster, e.g. tcp://HOST:8786"
    )
    sweep.add_argument(
        "--resume", action="store_true", help="continue an interrupted sweep in --out: run only the missing chunks"
    )
    sweep.add_argument("--quiet", action="store_true", help="no progress bar or log lines")
    sweep.add_argument(
        "--check",
        type=Path,
        metavar="DIR",
        help="run nothing: verify the sweep folder DIR (every chunk against its journal and design); exit 0 if sound",
    )
    sweep.add_argument(
        "--task-timeout",
        type=_bounded_int(1, 7 * 24 * 3600),
        default=3600,
        metavar="SECONDS",
        help="fail the sweep if no chunk finishes for this long (default: %(default)s)",
    )
    sweep.set_defaults(parser=sweep)

    analyze = commands.add_parser(
        "analyze", help="outcome rates with 95%% intervals, sensitivity indices and plots of a sweep"
    )
    analyze.add_argument("folder", type=Path, help="a sweep output folder")

    report = commands.add_parser("report", help="write one self-contained HTML report of a sweep")
    report.add_argument("folder", type=Path, help="a sweep output folder")

    forecast = commands.add_parser(
        "forecast",
        help="Bueno de Mesquita's expected-utility forecast of the actors, issue by issue (docs/FORECAST.md)",
    )
    forecast.add_argument("scenario", nargs="?", default=None, help=f"a scenario (default: {DEFAULT_SCENARIO})")
    forecast.add_argument("--table", type=Path, default=None, help="forecast an actor table (CSV/TSV) instead")
    forecast.add_argument("--issue", default=None, help="one issue dimension only (default: all seven)")
    forecast.add_argument("--rounds", type=_bounded_int(1, 1000), default=10, help="most rounds (default: 10)")
    forecast.add_argument("--reading", default="best", help="best (follows Scholz Table 2) or paper-literal")
    forecast.add_argument(
        "--option", action="append", default=[], metavar="KEY=VALUE", help="change one option of the reading"
    )
    forecast.add_argument(
        "--compare",
        nargs="?",
        const=1000,
        default=None,
        type=_bounded_int(1, 1_000_000),
        metavar="N",
        help="also show where the agent model's deals land over N seeded runs (default N: 1000)",
    )
    forecast.add_argument("--out", type=Path, default=None, help="folder for forecast.json, rounds.csv, positions.csv")
    forecast.add_argument("--format", choices=("text", "json"), default="text", help="how to print the result")
    play = commands.add_parser(
        "play", help="take one actor's seat against the model's other five, in the terminal (docs/PLAY.md)"
    )
    play.add_argument("scenario", nargs="?", default=DEFAULT_SCENARIO, help=f"a scenario (default: {DEFAULT_SCENARIO})")
    play.add_argument(
        "--as",
        dest="seat",
        required=True,
        type=str.upper,
        choices=[a.value for a in Actor],
        help="the actor you play",
    )
    play.add_argument("--seed", type=_bounded_int(0, SEED_LIMIT - 1), default=0, help="seed of the run (default: 0)")
    play.add_argument("--months", type=_bounded_int(1, 600), default=None, help="months (default: the scenario's)")
    play.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    play.add_argument("--log", type=Path, default=None, metavar="FILE", help="save the session (JSON) for replay")
    play.add_argument(
        "--runs",
        type=_bounded_int(1, 100_000),
        default=200,
        help="model-only runs the debrief compares you with (default: 200)",
    )
    exercise = commands.add_parser("exercise", help="worksheets for class, and their keys computed from the model")
    exercise.add_argument("action", choices=("list", "show", "key"), help="list them, show a student's sheet, or a key")
    exercise.add_argument("ref", nargs="?", default=None, help="the exercise's number or id (for show and key)")
    backcast = commands.add_parser(
        "backcast", help="run every historical case and score the model against the record (docs/BACKCAST.md)"
    )
    backcast.add_argument("folder", nargs="?", type=Path, default=None, help="historical scenarios (default: shipped)")
    backcast.add_argument("--replications", type=_bounded_int(1, 1_000_000), default=200, help="per case (default 200)")
    backcast.add_argument("--seed", type=_bounded_int(0, SEED_LIMIT - 1), default=2019, help="root seed (default 2019)")
    backcast.add_argument("--no-sensitivity", action="store_true", help="skip the other-codings table")
    backcast.add_argument("--format", choices=("text", "json"), default="text", help="how to print the result")
    backcast.add_argument(
        "--posterior", type=Path, default=None, metavar="FILE", help="one posterior draw per replication"
    )
    calibrate = commands.add_parser(
        "calibrate", help="ABC-SMC of the influential assumptions against the historical cases (docs/VALIDATION.md)"
    )
    calibrate.add_argument("folder", nargs="?", type=Path, default=None, help="historical scenarios (default: shipped)")
    calibrate.add_argument("--out", type=Path, required=True, help="folder for checkpoints and posterior.json")
    calibrate.add_argument("--particles", type=_bounded_int(10, 20_000), default=200, help="per generation (200)")
    calibrate.add_argument("--generations", type=_bounded_int(1, 50), default=6, help="ABC-SMC generations (6)")
    calibrate.add_argument(
        "--replications", type=_bounded_int(1, 1000), default=8, help="runs of each particle per case (8)"
    )
    calibrate.add_argument("--screen-samples", type=_bounded_int(2, 4096), default=32, help="Saltelli base sample")
    calibrate.add_argument("--top", type=_bounded_int(1, 100), default=12, help="parameters calibrated (12)")
    calibrate.add_argument("--seed", type=_bounded_int(0, 2**32 - 1), default=2019, help="root seed (2019)")
    calibrate.add_argument("--max-attempts", type=_bounded_int(1, 255), default=40, help="per generation (40)")
    calibrate.add_argument("--leave-out", default=None, metavar="CASE", help="calibrate without one case (E1, ...)")
    calibrate.add_argument(
        "--workers",
        type=_bounded_int(1, 4096),
        default=None,
        help="with --cross-validate: calibrations run at once, in processes (default: all cores; 1 runs serially)",
    )
    calibrate.add_argument(
        "--cross-validate",
        action="store_true",
        help="also calibrate once without each case, backcast it, and write results.json (docs/VALIDATION.md)",
    )
    replay = commands.add_parser("replay", help="show a saved play session again, run by the same model")
    replay.add_argument("log", type=Path, help="a log written by peninsula play --log")
    app = commands.add_parser(
        "app", help='the browser app on Mesa\'s SolaraViz (needs the app extra: pip install -e ".[app]")'
    )
    app.add_argument("scenario", nargs="?", default=DEFAULT_SCENARIO, help=f"a scenario (default: {DEFAULT_SCENARIO})")
    app.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s, this machine only)"
    )
    app.add_argument("--port", type=_bounded_int(1, 65535), default=8765, help="port (default: %(default)s)")
    app.add_argument(
        "--class", dest="classroom", action="store_true", help="class mode: one shared run that students join"
    )
    app.add_argument(
        "--deadline",
        type=_positive_seconds,
        default=None,
        metavar="SECONDS",
        help="class mode: the model answers for a seat that has not decided within SECONDS",
    )
    return parser


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 86_400 or value != value:
        raise argparse.ArgumentTypeError(f"{text} is out of range; allowed more than 0 up to 86400 seconds")
    return value


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = {
        "run": cmd_run,
        "validate": cmd_validate,
        "sources": cmd_sources,
        "scenarios": cmd_scenarios,
        "profiles": cmd_profiles,
        "experiments": cmd_experiments,
        "sweep": cmd_sweep,
        "analyze": cmd_analyze,
        "report": cmd_report,
        "forecast": cmd_forecast,
        "play": cmd_play,
        "replay": cmd_replay,
        "exercise": cmd_exercise,
        "backcast": cmd_backcast,
        "calibrate": cmd_calibrate,
        "app": cmd_app,
    }[args.command]
    try:
        return handler(args)
    except InputError as err:
        print(f"peninsula: error: {err}", file=sys.stderr)
        return 2
    except OutputError as err:  # disk full, no permission: not bad input, nothing finished is lost
        print(f"peninsula: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl-C outside a sweep (a sweep says what it kept itself)
        print("peninsula: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (e.g. `| head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Check every file and report each bad one (exit 2 if any is bad)."""
    from model.scenario.loader import load_scenario, resolve

    bad = 0
    for path in args.files:
        try:
            if path.is_dir():
                raise InputError(str(path), "", "is a folder; give scenario files")
            spec = load_scenario(resolve(path), root=args.scenario_root)  # a file, or a shipped scenario's name
        except InputError as err:
            print(f"peninsula: error: {err}", file=sys.stderr)
            bad += 1
            continue
        print(f"ok  {path}: {spec.scenario.name} ({spec.scenario.months} months from {spec.scenario.start})")
    if bad and len(args.files) > 1:
        print(f"peninsula: {bad} of {len(args.files)} files are not valid scenarios", file=sys.stderr)
    return 2 if bad else 0


def cmd_sources(args: argparse.Namespace) -> int:
    from model.scenario.provenance import sources, sources_table

    if args.format == "json":
        print(json.dumps({k: vars(v) for k, v in sources().items()}, indent=2))
    else:
        print(sources_table(), end="")
    return 0


def cmd_scenarios(args: argparse.Namespace) -> int:
    from model.scenario.loader import load_scenario, shipped_scenarios

    for name in shipped_scenarios():
        print(f"{name}\n    {load_scenario(name).scenario.question}")
    return 0


def cmd_profiles(args: argparse.Namespace) -> int:
    from model.agents.policies import profiles

    for profile in profiles().values():
        print(f"{profile.name:12s} {profile.description}")
    return 0


def cmd_experiments(args: argparse.Namespace) -> int:
    from model.sweep.experiment import load_experiment, shipped_experiments

    for name in shipped_experiments():
        print(f"{name}\n    {load_experiment(name).meta.question}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from model.run_report import report_one, report_replications
    from model.scenario.loader import load_scenario, resolve

    path = resolve(args.scenario)
    spec = load_scenario(path, args.overrides, root=args.scenario_root)
    if args.replications == 1:
        return report_one(spec, path, args)
    return report_replications(spec, path, args)


def cmd_sweep(args: argparse.Namespace) -> int:
    from model.sweep.backends import SweepFailed
    from model.sweep.runner import Terminated, sigterm_as_interrupt, sweep

    if args.check is not None:
        return check_sweep(args.check)
    if args.experiment is None or args.out is None:
        args.parser.error(
            "give an EXPERIMENT (a name or a file) and --out FOLDER (or --check FOLDER to verify a sweep folder)"
        )
    try:
        with sigterm_as_interrupt():
            done = sweep(
                args.experiment,
                args.out,
                args.workers,
                args.scheduler,
                args.resume,
                False if args.quiet else None,
                task_timeout=args.task_timeout,
            )
    except KeyboardInterrupt as err:
        what, code = ("terminated", 143) if isinstance(err, Terminated) else ("interrupted", 130)
        print(f"peninsula: {what}; finished chunks are kept in {args.out}; rerun with --resume", file=sys.stderr)
        return code
    except SweepFailed as err:  # no progress, workers died repeatedly, wrong code on a worker: chunks are kept
        print(f"peninsula: error: {err}", file=sys.stderr)
        return 1
    print(
        f"{done.ran} of {done.runs} runs in {done.seconds:.1f} s ({done.rate:.0f} runs/s, {done.backend}) -> {done.out}"
    )
    return 0


def check_sweep(folder: Path) -> int:
    """``sweep --check DIR``: the folder's integrity report; exit 0 if sound, 1 if not."""
    from model.sweep.check import check_folder
    from model.sweep.store import read_manifest

    if not folder.is_dir():
        raise InputError(str(folder), "--check", "not a folder; give a sweep output folder")
    report = check_folder(folder, read_manifest(folder))
    print(report.text())
    return 0 if report.sound else 1


def cmd_analyze(args: argparse.Namespace) -> int:
    from model.analysis import analyze

    print(analyze(args.folder).text)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from model.report import write_report

    print(f"Wrote {write_report(args.folder)}")
    return 0


def cmd_forecast(args: argparse.Namespace) -> int:
    from model.forecast.report import forecast_command

    return forecast_command(args)


def cmd_play(args: argparse.Namespace) -> int:
    from model.scenario.loader import load_scenario, resolve
    from model.teaching.terminal import play

    spec = load_scenario(resolve(args.scenario), args.overrides)
    return play(spec, args.scenario, args.overrides, Actor(args.seat), args.seed, args.months, args.log, args.runs)


def cmd_replay(args: argparse.Namespace) -> int:
    from model.teaching.terminal import replay

    return replay(args.log)


def cmd_app(args: argparse.Namespace) -> int:
    from model.app.serve import serve_app, serve_class

    if args.classroom:
        return serve_class(args.scenario, args.host, args.port, args.deadline)
    if args.deadline is not None:
        raise InputError("--deadline", "", "sets the per-decision deadline of class mode; add --class")
    return serve_app(args.scenario, args.host, args.port)


def cmd_exercise(args: argparse.Namespace) -> int:
    from model.teaching import exercises

    if args.action == "list":
        for number, path in exercises.shipped().items():
            sheet = exercises.load(path)
            print(f"{number}. {sheet.title} ({sheet.id})")
        return 0
    if args.ref is None:
        raise InputError("exercise", args.action, "name an exercise by number or id (peninsula exercise list)")
    sheet = exercises.find(args.ref)
    if args.action == "show":
        print(exercises.student_sheet(sheet))
        return 0
    text, holds = exercises.teacher_key(sheet)
    print(text)
    if not holds:
        print(
            "peninsula: a claim of this key no longer holds in the model: the worksheet needs revising", file=sys.stderr
        )
    return 0 if holds else 1


def cmd_backcast(args: argparse.Namespace) -> int:
    from model.history import backcast_text, run_backcast

    posterior = None
    if args.posterior is not None:
        from model.calibration.posterior import read_posterior

        posterior = read_posterior(args.posterior)
    report = run_backcast(
        args.folder, args.replications, args.seed, sensitivity=not args.no_sensitivity, posterior=posterior
    )
    print(json.dumps(report, indent=2) if args.format == "json" else backcast_text(report))
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from model.calibration.smc import CalibrationStalled, Settings

    settings = Settings(
        particles=args.particles,
        generations=args.generations,
        replications=args.replications,
        screen_samples=args.screen_samples,
        top=args.top,
        seed=args.seed,
        max_attempts=args.max_attempts,
    )
    try:
        return _calibrate(args, settings)
    except CalibrationStalled as err:
        print(f"peninsula: error: {err} (folder {args.out})", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            f"peninsula: interrupted; finished generations are kept in {args.out}; run again to resume", file=sys.stderr
        )
        return 130


def _calibrate(args: argparse.Namespace, settings) -> int:
    from model.calibration.driver import calibration_text, run_calibration

    say = lambda s: print(s, file=sys.stderr)  # noqa: E731
    if args.workers is not None and not args.cross_validate:
        raise InputError("--workers", "", "one calibration runs in one process; --workers goes with --cross-validate")
    if args.cross_validate:
        from model.calibration.report import results_text
        from model.calibration.validation import RESULTS, cross_validate

        if args.leave_out is not None:
            raise InputError("--leave-out", "", "cross-validation leaves out each case in turn; give one or the other")
        workers = args.workers or os.cpu_count() or 1
        results = cross_validate(args.folder, args.out, settings, say=say, workers=workers)
        print(results_text(results), end="")
        print(f"Results in {args.out / RESULTS}; the posterior of every case: {args.out / 'all' / 'posterior.json'}")
        return 0
    result = run_calibration(args.folder, args.out, settings, args.leave_out, say=say)
    print(calibration_text(result, args.out), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
