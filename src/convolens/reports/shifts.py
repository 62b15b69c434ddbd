"""When a manager's question mix shifted: the change point of their impact share, in words and on the chart.

The change points are :func:`convolens.stats.change_points`' (computed once per
run in :class:`~convolens.reports.rundata.RunData`); a shift whose permutation
p-value is not below :data:`~convolens.reports.page.ALPHA` reads "no clear
shift" and gets no marker.
"""

from __future__ import annotations

import pandas as pd

from .. import stats
from .page import ALPHA, ci, p_text, pct
from .rundata import RunData, person_row
from .svg import esc
from .timechart import Shift


def _status(row: pd.Series | None) -> str:
    """Give ``shift``, ``none`` (no clear shift), ``little`` (too little data) or ``absent``."""
    if row is None:
        return "absent"
    if (isinstance(row["note"], str) and row["note"]) or pd.isna(row["p_value"]):
        return "little"
    return "shift" if bool(row["significant"]) and float(row["p_value"]) < ALPHA else "none"


def _dates(row: pd.Series) -> str:
    return f"{row['period_before_end']} → {row['period_after_start']}"


def shift_marker(data: RunData, person_id: str) -> Shift | None:
    """Give the trend chart's marker for a manager's shift, or None when there is no clear one."""
    row = person_row(data.manager_changes, person_id)
    if row is None or _status(row) != "shift":
        return None
    return Shift(
        pd.Timestamp(str(row["period_before_end"])),
        pd.Timestamp(str(row["period_after_start"])),
        (
            f"Mix shift {_dates(row)}",
            f"impact share {pct(row['share_before'])} → {pct(row['share_after'])}, p = {p_text(row['p_value'])}",
        ),
    )


def _little(data: RunData, row: pd.Series) -> str:
    return (
        f"too little data for a change point: {int(row['periods'])} {data.period}s and {int(row['questions'])} "
        f"revenue + impact questions (needs {stats.MIN_CHANGE_PERIODS} {data.period}s and "
        f"{stats.MIN_CHANGE_QUESTIONS} questions)"
    )


def manager_shift(data: RunData, row: pd.Series) -> str:
    """Give a manager's mix-shift paragraph: dates, share before → after with intervals, permutation p."""
    return f'<div class="shift"><h3>When the question mix shifted</h3>{_shift_text(data, row)}</div>'


def _shift_text(data: RunData, row: pd.Series) -> str:
    name, unit = str(row["name"]), data.period
    change = person_row(data.manager_changes, str(row["id"]))
    status = _status(change)
    if change is None or status == "absent":
        return f"<p class=muted>No dated revenue or impact questions by {esc(name)}: no change point.</p>"
    if status == "little":
        return f'<p class="warn">⚠ {esc(_little(data, change))}.</p>'
    shares = (
        f"impact share {pct(change['share_before'])} (95% CI {ci(change['share_before_low'], change['share_before_high'])}) "
        f"→ {pct(change['share_after'])} ({ci(change['share_after_low'], change['share_after_high'])})"
    )
    p = esc(p_text(change["p_value"]))
    if status == "shift":
        return (
            f"<p>Mix shift: <b>{esc(_dates(change))}</b> (last {unit} before → first {unit} after): {shares}; "
            f"permutation p = <b>{p}</b>. Marked on the trend chart above.</p>"
        )
    return (
        f"<p><b>No clear shift</b> in {esc(name)}'s mix: the best split ({esc(_dates(change))}, {shares}) is one "
        f"chance gives often (permutation p = {p}).</p>"
    )


def shift_cell(data: RunData, person_id: str) -> str:
    """Give the organisation table's cell: the shift's dates and shares, "no clear shift" or why there is none."""
    change = person_row(data.manager_changes, person_id)
    status = _status(change)
    if change is None or status == "absent":
        return '<td class="muted">no dated questions</td>'
    if status == "little":
        return '<td class="warn">⚠ too little data</td>'
    if status == "none":
        return f"<td>no clear shift (p = {esc(p_text(change['p_value']))})</td>"
    return (
        f"<td><b class=nw>{esc(_dates(change))}</b>: {pct(change['share_before'])} → {pct(change['share_after'])} "
        f"(p = {esc(p_text(change['p_value']))})</td>"
    )
