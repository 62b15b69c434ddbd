"""The analysis API (evaluate, conversation_stats, question_yield, change_points, cascade) on known data.

The sample organisation's stories (data/samples/README.md) give the expected
shapes: Dana Lee coached from revenue to impact questions, Marcus Webb
drifting to revenue before quarter end, María Farías steadily impact-focused.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import f1_score

import convolens
import convolens.api
import convolens.corpus
from convolens.errors import ConvolensError, MissingInputError
from convolens.pipeline import RunSummary, ScoreResult
from convolens.stats import call_stats
from convolens.store import read_run
from convolens.training import evaluate as training_evaluate

CORPUS = Path(__file__).resolve().parents[1] / "data" / "labeled" / "corpus.csv"
LABELS = ["revenue", "customer_impact", "other"]
MANAGERS = {"Dana Lee", "María Farías", "Marcus Webb"}


@pytest.fixture(scope="module")
def linear_test() -> convolens.Evaluation:
    return convolens.evaluate("linear", split="test")


def test_public_names_are_exported() -> None:
    names = {"evaluate", "Evaluation", "conversation_stats", "ConversationStats", "question_yield"}
    names |= {"QuestionYield", "change_points", "cascade", "Cascade"}
    assert names <= set(convolens.__all__)
    for name in names:
        assert getattr(convolens, name) is getattr(convolens.api, name)


def test_evaluate_gives_the_training_figures_and_matching_predictions(linear_test: convolens.Evaluation) -> None:
    metrics, pred = linear_test
    # The default data is the checkout's corpus: the same figures as training.evaluate on it.
    reference = training_evaluate("linear", CORPUS, split="test")
    assert metrics["model"] == reference["model"]
    assert metrics["overall"]["macro_f1"] == pytest.approx(reference["overall"]["macro_f1"])
    assert metrics["overall"]["confusion"] == reference["overall"]["confusion"]
    # One row per test text, every corpus column kept, and the figures recomputed from the rows agree.
    corpus = pd.read_csv(CORPUS, dtype=str, keep_default_na=False)
    assert len(pred) == metrics["overall"]["n"] == int((corpus["split"] == "test").sum())
    assert set(corpus.columns) <= set(pred.columns)
    assert (pred["split"] == "test").all()
    assert f1_score(pred["label"], pred["predicted"], average="macro") == pytest.approx(metrics["overall"]["macro_f1"])
    asr = pred[pred["style"] == "asr"]
    assert f1_score(asr["label"], asr["predicted"], average="macro") == pytest.approx(metrics["asr"]["macro_f1"])
    assert f1_score(pred["is_question"], pred["predicted_question"]) == pytest.approx(metrics["question_f1"])
    probs = pred[[f"p_{label}" for label in LABELS]].to_numpy()
    assert np.allclose(probs.sum(axis=1), 1.0)
    chosen = [row[f"p_{row['predicted']}"] for _, row in pred.iterrows()]
    assert pred["focus_score"].to_numpy() == pytest.approx(chosen)


def test_evaluation_confusion_and_errors(linear_test: convolens.Evaluation) -> None:
    pred = linear_test.predictions
    confusion = linear_test.confusion
    assert list(confusion.index) == LABELS and list(confusion.columns) == LABELS
    counted = pd.crosstab(pred["label"], pred["predicted"]).reindex(index=LABELS, columns=LABELS, fill_value=0)
    assert (confusion.to_numpy() == counted.to_numpy()).all()
    wrong = linear_test.misclassified
    assert len(wrong) == int(confusion.to_numpy().sum() - np.trace(confusion.to_numpy()))
    assert (wrong["predicted"] != wrong["label"]).all()


def test_evaluate_a_frame_of_my_own() -> None:
    mine = pd.DataFrame(
        {
            "text": ["so when do you think they sign", "what keeps their nurses up at night?", "thanks, talk soon"],
            "label": ["revenue", "customer_impact", "other"],
            "is_question": [True, True, False],
        }
    )
    ev = convolens.evaluate("lexicon", mine, split=None)
    assert list(ev.predictions["predicted"]) == ["revenue", "customer_impact", "other"]
    assert list(ev.predictions["predicted_question"]) == [True, True, False]
    assert ev.metrics["overall"]["n"] == 3 and ev.misclassified.empty
    assert ev.metrics["model"].startswith("lexicon@")
    # Without split or group columns there is no test split to pick: say so rather than hash the index.
    with pytest.raises(ConvolensError, match="pass split=None"):
        convolens.evaluate("lexicon", mine)


def test_evaluate_without_the_corpus_says_what_to_do(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # As in a wheel install, where data/labeled/ is not shipped.
    monkeypatch.setattr(convolens.corpus, "BUNDLED_CORPUS", tmp_path / "data" / "labeled" / "corpus.csv")
    with pytest.raises(MissingInputError, match="pass data=") as info:
        convolens.evaluate("lexicon")
    assert isinstance(info.value, FileNotFoundError) and "\n" not in str(info.value)
    with pytest.raises(ConvolensError, match="split must be one of"):
        convolens.evaluate("lexicon", CORPUS, split="tset")


def test_conversation_stats_per_call_and_per_manager(sample_run: Path) -> None:
    calls, people = convolens.conversation_stats(sample_run)
    utterances = read_run(sample_run)["utterances"]
    pd.testing.assert_frame_equal(calls, call_stats(utterances))
    assert set(people["name"]) == MANAGERS and (people["context"] == "one_on_one").all()
    assert calls.groupby("call_id")["talk_share"].sum().to_numpy() == pytest.approx(1.0)
    # Dana and María have three one-on-ones a week for 12 weeks, Marcus two (data/samples/README.md).
    assert dict(zip(people["name"], people["calls"], strict=True)) == {
        "Dana Lee": 36,
        "María Farías": 36,
        "Marcus Webb": 24,
    }
    reps = convolens.conversation_stats(sample_run, by="rep").people
    assert len(reps) == 8 and (reps["context"] == "customer_call").all()
    with pytest.raises(ConvolensError, match="manager or rep"):
        convolens.conversation_stats(sample_run, by="team")  # type: ignore[arg-type]


def test_analysis_accepts_a_score_result(sample_run: Path) -> None:
    tables = read_run(sample_run)
    result = ScoreResult(
        calls=tables["calls"],
        utterances=tables["utterances"],
        errors=tables["errors"],
        people=tables["people"],
        summary=RunSummary(),
    )
    pd.testing.assert_frame_equal(
        convolens.question_yield(result).summary, convolens.question_yield(sample_run).summary
    )
    pd.testing.assert_frame_equal(convolens.cascade(result).series, convolens.cascade(sample_run).series)


def test_question_yield_summary_matches_its_questions(sample_run: Path) -> None:
    summary, questions = convolens.question_yield(sample_run)
    assert set(summary["name"]) == MANAGERS
    assert set(questions["kind"]) == {"one_on_one"} and set(questions["role"]) == {"manager"}
    for _, row in summary.iterrows():
        mine = questions[questions["person_id"] == row["person_id"]]
        impact = mine.loc[mine["focus"] == "customer_impact", "yield_words"]
        revenue = mine.loc[mine["focus"] == "revenue", "yield_words"]
        assert (row["n_impact"], row["n_revenue"]) == (len(impact), len(revenue))
        assert row["median_words_impact"] == impact.median()
        assert row["median_words_revenue"] == revenue.median()
    # Every sample manager asks dozens of each kind: no small-sample flag.
    assert not summary["small_sample"].any()
    reps = convolens.question_yield(sample_run, by="rep")
    assert len(reps.summary) == 8 and set(reps.questions["kind"]) == {"customer_call"}


def test_change_points_tell_each_managers_story(sample_run: Path) -> None:
    changes = convolens.change_points(sample_run).set_index("name")
    assert set(changes.index) == MANAGERS
    dana, marcus, maria = changes.loc["Dana Lee"], changes.loc["Marcus Webb"], changes.loc["María Farías"]
    # Dana's coaching shows from mid-October; Marcus slides to revenue questions in the last weeks of the quarter.
    assert (dana["period_before_end"], dana["period_after_start"]) == ("2026-10-05", "2026-10-12")
    assert dana["significant"] and dana["share_after"] - dana["share_before"] > 0.2
    assert (marcus["period_before_end"], marcus["period_after_start"]) == ("2026-10-26", "2026-11-02")
    assert marcus["significant"] and marcus["share_before"] - marcus["share_after"] > 0.2
    # María's share is flat all quarter: whatever split maximises the likelihood, it is not significant.
    assert not maria["significant"] and maria["p_value"] > 0.5
    assert (changes["periods"] == 12).all()
    monthly = convolens.change_points(sample_run, period="month")
    # One-on-ones run September to November: three months are too few to look for a change.
    assert (monthly["periods"] == 3).all() and (monthly["note"] == "too little data").all()
    assert not monthly["significant"].any()
    with pytest.raises(ConvolensError, match="week or month"):
        convolens.change_points(sample_run, period="day")  # type: ignore[arg-type]


def test_cascade_series_and_lagged_correlations(sample_run: Path) -> None:
    series, correlations = convolens.cascade(sample_run)
    teams = {"Enterprise East": "Dana Lee", "Mid-Market Central": "María Farías", "Commercial West": "Marcus Webb"}
    assert dict(zip(series["team"], series["managers"], strict=False)) == teams
    assert (series.groupby("team")["period"].nunique() == 12).all()
    # The series are report(by="team")'s per-period shares, side by side.
    _, team_periods = convolens.report(sample_run, by="team")
    east = team_periods[(team_periods["id"] == "Enterprise East")].set_index(["context", "period"])
    mine = series[series["team"] == "Enterprise East"].set_index("period")
    assert mine["manager_share"].to_numpy() == pytest.approx(east.loc["one_on_one", "impact_share"].to_numpy())
    assert mine["reps_share"].to_numpy() == pytest.approx(east.loc["customer_call", "impact_share"].to_numpy())
    assert (mine["reps_questions"] == east.loc["customer_call", "questions"]).all()
    # Four lags per team; 12 weeks pair 12 - lag times.
    assert len(correlations) == 3 * 4
    assert list(correlations.loc[correlations["team"] == "Enterprise East", "paired_periods"]) == [12, 11, 10, 9]
    lag0 = correlations[correlations["lag"] == 0].set_index("team")
    # Dana's team moves with her (and both drift the same way, which a correlation cannot tell apart).
    assert lag0.loc["Enterprise East", "r"] > 0.7 and lag0.loc["Enterprise East", "caveat"] == ""
    # María's flat team has nothing to correlate: every lag is caveated.
    assert (correlations.loc[correlations["team"] == "Mid-Market Central", "caveat"] != "").all()
    # By month there are only 4 paired periods: every row says so.
    monthly = convolens.cascade(sample_run, period="month").correlations
    assert monthly["caveat"].str.contains("paired periods").all()
