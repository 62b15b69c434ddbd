"""Ratios, intervals and trends of question focus, per manager, rep or team.

Pandas and arithmetic only (no NLP here). What is counted:

- ``manager``: the questions each manager asks in one-on-ones;
- ``rep``: the questions each rep asks in customer calls;
- ``team``: both, per team, one row per context.

A question is a turn with ``is_question``; its focus is the turn's focus.
``impact_share = customer_impact / (customer_impact + revenue)`` with a 95%
Wilson score interval; ``other`` questions are counted but left out of the
share. The trend is the least-squares slope of the per-question outcome
(1 = customer_impact, 0 = revenue) against time, in share points per period,
with a 95% interval; it is called ``rising`` or ``falling`` only when that
interval excludes zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import pandas as pd

By = Literal["manager", "rep", "team"]
Period = Literal["week", "month"]

Z95 = 1.959963984540054
#: Fewer questions (revenue + impact) than this, or fewer dated periods than
#: MIN_PERIODS, and the trend is reported as too little data.
MIN_TREND_QUESTIONS = 10
MIN_PERIODS = 3
_DAYS = {"week": 7.0, "month": 30.4375}

CONTEXT = {"manager": ("one_on_one", "manager"), "rep": ("customer_call", "rep")}


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Give the Wilson score interval for a proportion; (nan, nan) when ``n`` is 0.

    >>> tuple(round(x, 3) for x in wilson_interval(3, 10))
    (0.108, 0.603)
    """
    if n <= 0:
        return math.nan, math.nan
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def t_quantile_975(df: int) -> float:
    """Give the 97.5% quantile of Student's t with ``df`` degrees of freedom.

    Exact table values for df <= 3, then a Cornish-Fisher expansion around
    the normal quantile, within 0.001 of the exact value for df >= 4: enough
    for deciding whether a slope is distinguishable from flat.
    """
    if df <= 0:
        return math.inf
    if df <= 3:
        return (12.706204736174698, 4.302652729749462, 3.182446305283708)[df - 1]
    z = Z95
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


def trend(dates: pd.Series, impact: pd.Series, period: Period = "week") -> dict[str, float | str]:
    """Give the slope of impact share per period, its 95% interval and a verdict.

    ``dates`` are question dates; ``impact`` is 1 for customer_impact and 0 for
    revenue questions. Undated questions are ignored here.
    """
    mask = dates.notna()
    t = (dates[mask] - dates[mask].min()).dt.days.to_numpy(dtype=float) / _DAYS[period]
    y = impact[mask].to_numpy(dtype=float)
    n = len(y)
    periods = _period_labels(dates[mask], period).nunique()
    out: dict[str, float | str] = {
        "slope": math.nan,
        "slope_low": math.nan,
        "slope_high": math.nan,
        "trend": "too little data",
    }
    if n < MIN_TREND_QUESTIONS or periods < MIN_PERIODS:
        return out
    tc = t - t.mean()
    sxx = float(tc @ tc)
    if sxx == 0:
        return out
    slope = float(tc @ (y - y.mean())) / sxx
    resid = y - y.mean() - slope * tc
    sigma2 = float(resid @ resid) / (n - 2)
    se = math.sqrt(sigma2 / sxx)
    half = t_quantile_975(n - 2) * se
    low, high = slope - half, slope + half
    verdict = "rising" if low > 0 else "falling" if high < 0 else "flat"
    return {"slope": slope, "slope_low": low, "slope_high": high, "trend": verdict}


def _period_labels(dates: pd.Series, period: Period) -> pd.Series:
    if period == "week":
        # Weeks start on Monday: label each by its Monday's date.
        return (dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")).dt.strftime("%Y-%m-%d")
    return dates.dt.strftime("%Y-%m")


def _questions(utterances: pd.DataFrame, by: By) -> pd.DataFrame:
    """Give the question turns that count for ``by``, with ``group_id`` and ``context`` columns."""
    q = utterances[utterances["is_question"]]
    if by in CONTEXT:
        kind, role = CONTEXT[by]
        q = q[(q["kind"] == kind) & (q["role"] == role)].copy()
        q["group_id"] = q["person_id"]
        q["context"] = kind
        return q
    parts = []
    for kind, role in CONTEXT.values():
        part = q[(q["kind"] == kind) & (q["role"] == role) & q["team"].notna()].copy()
        part["group_id"] = part["team"]
        part["context"] = kind
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _counts(frame: pd.DataFrame) -> dict[str, float | int]:
    rev = int((frame["focus"] == "revenue").sum())
    imp = int((frame["focus"] == "customer_impact").sum())
    other = int((frame["focus"] == "other").sum())
    low, high = wilson_interval(imp, rev + imp)
    return {
        "questions": len(frame),
        "revenue": rev,
        "customer_impact": imp,
        "other": other,
        "impact_share": imp / (rev + imp) if rev + imp else math.nan,
        "impact_share_low": low,
        "impact_share_high": high,
        "revenue_per_impact": rev / imp if imp else (math.inf if rev else math.nan),
    }


SUMMARY_COLUMNS: Sequence[str] = (
    "by", "id", "name", "team", "context", "calls", "questions", "revenue", "customer_impact", "other",
    "impact_share", "impact_share_low", "impact_share_high", "revenue_per_impact",
    "slope", "slope_low", "slope_high", "slope_unit", "trend", "undated_questions", "first_date", "last_date",
)  # fmt: skip
PERIOD_COLUMNS: Sequence[str] = (
    "by", "id", "name", "context", "period", "questions", "revenue", "customer_impact", "other",
    "impact_share", "impact_share_low", "impact_share_high",
)  # fmt: skip


def question_mix(
    utterances: pd.DataFrame,
    people: pd.DataFrame | None = None,
    *,
    by: By = "manager",
    period: Period = "week",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Give ``(summary, periods)``: one row per group, and one per group and period.

    ``people`` (the roster table) adds names and teams and lists people who
    asked no questions at all (with zero counts), so nobody silently vanishes.
    """
    q = _questions(utterances, by)
    groups: list[tuple[str, str]] = list(dict.fromkeys(zip(q["group_id"], q["context"], strict=True)))
    names: dict[str, str] = {}
    teams: dict[str, str | None] = {}
    if people is not None and len(people):
        names = dict(zip(people["person_id"], people["name"], strict=True))
        teams = dict(zip(people["person_id"], people["team"], strict=True))
        if by in CONTEXT:
            role_people = people.loc[people["role"] == CONTEXT[by][1], "person_id"]
            groups += [(pid, CONTEXT[by][0]) for pid in role_people if (pid, CONTEXT[by][0]) not in groups]
    summary_rows = []
    period_rows = []
    for gid, context in sorted(groups, key=lambda g: (str(g[0]), g[1])):
        g = q[(q["group_id"] == gid) & (q["context"] == context)]
        scored = g[g["focus"].isin(["revenue", "customer_impact"])]
        tr = trend(scored["date"], (scored["focus"] == "customer_impact").astype(int), period)
        dated = g["date"].dropna()
        name = names.get(gid, gid) if by != "team" else gid
        team = teams.get(gid) if by != "team" else gid
        summary_rows.append(
            {
                "by": by, "id": gid, "name": name, "team": team, "context": context,
                "calls": g["call_id"].nunique(), **_counts(g), **tr, "slope_unit": f"share per {period}",
                "undated_questions": int(g["date"].isna().sum()),
                "first_date": dated.min() if len(dated) else pd.NaT, "last_date": dated.max() if len(dated) else pd.NaT,
            }
        )  # fmt: skip
        if len(dated):
            labelled = g[g["date"].notna()].assign(period=lambda f: _period_labels(f["date"], period))
            for label, part in labelled.groupby("period", sort=True):
                period_rows.append(
                    {"by": by, "id": gid, "name": name, "context": context, "period": label, **_counts(part)}
                )
    summary = pd.DataFrame(summary_rows, columns=list(SUMMARY_COLUMNS))
    periods = pd.DataFrame(period_rows, columns=list(PERIOD_COLUMNS))
    summary = summary.sort_values(["context", "impact_share", "id"], ascending=[True, False, True], na_position="last")
    return summary.reset_index(drop=True), periods
