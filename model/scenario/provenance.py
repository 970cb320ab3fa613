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

from model.agents.profiles import PROFILES_TABLE

SEED_FILES = {
    "000": "000_017a1511b8a4efbc.txt",
    "001": "001_4bc42f0046f60d45.txt",
    "002": "002_95d5ae175c2f3bb9.txt",
    "003": "003_3bcf023af4705d88.txt",
    "004": "004_8eabe5210f6f45c4.txt",
}


@dataclass(frozen=True)
class Source:
    """One value's provenance: a number with its uncertainty range, or a category or flag without one."""

    key: str
    value: Any
    low: float | None
    high: float | None
    source: str  # a seed number, "background" or "assumption"
    quote: str  # verbatim seed phrase, or the reason for an assumption or background fact
    gives: str | None = None  # for a seed quote: "direction" (the sign only) or "magnitude" (the size too)

    @property
    def is_assumption(self) -> bool:
        return self.source == "assumption"

    @property
    def is_numeric(self) -> bool:
        return self.low is not None

    @property
    def citation(self) -> str:
        if self.source in SEED_FILES:
            gives = f" ({self.gives} only)" if self.gives == "direction" else f" ({self.gives})" if self.gives else ""
            return f'{SEED_FILES[self.source]}{gives}: "{self.quote}"'
        return f"{self.source}: {self.quote}"


@cache
def _raw() -> dict[str, Any]:
    return tomllib.loads(resources.files("model.data").joinpath("sources.toml").read_text("utf-8"))


@cache
def sources() -> dict[str, Source]:
    """Every sourced value by dotted key, in file order (scenario values, then profile parameters)."""
    return {key: _source(key, leaf) for key, leaf in _leaves(_raw())}


def nominal_tree() -> dict[str, Any]:
    """The nominal values as a nested tree, the base of every scenario."""
    tree: dict[str, Any] = {}
    for key, src in sources().items():
        if key.startswith(PROFILES_TABLE + "."):
            continue
        *parents, last = key.split(".")
        node = tree
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = src.value
    return tree


def uncertainty_range(key: str) -> tuple[float, float] | None:
    """The sweep range of a sourced number, or None if the key has no provenance entry or is not a number."""
    src = sources().get(key)
    return None if src is None or not src.is_numeric else (src.low, src.high)


def source_split() -> dict[str, int]:
    """How the numbers (values with a range) are sourced: a seed's magnitude, a seed's direction only, the
    background notes, or an assumption."""
    split = {"magnitude": 0, "direction": 0, "background": 0, "assumption": 0}
    for src in sources().values():
        if src.is_numeric:
            kind = (src.gives or "direction") if src.source in SEED_FILES else src.source
            split[kind] += 1
    return split


def split_text() -> str:
    """One paragraph: the split of :func:`source_split`, with the share of assumptions."""
    split = source_split()
    total = sum(split.values())
    return (
        f"Of the {total} numbers with a range, {split['magnitude']} take their size from a seed article's quote, "
        f"{split['direction']} only their direction (the quote supports the sign or side, the size is ours), "
        f"{split['background']} come from the background notes, and {split['assumption']} "
        f"({split['assumption'] / total:.0%}) are assumptions."
    )


def sources_table() -> str:
    """The split and a Markdown table of every sourced value, for `peninsula sources` and docs/SOURCES.md."""
    lines = [
        split_text(),
        "",
        "| key | value | range | source | the source gives |",
        "|---|---|---|---|---|",
    ]
    for src in sources().values():
        shown = f"{src.value:g}" if src.is_numeric else str(src.value).lower()
        spread = f"{src.low:g} to {src.high:g}" if src.is_numeric else "fixed"
        gives = (src.gives or "direction") if src.source in SEED_FILES else "-"
        lines.append(f"| `{src.key}` | {shown} | {spread} | {src.citation.replace('|', '/')} | {gives} |")
    return "\n".join(lines) + "\n"


def _leaves(node: dict, prefix: str = "") -> Iterator[tuple[str, dict]]:
    for name, child in node.items():
        key = f"{prefix}{name}"
        if isinstance(child, dict) and "value" in child:
            yield key, child
        elif isinstance(child, dict):
            yield from _leaves(child, key + ".")


def _source(key: str, leaf: dict) -> Source:
    low, high = leaf.get("range", (None, None))
    text = leaf.get("quote") if leaf["source"] in SEED_FILES else leaf.get("why")
    return Source(key, leaf["value"], low, high, leaf["source"], text or "", leaf.get("gives"))
