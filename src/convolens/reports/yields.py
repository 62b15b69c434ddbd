"""Question yield in the report: how long the other party talks after customer-impact vs revenue questions.

The figures are :func:`convolens.stats.yield_summary`'s (managers in their
one-on-ones, reps in their customer calls); this module only words and lays
them out, and says when the counts are too small to act on.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import stats
from .page import ALPHA, WARNING, figure, p_text, team_text
from .rundata import RunData, person_row
from .svg import esc


def _n(row: pd.Series | None, side: str) -> int:
    return 0 if row is None else int(row[f"n_{side}"])


def _ratio(x: Any) -> str:
    return "–" if x is None or pd.isna(x) else f"{float(x):.2f}×"


def small_note(row: pd.Series | None) -> str:
    """Give why a person's yield comparison is too small to act on, or "" when it is not."""
    n_imp, n_rev = _n(row, "impact"), _n(row, "revenue")
    if min(n_imp, n_rev) >= stats.MIN_YIELD_QUESTIONS:
        return ""
    return (
        f"only {n_imp} customer-impact and {n_rev} revenue questions (fewer than {stats.MIN_YIELD_QUESTIONS} "
        f"on a side): {WARNING}"
    )


def verdict(row: pd.Series | None) -> str:
    """Give the yield comparison in a few words: longer/shorter after impact questions, no clear difference, or why not."""
    if row is None or _n(row, "impact") == 0 or _n(row, "revenue") == 0:
        return "nothing to compare"
    if small_note(row):
        return WARNING
    if pd.isna(row["p_value"]) or float(row["p_value"]) >= ALPHA:
        return "no clear difference"
    ratio = row["words_ratio"]
    if pd.isna(ratio) or float(ratio) == 1.0:
        return "replies differ (equal medians)"
    return "longer after impact questions" if float(ratio) > 1 else "shorter after impact questions"


def _median_cell(row: pd.Series | None, side: str) -> str:
    if row is None or _n(row, side) == 0:
        return "–"
    words = figure(row[f"median_words_{side}"], "words", 0)
    seconds = row[f"median_s_{side}"]
    return words if pd.isna(seconds) else f"{words}, {figure(seconds, 's')}"


def compact_cell(row: pd.Series | None) -> str:
    """Give one table cell's worth: "13 vs 12 words (p = 0.001)", flagged when the sample is small."""
    if row is None or _n(row, "impact") == 0 or _n(row, "revenue") == 0:
        return '<td class="warn">⚠ nothing to compare</td>'
    text = (
        f"{figure(row['median_words_impact'], '', 0)} vs {figure(row['median_words_revenue'], '', 0)} words "
        f"(p = {p_text(row['p_value'])})"
    )
    if small_note(row):
        return f'<td class="warn">{esc(text)} ⚠ {_n(row, "impact")}/{_n(row, "revenue")} questions</td>'
    return f"<td>{esc(text)}</td>"


def manager_yield(data: RunData, row: pd.Series) -> str:
    """Give a manager's question-yield subsection: medians and counts per focus, the test and its reading."""
    pid, name = str(row["id"]), str(row["name"])
    y = person_row(data.manager_yield, pid)
    head = f"<h3>Question yield: how long the rep talks after {esc(name)}'s questions</h3>"
    if y is None:
        none = f"<p class=muted>No questions by {esc(name)} in one-on-ones to measure.</p>"
        return f'<div class="yield">{head}{none}</div>'
    rows = "".join(
        f"<tr><td class={css}>{label}</td><td class=n>{_n(y, side)}</td><td class=n>{_median_cell(y, side)}</td></tr>"
        for side, label, css in (
            ("impact", "customer-impact questions", "imp"),
            ("revenue", "revenue questions", "rev"),
        )
    )
    table = "<table><tr><th>After</th><th>Questions</th><th>Median reply (words, seconds)</th></tr>" + rows + "</table>"
    reading = verdict(y)
    if reading == "nothing to compare":
        side = "customer-impact" if _n(y, "impact") == 0 else "revenue"
        note = f'<p class="warn">⚠ No {side} questions to compare with: {WARNING}.</p>'
    else:
        small = small_note(y)
        note = (
            f"<p>Replies after customer-impact questions run <b>{_ratio(y['words_ratio'])}</b> as long in words "
            f"({_ratio(y['s_ratio'])} in seconds) as after revenue questions; Mann-Whitney p = "
            f"<b>{esc(p_text(y['p_value']))}</b>{'' if small else f': {esc(reading)}'}.</p>"
        )
        if small:
            note += f'<p class="warn">⚠ Small sample: {esc(small)}.</p>'
    return f'<div class="yield">{head}{table}{note}</div>'


def reps_yield(data: RunData) -> str:
    """Give the organisation view's table of each rep's question yield in customer calls."""
    if data.reps.empty:
        return ""
    rows = []
    for _, r in data.reps.iterrows():
        y = person_row(data.rep_yield, str(r["id"]))
        reading = verdict(y)
        css = ' class="warn"' if reading in (WARNING, "nothing to compare") else ""
        flag = "⚠ " if css else ""
        rows.append(
            f"<tr><td>{esc(r['name'])}</td><td>{team_text(r)}</td><td class=n>{_n(y, 'impact')}</td>"
            f"<td class=n>{_n(y, 'revenue')}</td><td class=n>{_median_cell(y, 'impact')}</td>"
            f"<td class=n>{_median_cell(y, 'revenue')}</td>"
            f"<td class=n>{_ratio(None if y is None else y['words_ratio'])}</td>"
            f"<td class=n>{esc(p_text(None if y is None else y['p_value']))}</td><td{css}>{flag}{esc(reading)}</td></tr>"
        )
    return (
        '<div id="reps-yield"><h4>Question yield: how long the customer talks after each rep\'s questions</h4>'
        "<table><tr><th>Rep</th><th>Team</th><th>Impact Qs</th><th>Revenue Qs</th>"
        "<th>Median reply after impact (words, s)</th><th>After revenue (words, s)</th><th>Ratio (words)</th>"
        f"<th>Mann-Whitney p</th><th>Reading</th></tr>{''.join(rows)}</table></div>"
    )
