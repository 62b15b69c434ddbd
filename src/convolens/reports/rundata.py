"""Everything the HTML pages are made of, read and computed once per run.

The question-mix tables come from :func:`convolens.report` (so the pages show
exactly its figures) and the conversation statistics from
:mod:`convolens.stats` (so they match ``convolens stats``). Change points
shuffle 999 times per person, so they are computed here once for all managers
and every page reads them from :class:`RunData`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from .. import stats
from ..aggregate import Period
from ..api import report
from ..layout import SUMMARY_FILE
from ..store import read_run
from .coaching import load_reframes

#: The conversation figures shown per manager, as (column of ``stats.person_stats``, label, unit).
CONVERSATION_FIGURES: tuple[tuple[str, str, str], ...] = (
    ("talk_share", "Talk share (their part of the one-on-one's talk)", "%"),
    ("questions_per_call", "Questions per one-on-one", ""),
    ("longest_monologue_s", "Longest monologue (their longest turn, mean per one-on-one)", "s"),
    ("longest_monologue_words", "Longest monologue in words (mean per one-on-one)", "words"),
    ("turns_per_minute", "Turns per minute (both speakers)", "/min"),
)


@dataclass
class RunData:
    """The tables, report figures and statistics of one run, as the pages need them."""

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
    #: ``stats.person_stats`` of managers in one-on-ones, indexed by person id.
    manager_stats: pd.DataFrame
    #: The median manager's value of each figure in ``CONVERSATION_FIGURES`` (NaN when no manager has it).
    manager_medians: dict[str, float]
    #: ``stats.yield_summary`` of managers (one-on-ones) and reps (customer calls), indexed by person id.
    manager_yield: pd.DataFrame
    rep_yield: pd.DataFrame
    #: ``stats.change_points`` of managers over ``period``, indexed by person id.
    manager_changes: pd.DataFrame


def _by_person(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index("person_id", drop=False)


def person_row(frame: pd.DataFrame, person_id: str) -> pd.Series | None:
    """Give a person's row of a table indexed by person id, or None when they have none."""
    if person_id not in frame.index:
        return None
    row = frame.loc[person_id]
    # A duplicated index would give a frame; the statistics have one row per person, so take the first.
    return row.iloc[0] if isinstance(row, pd.DataFrame) else row


def _medians(people: pd.DataFrame) -> dict[str, float]:
    out = {}
    for column, _, _ in CONVERSATION_FIGURES:
        median = float(people[column].median()) if column in people and len(people) else math.nan
        out[column] = median
    return out


def load_run(run: str | Path, period: Period) -> RunData:
    """Give the run folder's data for the pages: report tables, conversation statistics, change points."""
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
    utterances = tables["utterances"]
    manager_stats = _by_person(stats.person_stats(utterances, by="manager"))
    yields = stats.question_yield(utterances)
    return RunData(
        folder=folder,
        period=period,
        tables=tables,
        managers=managers,
        manager_periods=manager_periods,
        reps=reps,
        teams=teams,
        team_periods=team_periods,
        meta=meta,
        reframes=load_reframes(),
        titles=titles,
        manager_stats=manager_stats,
        manager_medians=_medians(manager_stats),
        manager_yield=_by_person(stats.yield_summary(yields, by="manager")),
        rep_yield=_by_person(stats.yield_summary(yields, by="rep")),
        manager_changes=_by_person(stats.change_points(utterances, by="manager", period=period)),
    )
