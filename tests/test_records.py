"""What a result says about the code that made it: version, code fingerprint, and a git commit only from
this project's own checkout, with a dirty flag."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from model import __version__
from model.results.manifest import checkout_state, code_fingerprint, code_record

REPO = Path(__file__).resolve().parents[1]
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.email=t@example.org", "-c", "user.name=t", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def checkout(folder: Path, project: str) -> Path:
    """A git checkout holding ``pyproject.toml`` (project name given) and a ``model/`` package; committed."""
    (folder / "model").mkdir(parents=True)
    (folder / "model" / "__init__.py").write_text('__version__ = "0"\n')
    (folder / "pyproject.toml").write_text(f'[project]\nname = "{project}"\n')
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(folder, "commit", "-qm", "start")
    return folder


@needs_git
def test_the_projects_own_checkout_gives_its_commit_and_a_dirty_flag(tmp_path):
    repo = checkout(tmp_path / "peninsula", "peninsula")
    head = git(repo, "rev-parse", "HEAD")
    assert checkout_state((repo / "model").resolve()) == (head, False)
    (repo / "model" / "__init__.py").write_text('__version__ = "0"  # edited\n')
    assert checkout_state((repo / "model").resolve()) == (head, True)


@needs_git
def test_a_package_inside_another_repository_gives_no_commit(tmp_path):
    other = checkout(tmp_path / "other", "someone-elses-project")
    assert checkout_state((other / "model").resolve()) == (None, None)


@needs_git
def test_a_copy_of_the_package_deeper_in_a_peninsula_checkout_gives_no_commit(tmp_path):
    """E.g. a virtual environment inside the checkout with a non-editable install: not the checkout's code."""
    repo = checkout(tmp_path / "peninsula", "peninsula")
    installed = repo / ".venv" / "lib" / "site-packages" / "model"
    installed.mkdir(parents=True)
    assert checkout_state(installed.resolve()) == (None, None)


def test_a_folder_outside_any_checkout_gives_no_commit(tmp_path):
    (tmp_path / "model").mkdir()
    assert checkout_state((tmp_path / "model").resolve()) == (None, None)


def test_code_record_names_version_and_fingerprint():
    record = code_record()
    assert record["version"] == __version__
    assert record["code_fingerprint"] == code_fingerprint()
    assert set(record) == {"version", "code_fingerprint", "git_commit", "git_dirty"}


def test_the_fingerprint_is_stable_and_covers_code_and_data():
    from model.results import manifest as records

    assert code_fingerprint().startswith("sha256:") and len(code_fingerprint()) == 71
    records.code_fingerprint.cache_clear()
    assert code_fingerprint() == code_fingerprint()
    package = REPO / "model"
    covered = {p.relative_to(package).as_posix() for p in package.rglob("*.py") if "__pycache__" not in p.parts}
    assert {"results/manifest.py", "sweep/runner.py", "rules/talks.py", "phases/talks.py"} <= covered
    assert (package / "data" / "sources.toml").is_file()


def test_the_fingerprint_changes_with_any_edit(tmp_path, monkeypatch):
    """The same function over a copy of the package: a one-character edit changes the hash."""
    from model.results import manifest as records

    real = code_fingerprint()
    copy = tmp_path / "model"
    shutil.copytree(REPO / "model", copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(records, "__file__", str(copy / "results" / "manifest.py"))
    records.code_fingerprint.cache_clear()
    try:
        before = records.code_fingerprint()
        assert before == real, "the same files elsewhere give the same hash"
        (copy / "__pycache__").mkdir(exist_ok=True)
        (copy / "__pycache__" / "x.cpython-312.pyc").write_bytes(b"ignored")
        records.code_fingerprint.cache_clear()
        assert records.code_fingerprint() == before, "caches are not code"
        data = copy / "data" / "sources.toml"
        data.write_text(data.read_text() + "\n")
        records.code_fingerprint.cache_clear()
        assert records.code_fingerprint() != before
    finally:
        records.code_fingerprint.cache_clear()
