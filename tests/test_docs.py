"""The docs that are generated from data stay in step with it."""

from pathlib import Path

from model.scenario.provenance import sources_table

ROOT = Path(__file__).resolve().parents[1]


def test_sources_md_holds_the_current_sources_table():
    text = (ROOT / "docs" / "SOURCES.md").read_text(encoding="utf-8")
    assert sources_table() in text, "regenerate docs/SOURCES.md from `peninsula sources`"


def test_readme_shows_both_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert 'pip install -e ".[test]" && .venv/bin/peninsula run baseline-2019' in readme
    assert ".venv/bin/python -m pytest" in readme


def _readme_block(after: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("```text\n", readme.index(after)) + len("```text\n")
    return readme[start : readme.index("\n```", start)]


def test_readme_timeline_sample_is_a_real_run(cli):
    done = cli("run", "hanoi-2019", "--seed", "1")
    assert done.returncode == 0, done.stderr
    assert _readme_block("`peninsula run hanoi-2019 --seed 1`") == done.stdout.rstrip("\n")


def test_readme_distribution_sample_is_a_real_run(cli):
    done = cli("run", "baseline-2019", "--replications", "1000", "--seed", "7")
    assert done.returncode == 0, done.stderr
    assert _readme_block("`peninsula run baseline-2019 --replications 1000 --seed 7`") in done.stdout


def test_generated_docs_are_current():
    """docs/SCENARIOS.md and docs/DATA.md are what `python -m model.docs` writes from the code today."""
    from model.docs import GENERATED

    for name, render in GENERATED.items():
        assert (ROOT / "docs" / name).read_text(encoding="utf-8") == render(), f"run `python -m model.docs` ({name})"


def test_scenario_reference_covers_every_key_and_source():
    from model.docs import rows
    from model.scenario.provenance import sources

    text = (ROOT / "docs" / "SCENARIOS.md").read_text(encoding="utf-8")
    keys = {row.key for row in rows()}
    scenario_keys = {key for key in sources() if not key.startswith("profiles.")}  # profiles: `peninsula profiles`
    assert scenario_keys <= keys, scenario_keys - keys
    for key in ("scenario.months", "talks.format", "sanctions.enforcement.RUS.laborers", "events[].month"):
        assert f"| `{key}` |" in text
    assert "| `talks.cadence` | integer | 1 to 24 |" in text
    assert "| `actors.US.ideal.denuclearization` | number | 0 to 1 | 1 | 0.9 to 1 | 002_" in text


def test_license_is_mit_as_the_package_says():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "Peninsula contributors" in text


def _first_command() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("```bash\n", readme.index("## Two commands")) + len("```bash\n")
    return readme[start : readme.index("\n```", start)]


def test_first_command_checks_the_python_version_before_making_anything(tmp_path):
    """On an old Python the first step fails with a message naming 3.12 and pyenv, so no half-made .venv is left."""
    import subprocess
    import sys

    command = _first_command()
    check, rest = command.split(" && python3 -m venv .venv", 1)
    assert rest.startswith(" && .venv/bin/pip install"), "the version check comes first"
    current = subprocess.run(check.replace("python3", sys.executable), shell=True, capture_output=True, text=True)
    assert current.returncode == 0, current.stderr
    old = check.replace("python3", sys.executable).replace("(3, 12)", "(99, 0)")  # as an older Python sees it
    refused = subprocess.run(f"{old} && touch made", shell=True, capture_output=True, text=True, cwd=tmp_path)
    assert refused.returncode != 0 and not (tmp_path / "made").exists()
    assert "Python 3.12 or newer is needed" in refused.stderr and "pyenv" in refused.stderr


def test_benchmark_command_uses_the_project_environment():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert ".venv/bin/python experiments/benchmark.py" in readme
    assert "`python experiments/benchmark.py" not in readme
    assert "<!-- benchmark:start -->" in readme and "<!-- benchmark:end -->" in readme
