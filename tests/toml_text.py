"""Python data -> TOML text, for tests that write arbitrary files (the standard library only reads TOML).

Every table is written inline, so any nesting and any key can be expressed; deep nesting (:class:`Deep`)
stays one line. Only the value kinds TOML has are accepted: tables, arrays, strings, integers, floats (NaN and
infinities included), booleans, dates and times.

>>> toml_text({"a": {"b c": [1, 2.5, float("nan")], "d": "x\\"y"}})
'"a" = { "b c" = [1, 2.5, nan], "d" = "x\\\\"y" }\\n'
"""

from __future__ import annotations

import datetime
import json
import math
from dataclasses import dataclass
from typing import Any


def toml_text(tree: dict[str, Any]) -> str:
    return "".join(f"{_key(name)} = {value_text(value)}\n" for name, value in tree.items())


@dataclass(frozen=True)
class Deep:
    """``depth`` nested arrays or tables around ``leaf``, written without recursion (for nesting tests)."""

    depth: int
    leaf: Any
    kind: str = "array"

    def text(self) -> str:
        inner = value_text(self.leaf)
        if self.kind == "array":
            return "[" * self.depth + inner + "]" * self.depth
        return "{ x = " * self.depth + inner + " }" * self.depth


def value_text(value: Any) -> str:
    if isinstance(value, Deep):
        return value.text()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(value_text(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{_key(k)} = {value_text(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def _string(text: str) -> str:
    """A TOML basic string: JSON's escapes, which TOML shares, plus DEL, which TOML wants escaped."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _key(name: str) -> str:
    return _string(str(name))
