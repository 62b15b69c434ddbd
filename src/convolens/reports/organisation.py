"""The organisation view: managers' and reps' impact share, team roll-ups and conversation figures."""

from __future__ import annotations

import pandas as pd

from .charts import Interval, dot_whisker
from .conversation import organisation_conversation
from .page import WARNING, anchor, ci, pct, slope_text, team_text, warn_cell, wide
from .rundata import RunData
from .svg import esc
from .yields import reps_yield


def summary_table(frame: pd.DataFrame, period: str, who: str, link: bool = False) -> str:
    """Give a report summary as a table: counts, impact share with its interval, trend, small-sample flag."""
    head = (
        f"<tr><th>{who}</th><th>Team</th><th>Calls</th><th>Questions</th><th>Revenue</th><th>Impact</th>"
        f"<th>Other</th><th>Impact share</th><th>95% CI</th><th>Trend</th><th></th></tr>"
    )
    rows = []
    for _, r in frame.iterrows():
        name = esc(r["name"])
        if link:
            name = f'<a href="#{anchor(r["id"])}">{name}</a>'
        rows.append(
            f"<tr><td>{name}</td><td>{team_text(r)}</td>"
            f"<td class=n>{int(r['calls'])}</td><td class=n>{int(r['questions'])}</td>"
            f"<td class=n>{int(r['revenue'])}</td><td class=n>{int(r['customer_impact'])}</td><td class=n>{int(r['other'])}</td>"
            f"<td class=n>{pct(r['impact_share'])}</td><td class=n>{ci(r['impact_share_low'], r['impact_share_high'])}</td>"
            f"<td>{esc(slope_text(r, period))} ({esc(r['trend'])})</td>{warn_cell(r)}</tr>"
        )
    return f"<table>{head}{''.join(rows)}</table>"


def _intervals(frame: pd.DataFrame) -> list[Interval]:
    return [
        Interval(str(r["name"]), float(r["impact_share"]), float(r["impact_share_low"]), float(r["impact_share_high"]))
        for _, r in frame.iterrows()
    ]


def _team_rows(teams: pd.DataFrame) -> str:
    team_rows = []
    for team in sorted(teams["id"].dropna().unique()):
        cells = []
        for context in ("one_on_one", "customer_call"):
            part = teams[(teams["id"] == team) & (teams["context"] == context)]
            if part.empty:
                cells.append("<td>–</td><td>–</td><td class=n>0</td>")
                continue
            r = part.iloc[0]
            flag = f' <span class="warn">⚠ {WARNING}</span>' if wide(r) else ""
            cells.append(
                f"<td class=n>{pct(r['impact_share'])}{flag}</td><td class=n>{ci(r['impact_share_low'], r['impact_share_high'])}</td>"
                f"<td class=n>{int(r['questions'])}</td>"
            )
        team_rows.append(f"<tr><td>{esc(team)}</td>{''.join(cells)}</tr>")
    return "".join(team_rows)


def organisation(data: RunData) -> str:
    """Give the organisation section: managers, their conversation figures, teams, and reps with their yield."""
    axis = "Impact share of revenue + impact questions (%): dot = share, bar = 95% interval"
    return (
        '<section id="organisation"><h2>Organisation</h2>'
        "<h3>Managers: their questions in one-on-ones</h3>"
        + dot_whisker(_intervals(data.managers), title="Managers' impact share in one-on-ones", axis_label=axis)
        + summary_table(data.managers, data.period, "Manager", link=True)
        + organisation_conversation(data)
        + "<h3>Teams</h3><table><tr><th>Team</th><th>Managers' 1:1 share</th><th>95% CI</th><th>Questions</th>"
        "<th>Reps' customer-call share</th><th>95% CI</th><th>Questions</th></tr>" + _team_rows(data.teams) + "</table>"
        "<h3>Reps: their questions in customer calls</h3>"
        + dot_whisker(_intervals(data.reps), title="Reps' impact share in customer calls", axis_label=axis)
        + summary_table(data.reps, data.period, "Rep")
        + reps_yield(data)
        + "</section>"
    )
