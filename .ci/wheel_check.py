"""CI: the installed wheel carries everything a user needs, checked from outside the repository.

Run by .ci/run with the fresh environment's Python, from a temporary folder, with the
repository's path as the argument (only to list what should be shipped).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from importlib.metadata import distribution
from pathlib import Path

import model
from model.scenario.loader import load_scenario, shipped_scenarios
from model.sweep.experiment import load_experiment, shipped_experiments

REPO = Path(sys.argv[1]).resolve()
PENINSULA = str(Path(sys.executable).parent / "peninsula")


def main() -> None:
    assert REPO not in Path(model.__file__).resolve().parents, f"model imported from the checkout: {model.__file__}"
    scenarios = {p.stem for p in (REPO / "scenarios").glob("*.toml")}
    scenarios |= {f"history/{p.stem}" for p in (REPO / "scenarios" / "history").glob("*.toml")}
    experiments = {p.stem for p in (REPO / "experiments").glob("*.toml")}
    assert set(shipped_scenarios()) == scenarios, set(scenarios) ^ set(shipped_scenarios())
    assert set(shipped_experiments()) == experiments, set(experiments) ^ set(shipped_experiments())
    for name in scenarios:
        load_scenario(name)
    for name in experiments:
        load_experiment(name)
    from model.teaching import exercises

    sheets = {p.name for p in (REPO / "exercises").glob("*.toml")}
    assert {p.name for p in exercises.shipped().values()} == sheets, sheets
    files = [str(f) for f in distribution("peninsula").files or ()]
    assert any(f.endswith(".dist-info/licenses/LICENSE") or f.endswith(".dist-info/LICENSE") for f in files), files
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        steps = (["experiments"], ["exercise", "show", "1"], ["sweep", "format-comparison", "--out", str(out)])
        for args in (*steps, ["report", str(out)]):
            done = subprocess.run([PENINSULA, *args], capture_output=True, text=True, cwd=tmp, timeout=600)
            assert done.returncode == 0, (args, done.stderr)
        assert (out / "report.html").is_file()
    print(
        f"wheel: {len(scenarios)} scenarios, {len(experiments)} experiments and {len(sheets)} exercises load by name; "
        "format-comparison swept, analysed and reported from the installed wheel"
    )


if __name__ == "__main__":
    main()
