"""The HTML report: one self-contained page per run, and one page per manager.

No JavaScript, no fonts, no images from elsewhere: charts are inline SVG
(:mod:`convolens.reports.charts`) and a Content-Security-Policy forbids any
fetch, so the file opens offline and cannot run transcript text as code.
Every piece of transcript, roster, title or file-name text goes through
:func:`~convolens.reports.charts.esc`.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from ..aggregate import _DAYS, Period
from ..api import report
from ..store import SUMMARY_FILE, read_run, write_text_atomic
from .charts import IMPACT, OTHER, REVENUE, WIDE_INTERVAL, Bar, FitLine, Interval, Series, bar_chart, dot_whisker, esc
from .charts import time_chart as _time_chart
from .coaching import REVENUE_THEMES, group_questions, lagged_correlations, load_reframes, period_ordinal

REPS_COLOUR = "#0b4f4a"
WARNING = "too few questions to act on"
CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:0 auto;max-width:1000px;
padding:16px 24px;color:#222;line-height:1.45}
h1{font-size:1.6em}h2{border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:2em}h3{margin-top:1.4em}
table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}th,td{border-bottom:1px solid #e3e3e3;padding:4px 8px;
text-align:left;vertical-align:top}th{background:#f6f6f6}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.warn{color:#8a6200;font-weight:600}.muted{color:#666;font-size:13px}.rev{color:#c8553d}.imp{color:#1b7f79}
blockquote{margin:0;font-style:italic}svg{display:block;max-width:100%;height:auto;margin:8px 0}
footer{margin-top:3em;border-top:2px solid #ddd;font-size:13px;color:#444}nav a{margin-right:12px}
"""
# Defence in depth: even if some text escaped escaping, the browser may fetch nothing and run nothing.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _pct(x: Any) -> str:
    return "–" if x is None or pd.isna(x) else f"{100 * float(x):.0f}%"


def _ci(low: Any, high: Any) -> str:
    return "–" if pd.isna(low) or pd.isna(high) else f"{100 * float(low):.0f}–{100 * float(high):.0f}%"


def _pts(x: Any) -> str:
    return f"{100 * float(x):+.1f}"


def slope_text(row: pd.Series, period: str) -> str:
    """Give a summary row's slope as shown: "+5.4 pts/week, 95% CI +3.8 to +7.0", or why there is none."""
    if pd.isna(row["slope"]):
        return f"{row['trend']} for a trend"
    return f"{_pts(row['slope'])} pts/{period}, 95% CI {_pts(row['slope_low'])} to {_pts(row['slope_high'])}"


def _wide(row: pd.Series) -> bool:
    low, high = row["impact_share_low"], row["impact_share_high"]
    return bool(pd.isna(low) or pd.isna(high) or float(high) - float(low) > WIDE_INTERVAL)


def _warn_cell(row: pd.Series) -> str:
    return f'<td class="warn">⚠ {WARNING}</td>' if _wide(row) else "<td></td>"


def safe_name(person_id: str) -> str:
    """Give a file-name stem from a person id: letters, digits, ``-`` and ``_`` only."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", person_id).strip("-")
    return stem or "person"


@dataclass
class _Run:
    """Everything the pages are made of, read once."""

    folder: Path
    period: Period
    tables: dict[str, pd.DataFrame]
    managers: pd.DataFrame
    manager_periods: pd.DataFrame
    reps: pd.DataFrame
    teams: pd.DataFrame
    team_periods: pd.DataFrame
    meta: dict[str, Any]
    reframes: dict[str, list[str]]
    titles: dict[str, str]


def _load(run: str | Path, period: Period) -> _Run:
    folder = Path(run)
    tables = read_run(folder)
    managers, manager_periods = report(folder, by="manager", period=period)
    reps, _ = report(folder, by="rep", period=period)
    teams, team_periods = report(folder, by="team", period=period)
    meta_file = folder / SUMMARY_FILE
    meta: dict[str, Any] = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.is_file() else {}
    meta["_run_date"] = (
        datetime.fromtimestamp(meta_file.stat().st_mtime, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        if meta_file.is_file()
        else "unknown"
    )
    calls = tables["calls"]
    titles = {str(c): "" if pd.isna(t) else str(t) for c, t in zip(calls["call_id"], calls["title"], strict=True)}
    return _Run(
        folder, period, tables, managers, manager_periods, reps, teams, team_periods, meta, load_reframes(), titles
    )


def _summary_table(frame: pd.DataFrame, period: str, who: str, link: bool = False) -> str:
    head = (
        f"<tr><th>{who}</th><th>Team</th><th>Calls</th><th>Questions</th><th>Revenue</th><th>Impact</th>"
        f"<th>Other</th><th>Impact share</th><th>95% CI</th><th>Trend</th><th></th></tr>"
    )
    rows = []
    for _, r in frame.iterrows():
        name = esc(r["name"])
        if link:
            name = f'<a href="#m-{esc(safe_name(str(r["id"])))}">{name}</a>'
        rows.append(
            f"<tr><td>{name}</td><td>{esc(r['team'] if not pd.isna(r['team']) else '')}</td>"
            f"<td class=n>{int(r['calls'])}</td><td class=n>{int(r['questions'])}</td>"
            f"<td class=n>{int(r['revenue'])}</td><td class=n>{int(r['customer_impact'])}</td><td class=n>{int(r['other'])}</td>"
            f"<td class=n>{_pct(r['impact_share'])}</td><td class=n>{_ci(r['impact_share_low'], r['impact_share_high'])}</td>"
            f"<td>{esc(slope_text(r, period))} ({esc(r['trend'])})</td>{_warn_cell(r)}</tr>"
        )
    return f"<table>{head}{''.join(rows)}</table>"


def _intervals(frame: pd.DataFrame) -> list[Interval]:
    return [
        Interval(str(r["name"]), float(r["impact_share"]), float(r["impact_share_low"]), float(r["impact_share_high"]))
        for _, r in frame.iterrows()
    ]


def _organisation(data: _Run) -> str:
    axis = "Impact share of revenue + impact questions (%): dot = share, bar = 95% interval"
    teams = data.teams
    team_rows = []
    for team in sorted(teams["id"].dropna().unique()):
        cells = []
        for context in ("one_on_one", "customer_call"):
            part = teams[(teams["id"] == team) & (teams["context"] == context)]
            if part.empty:
                cells.append("<td>–</td><td>–</td><td class=n>0</td>")
                continue
            r = part.iloc[0]
            flag = f' <span class="warn">⚠ {WARNING}</span>' if _wide(r) else ""
            cells.append(
                f"<td class=n>{_pct(r['impact_share'])}{flag}</td><td class=n>{_ci(r['impact_share_low'], r['impact_share_high'])}</td>"
                f"<td class=n>{int(r['questions'])}</td>"
            )
        team_rows.append(f"<tr><td>{esc(team)}</td>{''.join(cells)}</tr>")
    return (
        '<section id="organisation"><h2>Organisation</h2>'
        "<h3>Managers: their questions in one-on-ones</h3>"
        + dot_whisker(_intervals(data.managers), title="Managers' impact share in one-on-ones", axis_label=axis)
        + _summary_table(data.managers, data.period, "Manager", link=True)
        + "<h3>Teams</h3><table><tr><th>Team</th><th>Managers' 1:1 share</th><th>95% CI</th><th>Questions</th>"
        "<th>Reps' customer-call share</th><th>95% CI</th><th>Questions</th></tr>" + "".join(team_rows) + "</table>"
        "<h3>Reps: their questions in customer calls</h3>"
        + dot_whisker(_intervals(data.reps), title="Reps' impact share in customer calls", axis_label=axis)
        + _summary_table(data.reps, data.period, "Rep")
        + "</section>"
    )


def _points(periods: pd.DataFrame) -> tuple[list[tuple[pd.Timestamp, float]], list[tuple[pd.Timestamp, float, float]]]:
    points, band = [], []
    for _, r in periods.sort_values("period").iterrows():
        if pd.isna(r["impact_share"]):
            continue
        start = pd.Timestamp(str(r["period"]))
        points.append((start, float(r["impact_share"])))
        band.append((start, float(r["impact_share_low"]), float(r["impact_share_high"])))
    return points, band


def _fit(data: _Run, row: pd.Series, questions: pd.DataFrame) -> FitLine | None:
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


def _x_label(period: Period) -> str:
    return "Week starting (Monday)" if period == "week" else "Month"


def _manager_section(data: _Run, row: pd.Series) -> str:
    pid, period = str(row["id"]), data.period
    u = data.tables["utterances"]
    mine = u[(u["person_id"] == pid) & (u["kind"] == "one_on_one") & (u["role"] == "manager") & u["is_question"]]
    periods = data.manager_periods[data.manager_periods["id"] == pid]
    points, band = _points(periods)
    chart = _time_chart(
        [Series("Impact share per " + period, IMPACT, points, band)],
        title=f"{row['name']}: impact share in one-on-ones per {period}",
        period_days=_DAYS[period],
        x_label=_x_label(period),
        fit=_fit(data, row, mine),
    )
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
    mix = bar_chart(bars, title=f"{row['name']}: question mix by sub-theme", axis_label="Questions (count)")
    warn = f'<p class="warn">⚠ The interval is wider than 30 points: {WARNING}.</p>' if _wide(row) else ""
    return (
        f'<section class="manager" id="m-{esc(safe_name(pid))}"><h2>{esc(row["name"])}'
        f' <span class="muted">{esc(row["team"] if not pd.isna(row["team"]) else "")}</span></h2>'
        f"<p>Impact share in one-on-ones: <b>{_pct(row['impact_share'])}</b> (95% CI "
        f"{_ci(row['impact_share_low'], row['impact_share_high'])}), from {int(row['revenue']) + int(row['customer_impact'])}"
        f" revenue + impact questions ({int(row['questions'])} questions in {int(row['calls'])} one-on-ones).<br>"
        f"Trend: <b>{esc(slope_text(row, period))}</b> ({esc(row['trend'])}).</p>{warn}"
        + chart
        + mix
        + _revenue_questions(data, mine[mine["focus"] == "revenue"])
        + _best_questions(data, mine[mine["focus"] == "customer_impact"])
        + "</section>"
    )


def _where(data: _Run, where: tuple[tuple[str, str], ...]) -> str:
    return "<br>".join(
        f'<span title="{esc(data.titles.get(call, ""))}">{esc(call)}</span>, {esc(date or "undated")}'
        for call, date in where
    )


def _revenue_questions(data: _Run, questions: pd.DataFrame) -> str:
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


def _best_questions(data: _Run, questions: pd.DataFrame) -> str:
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


def _cascade(data: _Run) -> str:
    period = data.period
    people = data.tables["people"]
    parts = [
        "<section id=\"cascade\"><h2>Cascade: does a manager's focus show up in their reps' calls?</h2>"
        f"<p class=muted>Per team, the managers' impact share in one-on-ones and the reps' pooled impact share in "
        f"customer calls per {period}. The lagged correlation pairs the managers' share in one {period} with the "
        f"reps' share 0-3 {period}s later (Pearson r over {period}s where both have data; 95% interval by Fisher's z). "
        "A correlation over a few periods is weak evidence, and it cannot show cause: when both shares drift the same "
        "way over the quarter, every lag correlates, so a high r at all lags says 'moved together', not 'manager led'.</p>"
    ]
    for team in sorted(data.team_periods["id"].dropna().unique()):
        tp = data.team_periods[data.team_periods["id"] == team]
        mgr, reps = tp[tp["context"] == "one_on_one"], tp[tp["context"] == "customer_call"]
        names = (
            people.loc[(people["team"] == team) & (people["role"] == "manager"), "name"].dropna().astype(str).tolist()
        )
        who = ", ".join(names) or "managers"
        mp, _ = _points(mgr)
        rp, _ = _points(reps)
        chart = _time_chart(
            [
                Series(f"{who} in one-on-ones", IMPACT, mp),
                Series("reps in customer calls", REPS_COLOUR, rp, dash="5 3", marker="square"),
            ],
            title=f"{team}: manager vs reps, impact share per {period}",
            period_days=_DAYS[period],
            x_label=_x_label(period),
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
        parts.append(
            f"<h3>{esc(team)}</h3>{chart}<table><tr><th>Lag ({period}s)</th><th>Paired {period}s</th><th>r</th>"
            f"<th>95% CI</th><th>Reading</th></tr>{rows}</table>{verdict}"
        )
    if len(parts) == 1:
        parts.append("<p class=warn>⚠ Caveat: no team has dated questions from both managers and reps.</p>")
    return "".join(parts) + "</section>"


def _footer(data: _Run) -> str:
    u, errors = data.tables["utterances"], data.tables["errors"]
    models = ", ".join(sorted(str(m) for m in u["model"].dropna().unique())) or str(data.meta.get("model", "unknown"))
    n_err = int((errors["level"] == "error").sum())
    n_warn = int((errors["level"] == "warning").sum())
    return (
        f"<footer><p>Model: {esc(models)} · run: {esc(data.folder.name)}, scored {esc(data.meta['_run_date'])} · "
        f"report written {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} · "
        f"{len(data.tables['calls'])} calls, {len(u)} utterances · {n_err} errors, {n_warn} warnings.</p>"
        "<p><b>Impact share</b>: customer-impact questions / (customer-impact + revenue questions); "
        "<i>other</i> questions are counted but left out. Managers are counted in one-on-ones, reps in customer calls. "
        "<b>Interval</b>: 95% Wilson score interval of that share; wider than 30 points means "
        f"{WARNING}. <b>Slope</b>: least-squares slope of each question's outcome (1 = impact, 0 = revenue) "
        f"against its date, in share points per {data.period}, with a 95% t interval; <i>rising</i> or <i>falling</i> "
        "only when that interval excludes 0. Sub-themes of revenue: "
        f"{esc(', '.join(REVENUE_THEMES))}.</p></footer>"
    )


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>{body}</body></html>\n"
    )


def _header(data: _Run) -> str:
    return (
        f"<h1>convolens report: {esc(data.folder.name)}</h1><p class=muted>Impact share of questions per {data.period}: "
        f'<span class="imp">■ customer impact</span> · <span class="rev">■ revenue</span></p>'
    )


def render_html_report(run: str | Path, *, period: Period = "week") -> str:
    """Give the whole-run report as one HTML document (organisation, each manager, cascade, footer)."""
    data = _load(run, period)
    nav = "".join(
        f'<a href="#m-{esc(safe_name(str(r["id"])))}">{esc(r["name"])}</a>' for _, r in data.managers.iterrows()
    )
    body = (
        _header(data)
        + f'<nav><a href="#organisation">Organisation</a>{nav}<a href="#cascade">Cascade</a></nav>'
        + _organisation(data)
        + "".join(_manager_section(data, r) for _, r in data.managers.iterrows())
        + _cascade(data)
        + _footer(data)
    )
    return _page(f"convolens report: {data.folder.name}", body)


def write_html_report(run: str | Path, out: str | Path, *, period: Period = "week") -> Path:
    """Give the path of the self-contained HTML report written (atomically) for a run folder."""
    path = Path(out)
    write_text_atomic(path, render_html_report(run, period=period))
    return path


def write_manager_pages(run: str | Path, out_dir: str | Path, *, period: Period = "week") -> list[Path]:
    """Give the paths of one page per manager (named from their id) and of ``index.html``, written in ``out_dir``."""
    data = _load(run, period)
    folder = Path(out_dir)
    written: list[Path] = []
    links = []
    used: set[str] = set()
    for _, row in data.managers.iterrows():
        stem = safe_name(str(row["id"]))
        while stem in used or stem == "index":  # ids that clean to the same stem must not overwrite each other
            stem += "_"
        used.add(stem)
        path = folder / f"{stem}.html"
        body = (
            _header(data)
            + '<nav><a href="index.html">All managers</a></nav>'
            + _manager_section(data, row)
            + _footer(data)
        )
        write_text_atomic(path, _page(f"convolens: {row['name']}", body))
        written.append(path)
        links.append(
            f'<tr><td><a href="{esc(path.name)}">{esc(row["name"])}</a></td><td class=n>{_pct(row["impact_share"])}</td>'
            f"<td class=n>{_ci(row['impact_share_low'], row['impact_share_high'])}</td><td>{esc(slope_text(row, period))}</td>"
            f"{_warn_cell(row)}</tr>"
        )
    index = (
        _header(data)
        + "<h2>Managers</h2><table><tr><th>Manager</th><th>Impact share</th><th>95% CI</th><th>Trend</th><th></th></tr>"
        + "".join(links)
        + "</table>"
        + _footer(data)
    )
    index_path = folder / "index.html"
    write_text_atomic(index_path, _page("convolens: managers", index))
    return [*written, index_path]
