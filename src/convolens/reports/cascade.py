"""The cascade view: does a manager's focus in one-on-ones show up in their reps' customer calls later?"""

from __future__ import annotations

import math

import pandas as pd

from ..aggregate import _DAYS
from .coaching import lagged_correlations, period_ordinal
from .page import x_label
from .rundata import RunData
from .svg import IMPACT, esc
from .timechart import Series, share_points, time_chart

REPS_COLOUR = "#0b4f4a"


def _team(data: RunData, team: str) -> str:
    period = data.period
    people = data.tables["people"]
    tp = data.team_periods[data.team_periods["id"] == team]
    mgr, reps = tp[tp["context"] == "one_on_one"], tp[tp["context"] == "customer_call"]
    names = people.loc[(people["team"] == team) & (people["role"] == "manager"), "name"].dropna().astype(str).tolist()
    who = ", ".join(names) or "managers"
    mp, _ = share_points(mgr)
    rp, _ = share_points(reps)
    chart = time_chart(
        [
            Series(f"{who} in one-on-ones", IMPACT, mp),
            Series("reps in customer calls", REPS_COLOUR, rp, dash="5 3", marker="square"),
        ],
        title=f"{team}: manager vs reps, impact share per {period}",
        period_days=_DAYS[period],
        x_label=x_label(period),
    )
    series = [
        {
            period_ordinal(str(r["period"]), period): float(r["impact_share"])
            for _, r in f.iterrows()
            if not pd.isna(r["impact_share"])
        }
        for f in (mgr, reps)
    ]
    lags = lagged_correlations(series[0], series[1])
    rows = "".join(
        f"<tr><td class=n>{lag.lag}</td><td class=n>{lag.n}</td>"
        f"<td class=n>{'–' if math.isnan(lag.r) else f'{lag.r:+.2f}'}</td>"
        f"<td class=n>{'–' if math.isnan(lag.low) else f'{lag.low:+.2f} to {lag.high:+.2f}'}</td>"
        f"<td{' class=warn' if lag.caveat else ''}>{esc(lag.caveat or 'interval excludes 0')}</td></tr>"
        for lag in lags
    )
    verdict = (
        f'<p class="warn">⚠ Caveat: no lag gives a reliable correlation for {esc(team)} (fewer than 8 paired '
        f"{period}s, or an interval that includes 0); do not read a cascade into this.</p>"
        if all(lag.caveat for lag in lags)
        else ""
    )
    return (
        f"<h3>{esc(team)}</h3>{chart}<table><tr><th>Lag ({period}s)</th><th>Paired {period}s</th><th>r</th>"
        f"<th>95% CI</th><th>Reading</th></tr>{rows}</table>{verdict}"
    )


def cascade(data: RunData) -> str:
    """Give the cascade section: per team, both shares over time and their lagged correlations, with caveats."""
    period = data.period
    parts = [
        "<section id=\"cascade\"><h2>Cascade: does a manager's focus show up in their reps' calls?</h2>"
        f"<p class=muted>Per team, the managers' impact share in one-on-ones and the reps' pooled impact share in "
        f"customer calls per {period}. The lagged correlation pairs the managers' share in one {period} with the "
        f"reps' share 0-3 {period}s later (Pearson r over {period}s where both have data; 95% interval by Fisher's z). "
        "A correlation over a few periods is weak evidence, and it cannot show cause: when both shares drift the same "
        "way over the quarter, every lag correlates, so a high r at all lags says 'moved together', not 'manager led'.</p>"
    ]
    for team in sorted(data.team_periods["id"].dropna().unique()):
        parts.append(_team(data, str(team)))
    if len(parts) == 1:
        parts.append("<p class=warn>⚠ Caveat: no team has dated questions from both managers and reps.</p>")
    return "".join(parts) + "</section>"
