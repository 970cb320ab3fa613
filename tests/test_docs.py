"""The docs that are generated from data stay in step with it."""

from pathlib import Path

from model.provenance import sources_table

ROOT = Path(__file__).resolve().parents[1]


def test_sources_md_holds_the_current_sources_table():
    text = (ROOT / "docs" / "SOURCES.md").read_text(encoding="utf-8")
    assert sources_table() in text, "regenerate docs/SOURCES.md from `peninsula sources`"


def test_readme_shows_both_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert 'pip install -e ".[test]" && .venv/bin/peninsula run baseline-2019' in readme
    assert ".venv/bin/python -m pytest" in readme
