"""Every default number is traceable: verbatim short quotes, values within their ranges, honest assumptions.

The quotes are checked against the seed articles in ``../shared/seeds`` (the
test is skipped, with the reason, where that folder is absent). Quotes and
articles are compared after folding curly quotes and apostrophes to straight
ones and collapsing whitespace.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from model.core.domain import Actor, Issue, Proposal
from model.core.params import ACTOR_SCALARS
from model.scenario.provenance import SEED_FILES, nominal_tree, sources

SOURCED = list(sources().values())
NUMERIC = [src for src in SOURCED if src.is_numeric]
ROOT = Path(__file__).resolve().parents[1]
QUOTED = [src for src in SOURCED if src.source in SEED_FILES]
ASSUMED = [src for src in SOURCED if src.is_assumption and src.is_numeric]
FOLD = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})


def normalise(text: str) -> str:
    """Straight quotes and single spaces, so typography does not decide what is verbatim.

    >>> normalise("Russia’s  “freeze”\\n plan")
    'Russia\\'s "freeze" plan'
    """
    return re.sub(r"\s+", " ", text.translate(FOLD)).strip()


@cache
def seed_text(seeds_dir: Path, number: str) -> str:
    return normalise((seeds_dir / SEED_FILES[number]).read_text(encoding="utf-8"))


def actor_of(key: str) -> str | None:
    parts = key.split(".")
    return parts[1] if parts[0] == "actors" else None


@pytest.mark.parametrize("src", QUOTED, ids=[s.key for s in QUOTED])
def test_quote_appears_verbatim_in_its_seed_article(src, seeds_dir):
    assert normalise(src.quote) in seed_text(seeds_dir, src.source), f"{src.key}: {src.quote!r} not in {src.source}"


@pytest.mark.parametrize("src", QUOTED, ids=[s.key for s in QUOTED])
def test_quote_has_at_most_20_words(src):
    assert 1 <= len(src.quote.split()) <= 20


def test_seed_files_named_by_the_provenance_exist(seeds_dir):
    assert sorted(p.name for p in seeds_dir.glob("*.txt")) >= sorted(SEED_FILES.values())
    assert all((seeds_dir / name).is_file() for name in SEED_FILES.values())


@pytest.mark.parametrize("src", NUMERIC, ids=[s.key for s in NUMERIC])
def test_value_lies_in_its_uncertainty_range(src):
    assert src.low <= src.value <= src.high


def test_a_value_without_a_range_is_a_category_or_a_flag():
    for src in SOURCED:
        if not src.is_numeric:
            assert isinstance(src.value, str | bool), src.key


def test_every_seed_quote_says_whether_it_gives_the_direction_or_the_magnitude():
    for src in QUOTED:
        assert src.gives in ("direction", "magnitude"), src.key


def test_the_readme_states_the_split_and_the_share_of_assumptions():
    from model.scenario.provenance import source_split, split_text

    split = source_split()
    share = split["assumption"] / sum(split.values())
    assert f"({share:.0%}) are assumptions" in split_text()
    assert split_text() in (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_profile_parameter_has_provenance_and_the_default_profile_changes_nothing():
    from model.agents.policies import profiles

    plain = profiles()["default"]
    assert (plain.margin_scale, plain.concession_scale, plain.walk_bias) == (1.0, 1.0, 0.0)
    for name, _profile in profiles().items():
        for field in ("margin_scale", "concession_scale", "walk_bias"):
            assert f"profiles.{name}.{field}" in sources(), (name, field)


def test_every_source_is_a_seed_background_or_assumption():
    allowed = set(SEED_FILES) | {"background", "assumption"}
    assert {src.source for src in SOURCED} <= allowed


def test_every_assumption_and_background_says_why():
    unexplained = [src.key for src in SOURCED if src.source not in SEED_FILES and len(src.quote.split()) < 2]
    assert unexplained == []


def test_every_actor_parameter_and_proposal_position_has_provenance():
    keyed = set(sources())
    expected = set()
    for actor in Actor:
        for kind in ("ideal", "salience"):
            expected |= {f"actors.{actor.value}.{kind}.{issue.value}" for issue in Issue}
        expected |= {f"actors.{actor.value}.{name}" for name in ACTOR_SCALARS}
        expected |= {f"actors.{actor.value}.trust.{other.value}" for other in Actor if other is not actor}
    expected |= {f"proposals.{p.value}.{issue.value}" for p in Proposal for issue in Issue}
    assert sorted(expected - keyed) == []


def test_the_nominal_values_form_a_valid_scenario():
    from model.scenario.loader import load_scenario

    spec = load_scenario("baseline-2019")
    tree = nominal_tree()
    assert spec.actors[Actor.JPN].trust[Actor.US] == tree["actors"]["JPN"]["trust"]["US"]
    assert spec.proposals[Proposal.BIG_DEAL].phasing == tree["proposals"]["big_deal"]["phasing"]


def test_every_japan_parameter_is_an_assumption_or_quotes_a_seed_naming_japan():
    japan = [src for src in SOURCED if actor_of(src.key) == "JPN"]
    assert japan
    for src in japan:
        assert src.is_assumption or src.source in SEED_FILES, src.key
        if src.source in SEED_FILES:
            assert "Japan" in src.quote, f"{src.key} cites seed {src.source} without naming Japan"


def test_japan_is_mostly_assumption():
    japan = [src for src in SOURCED if actor_of(src.key) == "JPN"]
    assert sum(src.is_assumption for src in japan) / len(japan) >= 0.75


def test_japan_assumption_ranges_are_at_least_as_wide_as_other_actors():
    def mean_width(sources_):
        return float(np.mean([src.high - src.low for src in sources_]))

    japan = [src for src in ASSUMED if actor_of(src.key) == "JPN"]
    others = [src for src in ASSUMED if actor_of(src.key) not in (None, "JPN")]
    assert mean_width(japan) >= mean_width(others)
