"""Reports as terminal tables, CSV and JSON."""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd
from rich.table import Table

from ..api import Report

_CONTEXT_TITLE = {
    ("manager", "one_on_one"): "Managers: their questions in one-on-ones",
    ("rep", "customer_call"): "Reps: their questions in customer calls",
    ("team", "one_on_one"): "Teams: managers' questions in one-on-ones",
    ("team", "customer_call"): "Teams: reps' questions in customer calls",
}


def _pct(x: float) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.0f}%"


def _ratio(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return "∞" if math.isinf(x) else f"{x:.2f}"


def _num(x: float, fmt: str) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else format(100 * x, fmt)


def summary_tables(report: Report) -> list[Table]:
    """Give one rich table per context: counts, impact share with its interval, ratio, trend."""
    tables = []
    summary = report.summary
    for context, part in summary.groupby("context", sort=True):
        by = str(part["by"].iloc[0])
        unit = str(part["slope_unit"].iloc[0]).replace("share per ", "")
        table = Table(title=_CONTEXT_TITLE.get((by, str(context)), f"{by} in {context}"), title_justify="left")
        team_col = [] if by == "team" else [("Team", "left")]
        for col, justify in [
            (by.capitalize(), "left"), *team_col, ("Calls", "right"), ("Qs", "right"), ("Rev", "right"),
            ("Impact", "right"), ("Other", "right"), ("Impact share", "right"), ("95% CI", "right"),
            ("Rev:Impact", "right"), (f"Slope, pts/{unit}", "right"), ("95% CI ", "right"), ("Trend", "left"),
        ]:  # fmt: skip
            table.add_column(col, justify=justify)  # type: ignore[arg-type]
        for _, row in part.iterrows():
            team_cell = [] if by == "team" else [str(row["team"] or "")]
            table.add_row(
                str(row["name"]), *team_cell, str(row["calls"]), str(row["questions"]), str(row["revenue"]),
                str(row["customer_impact"]), str(row["other"]), _pct(row["impact_share"]),
                f"{_pct(row['impact_share_low'])}–{_pct(row['impact_share_high'])}", _ratio(row["revenue_per_impact"]),
                _num(row["slope"], "+.1f"), f"{_num(row['slope_low'], '+.1f')} to {_num(row['slope_high'], '+.1f')}",
                str(row["trend"]),
            )  # fmt: skip
        tables.append(table)
    return tables


def period_table(report: Report, max_periods: int = 16) -> Table | None:
    """Give a table of impact share per period (columns) and group (rows), latest periods last."""
    periods = report.periods
    if periods.empty:
        return None
    labels = sorted(periods["period"].unique())[-max_periods:]
    table = Table(title="Impact share by period (questions in brackets)", title_justify="left")
    table.add_column("Who", justify="left")
    for label in labels:
        table.add_column(_short_period(label), justify="right")
    for (name, context), part in periods.groupby(["name", "context"], sort=True):
        if str(part["by"].iloc[0]) == "team":
            name = f"{name} ({'one-on-ones' if context == 'one_on_one' else 'customer calls'})"
        cells = {
            row["period"]: f"{_pct(row['impact_share'])} ({row['revenue'] + row['customer_impact']})"
            for _, row in part.iterrows()
        }
        table.add_row(str(name), *[cells.get(label, "") for label in labels])
    return table


def _short_period(label: str) -> str:
    return label[5:] if len(label) == 10 else label


def to_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Give JSON-ready rows: dates as ISO strings, NaN as null, infinity as the string "inf"."""
    rows = []
    for record in frame.to_dict("records"):
        clean: dict[str, Any] = {}
        for key, value in record.items():
            if isinstance(value, pd.Timestamp):
                clean[key] = value.date().isoformat()
            elif value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
                clean[key] = None
            elif isinstance(value, float) and math.isinf(value):
                clean[key] = "inf"
            elif hasattr(value, "item"):
                clean[key] = value.item()
            else:
                clean[key] = value
        rows.append(clean)
    return rows


def to_json(report: Report) -> str:
    """Give the report as JSON: ``{"summary": [...], "periods": [...]}``."""
    return json.dumps(
        {"summary": to_records(report.summary), "periods": to_records(report.periods)}, indent=2, ensure_ascii=False
    )


def to_csv(frame: pd.DataFrame) -> str:
    """Give a report table as CSV text."""
    return str(frame.to_csv(index=False, date_format="%Y-%m-%d"))
