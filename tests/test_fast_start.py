"""`peninsula --help` and `peninsula validate` must not pay for Mesa, pandas or matplotlib."""

import subprocess
import sys
from pathlib import Path

HEAVY = ("mesa", "pandas", "matplotlib", "dask", "SALib")
ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import sys
from model.cli import main
try:
    main({argv!r})
except SystemExit:
    pass
print("LOADED:" + ",".join(m for m in {heavy!r} if m in sys.modules))
"""


def _loaded_by(argv: list[str]) -> list[str]:
    code = PROBE.format(argv=argv, heavy=HEAVY)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    line = next(line for line in done.stdout.splitlines() if line.startswith("LOADED:"))
    return [name for name in line.removeprefix("LOADED:").split(",") if name]


def test_help_imports_no_heavy_library():
    assert _loaded_by(["--help"]) == []


def test_validate_imports_no_heavy_library():
    assert _loaded_by(["validate", str(ROOT / "scenarios" / "hanoi-2019.toml")]) == []


def test_run_does_import_mesa():
    """The probe can see an import: a run needs Mesa, so it must show up."""
    assert "mesa" in _loaded_by(["run", "hanoi-2019", "--months", "1"])
