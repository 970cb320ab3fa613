"""docs/FORECAST.md: its generated sections are what the code gives today (seeded, so exactly)."""

from __future__ import annotations

import pytest
from conftest import REPO

from model.forecast.compare import comparison, comparison_markdown, deal_points, replace_section, section
from model.forecast.validation import validation_sections
from model.scenario.loader import load_scenario

DOC = REPO / "docs" / "FORECAST.md"
REGENERATE = "regenerate with: .venv/bin/python -m model.forecast.compare --write docs/FORECAST.md"


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["ec-table2", "ec-round2", "ec-literal", "ec-options", "eum-inputs"])
def test_validation_sections_match_the_code(doc, name):
    assert section(doc, name) == validation_sections()[name].rstrip() + "\n", REGENERATE


def test_comparison_section_regenerates_without_drift(doc):
    """1000 seeded agent-model runs per scenario (a few seconds); fails after a model change until regenerated."""
    assert section(doc, "comparison") == comparison_markdown(comparison()).rstrip() + "\n", REGENERATE


def test_deal_points_report_a_rate_and_a_point_per_issue():
    points = deal_points(load_scenario("six-party-revival"), n=20, seed=3)
    issues = [k for k in points if k != "deals"]
    assert len(issues) == 7
    for issue in issues:
        assert 0.0 <= points[issue]["deal_rate"] <= 1.0
        point = points[issue]["mean_deal_point"]
        assert point is None or 0.0 <= point <= 1.0
    assert sum(points["deals"]["package"].values()) == pytest.approx(1.0)


def test_replace_section_rewrites_only_between_its_markers():
    text = "a\n<!-- BEGIN generated: x -->\nold\n<!-- END generated: x -->\nb\n"
    new = replace_section(text, "x", "new\n")
    assert new == "a\n<!-- BEGIN generated: x -->\nnew\n<!-- END generated: x -->\nb\n"
    assert section(new, "x") == "new\n"
    with pytest.raises(ValueError, match="markers"):
        replace_section(text, "y", "z")


def test_readme_points_to_the_forecast_doc():
    assert "docs/FORECAST.md" in (REPO / "README.md").read_text(encoding="utf-8")
