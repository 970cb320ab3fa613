"""``peninsula analyze DIR``: one call that reads a sweep folder and writes tables and plots into DIR/analysis."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model.analysis import plots, sensitivity, tables
from model.errors import InputError
from model.sweep.store import read_manifest, read_runs

ANALYSIS = "analysis"


@dataclass
class AnalysisResult:
    """What was found and written; ``text`` is what the command prints."""

    folder: Path
    manifest: dict[str, Any]
    cells: Any
    indices: Any
    files: list[Path] = field(default_factory=list)
    text: str = ""


def analyze(folder: Path) -> AnalysisResult:
    """Rates by cell (CSV), SALib indices for SALib designs (CSV), and the plots (PNG, SVG)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(str(folder), "", "not a folder; give a sweep output folder")
    manifest = read_manifest(folder)
    runs = read_runs(folder)
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
    result = AnalysisResult(folder, manifest, table, indices, files)
    result.text = _text(result, len(runs), cells)
    return result


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
