"""``peninsula analyze DIR``: one call that reads a sweep folder and writes tables and plots into DIR/analysis."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model.analysis import plots, sensitivity, tables
from model.core.errors import InputError
from model.results.columns import FORMAT_VERSION, upgrade
from model.sweep.store import MANIFEST, read_manifest, read_runs

ANALYSIS = "analysis"


@dataclass
class AnalysisResult:
    """What was found and written; ``text`` is what the command prints."""

    folder: Path
    manifest: dict[str, Any]
    cells: Any
    indices: Any
    files: list[Path] = field(default_factory=list)
    cell_columns: list[str] = field(default_factory=list)
    text: str = ""


def analyze(folder: Path) -> AnalysisResult:
    """Rates by cell (CSV), SALib indices for SALib designs (CSV), and the plots (PNG, SVG)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(str(folder), "", "not a folder; give a sweep output folder")
    manifest = read_manifest(folder)
    runs = read_rows(folder, manifest)
    out = folder / ANALYSIS
    out.mkdir(exist_ok=True)
    cells = tables.cell_columns(manifest)
    table = tables.rates_by_cell(runs, cells)
    files = [out / "cells.csv"]
    table.to_csv(files[0], index=False)
    try:
        indices = sensitivity.indices(runs, manifest)
    except ValueError as err:
        raise InputError(str(folder), "runs", str(err), manifest.get("completed")) from None
    if indices is not None:
        files.append(out / "sensitivity.csv")
        indices.to_csv(files[-1], index=False)
    files += plots.deal_heatmap(runs, manifest, out)
    files += plots.month_distributions(runs, cells, out)
    files += plots.sensitivity_bars(indices, out)
    result = AnalysisResult(folder, manifest, table, indices, files, cells)
    result.text = _text(result, len(runs), cells)
    return result


def read_rows(folder: Path, manifest: dict[str, Any]):
    """The sweep's rows in the current output format; older folders are converted, newer ones refused."""
    version = manifest.get("format_version", 1)
    if not isinstance(version, int) or not 1 <= version <= FORMAT_VERSION:
        raise InputError(
            str(folder / MANIFEST),
            "format_version",
            f"unknown output format; this peninsula reads formats 1 to {FORMAT_VERSION} (a newer one needs a newer "
            "peninsula)",
            version,
        )
    runs = read_runs(folder)
    parameters = {p["name"]: p["kind"] for p in manifest["design"]["parameters"]}
    try:
        return upgrade(runs, version, parameters)
    except ValueError as err:
        raise InputError(str(folder), "runs", f"cannot read output format {version}: {err}", version) from None


def _text(result: AnalysisResult, n_runs: int, cells: list[str]) -> str:
    m = result.manifest
    lines = [
        f"{m['experiment']}: {m.get('question', '')}",
        f"{n_runs} of {m['runs']} runs ({m['design']['kind']} design, "
        f"{m['design']['points']} points x {m['replications']} replications)",
        *([f"Sweep {m['status']}: rerun it with --resume to finish"] if m["status"] != "complete" else []),
        "",
        tables.cells_text(result.cells, cells),
    ]
    if result.indices is not None:
        lines += ["", "Sensitivity indices:", result.indices.to_string(index=False, float_format=lambda v: f"{v:.3f}")]
    lines += ["", "Wrote " + ", ".join(str(p) for p in result.files)]
    return "\n".join(lines)
