"""``extends`` reads nothing outside the scenario tree, and no error shows what a non-scenario file holds.

A scenario may extend a shipped scenario by name or a ``.toml`` file under its own folder. Absolute
paths, ``..`` out of the folder, symbolic links out of it and the current directory are refused, and
the target's content is never printed (a ``.env`` file's token must not come back in a message).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from model.cli import main

SECRET = "s3cr3t-T0KEN-do-not-print"
ENV = f'API_TOKEN = "{SECRET}"\nDB_PASSWORD = "{SECRET}"\n'


def child(folder: Path, extends: str, name: str = "child.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f'[scenario]\nextends = "{extends}"\nname = "child"\n', encoding="utf-8")
    return path


def run_cli(capsys, *args) -> tuple[int, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.fixture
def secret_files(tmp_path: Path) -> Path:
    """A .env file and a TOML-shaped secrets file beside (not under) the scenario folder."""
    (tmp_path / ".env").write_text(ENV, encoding="utf-8")
    (tmp_path / "secrets.toml").write_text(ENV, encoding="utf-8")
    return tmp_path


def assert_refused(capsys, path: Path, *expected: str) -> str:
    for command in ("validate", "run"):
        code, output = run_cli(capsys, command, path)
        assert code == 2, output
        assert "Traceback" not in output and SECRET not in output and "API_TOKEN" not in output, output
        for word in expected:
            assert word in output, (word, output)
    return output


def test_an_absolute_path_is_refused(capsys, tmp_path, secret_files):
    path = child(tmp_path / "scenarios", str(secret_files / "secrets.toml"))
    assert_refused(capsys, path, "scenario.extends", "absolute path is not allowed", "baseline-2019")


def test_dot_dot_out_of_the_folder_is_refused(capsys, tmp_path, secret_files):
    path = child(tmp_path / "scenarios", "../secrets.toml")
    assert_refused(capsys, path, "scenario.extends", "leads outside", str((tmp_path / "scenarios").resolve()))


def test_a_symbolic_link_out_of_the_folder_is_refused(capsys, tmp_path, secret_files):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "parent.toml").symlink_to(secret_files / "secrets.toml")
    path = child(folder, "parent.toml")
    assert_refused(capsys, path, "scenario.extends", "symbolic link")


@pytest.mark.parametrize("ref", ["../.env", ".env", "~/.env"])
def test_a_dotenv_file_is_never_read_into_a_message(capsys, tmp_path, secret_files, ref):
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / ".env").write_text(ENV, encoding="utf-8")
    path = child(tmp_path / "scenarios", ref)
    assert_refused(capsys, path, "scenario.extends")


def test_a_non_scenario_toml_under_the_folder_is_read_but_not_echoed(capsys, tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "settings.toml").write_text(ENV, encoding="utf-8")
    path = child(folder, "settings.toml")
    assert_refused(capsys, path, "settings.toml", "not a scenario file", "[scenario]")


def test_a_non_scenario_file_named_on_the_command_line_is_not_echoed(capsys, secret_files):
    for name in (".env", "secrets.toml"):
        assert_refused(capsys, secret_files / name, "not a scenario file")


def test_the_current_directory_is_not_searched(capsys, tmp_path, monkeypatch):
    """A parent that exists only in the working directory is not found from a file elsewhere."""
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    (elsewhere / "parent.toml").write_text('[scenario]\nextends = "baseline-2019"\n', encoding="utf-8")
    monkeypatch.chdir(elsewhere)
    path = child(tmp_path / "scenarios", "parent.toml")
    assert_refused(capsys, path, "scenario.extends", "no such file or shipped scenario")


def test_what_extends_may_name_still_works(capsys, tmp_path):
    folder = tmp_path / "mine"
    (folder / "variants").mkdir(parents=True)
    (folder / "base.toml").write_text('[scenario]\nextends = "hanoi-2019"\nname = "base"\n', encoding="utf-8")
    (folder / "variants" / "deep.toml").write_text('[scenario]\nextends = "hanoi-2019"\nname="deep"\n')
    sibling = child(folder, "base", name="by-name.toml")
    below = child(folder, "variants/deep.toml", name="below.toml")
    shipped = child(folder, "hanoi-2019", name="shipped.toml")
    for path in (sibling, below, shipped):
        code, output = run_cli(capsys, "validate", path)
        assert code == 0, output


def test_scenario_root_lets_a_users_tree_reach_up_but_not_out(capsys, tmp_path, secret_files):
    tree = tmp_path / "tree"
    (tree / "variants").mkdir(parents=True)
    (tree / "base.toml").write_text('[scenario]\nextends = "hanoi-2019"\nname = "base"\n', encoding="utf-8")
    up = child(tree / "variants", "../base.toml")
    assert run_cli(capsys, "validate", up)[0] == 2
    code, output = run_cli(capsys, "validate", up, "--scenario-root", tree)
    assert code == 0, output
    out = child(tree / "variants", "../../secrets.toml", name="out.toml")
    code, output = run_cli(capsys, "validate", out, "--scenario-root", tree)
    assert code == 2 and SECRET not in output and "leads outside" in output


def test_an_experiment_cannot_reach_out_either(capsys, tmp_path, secret_files):
    folder = tmp_path / "experiments"
    folder.mkdir()
    experiment = folder / "x.toml"
    for ref in ("../secrets.toml", str(secret_files / "secrets.toml"), "../.env"):
        experiment.write_text(
            f'[experiment]\nname = "x"\nquestion = "Does this experiment read a secret?"\nscenario = "{ref}"\n'
            'root_seed = 1\nreplications = 1\n[design]\nkind = "grid"\n'
            '[levers.f]\ntype = "categorical"\nkey = "talks.format"\nvalues = ["bilateral"]\n',
            encoding="utf-8",
        )
        code, output = run_cli(capsys, "sweep", experiment, "--out", tmp_path / "out")
        assert code == 2 and SECRET not in output and "Traceback" not in output, output
        assert "experiment.scenario" in output
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_parent_is_named_without_content(capsys, tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    locked = folder / "locked.toml"
    locked.write_text(ENV, encoding="utf-8")
    locked.chmod(0)
    assert_refused(capsys, child(folder, "locked.toml"), "cannot read file")
