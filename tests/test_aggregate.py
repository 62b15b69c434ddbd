from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from convolens.aggregate import question_mix, t_quantile_975, trend, wilson_interval


def test_wilson_interval_matches_hand_computation() -> None:
    # 3 of 10: p=.3, z=1.96; centre=(.3+.19207)/1.38415=.35550, half=1.96*sqrt(.021+.0096)/1.38415=.24742
    low, high = wilson_interval(3, 10)
    assert low == pytest.approx(0.10779, abs=1e-4)
    assert high == pytest.approx(0.60322, abs=1e-4)
    assert wilson_interval(0, 5)[0] == 0.0
    assert wilson_interval(5, 5)[1] == 1.0
    assert all(math.isnan(x) for x in wilson_interval(0, 0))


def test_t_quantiles() -> None:
    assert t_quantile_975(2) == pytest.approx(4.3027, abs=1e-4)
    assert t_quantile_975(10) == pytest.approx(2.2281, abs=1e-3)
    assert t_quantile_975(1000) == pytest.approx(1.9623, abs=1e-3)


def _utterances(rows: list[tuple[str, str, str, str, bool, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["call_id", "date", "person_id", "role", "is_question", "focus"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["kind"] = np.where(frame["role"] == "manager", "one_on_one", "customer_call")
    frame["team"] = "East"
    return frame


def test_manager_counts_ratio_and_share_by_hand() -> None:
    rows = [
        ("c1", "2026-09-07", "dana", "manager", True, "revenue"),
        ("c1", "2026-09-07", "dana", "manager", True, "revenue"),
        ("c1", "2026-09-07", "dana", "manager", True, "customer_impact"),
        ("c1", "2026-09-07", "dana", "manager", False, "revenue"),  # a statement: not counted
        ("c2", "2026-09-14", "dana", "manager", True, "other"),
        ("c2", "2026-09-14", "dana", "manager", True, "revenue"),
        ("c3", "2026-09-15", "sam", "rep", True, "customer_impact"),  # a rep in a customer call
    ]
    summary, periods = question_mix(_utterances(rows), by="manager")
    [dana] = summary.to_dict("records")
    assert (dana["questions"], dana["revenue"], dana["customer_impact"], dana["other"]) == (5, 3, 1, 1)
    assert dana["impact_share"] == pytest.approx(0.25)
    assert dana["revenue_per_impact"] == pytest.approx(3.0)
    assert dana["calls"] == 2
    assert dana["trend"] == "too little data"
    assert list(periods["period"]) == ["2026-09-07", "2026-09-14"]
    assert list(periods["questions"]) == [3, 2]
    reps, _ = question_mix(_utterances(rows), by="rep")
    assert reps.loc[0, "id"] == "sam" and reps.loc[0, "impact_share"] == 1.0


def test_people_with_no_questions_still_listed() -> None:
    rows = [("c1", "2026-09-07", "dana", "manager", True, "revenue")]
    people = pd.DataFrame(
        {
            "person_id": ["dana", "lee"],
            "name": ["Dana Lee", "Lee Park"],
            "role": ["manager", "manager"],
            "team": ["East", "West"],
        }
    )
    summary, _ = question_mix(_utterances(rows), people, by="manager")
    assert set(summary["name"]) == {"Dana Lee", "Lee Park"}
    lee = summary[summary["id"] == "lee"].iloc[0]
    assert lee["questions"] == 0 and math.isnan(lee["impact_share"])


def test_trend_detects_a_rise_and_calls_noise_flat() -> None:
    dates = pd.Series(pd.to_datetime([f"2026-09-{d:02d}" for d in (1, 8, 15, 22, 29)]).repeat(10))
    rising = pd.Series(np.repeat([0.0, 0.2, 0.5, 0.8, 1.0], 10) > np.tile(np.linspace(0.05, 0.95, 10), 5)).astype(int)
    res = trend(dates, rising, "week")
    assert res["trend"] == "rising"
    # Slope equals the ordinary least-squares slope on weeks since the first question.
    weeks = (dates - dates.min()).dt.days / 7
    assert res["slope"] == pytest.approx(np.polyfit(weeks, rising, 1)[0])
    flat = pd.Series(np.tile([0, 1], 25))
    assert trend(dates, flat, "week")["trend"] == "flat"


def test_trend_needs_enough_data() -> None:
    dates = pd.Series(pd.to_datetime(["2026-09-01", "2026-09-08"] * 10))
    assert trend(dates, pd.Series([0, 1] * 10), "week")["trend"] == "too little data"  # only 2 periods


def test_team_rows_cover_both_contexts() -> None:
    rows = [
        ("c1", "2026-09-07", "dana", "manager", True, "revenue"),
        ("c2", "2026-09-08", "sam", "rep", True, "customer_impact"),
    ]
    summary, _ = question_mix(_utterances(rows), by="team")
    assert sorted(summary["context"]) == ["customer_call", "one_on_one"]
    assert set(summary["id"]) == {"East"}
