"""``peninsula report DIR``: one self-contained HTML file (plots inlined as base64) of a sweep's analysis."""

from __future__ import annotations

import base64
import html
from pathlib import Path

from model.analysis import analyze

REPORT = "report.html"
MAX_ROWS = 300

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }
table { border-collapse: collapse; font-size: 12px; }
td, th { border: 1px solid #ccc; padding: 2px 6px; text-align: right; }
img { max-width: 100%; } dt { font-weight: bold; } .small { color: #666; font-size: 12px; }
"""


def write_report(folder: Path) -> Path:
    """Analyse the folder (writing its tables and plots), then write ``report.html`` beside the manifest."""
    result = analyze(Path(folder))
    m = result.manifest
    parts = [
        f"<h1>{html.escape(m['experiment'])}</h1>",
        f"<p>{html.escape(m.get('question', ''))}</p>",
        _facts(m),
        "<h2>Plots</h2>",
        *(_image(p) for p in result.files if p.suffix == ".png"),
        "<h2>Outcome rates by design cell (95% Wilson intervals)</h2>",
        _table(result.cells),
    ]
    if result.indices is not None:
        parts += ["<h2>Sensitivity indices (SALib)</h2>", _table(result.indices)]
    head = f"<meta charset='utf-8'><title>{html.escape(m['experiment'])}</title><style>{STYLE}</style>"
    page = f"<!doctype html><html><head>{head}</head><body>{''.join(parts)}</body></html>\n"
    target = Path(folder) / REPORT
    target.write_text(page, encoding="utf-8")
    return target


def _facts(m: dict) -> str:
    facts = {
        "design": f"{m['design']['kind']}, {m['design']['points']} points x {m['replications']} replications",
        "runs": m["runs"],
        "completed": f"{m['completed']} runs ({m['status']})",
        "root seed": m["root_seed"],
        "experiment file": f"{m['experiment_file']} ({m['experiment_file_hash'][:19]})",
        "base scenario": m["scenario_file"],
        "code": f"peninsula {m['version']}, commit {m.get('git_commit') or 'unknown'}",
    }
    items = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(str(v))}</dd>" for k, v in facts.items())
    return f"<dl>{items}</dl>"


def _image(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    name = html.escape(path.stem)
    caption = f"<figcaption class='small'>{name}</figcaption>"
    return f"<figure><img alt='{name}' src='data:image/png;base64,{data}'>{caption}</figure>"


def _table(frame) -> str:
    note = (
        f"<p class='small'>first {MAX_ROWS} of {len(frame)} rows; all in analysis/*.csv</p>"
        if len(frame) > MAX_ROWS
        else ""
    )
    return frame.head(MAX_ROWS).to_html(index=False, float_format=lambda v: f"{v:.3g}", border=0) + note
