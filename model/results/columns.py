"""The data dictionary: every column Peninsula writes, with its Arrow type, unit, meaning and when it is null.

One place serves the table writers (sweep chunks, the tables of ``run --out``)
and the generated docs page (docs/DATA.md). The model's arrays keep NaN and
sentinels (``"none"``, ``-1``, a zero count for a run without agreement); the
writers turn every value that does not exist into a null, by each column's
rule here, so DuckDB, Polars and pandas average only values that exist.

A new outcome or monthly reporter needs an entry here: writing a column this
dictionary does not know is an error, and a test compares the dictionary with
the model's outcome fields and reporters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from model.core.domain import Actor, Cause, Coverage, Issue, OutcomeClass, Proposal, TalksFormat

FORMAT_VERSION = 2
"""Output-format version, recorded in every manifest as ``format_version``.

1 (no ``format_version`` in the manifest): values that did not exist were written
as NaN, ``"none"`` or 0. 2: they are nulls, as this dictionary says.
"""

NEVER = ""
NO_DEAL = "no agreement was signed in the run (`deal_reached` is false)"
NOT_COLLAPSED = "the latest agreement did not break down (`collapsed` is not true)"
NO_BROKER = "the latest agreement was not brokered (or none was signed)"

ARROW_TYPES = ("bool", "int64", "uint64", "float64", "string")
PARAMETER_TYPES = {"real": "float64", "integer": "int64", "categorical": "string"}


@dataclass(frozen=True)
class Column:
    """One output column. ``null_when`` says when its value does not exist (NEVER: it always does).

    A NaN in a float column is never a value: it is always written as null.
    """

    name: str
    type: str
    unit: str
    description: str
    null_when: str = NEVER

    def to_arrow(self, values: np.ndarray, beside: Mapping[str, Any]):
        """The column as an Arrow array of its declared type, nulls where its value does not exist.

        ``beside`` holds the other columns of the table (the rules read ``deal_reached`` and ``collapsed``).
        """
        import pyarrow as pa

        values = np.asarray(values)
        mask = np.isnan(values) if values.dtype.kind == "f" else np.zeros(len(values), dtype=bool)
        if values.dtype.kind == "O":  # a table read back: None or NaN where a value was missing
            mask |= np.array([v is None or (isinstance(v, float) and v != v) for v in values], dtype=bool)
        mask |= self._absent(values, beside)
        if values.dtype.kind in "UO":
            values = values.astype(object)
        return pa.array(values, type=_arrow_type(self.type), mask=mask if mask.any() else None)

    def _absent(self, values: np.ndarray, beside: Mapping[str, Any]) -> np.ndarray:
        if self.null_when == NEVER:
            return np.zeros(len(values), dtype=bool)
        if self.null_when == NO_BROKER:
            return values.astype(str) == "none"
        needed = {NO_DEAL: "deal_reached", NOT_COLLAPSED: "collapsed"}[self.null_when]
        if needed not in beside:
            raise ValueError(f"column {self.name!r}: its nulls need the {needed} column beside it")
        return ~np.asarray(beside[needed], dtype=bool)


def _arrow_type(name: str):
    import pyarrow as pa

    return {"bool": pa.bool_(), "int64": pa.int64(), "uint64": pa.uint64(), "float64": pa.float64()}.get(
        name, pa.string()
    )


def _names(kind: type) -> str:
    return ", ".join(member.value for member in kind)


def _signable() -> str:
    return ", ".join(p.value for p in Proposal if p is not Proposal.STATUS_QUO)


SHARE = "share, 0 to 1"
RUN = "run index"

INDEX = (
    Column("point", "int64", RUN, "design point (0-based); its inputs are the parameter columns"),
    Column("replication", "int64", RUN, "replication of the design point (0-based)"),
    Column("seed", "uint64", "seed", "the run's 63-bit seed: `peninsula run --seed SEED` with its inputs repeats it"),
)

OUTCOMES = (
    Column("deal_reached", "bool", "yes/no", "an agreement (a framework or one with steps) was signed in the run"),
    Column(
        "outcome_class",
        "string",
        "category",
        f"{_names(OutcomeClass)}: by implementation of the latest agreement at the end (see docs/ODD.md)",
    ),
    Column(
        "package",
        "string",
        "category",
        f"the latest agreement: a named proposal ({_signable()}) or compromise (a broker's blend)",
        NO_DEAL,
    ),
    Column("agreement_kind", "string", "category", "framework (principles only) or agreement (with steps)", NO_DEAL),
    Column(
        "nearest_package",
        "string",
        "category",
        "the named proposal nearest the latest agreement (city-block distance)",
        NO_DEAL,
    ),
    Column("month_agreed", "int64", "month of the run (1 = first)", "month of the first agreement", NO_DEAL),
    Column("months_held", "int64", "months", "months the latest agreement was in force", NO_DEAL),
    Column("deals_signed", "int64", "count", "agreements signed (a collapsed one may be followed by another)"),
    Column("collapses", "int64", "count", "agreements that broke down during the run"),
    Column("steps", "int64", "count", "steps of the latest agreement (0 for a framework)", NO_DEAL),
    Column("steps_delivered", "int64", "count", "steps of the latest agreement delivered", NO_DEAL),
    Column("late_steps", "int64", "count", "steps of the latest agreement delivered after their due month", NO_DEAL),
    Column("implementation_began", "bool", "yes/no", "a step of the latest agreement was delivered", NO_DEAL),
    Column("collapsed", "bool", "yes/no", "the latest agreement broke down", NO_DEAL),
    Column(
        "collapse_cause",
        "string",
        "category",
        f"why the latest agreement broke down: {', '.join(c.value for c in Cause if c is not Cause.NONE)}",
        NOT_COLLAPSED,
    ),
    Column("collapsed_by", "string", "actor", "the party whose act or choice ended it", NOT_COLLAPSED),
    Column(
        "covers_tests",
        "string",
        "category",
        f"what the latest text says of strategic tests: {_names(Coverage)}",
        NO_DEAL,
    ),
    Column("covers_launches", "string", "category", "what the latest text says of satellite launches", NO_DEAL),
    Column("broker", "string", "actor", "who brokered the latest agreement", NO_BROKER),
    Column("signing_format", "string", "category", "talks format in which the latest agreement was signed", NO_DEAL),
    Column("final_format", "string", "category", f"talks format at the end: {_names(TalksFormat)}"),
    Column("capability_end", "float64", "share of its ceiling, 0 to 1", "DPRK arsenal at the end"),
    Column("income_end", "float64", "share of unsanctioned income", "DPRK external income at the end"),
    Column("pressure_end", "float64", SHARE, "sanctions pressure felt by the DPRK at the end"),
    Column("relief_end", "float64", SHARE, "formal sanctions relief in force at the end"),
    Column("tension_peak", "float64", SHARE, "highest monthly tension"),
    Column("tension_mean", "float64", SHARE, "mean monthly tension"),
    Column("tests", "int64", "count", "DPRK strategic (nuclear or long-range missile) tests"),
    Column("launches", "int64", "count", "DPRK satellite launches"),
    Column("short_range", "int64", "count", "DPRK short-range launches (below the threshold agreements cover)"),
    Column("exercises", "int64", "count", "major US-ROK exercises held"),
    Column("resolutions", "int64", "count", "new UN resolutions tightening sanctions"),
    Column("aid_withheld_months", "int64", "months", "months Japan withheld its share of an agreement's aid (E5)"),
    Column("talks_held", "int64", "count", "rounds of talks held"),
    Column(
        "us_yield_belief_end", "float64", SHARE, "the US's belief at the end that pressure will make the DPRK concede"
    ),
    Column("trust_US_in_DPRK_end", "float64", SHARE, "the US's trust in the DPRK at the end"),
    Column("trust_DPRK_in_US_end", "float64", SHARE, "the DPRK's trust in the US at the end"),
    *(
        Column(
            f"deal_{issue.value}",
            "float64",
            "issue position, 0 to 1",
            f"the latest agreement's point on {issue.value.replace('_', ' ')}",
            NO_DEAL,
        )
        for issue in Issue
    ),
    *(
        Column(f"utility_{actor.value}", "float64", "utility per month", f"{actor.value}'s mean realised utility")
        for actor in Actor
    ),
)

MONTHLY = (
    Column("replication", "int64", RUN, "replication (0-based; always 0 for a single run)"),
    Column("seed", "uint64", "seed", "the replication's seed"),
    Column("month", "int64", "month of the run", "month (0 = the state before the first month)"),
    Column("tension", "float64", SHARE, "tension on the peninsula"),
    Column("income", "float64", "share of unsanctioned income", "DPRK external income"),
    Column("pressure", "float64", SHARE, "sanctions pressure felt by the DPRK"),
    Column("capability", "float64", "share of its ceiling, 0 to 1", "DPRK arsenal"),
    Column("relief", "float64", SHARE, "formal sanctions relief in force"),
    Column("deal_in_force", "bool", "yes/no", "an agreement is in force"),
    Column("tests", "int64", "count", "DPRK strategic tests so far"),
    Column("launches", "int64", "count", "DPRK satellite launches so far"),
    Column("trust_US_in_DPRK", "float64", SHARE, "how far the US trusts the DPRK to keep its word"),
    Column("trust_DPRK_in_US", "float64", SHARE, "how far the DPRK trusts the US to keep its word"),
    Column("us_yield_belief", "float64", SHARE, "the US's belief that pressure will make the DPRK concede"),
    Column("pressure_forecast", "float64", SHARE, "the pressure the sanctions as delivered are expected to reach"),
    Column("enforcement_CHN", "float64", SHARE, "China's delivered enforcement, mean over the four channels"),
    Column("enforcement_RUS", "float64", SHARE, "Russia's delivered enforcement, mean over the four channels"),
    Column("six_party", "bool", "yes/no", "talks are in the six-party format"),
    *(
        Column(
            f"position_{actor.value}_{issue.value}",
            "float64",
            "issue position, 0 to 1",
            f"{actor.value}'s current position on {issue.value.replace('_', ' ')}",
        )
        for actor in Actor
        for issue in Issue
    ),
)

TABLES: dict[str, tuple[str, tuple[Column, ...]]] = {
    "runs": (
        "One row per run: `OUT/runs/*.parquet` of `peninsula sweep` (index columns, one column per swept "
        "parameter, then the experiment's outcomes), and `runs.csv`/`runs.parquet` of "
        "`peninsula run --replications N --out` (replication, seed, every outcome).",
        INDEX + OUTCOMES,
    ),
    "months": (
        "One row per replication and month: `months.csv`/`months.parquet` of `peninsula run --out`.",
        MONTHLY,
    ),
}


def lookup(table: str) -> dict[str, Column]:
    return {c.name: c for c in TABLES[table][1]}


def parameter_column(name: str, kind: str) -> Column:
    """The column of a swept lever or uncertainty (its name is the experiment file's)."""
    return Column(name, PARAMETER_TYPES[kind], "as the scenario key", "value of a swept parameter")


def with_dependencies(names: Iterable[str]) -> tuple[str, ...]:
    """Outcome names plus the columns their nulls depend on (``deal_reached``, ``collapsed``), kept first."""
    names = tuple(names)
    known = lookup("runs")
    rules = {known[n].null_when for n in names if n in known}
    needed = [c for c, rule in (("deal_reached", NO_DEAL), ("collapsed", NOT_COLLAPSED)) if rule in rules]
    return (*(c for c in needed if c not in names), *names)


def arrow_table(table: str, columns: Mapping[str, Any], parameters: Mapping[str, str] | None = None):
    """An Arrow table of ``columns`` (name -> values), typed and with nulls as the dictionary says.

    ``parameters`` maps a swept parameter's column name to its kind (real, integer, categorical).
    A column the dictionary does not know is an error, so every written column is documented.
    """
    import pyarrow as pa

    known = lookup(table)
    extra = {name: parameter_column(name, kind) for name, kind in (parameters or {}).items()}
    arrays = {}
    for name, values in columns.items():
        column = extra.get(name) or known.get(name)
        if column is None:
            raise ValueError(
                f"column {name!r} of the {table} table is not in the data dictionary (model/results/columns.py)"
            )
        arrays[name] = column.to_arrow(np.asarray(values), columns)
    return pa.table(arrays)


def record(outcomes: Mapping[str, Any], i: int = 0) -> dict[str, Any]:
    """One run's outcomes as plain JSON-ready values, with None where a value does not exist (as in the tables)."""
    return arrow_table("runs", {name: np.asarray(values)[i : i + 1] for name, values in outcomes.items()}).to_pylist()[
        0
    ]


def csv_frame(arrow):
    """An Arrow table as pandas for CSV: nulls become empty fields, integers stay integers."""
    import pandas as pd

    return arrow.to_pandas(types_mapper=pd.ArrowDtype)


def read_frame(arrow):
    """An Arrow table as pandas for analysis: yes/no columns with nulls stay boolean (pandas' nullable type)."""
    import pandas as pd
    import pyarrow as pa

    return arrow.to_pandas(types_mapper=lambda t: pd.BooleanDtype() if t == pa.bool_() else None)


def upgrade(frame, version: int, parameters: Mapping[str, str]):
    """Sweep rows read from a folder of format ``version``, as the current format writes them."""
    if version == FORMAT_VERSION:
        return frame
    data = {name: frame[name].to_numpy() for name in frame.columns}
    return read_frame(arrow_table("runs", data, parameters))


def markdown() -> str:
    """docs/DATA.md: every table and column; regenerate with ``python -m model.docs``."""
    lines = [
        "# Data dictionary",
        "",
        "<!-- Generated from model/results/columns.py by `python -m model.docs`; do not edit by hand. -->",
        "",
        f"Output format version **{FORMAT_VERSION}**: every manifest (`manifest.json` of a sweep, the `manifest` "
        "of `run.json`) records it as `format_version`. A value that does not exist is **null** in every column "
        "(an empty field in CSV): DuckDB, Polars and pandas skip it when averaging. Floats never hold NaN. "
        "Folders written before format 2 (no `format_version`) held NaN, `none` or 0 instead; "
        "`peninsula analyze` converts them on reading.",
        "",
        "A sweep's rows also hold one column per swept parameter, named as in the experiment file: "
        f"{', '.join(f'{kind} -> `{t}`' for kind, t in PARAMETER_TYPES.items())} (categorical values that are "
        "not text are written as JSON text, e.g. `false`). A sweep writes only the outcomes its experiment "
        "names, plus `deal_reached` when a named outcome's nulls depend on it.",
    ]
    for name, (about, columns) in TABLES.items():
        lines += ["", f"## {name}", "", about, "", "| column | type | unit | meaning | null when |", "|" + "---|" * 5]
        lines += [f"| `{c.name}` | {c.type} | {c.unit} | {c.description} | {c.null_when or 'never'} |" for c in columns]
    return "\n".join(lines) + "\n"
