"""The layout shows the model: each wing of the package imports only the wings below it (arrows run down).

``core`` is the ground (it imports nothing else of the project); the
formulas in ``rules`` stand on it; the agents and their policies on those;
scenario input, the phases and the story on those; the Mesa model on all of
them; results on the model. Imports for type hints only (under
``TYPE_CHECKING``) are not arrows: nothing runs through them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "model"
LEVEL = {"core": 0, "rules": 1, "agents": 2, "scenario": 3, "phases": 3, "story": 3, "simulation": 4, "results": 5}


def _wing(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "model" and len(parts) > 1 and parts[1] in LEVEL else None


def _imports(tree: ast.AST) -> list[tuple[str, int]]:
    """Modules imported at run time (not under ``if TYPE_CHECKING:``), with their line."""
    hidden = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            hidden |= {id(child) for child in ast.walk(node)}
    found = []
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [f"model.{a.name}" for a in node.names] if node.module == "model" else [node.module]
            found += [(n, node.lineno) for n in names]
        elif isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names]
    return found


MODULES = sorted(
    p for p in PACKAGE.rglob("*.py") if _wing("model." + p.relative_to(PACKAGE).parts[0].removesuffix(".py"))
)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_a_wing_imports_only_the_wings_below_it(path):
    own = _wing("model." + path.relative_to(PACKAGE).parts[0].removesuffix(".py"))
    upward = [
        f"line {line}: {module}"
        for module, line in _imports(ast.parse(path.read_text(encoding="utf-8")))
        if (other := _wing(module)) and other != own and LEVEL[other] >= LEVEL[own]
    ]
    assert not upward, f"{path.name} ({own}) imports at or above its level: {upward}"


def test_the_ground_imports_nothing_else_of_the_project():
    for path in (PACKAGE / "core").glob("*.py"):
        others = [m for m, _ in _imports(ast.parse(path.read_text(encoding="utf-8"))) if m.startswith("model.")]
        assert all(m.startswith("model.core") for m in others), (path.name, others)
