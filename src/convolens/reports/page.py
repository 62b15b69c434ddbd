"""The page shell (CSS, Content-Security-Policy, header, footer) and the number formats every view shares.

Every piece of transcript, roster, title or file-name text goes through
:func:`~convolens.reports.svg.esc` before it reaches markup.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timezone
from typing import Any

import pandas as pd

from .. import stats
from ..aggregate import Period
from .coaching import REVENUE_THEMES
from .rundata import RunData
from .svg import WIDE_INTERVAL, esc

WARNING = "too few questions to act on"
CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:0 auto;max-width:1000px;
padding:16px 24px;color:#222;line-height:1.45}
h1{font-size:1.6em}h2{border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:2em}h3{margin-top:1.4em}
table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}th,td{border-bottom:1px solid #e3e3e3;padding:4px 8px;
text-align:left;vertical-align:top}th{background:#f6f6f6}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.warn{color:#8a6200;font-weight:600}.muted{color:#666;font-size:13px}.rev{color:#c8553d}.imp{color:#1b7f79}
blockquote{margin:0;font-style:italic}svg{display:block;max-width:100%;height:auto;margin:8px 0}
footer{margin-top:3em;border-top:2px solid #ddd;font-size:13px;color:#444}nav a{margin-right:12px}.nw{white-space:nowrap}
"""
# Defence in depth: even if some text escaped escaping, the browser may fetch nothing and run nothing.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
#: Below this p-value a difference or a shift is reported as one; above it, as "no clear ...".
ALPHA = 0.05


def pct(x: Any) -> str:
    """Give a fraction as a whole percentage, "–" when missing."""
    return "–" if x is None or pd.isna(x) else f"{100 * float(x):.0f}%"


def ci(low: Any, high: Any) -> str:
    """Give an interval of fractions as "33–50%", "–" when missing."""
    return "–" if pd.isna(low) or pd.isna(high) else f"{100 * float(low):.0f}–{100 * float(high):.0f}%"


def _pts(x: Any) -> str:
    return f"{100 * float(x):+.1f}"


def p_text(p: Any) -> str:
    """Give a p-value as written: three decimals, or "< 0.001"."""
    if p is None or pd.isna(p):
        return "–"
    return "< 0.001" if float(p) < 0.001 else f"{float(p):.3f}"


def figure(x: Any, unit: str = "", digits: int = 1) -> str:
    """Give a statistic with its unit ("%" scales a fraction), "–" when missing."""
    if x is None or pd.isna(x) or math.isinf(float(x)):
        return "–"
    if unit == "%":
        return pct(x)
    value = f"{float(x):.{digits}f}"
    return f"{value} {unit}" if unit and unit != "/min" else value + unit


def times(x: Any) -> str:
    """Give a ratio to a median as "1.04×", "–" when missing."""
    return "–" if x is None or pd.isna(x) or math.isinf(float(x)) else f"{float(x):.2f}×"


def slope_text(row: pd.Series, period: str) -> str:
    """Give a summary row's slope as shown: "+5.4 pts/week, 95% CI +3.8 to +7.0", or why there is none."""
    if pd.isna(row["slope"]):
        return f"{row['trend']} for a trend"
    return f"{_pts(row['slope'])} pts/{period}, 95% CI {_pts(row['slope_low'])} to {_pts(row['slope_high'])}"


def wide(row: pd.Series) -> bool:
    """Give whether a summary row's impact-share interval is too wide to act on (or missing)."""
    low, high = row["impact_share_low"], row["impact_share_high"]
    return bool(pd.isna(low) or pd.isna(high) or float(high) - float(low) > WIDE_INTERVAL)


def warn_cell(row: pd.Series) -> str:
    """Give the table cell flagging a summary row with too few questions (empty otherwise)."""
    return f'<td class="warn">⚠ {WARNING}</td>' if wide(row) else "<td></td>"


def team_text(row: pd.Series) -> str:
    """Give a summary row's team, escaped ("" when it has none)."""
    return esc(row["team"] if not pd.isna(row["team"]) else "")


def safe_name(person_id: str) -> str:
    """Give a file-name stem from a person id: letters, digits, ``-`` and ``_`` only."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", person_id).strip("-")
    return stem or "person"


def anchor(person_id: Any) -> str:
    """Give the escaped id of a manager's section (``m-<stem>``)."""
    return f"m-{esc(safe_name(str(person_id)))}"


def x_label(period: Period) -> str:
    """Give the time axis label of a chart per ``period``."""
    return "Week starting (Monday)" if period == "week" else "Month"


def page(title: str, body: str) -> str:
    """Give a whole HTML document around ``body``: charset, CSP, viewport, title and the style sheet."""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>{body}</body></html>\n"
    )


def header(data: RunData) -> str:
    """Give the page heading with the run's name and the colour key."""
    return (
        f"<h1>convolens report: {esc(data.folder.name)}</h1><p class=muted>Impact share of questions per {data.period}: "
        f'<span class="imp">■ customer impact</span> · <span class="rev">■ revenue</span></p>'
        + redaction_note(data.meta)
    )


def redaction_note(meta: dict[str, Any]) -> str:
    """Give the note saying how many personal identifiers ``score --redact`` masked ("" without it)."""
    masked = meta.get("redacted")
    if not isinstance(masked, dict):
        return ""
    total = sum(int(v) for v in masked.values())
    kinds = ", ".join(f"{int(v)} {esc(str(k))}" for k, v in masked.items() if v) or "none found"
    return (
        f"<p class=redacted><b>Redacted run</b>: {total} personal identifiers were masked in the transcripts "
        f"before scoring ({kinds}); quotes show them as [EMAIL], [PHONE] and the like.</p>"
    )


def footer(data: RunData) -> str:
    """Give the footer: model, run, counts, and how every figure on the page is defined."""
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
        f"{esc(', '.join(REVENUE_THEMES))}.</p>"
        "<p><b>Conversation figures</b> (as <i>convolens stats</i>): means over a person's calls of the kind "
        "they are judged on. <b>Talk share</b> is by time when every turn of a call is timed, else by words; the "
        "<b>longest monologue</b> is their longest turn; <b>turns per minute</b> counts both speakers' turns. "
        "<b>× median</b> divides by the median manager's figure in one-on-ones, so the call kind's own level "
        "cancels out. <b>Question yield</b>: the other party's words (and seconds) from a question until the "
        "asker speaks again; <b>p</b> is a two-sided Mann-Whitney U test on words, and fewer than "
        f"{stats.MIN_YIELD_QUESTIONS} questions on either side is {WARNING}. <b>Mix shift</b>: the split of the "
        f"{data.period}s that best separates two impact shares (binomial likelihood); <b>p</b> comes from "
        f"{stats.PERMUTATIONS} shuffles of the questions over the {data.period}s (how often chance splits as well), "
        f"and p ≥ {ALPHA} reads <i>no clear shift</i>. Needs {stats.MIN_CHANGE_PERIODS} {data.period}s and "
        f"{stats.MIN_CHANGE_QUESTIONS} revenue + impact questions.</p></footer>"
    )
