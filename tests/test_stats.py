from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy.stats import mannwhitneyu

import convolens
from convolens.aggregate import wilson_interval
from convolens.pipeline import ScoreResult
from convolens.stats import (
    call_stats,
    change_points,
    mann_whitney_p,
    person_stats,
    question_yield,
    small_sample_warnings,
    yield_summary,
)

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
NAN = math.nan


def _turn(
    call: str,
    index: int,
    speaker: str,
    pid: str | None,
    role: str,
    kind: str,
    text: str,
    question: bool = False,
    focus: str = "other",
    start: float = NAN,
    end: float = NAN,
    date: str = "2026-09-07",
) -> dict[str, Any]:
    return {
        "call_id": call, "index": index, "kind": kind, "date": pd.Timestamp(date), "speaker": speaker,
        "person_id": pid, "role": role, "start_s": start, "end_s": end, "text": text,
        "is_question": question, "focus": focus,
    }  # fmt: skip


def _frame(turns: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(turns)
    for column in ("call_id", "kind", "speaker", "person_id", "role", "text", "focus"):
        frame[column] = frame[column].astype("string")
    return frame


CC, OO = "customer_call", "one_on_one"


@pytest.fixture()
def hand() -> pd.DataFrame:
    """Three calls whose figures are worked out in the tests' comments."""
    return _frame(
        [
            # Call A, fully timed, 0-90 s, 6 turns. Sam asks three questions; two customers answer.
            _turn("A", 0, "Sam Ortiz", "sam", "rep", CC, "what keeps you up", True, "customer_impact", 0, 10),
            _turn("A", 1, "Grace", None, "customer", CC, "w w w w w w", start=10, end=40),
            _turn("A", 2, "Luis", None, "customer", CC, "w w", start=40, end=50),
            _turn("A", 3, "Sam Ortiz", "sam", "rep", CC, "what is the budget", True, "revenue", 50, 60),
            _turn("A", 4, "Grace", None, "customer", CC, "w w w", start=60, end=80),
            _turn("A", 5, "Sam Ortiz", "sam", "rep", CC, "any other questions", True, "other", 80, 90),
            # Call B, no times at all (a plain-text transcript).
            _turn("B", 0, "Dana Lee", "dana", "manager", OO, "how is the pipeline looking", True, "revenue"),
            _turn("B", 1, "Sam Ortiz", "sam", "rep", OO, "pretty good this week honestly"),
            _turn(
                "B", 2, "Dana Lee", "dana", "manager", OO, "and what does the customer need", True, "customer_impact"
            ),
            _turn("B", 3, "Sam Ortiz", "sam", "rep", OO, "they need faster onboarding for night nurses"),
            # Call C, partly timed: the last turn has no end.
            _turn("C", 0, "Sam Ortiz", "sam", "rep", CC, "a b c", start=0, end=10),
            _turn("C", 1, "Grace", None, "customer", CC, "d", start=10),
        ]
    )


def _row(stats: pd.DataFrame, call: str, speaker: str) -> dict[str, Any]:
    [row] = stats[(stats["call_id"] == call) & (stats["speaker"] == speaker)].to_dict("records")
    return row


def test_call_stats_by_time(hand: pd.DataFrame) -> None:
    stats = call_stats(hand)
    assert len(stats) == 3 + 2 + 2
    # Call A: every turn timed, 90 s of talk. Sam 3 turns x 10 s = 30 s -> 1/3; Grace 30 + 20 = 50 s -> 5/9;
    # Luis 10 s -> 1/9. 6 turns over 90 s = 1.5 min -> 4 turns per minute.
    sam, grace, luis = (_row(stats, "A", s) for s in ("Sam Ortiz", "Grace", "Luis"))
    assert sam["share_basis"] == "time"
    assert (sam["turns"], sam["words"], sam["talk_s"]) == (3, 4 + 4 + 3, 30.0)
    assert sam["talk_share"] == pytest.approx(1 / 3)
    assert grace["talk_share"] == pytest.approx(5 / 9) and luis["talk_share"] == pytest.approx(1 / 9)
    assert (sam["questions"], sam["questions_per_turn"]) == (3, 1.0)
    assert (grace["questions"], grace["questions_per_turn"]) == (0, 0.0)
    # Grace's longest turn is the 30 s, 6-word one; Sam's are 10 s and 4 words.
    assert (grace["longest_monologue_s"], grace["longest_monologue_words"]) == (30.0, 6)
    assert (sam["longest_monologue_s"], sam["longest_monologue_words"]) == (10.0, 4)
    assert sam["turns_per_minute"] == pytest.approx(4.0) and luis["turns_per_minute"] == pytest.approx(4.0)
    assert pd.isna(grace["person_id"]) and sam["person_id"] == "sam" and sam["role"] == "rep"


def test_call_stats_by_words_without_times(hand: pd.DataFrame) -> None:
    stats = call_stats(hand)
    # Call B: Dana 5 + 6 = 11 words, Sam 5 + 7 = 12 words -> 11/23 and 12/23; no times at all.
    dana, sam = _row(stats, "B", "Dana Lee"), _row(stats, "B", "Sam Ortiz")
    assert dana["share_basis"] == "words"
    assert dana["talk_share"] == pytest.approx(11 / 23) and sam["talk_share"] == pytest.approx(12 / 23)
    assert math.isnan(dana["talk_s"]) and math.isnan(dana["turns_per_minute"])
    assert math.isnan(dana["longest_monologue_s"]) and dana["longest_monologue_words"] == 6
    assert (dana["questions"], dana["questions_per_turn"]) == (2, 1.0)
    # Call C: Grace's turn has no end, so shares fall back to words: 3/4 and 1/4, though Sam's 10 s are
    # known. The known times span 0-10 s: 2 turns in 1/6 min -> 12 turns per minute.
    sam_c, grace_c = _row(stats, "C", "Sam Ortiz"), _row(stats, "C", "Grace")
    assert sam_c["share_basis"] == "words"
    assert sam_c["talk_share"] == pytest.approx(0.75) and grace_c["talk_share"] == pytest.approx(0.25)
    assert sam_c["talk_s"] == 10.0 and math.isnan(grace_c["talk_s"])
    assert sam_c["turns_per_minute"] == pytest.approx(12.0)
    assert stats.groupby("call_id")["talk_share"].sum().to_numpy() == pytest.approx([1, 1, 1])


def test_person_stats_relative_to_median() -> None:
    words = " ".join
    frame = _frame(
        [
            # m1: 1 of 5 words and 2 of 10 -> share 0.2 both times; 1 and 0 questions -> 0.5 per call;
            # longest turns 1 and 2 words -> 1.5.
            _turn("o1", 0, "M1", "m1", "manager", OO, "a", True, "revenue"),
            _turn("o1", 1, "R1", "r1", "rep", OO, words(["a"] * 4)),
            _turn("o2", 0, "M1", "m1", "manager", OO, "a a"),
            _turn("o2", 1, "R1", "r1", "rep", OO, words(["a"] * 8)),
            # m2: 5 of 10 -> 0.5; 1 question; longest 5 words.
            _turn("o3", 0, "M2", "m2", "manager", OO, words(["a"] * 5), True, "revenue"),
            _turn("o3", 1, "R2", "r2", "rep", OO, words(["a"] * 5)),
            # m3: 3 + 3 of 10 -> 0.6; 2 questions; longest 3 words.
            _turn("o4", 0, "M3", "m3", "manager", OO, "a a a", True, "revenue"),
            _turn("o4", 1, "R3", "r3", "rep", OO, "a a"),
            _turn("o4", 2, "M3", "m3", "manager", OO, "a a a", True, "revenue"),
            _turn("o4", 3, "R3", "r3", "rep", OO, "a a"),
            # A manager on a customer call is not measured with the one-on-ones.
            _turn("c1", 0, "M1", "m1", "manager", CC, words(["a"] * 9), True, "revenue"),
            _turn("c1", 1, "Cust", None, "customer", CC, "a"),
        ]
    )
    out = person_stats(frame, by="manager").set_index("person_id")
    assert list(out.index) == ["m1", "m2", "m3"]
    assert list(out["calls"]) == [2, 1, 1]
    # Medians: share 0.5, questions 1, longest words 3 -> ratios 0.4/1/1.2, 0.5/1/2, 0.5/(5/3)/1.
    assert out["talk_share"].to_numpy() == pytest.approx([0.2, 0.5, 0.6])
    assert out["talk_share_vs_median"].to_numpy() == pytest.approx([0.4, 1.0, 1.2])
    assert out["questions_per_call"].to_numpy() == pytest.approx([0.5, 1.0, 2.0])
    assert out["questions_per_call_vs_median"].to_numpy() == pytest.approx([0.5, 1.0, 2.0])
    assert out["longest_monologue_words_vs_median"].to_numpy() == pytest.approx([0.5, 5 / 3, 1.0])
    assert out["turns_per_minute_vs_median"].isna().all()
    # Reps in customer calls: none here.
    assert person_stats(frame, by="rep").empty


def test_question_yield_by_hand(hand: pd.DataFrame) -> None:
    y = question_yield(hand).set_index(["call_id", "index"])
    assert len(y) == 5
    # A0: answered by Grace (6 words, 30 s) and Luis (2 words, 10 s) before Sam speaks again.
    a0 = y.loc[("A", 0)]
    assert (a0["yield_words"], a0["reply_turns"], a0["yield_s"]) == (8, 2, 40.0)
    assert (a0["person_id"], a0["role"], a0["kind"], a0["focus"]) == ("sam", "rep", CC, "customer_impact")
    # A3: Grace's 3 words in 20 s.
    assert tuple(y.loc[("A", 3), ["yield_words", "reply_turns", "yield_s"]]) == (3, 1, 20.0)
    # A5: the call's last turn, nobody replies: 0 words, 0 turns, 0 s (the call is timed).
    assert tuple(y.loc[("A", 5), ["yield_words", "reply_turns", "yield_s"]]) == (0, 0, 0.0)
    # B: untimed, so words only: 5 and 7 words.
    assert tuple(y.loc[("B", 0), ["yield_words", "reply_turns"]]) == (5, 1)
    assert tuple(y.loc[("B", 2), ["yield_words", "reply_turns"]]) == (7, 1)
    assert y.loc[("B", 0), "yield_s"] != y.loc[("B", 0), "yield_s"]  # NaN


def test_mann_whitney_matches_scipy() -> None:
    x = [1.0, 2.0, 2.0, 5.0, 7.0]
    y = [2.0, 3.0, 3.0, 8.0, 9.0, 10.0]
    # Ranks of the 11 values: 1->1, the three 2s->3, the 3s->5.5, 5->7, 7->8, then 9, 10, 11.
    # R_x = 1 + 3 + 3 + 7 + 8 = 22, U_x = 22 - 15 = 7, against a mean of 15.
    expected = mannwhitneyu(x, y, alternative="two-sided", method="asymptotic").pvalue
    assert mann_whitney_p(x, y) == pytest.approx(expected, rel=1e-9)
    rng = np.random.default_rng(1)
    a, b = rng.integers(0, 6, 30), rng.integers(1, 8, 25)
    expected = mannwhitneyu(a, b, alternative="two-sided", method="asymptotic").pvalue
    assert mann_whitney_p(a, b) == pytest.approx(expected, rel=1e-9)
    assert math.isnan(mann_whitney_p([], [1.0]))
    assert mann_whitney_p([3.0, 3.0], [3.0]) == 1.0


def test_yield_summary_by_hand() -> None:
    rows = [("dana", "customer_impact", w) for w in (10, 20, 30, 40, 50, 60, 70, 80)]
    rows += [("dana", "revenue", w) for w in (5, 10, 15)]
    rows += [("sam", "revenue", 100)]  # a rep: not counted for managers
    y = pd.DataFrame(rows, columns=["person_id", "focus", "yield_words"])
    y["yield_s"] = y["yield_words"] / 2.0
    y["role"] = np.where(y["person_id"] == "dana", "manager", "rep")
    y["kind"] = np.where(y["person_id"] == "dana", OO, CC)
    y["speaker"] = y["person_id"]
    [dana] = yield_summary(y, by="manager").to_dict("records")
    # Medians: impact (40 + 50) / 2 = 45 words, revenue 10 words -> ratio 4.5; seconds are half.
    assert (dana["n_impact"], dana["n_revenue"]) == (8, 3)
    assert (dana["median_words_impact"], dana["median_words_revenue"], dana["words_ratio"]) == (45.0, 10.0, 4.5)
    assert (dana["median_s_impact"], dana["median_s_revenue"], dana["s_ratio"]) == (22.5, 5.0, 4.5)
    assert dana["small_sample"]  # only 3 revenue questions
    # U(impact) = 21 wins of 20..80 over all three + 1.5 for 10 (beats 5, ties 10) = 22.5, mean 12.
    # One tie pair: var = 8 * 3 / 12 * (12 - 6 / (11 * 10)) = 23.891; z = (22.5 - 12 - .5) / 4.8879 = 2.0459.
    assert dana["p_value"] == pytest.approx(math.erfc(10 / math.sqrt(2 * (12 - 6 / 110)) / math.sqrt(2)))
    assert dana["p_value"] == pytest.approx(0.0408, abs=1e-4)


def _weekly(shares: list[int], per_week: int = 10, pid: str = "dana") -> pd.DataFrame:
    """``shares[i]`` of ``per_week`` questions in week ``i`` are customer_impact, the rest revenue."""
    turns = []
    for week, impact in enumerate(shares):
        date = (pd.Timestamp("2026-09-07") + pd.Timedelta(weeks=week)).strftime("%Y-%m-%d")
        for i in range(per_week):
            focus = "customer_impact" if i < impact else "revenue"
            turns.append(_turn(f"w{week}", i, "Dana Lee", pid, "manager", OO, "q", True, focus, date=date))
    return _frame(turns)


def test_change_point_found_where_the_share_switches() -> None:
    # Four weeks at 2/10 impact, four at 8/10. Split after week 4: each side has 8 of 40 one way,
    # LL = 2 * (8 ln .2 + 32 ln .8) = -40.032; one share of .5: 80 ln .5 = -55.452; LLR = 15.420.
    [row] = change_points(_weekly([2, 2, 2, 2, 8, 8, 8, 8])).to_dict("records")
    assert (row["period_before_end"], row["period_after_start"]) == ("2026-09-28", "2026-10-05")
    assert (row["share_before"], row["share_after"]) == pytest.approx((0.2, 0.8))
    assert row["llr"] == pytest.approx(2 * (8 * math.log(0.2) + 32 * math.log(0.8)) - 80 * math.log(0.5))
    assert row["p_value"] == pytest.approx(0.001)  # no shuffle of 999 does as well
    assert row["significant"] and row["note"] == ""
    assert (row["share_before_low"], row["share_before_high"]) == pytest.approx(wilson_interval(8, 40))


def test_no_change_point_on_a_flat_series() -> None:
    [row] = change_points(_weekly([5, 4, 6, 5, 5, 6, 4, 5]), seed=0).to_dict("records")
    assert row["p_value"] > 0.05 and not row["significant"]
    again = change_points(_weekly([5, 4, 6, 5, 5, 6, 4, 5]), seed=0)
    assert again.loc[0, "p_value"] == row["p_value"]  # seeded: the same every run


def test_change_point_too_little_data() -> None:
    three_weeks = change_points(_weekly([2, 8, 8]))  # 30 questions but only 3 periods
    five_small = change_points(_weekly([1, 1, 2, 2, 3], per_week=3))  # 5 periods but 15 questions
    for frame in (three_weeks, five_small):
        [row] = frame.to_dict("records")
        assert row["note"] == "too little data" and row["significant"] is False
        assert pd.isna(row["p_value"]) and pd.isna(row["period_after_start"])
    assert change_points(_weekly([2, 8, 8]), by="rep").empty


def test_small_sample_warnings() -> None:
    wide = wilson_interval(3, 10)  # (.108, .603): 49.5 points wide
    narrow = wilson_interval(150, 300)  # about 11 points
    summary = pd.DataFrame(
        {
            "impact_share_low": [wide[0], narrow[0], NAN, 0.30],
            "impact_share_high": [wide[1], narrow[1], NAN, 0.72],
        },
        index=[10, 11, 12, 13],
    )
    out = small_sample_warnings(summary)
    assert list(out.index) == [10, 11, 12, 13]
    assert out[10] == "too few questions to act on: 95% interval spans 50 points"
    assert out[11] == ""
    assert out[12] != "" and out[13] == "too few questions to act on: 95% interval spans 42 points"
    assert small_sample_warnings(summary, max_width=0.6)[10] == ""


def test_large_call_is_not_quadratic() -> None:
    n = 100_000
    speakers = np.where(np.arange(n) % 3 == 0, "Rep", np.where(np.arange(n) % 3 == 1, "Cust A", "Cust B"))
    frame = pd.DataFrame(
        {
            "call_id": "big", "index": np.arange(n), "kind": CC, "date": pd.Timestamp("2026-09-07"),
            "speaker": speakers, "person_id": np.where(speakers == "Rep", "rep", None),
            "role": np.where(speakers == "Rep", "rep", "customer"), "start_s": np.arange(n) * 2.0,
            "end_s": np.arange(n) * 2.0 + 1.5, "text": "two words", "is_question": speakers == "Rep",
            "focus": "revenue",
        }
    )  # fmt: skip
    stats = call_stats(frame)
    assert stats["talk_share"].sum() == pytest.approx(1.0)
    y = question_yield(frame)
    # Every rep question but the last is answered by the two customers' turns.
    assert len(y) == math.ceil(n / 3) and (y["reply_turns"].iloc[:-1] == 2).all()


@pytest.fixture(scope="module")
def samples() -> ScoreResult:
    return convolens.score(SAMPLES)


def test_sample_organisation(samples: ScoreResult) -> None:
    u = samples.utterances
    stats = call_stats(u)
    assert len(stats) and stats["call_id"].nunique() == len(samples.calls)
    assert stats.groupby("call_id")["talk_share"].sum().to_numpy() == pytest.approx(1.0)
    managers = person_stats(u, by="manager")
    assert len(managers) == 3 and managers["talk_share"].between(0, 1).all()
    assert len(person_stats(u, by="rep")) == 8
    yields = question_yield(u)
    assert len(yields) == int(u["is_question"].sum())
    assert len(yield_summary(yields, by="manager")) == 3
    ids = dict(zip(samples.people["name"], samples.people["person_id"], strict=True))
    changes = change_points(u, by="manager").set_index("person_id")
    dana, maria = changes.loc[ids["Dana Lee"]], changes.loc[ids["María Farías"]]
    assert dana["significant"] and dana["share_after"] > dana["share_before"]
    assert not maria["significant"]


def test_stats_command_gives_each_table(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from convolens.cli import app

    out = tmp_path / "run"
    convolens.score(SAMPLES, out=out)
    runner = CliRunner()
    people = json.loads(runner.invoke(app, ["stats", str(out), "--format", "json"]).stdout)
    assert {p["name"] for p in people} == {"Dana Lee", "María Farías", "Marcus Webb"}
    changes = json.loads(runner.invoke(app, ["stats", str(out), "--table", "changes", "--format", "json"]).stdout)
    assert {c["name"]: c["significant"] for c in changes}["Dana Lee"] is True
    yields = runner.invoke(app, ["stats", str(out), "--table", "yield", "--by", "rep", "--format", "csv"]).stdout
    assert yields.splitlines()[0].startswith("person_id,name,context,n_impact,n_revenue")
    assert runner.invoke(app, ["stats", str(out), "--by", "team"]).exit_code == 2
