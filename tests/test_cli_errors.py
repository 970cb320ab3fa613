"""Bad input through the installed ``peninsula`` command: exit code 2, a clear message, no traceback.

Each broken scenario is written into ``tmp_path`` as a short variant of
baseline-2019 with one bad field. The message must name the file, the key
path, the value (where there is one) and what is allowed.
"""

from __future__ import annotations

import subprocess

import pytest

PARENT = '[scenario]\nextends = "baseline-2019"\n'
ACTORS = ("US", "DPRK", "RUS", "CHN", "ROK", "JPN")
PROPOSALS = ("big_deal", "phased_relief", "freeze_for_freeze", "six_party_revival")


def assert_clean_error(done: subprocess.CompletedProcess, *expected: str) -> None:
    """Exit code 2, every expected fragment in stderr, no traceback, nothing half-printed on stdout."""
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr + done.stdout
    missing = [text for text in expected if text not in done.stderr]
    assert not missing, f"stderr lacks {missing}: {done.stderr!r}"
    assert done.stdout == ""


# (case id, the bad fragment after `extends = "baseline-2019"`, what the message must contain beyond the file name)
BROKEN_FILES = [
    ("malformed-toml", "[talks\nformat = 1\n", ("malformed TOML", "line 3")),
    ("unknown-actor-table", "[actors.FRA]\ncapability = 0.5\n", ("actors.FRA", "'FRA'", *ACTORS)),
    ("unknown-actor-setter", '[talks]\nsetter = "FRA"\n', ("talks.setter", "'FRA'", *ACTORS)),
    ("unknown-actor-trust", "[actors.US.trust]\nFRA = 0.5\n", ("actors.US.trust.FRA", "'FRA'", "DPRK")),
    (
        "unknown-proposal-agenda",
        '[talks]\nagenda = ["grand_bargain"]\n',
        ("talks.agenda", "'grand_bargain'", *PROPOSALS),
    ),
    ("unknown-proposal-table", "[proposals.grand_bargain]\nphasing = 0.5\n", ("proposals.grand_bargain", *PROPOSALS)),
    ("unknown-key", "[talks]\nspeed = 3\n", ("talks.speed", "= 3", "unknown key", "allowed", "cadence", "agenda")),
    ("unknown-table", "[sanction]\nsnapback = true\n", ("sanction", "unknown key", "allowed", "sanctions")),
    ("unknown-profile", '[actors.DPRK]\nprofile = "maverick"\n', ("actors.DPRK.profile", "'maverick'", "hardliner")),
    ("unknown-format", '[talks]\nformat = "trilateral"\n', ("talks.format", "'trilateral'", "bilateral", "six_party")),
    ("out-of-range-high", "[initial]\ntension = 1.5\n", ("initial.tension", "1.5", "less than or equal to 1")),
    (
        "out-of-range-low",
        "[sanctions.enforcement.RUS]\nlaborers = -0.2\n",
        ("sanctions.enforcement.RUS.laborers", "-0.2", "greater than or equal to 0"),
    ),
    ("out-of-range-int", "[talks]\ncadence = 0\n", ("talks.cadence", "0", "greater than or equal to 1")),
    (
        "laborers-deadline-negative",
        "[sanctions]\nlaborers_deadline = -1\n",
        ("sanctions.laborers_deadline", "-1", "greater than or equal to 0"),
    ),
    (
        "laborers-deadline-step-high",
        "[sanctions]\nlaborers_deadline_step = 1.5\n",
        ("sanctions.laborers_deadline_step", "1.5", "less than or equal to 1"),
    ),
    (
        "relief-from-unknown",
        '[sanctions]\nrelief_from = "eu"\n',
        ("sanctions.relief_from", "'eu'", "un_and_us", "'un'", "'us'"),
    ),
    ("japan-share-high", "[aid]\njapan_share = 1.5\n", ("aid.japan_share", "1.5", "less than or equal to 1")),
    ("japan-linkage-low", "[aid]\njapan_linkage = -0.1\n", ("aid.japan_linkage", "-0.1", "greater than or equal to 0")),
    (
        "us-share-high",
        "[sanctions]\nus_unilateral_share = 2.0\n",
        ("sanctions.us_unilateral_share", "2.0", "less than or equal to 1"),
    ),
    (
        "un-reimposition-text",
        '[sanctions]\nun_reimposition = "some"\n',
        ("sanctions.un_reimposition", "'some'", "valid number"),
    ),
    (
        "tension-decay-zero",
        "[dynamics.conflict]\ntension_decay = 0.0\n",
        ("dynamics.conflict.tension_decay", "0.0", "greater than 0"),
    ),
    ("not-a-number-string", '[initial]\ntension = "high"\n', ("initial.tension", "'high'", "valid number")),
    ("not-a-number-bool", "[actors.US]\ncapability = true\n", ("actors.US.capability", "True", "valid number")),
    ("not-a-number-nan", "[sanctions.enforcement.CHN]\ncoal = nan\n", ("sanctions.enforcement.CHN.coal", "nan")),
    ("empty-agenda", "[talks]\nagenda = []\n", ("talks.agenda", "at least 1")),
    ("bad-start", '[scenario]\nstart = "2019-13"\n', ("scenario.start", "'2019-13'", "2019-04")),
    (
        "event-bad-key",
        '[[events]]\nmonth = 3\nlabel = "x"\nset = { "talks.speed" = 1 }\n',
        ("events[0].set.talks.speed", "allowed"),
    ),
    (
        "event-bad-value",
        '[[events]]\nmonth = 3\nlabel = "x"\nset = { "initial.tension" = 3 }\n',
        ("events[0].set.initial.tension", "3", "less than or equal to 1"),
    ),
    ("status-quo-agenda", '[talks]\nagenda = ["status_quo"]\n', ("talks.agenda", "status_quo", "phased_relief")),
    (
        "event-profile",
        '[[events]]\nmonth = 2\nlabel = "x"\nset = { "actors.DPRK.profile" = "hardliner" }\n',
        ("events[0].set.actors.DPRK.profile", "cannot change"),
    ),
    (
        "event-start-only",  # a valid value for a field read only when the run starts: it would change nothing
        '[[events]]\nmonth = 2\nlabel = "x"\nset = { "initial.tension" = 0.5 }\n',
        ("events[0].set.initial.tension", "cannot change", "read only when a run starts"),
    ),
    (
        "event-prior",
        '[[events]]\nmonth = 2\nlabel = "x"\nset = { "actors.US.yield_prior" = 0.5 }\n',
        ("events[0].set.actors.US.yield_prior", "cannot change"),
    ),
]


def broken_text(fragment: str) -> str:
    if fragment.startswith("[scenario]"):
        return fragment.replace("[scenario]\n", PARENT, 1)
    return PARENT + fragment


@pytest.mark.parametrize(("case", "fragment", "expected"), BROKEN_FILES, ids=[c[0] for c in BROKEN_FILES])
@pytest.mark.parametrize("command", ["run", pytest.param("validate", marks=pytest.mark.slow)])
def test_broken_scenario_file_is_a_clean_error(cli, write_scenario, command, case, fragment, expected):
    path = write_scenario(case, broken_text(fragment))
    assert_clean_error(cli(command, path), path.name, *expected)


@pytest.mark.parametrize(("case", "fragment"), [("malformed", "[talks\n"), ("unknown-key", "[talks]\nspeed = 3\n")])
def test_validate_reports_the_same_error_as_run(cli, write_scenario, case, fragment):
    path = write_scenario(case, broken_text(fragment))
    validated, ran = cli("validate", path), cli("run", path)
    assert_clean_error(validated, path.name)
    assert validated.stderr == ran.stderr


def test_missing_parent_scenario_is_named_with_the_shipped_choices(cli, write_scenario):
    path = write_scenario("orphan", '[scenario]\nextends = "no-such-parent"\n')
    assert_clean_error(
        cli("run", path), "orphan.toml", "scenario.extends", "'no-such-parent'", "baseline-2019", "hanoi-2019"
    )


def test_parent_that_is_not_a_name_is_refused(cli, write_scenario):
    path = write_scenario("numbered", "[scenario]\nextends = 5\n")
    assert_clean_error(cli("validate", path), "numbered.toml", "scenario.extends", "5", "name or path")


def test_cycle_of_parents_is_refused(cli, write_scenario):
    write_scenario("first", '[scenario]\nextends = "second"\n')
    second = write_scenario("second", '[scenario]\nextends = "first"\n')
    assert_clean_error(cli("validate", second), "scenario.extends", "cycle", "first", "second")


def test_a_scenario_that_extends_itself_is_a_cycle(cli, write_scenario):
    path = write_scenario("narcissus", '[scenario]\nextends = "narcissus"\n')
    assert_clean_error(cli("run", path), "narcissus.toml", "scenario.extends", "'narcissus'", "cycle")


def test_missing_file_to_run_is_named_with_the_shipped_choices(cli, tmp_path):
    missing = tmp_path / "missing.toml"
    assert_clean_error(cli("run", missing), str(missing), "no such file", "baseline-2019")


def test_missing_file_to_validate_is_named(cli, tmp_path):
    missing = tmp_path / "missing.toml"
    assert_clean_error(cli("validate", missing), str(missing), "no such file")


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("talks.format", ("--set", "talks.format", "KEY=VALUE")),
        ("=0.5", ("--set", "=0.5", "KEY=VALUE")),
        ("talks.format=", ("--set", "talks.format=", "KEY=VALUE")),
        ("talks.speed=3", ("--set", "talks.speed", "3", "unknown key", "cadence")),
        ("actors.FRA.capability=0.5", ("--set", "actors.FRA", "'FRA'", "DPRK")),
        ("initial.tension=2", ("--set", "initial.tension", "2", "less than or equal to 1")),
        ("initial.tension=high", ("--set", "initial.tension", "'high'", "valid number")),
        ("talks.format=trilateral", ("--set", "talks.format", "'trilateral'", "six_party")),
        ("talks.cadence.weeks=2", ("--set", "talks.cadence", "not a table")),
    ],
)
def test_bad_set_is_a_clean_error(cli, override, expected):
    assert_clean_error(cli("run", "hanoi-2019", "--set", override), *expected)


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--seed", "-1", ("--seed", "-1", "0 to")),
        ("--seed", "abc", ("--seed", "'abc'", "whole number")),
        ("--seed", str(2**64), ("--seed", str(2**64), "18446744073709551615")),
        ("--months", "0", ("--months", "0", "1 to 600")),
        ("--months", "601", ("--months", "601", "1 to 600")),
        ("--months", "two", ("--months", "'two'", "whole number")),
        ("--replications", "0", ("--replications", "0", "allowed 1 to")),
        ("--table", "xlsx", ("--table", "'xlsx'", "'csv', 'parquet'")),
        ("--format", "yaml", ("--format", "'yaml'", "'text', 'json'")),
    ],
)
def test_bad_option_value_is_a_clean_error(cli, option, value, expected):
    assert_clean_error(cli("run", "hanoi-2019", f"{option}={value}"), *expected)


def test_out_pointing_at_an_existing_file_is_refused(cli, tmp_path):
    existing = tmp_path / "taken.csv"
    existing.write_text("keep me\n")
    assert_clean_error(cli("run", "hanoi-2019", "--out", existing), str(existing), "--out", "folder")
    assert existing.read_text() == "keep me\n"


@pytest.mark.parametrize(
    "key,value",
    [("actors.DPRK.profile", '"hardliner"'), ("scenario.question", '"And what now, after the summit?"')],
)
def test_a_file_that_validates_also_runs(cli, write_scenario, key, value):
    """An event may only set what the model can change mid-run: validate must refuse it, or run must honour it."""
    path = write_scenario(
        "policy-shift", PARENT + f'[[events]]\nmonth = 2\nlabel = "Shift"\nset = {{ "{key}" = {value} }}\n'
    )
    validated, ran = cli("validate", path), cli("run", path, "--months", "3")
    assert "Traceback" not in ran.stderr, ran.stderr[-400:]
    if validated.returncode == 0:
        assert ran.returncode == 0, ran.stderr[-400:]
    else:
        assert_clean_error(validated, path.name, key)
