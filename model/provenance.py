"""Where every default number comes from: ``model/data/sources.toml``.

Each leaf there is a nominal value, an uncertainty range for sweeps, and a
source (a seed article and a short quote, background, or an assumption with a
reason). The nominal values are the base every scenario file starts from.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

SEED_FILES = {
    "000": "000_017a1511b8a4efbc.txt",
    "001": "001_4bc42f0046f60d45.txt",
    "002": "002_95d5ae175c2f3bb9.txt",
    "003": "003_3bcf023af4705d88.txt",
    "004": "004_8eabe5210f6f45c4.txt",
}


@dataclass(frozen=True)
class Source:
    """One number's provenance."""

    key: str
    value: float
    low: float
    high: float
    source: str  # a seed number, "background" or "assumption"
    quote: str  # verbatim seed phrase, or the reason for an assumption

    @property
    def is_assumption(self) -> bool:
        return self.source == "assumption"

    @property
    def citation(self) -> str:
        if self.source in SEED_FILES:
            return f'{SEED_FILES[self.source]}: "{self.quote}"'
        return f"{self.source}: {self.quote}"


@cache
def sources() -> dict[str, Source]:
    """Every sourced number by dotted key, in file order."""
    raw = tomllib.loads(resources.files("model.data").joinpath("sources.toml").read_text("utf-8"))
    return {key: _source(key, leaf) for key, leaf in _leaves(raw)}


def nominal_tree() -> dict[str, Any]:
    """The nominal values as a nested tree, the base of every scenario."""
    tree: dict[str, Any] = {}
    for key, src in sources().items():
        *parents, last = key.split(".")
        node = tree
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = src.value
    return tree


def uncertainty_range(key: str) -> tuple[float, float] | None:
    """The sweep range of a sourced number, or None if the key has no provenance entry."""
    src = sources().get(key)
    return None if src is None else (src.low, src.high)


def sources_table() -> str:
    """A Markdown table of every sourced number, for `peninsula sources` and docs/SOURCES.md."""
    lines = [
        "| key | value | range | source |",
        "|---|---|---|---|",
    ]
    for src in sources().values():
        lines.append(
            f"| `{src.key}` | {src.value:g} | {src.low:g} to {src.high:g} | {src.citation.replace('|', '/')} |"
        )
    return "\n".join(lines) + "\n"


def _leaves(node: dict, prefix: str = "") -> Iterator[tuple[str, dict]]:
    for name, child in node.items():
        key = f"{prefix}{name}"
        if isinstance(child, dict) and "value" in child:
            yield key, child
        elif isinstance(child, dict):
            yield from _leaves(child, key + ".")


def _source(key: str, leaf: dict) -> Source:
    low, high = leaf["range"]
    text = leaf.get("quote") if leaf["source"] != "assumption" else leaf.get("why")
    return Source(key, leaf["value"], low, high, leaf["source"], text or "")
