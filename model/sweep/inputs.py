"""What a sweep's rows depend on, recorded in its manifest and compared before a resume.

A resume may only add runs of the same sweep. The inputs compared are the
resolved ones: the base scenario after ``extends`` (so a comment or a reordered
table in a scenario file is no change, while ``months = 12`` instead of 48 is),
the design (kind, options, parameters and, for a materialised design, a hash of
its unit matrix), root seed, replications, outcomes and chunking, and the code
(package version and :func:`~model.results.manifest.code_fingerprint`). The experiment
file's own hash is recorded but not compared, for the same reason as comments.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np

from model.core.params import flatten
from model.results.manifest import plain

SHOWN = 6
"""Changed keys named in a refusal; the rest are counted."""


def design_hash(design) -> str | None:
    """SHA-256 of a materialised design's unit matrix (Latin hypercube, Sobol, Morris), else None."""
    matrix = getattr(design, "matrix", None)
    if matrix is None:
        return None
    data = np.ascontiguousarray(np.asarray(matrix, dtype=np.float64))
    return "sha256:" + hashlib.sha256(data.tobytes() + str(data.shape).encode()).hexdigest()


def changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What differs between the sweep a folder holds (``old`` manifest) and the one asked for (``new``)."""
    if "scenario_tree" not in old or "code_fingerprint" not in old:
        return ["the folder was written by an older peninsula that did not record its resolved inputs"]
    found: list[str] = []
    if old.get("version") != new["version"]:
        found.append(f"peninsula version {old.get('version')} -> {new['version']}")
    if old.get("format_version", 1) != new.get("format_version", 1):
        found.append(f"output format {old.get('format_version', 1)} -> {new.get('format_version', 1)} (docs/DATA.md)")
    if old.get("code_fingerprint") != new["code_fingerprint"]:
        found.append("the model's code (code_fingerprint differs: a file under model/ was edited)")
    for label, key in (
        ("root seed", "root_seed"),
        ("replications", "replications"),
        ("outcomes", "outcomes"),
        ("runs", "runs"),
        ("runs per chunk", "chunk_runs"),
        ("posterior", "posterior"),
    ):
        if plain(old.get(key)) != plain(new[key]):
            found.append(f"{label} {_show(old.get(key))} -> {_show(new[key])}")
    found += _tree_changes("design", old.get("design"), new["design"])
    found += _tree_changes("scenario", old.get("scenario_tree"), new["scenario_tree"], prefix="")
    return found


def _tree_changes(label: str, old: Any, new: Any, prefix: str | None = None) -> list[str]:
    """Dotted keys whose values differ, as ``key: old -> new`` (the first few, then a count)."""
    old_flat = flatten(plain(old)) if isinstance(old, dict) else {}
    new_flat = flatten(plain(new)) if isinstance(new, dict) else {}
    keys = sorted(k for k in old_flat.keys() | new_flat.keys() if old_flat.get(k, _GONE) != new_flat.get(k, _GONE))
    head = f"{label}." if prefix is None else prefix
    shown = [f"{head}{k}: {_show(old_flat.get(k, _GONE))} -> {_show(new_flat.get(k, _GONE))}" for k in keys[:SHOWN]]
    if len(keys) > SHOWN:
        shown.append(f"and {len(keys) - SHOWN} more {label} keys")
    return shown


class _Gone:
    def __repr__(self) -> str:
        return "(absent)"


_GONE = _Gone()


def _show(value: Any) -> str:
    """A short rendering of a value for a message."""
    text = repr(value) if isinstance(value, _Gone) else json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."
