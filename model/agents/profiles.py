"""Behaviour profiles: the parameters of the default policy, read from ``model/data/sources.toml``.

They sit beside the scenario values in that file, each with its source, but
belong to the policies, not to a scenario: ``peninsula sources`` lists them
under ``profiles.*``.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

PROFILES_TABLE = "profiles"
"""The top-level table of behaviour profiles in sources.toml."""


@cache
def profile_table() -> dict[str, dict[str, Any]]:
    """Each behaviour profile's description and nominal parameters."""
    data = tomllib.loads(resources.files("model.data").joinpath("sources.toml").read_text("utf-8"))
    table = {}
    for name, spec in data[PROFILES_TABLE].items():
        table[name] = {k: (v if k == "description" else v["value"]) for k, v in spec.items()}
    return table
