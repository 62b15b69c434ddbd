"""The manager view: trend with its fit and mix shift, question mix, conversation figures, yield, coaching."""

from __future__ import annotations

import pandas as pd

from ..aggregate import _DAYS
from .charts import IMPACT, OTHER, REVENUE, Bar, bar_chart
from .coaching import group_questions
from .conversation import manager_figures
from .page import WARNING, anchor, ci, pct, slope_text, team_text, wide, x_label
from .rundata import RunData
from .shifts import manager_shift, shift_marker
from .svg import esc
from .timechart import FitLine, Series, share_points, time_chart
from .yields import manager_yield


def _fit(data: RunData, row: pd.Series, questions: pd.DataFrame) -> FitLine | None:
    """Give the fitted trend line through the mean of the dated questions, as the slope was fitted."""
    if pd.isna(row["slope"]):
        return None
    scored = questions[questions["focus"].isin(["revenue", "customer_impact"]) & questions["date"].notna()]
    days = (scored["date"] - scored["date"].min()).dt.days.astype(float)
    y = (scored["focus"] == "customer_impact").astype(float)
    per_day = float(row["slope"]) / _DAYS[data.period]
    first, last = scored["date"].min(), scored["date"].max()
    y_at = float(y.mean()) - per_day * float(days.mean())
    span = float((last - first).days)
    return FitLine((first, y_at), (last, y_at + per_day * span), f"fitted trend {slope_text(row, data.period)}")


def _mix_chart(row: pd.Series, mine: pd.DataFrame) -> str:
    themes = mine[mine["focus"] != "other"].groupby(["focus", "theme"], dropna=False).size().reset_index(name="n")
    bars = [
        Bar(
            f"{'no sub-theme' if pd.isna(t['theme']) else t['theme']} ({'revenue' if t['focus'] == 'revenue' else 'impact'})",
            float(t["n"]),
            REVENUE if t["focus"] == "revenue" else IMPACT,
        )
        for _, t in themes.sort_values(["focus", "n"], ascending=[False, False]).iterrows()
    ]
    other = int((mine["focus"] == "other").sum())
    if other:
        bars.append(Bar("other (not in the share)", float(other), OTHER))
    return bar_chart(bars, title=f"{row['name']}: question mix by sub-theme", axis_label="Questions (count)")


def _where(data: RunData, where: tuple[tuple[str, str], ...]) -> str:
    return "<br>".join(
        f'<span title="{esc(data.titles.get(call, ""))}">{esc(call)}</span>, {esc(date or "undated")}'
        for call, date in where
    )


def _revenue_questions(data: RunData, questions: pd.DataFrame) -> str:
    groups = group_questions(questions, limit=5, reframes=data.reframes)
    if not groups:
        return "<h3>Most frequent revenue questions</h3><p class=muted>No revenue questions.</p>"
    rows = "".join(
        f"<tr><td><blockquote class=rev>“{esc(g.text)}”</blockquote></td><td>{esc(g.theme)}</td>"
        f"<td class=n>{g.count}</td><td>{_where(data, g.where)}</td><td class=imp>{esc(g.reframe)}</td></tr>"
        for g in groups
    )
    return (
        "<h3>Most frequent revenue questions, and a customer-impact question to ask instead</h3>"
        "<table><tr><th>Question (most common wording)</th><th>Sub-theme</th><th>Times</th><th>Asked in (call, date)</th>"
        f"<th>Try instead, for the same deal</th></tr>{rows}</table>"
    )


def _best_questions(data: RunData, questions: pd.DataFrame) -> str:
    groups = group_questions(questions, limit=5, by_score=True)
    if not groups:
        return "<h3>Customer-impact questions to keep asking</h3><p class=muted>None yet.</p>"
    rows = "".join(
        f"<tr><td><blockquote class=imp>“{esc(g.text)}”</blockquote></td><td>{esc(g.theme)}</td>"
        f"<td class=n>{g.score:.2f}</td><td>{_where(data, g.where)}</td></tr>"
        for g in groups
    )
    return (
        "<h3>Customer-impact questions to keep asking</h3><table><tr><th>Question</th><th>Sub-theme</th>"
        f"<th>Confidence</th><th>Asked in (call, date)</th></tr>{rows}</table>"
    )


def manager_section(data: RunData, row: pd.Series) -> str:
    """Give one manager's section: share and trend, the trend chart, mix, conversation figures, yield, coaching."""
    pid, period = str(row["id"]), data.period
    u = data.tables["utterances"]
    mine = u[(u["person_id"] == pid) & (u["kind"] == "one_on_one") & (u["role"] == "manager") & u["is_question"]]
    points, band = share_points(data.manager_periods[data.manager_periods["id"] == pid])
    chart = time_chart(
        [Series("Impact share per " + period, IMPACT, points, band)],
        title=f"{row['name']}: impact share in one-on-ones per {period}",
        period_days=_DAYS[period],
        x_label=x_label(period),
        fit=_fit(data, row, mine),
        shift=shift_marker(data, pid),
    )
    warn = f'<p class="warn">⚠ The interval is wider than 30 points: {WARNING}.</p>' if wide(row) else ""
    return (
        f'<section class="manager" id="{anchor(pid)}"><h2>{esc(row["name"])}'
        f' <span class="muted">{team_text(row)}</span></h2>'
        f"<p>Impact share in one-on-ones: <b>{pct(row['impact_share'])}</b> (95% CI "
        f"{ci(row['impact_share_low'], row['impact_share_high'])}), from {int(row['revenue']) + int(row['customer_impact'])}"
        f" revenue + impact questions ({int(row['questions'])} questions in {int(row['calls'])} one-on-ones).<br>"
        f"Trend: <b>{esc(slope_text(row, period))}</b> ({esc(row['trend'])}).</p>{warn}"
        + chart
        + manager_shift(data, row)
        + _mix_chart(row, mine)
        + manager_figures(data, row)
        + manager_yield(data, row)
        + _revenue_questions(data, mine[mine["focus"] == "revenue"])
        + _best_questions(data, mine[mine["focus"] == "customer_impact"])
        + "</section>"
    )
