"""``peninsula report DIR``: one self-contained HTML file (plots inlined as base64) of a sweep's analysis."""

from __future__ import annotations

import base64
import html
from pathlib import Path

from model.analysis import analyze
from model.results.summary import wilson

REPORT = "report.html"
MAX_ROWS = 300
SUMMARY_CELLS = 12
"""Regimes listed in the summary: all of them up to this many, else the most and least likely to reach a deal."""
TOP_INDICES = 3

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
.wide { max-width: 100%; overflow-x: auto; }
table { border-collapse: collapse; font-size: 12px; }
td, th { border: 1px solid #ccc; padding: 2px 6px; text-align: right; }
th { white-space: normal; overflow-wrap: anywhere; max-width: 9em; vertical-align: bottom; }
img { max-width: 100%; } dt { font-weight: bold; } .small { color: #666; font-size: 12px; }
.summary { background: #f4f6f8; border: 1px solid #dde; padding: 0.5em 1em; }
"""


def write_report(folder: Path) -> Path:
    """Analyse the folder (writing its tables and plots), then write ``report.html`` beside the manifest."""
    result = analyze(Path(folder))
    m = result.manifest
    parts = [
        f"<h1>{html.escape(m['experiment'])}</h1>",
        summary(result),
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


def summary(result) -> str:
    """The answer first: the question, P(deal) with its 95% interval overall and per regime, the top indices."""
    m, cells = result.manifest, result.cells
    parts = [f"<p><b>Question:</b> {html.escape(m.get('question', ''))}</p>"]
    if "deal_reached" in cells:
        deals = float((cells["deal_reached"] * cells["runs"]).sum())
        runs = int(cells["runs"].sum())
        lo, hi = wilson(round(deals), runs)
        parts.append(f"<p><b>P(deal)</b> over all {runs:,} runs: {deals / runs:.3f} (95% CI {lo:.3f} to {hi:.3f})</p>")
        parts.append(_regimes(cells, result.cell_columns))
    if result.indices is not None:
        parts.append(_top_indices(result.indices))
    return "<div class='summary'><h2>Summary</h2>" + "".join(parts) + "</div>"


def _regimes(cells, columns: list[str]) -> str:
    """P(deal) per regime with its Wilson interval: every regime, or the five highest and five lowest."""
    if not columns:
        return ""
    ranked = cells.sort_values("deal_reached", ascending=False, kind="stable")
    shown = ranked if len(ranked) <= SUMMARY_CELLS else ranked.iloc[[*range(5), *range(len(ranked) - 5, len(ranked))]]
    note = "" if len(ranked) <= SUMMARY_CELLS else f" (the five highest and five lowest of {len(ranked)})"
    items = "".join(
        f"<li>{html.escape(_regime(row, columns))}: P(deal) {row['deal_reached']:.3f} "
        f"(95% CI {row['deal_reached_lo']:.3f} to {row['deal_reached_hi']:.3f}, {int(row['runs'])} runs)</li>"
        for _, row in shown.iterrows()
    )
    return f"<p><b>P(deal) per regime</b>{note}:</p><ul>{items}</ul>"


def _regime(row, columns: list[str]) -> str:
    return ", ".join(f"{c} = {row[c]:g}" if isinstance(row[c], float) else f"{c} = {row[c]}" for c in columns)


def _top_indices(indices) -> str:
    """The parameters that matter most for each outcome: total Sobol index ST, or Morris mu*."""
    key = "ST" if "ST" in indices else "mu_star"
    items = []
    for outcome, part in indices.groupby("outcome", sort=False):
        top = part.sort_values(key, ascending=False).head(TOP_INDICES)
        listed = ", ".join(f"{p} {v:.2f}" for p, v in zip(top["parameter"], top[key], strict=True))
        items.append(f"<li>{html.escape(str(outcome))}: {html.escape(listed)}</li>")
    return f"<p><b>Most influential parameters</b> ({key}):</p><ul>{''.join(items)}</ul>"


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
    table = frame.head(MAX_ROWS).to_html(index=False, float_format=lambda v: f"{v:.3g}", border=0, na_rep="")
    return f"<div class='wide'>{table}</div>{note}"
