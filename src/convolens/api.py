"""The public Python API, each function giving pandas DataFrames.

- :func:`score` transcripts (into a run folder), :func:`load_run` a run folder back;
- :func:`classify` plain texts;
- :func:`report` the question mix, impact share and trend per manager, rep or team;
- :func:`conversation_stats`, :func:`question_yield`, :func:`change_points`, :func:`cascade`;
- :func:`evaluate` a model on labelled texts.

The CLI is a thin shell over these functions, so a notebook can do exactly
what ``convolens score`` / ``report`` / ``stats`` / ``evaluate`` do.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from . import stats
from .aggregate import CONTEXT, By, Period, question_mix
from .classifiers import DEFAULT_MODEL, load_classifier
from .classifiers.base import FocusClassifier
from .corpus import SPLITS, bundled_corpus, load_corpus
from .engine import PART_FILES, Engine, run_plan, score_to_folder
from .errors import ConvolensError
from .inputs import plan_run
from .layout import SUMMARY_FILE
from .model import FOCUS_ORDER
from .nlp import analyse_turns
from .pipeline import Progress, RunSummary, ScoreResult
from .readers import ReadOptions, get_reader
from .readers.base import MAX_TURN_CHARS
from .reports.coaching import lagged_correlations, period_ordinal
from .roster import Roster
from .stats import Role
from .store import read_run
from .training import evaluate_with_predictions

CLASSIFY_COLUMNS = (
    "is_question",
    "focus",
    "focus_score",
    "p_revenue",
    "p_customer_impact",
    "p_other",
    "theme",
    "evidence",
)


def score(
    inputs: str | Path | Iterable[str | Path],
    *,
    out: str | Path | None = None,
    manifest: str | Path | None = None,
    roster: str | Path | Roster | None = None,
    model: str | FocusClassifier = DEFAULT_MODEL,
    device: str | None = None,
    format: str | None = None,
    columns: Mapping[str, str] | None = None,
    jobs: int = 1,
    force: bool = False,
    engine: Engine = "local",
    ray_address: str | None = None,
    part_files: int = PART_FILES,
    allow_outside_paths: bool = False,
    redact: bool = False,
    progress: Progress | None = None,
) -> ScoreResult:
    """Give the scored calls, utterances, errors and people of transcript files or folders.

    Parameters
    ----------
    inputs
        Files and/or folders. A folder's ``manifest.csv`` and ``roster.csv``
        are used unless ``manifest``/``roster`` name others.
    out
        When given, the tables are also written there, part by part (see
        :mod:`convolens.store`). Files scored into the same folder before, and
        unchanged since (same bytes, manifest rows, roster and model), are not
        scored again unless ``force``; a run that was killed resumes.
    roster
        A roster CSV path or a :class:`~convolens.roster.Roster`.
    model
        Classifier name (``lexicon``, ``linear``, ``neural``) or object.
    device
        ``cpu``, ``cuda`` or ``auto`` for the neural model (others run on the CPU).
    format
        Force one reader (``vtt``, ``gong``...) instead of detecting it.
    columns
        For CSV/Parquet transcripts: convolens column name -> file column name.
    jobs
        Worker processes (or Ray tasks) scoring parts in parallel; the output is
        the same as with one.
    engine
        ``local`` (this machine) or ``ray`` (Ray Data; ``pip install convolens[ray]``),
        joining the cluster at ``ray_address`` when given.
    part_files
        Files per part: the unit that is written, kept and redone.
    allow_outside_paths
        Let manifest rows name files outside the input folders and the
        manifest's folder (refused by default).
    redact
        Mask e-mail addresses, phone numbers, card numbers and other personal
        identifiers in every output (see :mod:`convolens.redact`).

    Files that cannot be read are listed in ``result.errors`` and the others
    are scored; ``result.ok`` tells whether every input was read.

    Examples
    --------
    >>> result = score("data/samples")  # doctest: +SKIP
    >>> result.utterances.groupby("focus").size()  # doctest: +SKIP
    """
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    if format is not None:
        get_reader(format)  # an unknown --format is a usage error, not a per-file one
    roster_path = None if isinstance(roster, Roster) else roster
    plan = plan_run(inputs, manifest=manifest, roster=roster_path, allow_outside=allow_outside_paths)
    settings: dict[str, Any] = {
        "model": model,
        "device": device,
        "format": format,
        "options": ReadOptions(columns=dict(columns or {})),
        "roster": roster if isinstance(roster, Roster) else None,
        "jobs": jobs,
        "engine": engine,
        "ray_address": ray_address,
        "part_files": part_files,
        "redact": redact,
        "progress": progress,
    }
    if out is not None:
        return score_to_folder(plan, out, force=force, **settings)
    _, result = run_plan(plan, **settings)
    assert result is not None
    return result


def classify(
    data: str | Sequence[str] | pd.Series | pd.DataFrame,
    *,
    text_column: str = "text",
    model: str | FocusClassifier = DEFAULT_MODEL,
    device: str | None = None,
) -> pd.DataFrame:
    """Give the input rows with ``is_question``, ``focus``, ``focus_score`` and the rest added.

    ``data`` is one text, a list or Series of texts, or a DataFrame whose
    ``text_column`` holds them (every other column is kept as it was). Empty
    or missing texts are classified as ``other`` questions-free rows, never dropped.

    >>> classify(["so when do you think they sign", "what keeps their nurses up at night"])[["focus"]]  # doctest: +SKIP
    """
    if isinstance(data, str):
        data = [data]
    if isinstance(data, pd.DataFrame):
        if text_column not in data.columns:
            raise ConvolensError(f"no column {text_column!r} (columns: {', '.join(map(str, data.columns))})")
        clash = [c for c in CLASSIFY_COLUMNS if c in data.columns]
        if clash:
            raise ConvolensError(
                f"input already has column(s) {', '.join(clash)}; rename them first so nothing is overwritten"
            )
        frame = data.copy()
        texts = frame[text_column]
    else:
        texts = pd.Series(list(data), dtype=object)
        frame = pd.DataFrame({text_column: texts})
    clean = ["" if pd.isna(t) else str(t) for t in texts]
    too_long = next((i for i, t in enumerate(clean) if len(t) > MAX_TURN_CHARS), None)
    if too_long is not None:
        where = f"row {too_long + 1}" + (f" of column {text_column!r}" if isinstance(data, pd.DataFrame) else "")
        raise ConvolensError(
            f"{where} holds {len(clean[too_long]):,} characters, more than the {MAX_TURN_CHARS:,} convolens reads;"
            " split it into utterances first"
        )
    results = analyse_turns(clean, load_classifier(model, device))
    frame["is_question"] = [r.is_question for r in results]
    frame["focus"] = [r.focus.value for r in results]
    frame["focus_score"] = [r.focus_score for r in results]
    for i, focus in enumerate(FOCUS_ORDER):
        frame[f"p_{focus.value}"] = [r.probs[i] for r in results]
    frame["theme"] = [r.theme for r in results]
    frame["evidence"] = [r.evidence for r in results]
    return frame


def load_run(run: str | Path) -> ScoreResult:
    """Give a run folder written by :func:`score` (or ``convolens score --out``) as a ScoreResult.

    It can be read while a run is still writing it: you get the parts finished
    so far (``summary`` is then the last finished run's, or empty).

    >>> run = load_run("runs/samples")  # doctest: +SKIP
    >>> run.utterances.groupby(["role", "focus"]).size()  # doctest: +SKIP
    """
    tables = read_run(run)
    try:
        saved = json.loads((Path(run) / SUMMARY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        saved = {}
    known = {f.name for f in fields(RunSummary)}
    summary = RunSummary(**{k: v for k, v in saved.items() if k in known}) if isinstance(saved, dict) else RunSummary()
    return ScoreResult(
        calls=tables["calls"],
        utterances=tables["utterances"],
        errors=tables["errors"],
        people=tables["people"],
        summary=summary,
    )


class Report(NamedTuple):
    """A report's two tables: one row per group, and one per group and period."""

    summary: pd.DataFrame
    periods: pd.DataFrame


def report(run: str | Path | ScoreResult, *, by: By = "manager", period: Period = "week") -> Report:
    """Give the question mix, impact share, ratio and trend per manager, rep or team.

    ``run`` is a folder written by :func:`score` (``out=``) or a
    :class:`~convolens.pipeline.ScoreResult`. See :mod:`convolens.aggregate`
    for exactly what is counted.
    """
    if isinstance(run, ScoreResult):
        utterances, people = run.utterances, run.people
    else:
        tables = read_run(run)
        utterances, people = tables["utterances"], tables["people"]
    if by not in ("manager", "rep", "team"):
        raise ConvolensError(f"--by must be manager, rep or team, not {by!r}")
    if period not in ("week", "month"):
        raise ConvolensError(f"--period must be week or month, not {period!r}")
    summary, periods = question_mix(utterances, people, by=by, period=period)
    return Report(summary=summary, periods=periods)


# --- Analysis: model evaluation and the statistics behind the reports (for notebooks) -------------------------------


class Evaluation(NamedTuple):
    """A classifier's figures on labelled texts, and its prediction for every text.

    ``metrics`` is the dict of :func:`convolens.training.evaluate` (``overall``,
    ``asr``, ``question_f1``, ``utterances_per_second``...). ``predictions``
    has one row per evaluated text: the corpus columns (``text``, ``label``,
    ``is_question``, ``style``, ``hard_type``...) plus ``predicted``,
    ``p_revenue``, ``p_customer_impact``, ``p_other``, ``focus_score``,
    ``predicted_question``, ``theme`` and ``evidence``.
    """

    metrics: dict[str, Any]
    predictions: pd.DataFrame

    @property
    def confusion(self) -> pd.DataFrame:
        """Give the confusion matrix: one row per true label, one column per predicted label (counts)."""
        confusion = self.metrics["overall"]["confusion"]
        labels = list(confusion["labels"])
        return pd.DataFrame(
            confusion["matrix"],
            index=pd.Index(labels, name="true"),
            columns=pd.Index(labels, name="predicted"),
        )

    @property
    def misclassified(self) -> pd.DataFrame:
        """Give the rows whose predicted focus differs from their label."""
        p = self.predictions
        return p[p["predicted"] != p["label"]]


def evaluate(
    model: str | FocusClassifier = DEFAULT_MODEL,
    data: str | Path | pd.DataFrame | None = None,
    *,
    split: str | None = "test",
    device: str | None = None,
) -> Evaluation:
    """Give a classifier's evaluation figures and per-text predictions on labelled texts.

    Parameters
    ----------
    model
        Classifier name (``lexicon``, ``linear``, ``neural``) or object.
    data
        A corpus CSV or frame with ``text`` and ``label`` (optionally
        ``is_question``, ``style``, ``group``/``split``). By default the
        labelled corpus of a source checkout, ``data/labeled/corpus.csv``.
    split
        ``train``, ``dev`` or ``test`` (the default), or ``None`` for every
        row. Picking a split needs a ``split`` or ``group`` column (the
        corpus's hashed split of each near-duplicate group).
    device
        ``cpu``, ``cuda`` or ``auto`` for the neural model.

    Texts go through the same turn analysis as :func:`score`, once: the
    figures and the predictions come from the same pass.

    Examples
    --------
    >>> ev = evaluate("linear")  # doctest: +SKIP
    >>> ev.metrics["overall"]["macro_f1"], len(ev.misclassified)  # doctest: +SKIP
    """
    if split is not None and split not in SPLITS:
        raise ConvolensError(f"split must be one of {', '.join(SPLITS)} or None, not {split!r}")
    if data is None:
        data = bundled_corpus("pass data= a corpus CSV or DataFrame")
    frame = data if isinstance(data, pd.DataFrame) else load_corpus(data)
    if split is not None and not {"split", "group"} & set(frame.columns):
        # Splitting rows by a hash of their index would pick an arbitrary sixth of them.
        raise ConvolensError(f"the data has no split or group column to pick the {split} split by; pass split=None")
    metrics, predictions = evaluate_with_predictions(load_classifier(model, device), frame, split=split)
    return Evaluation(metrics=metrics, predictions=predictions)


def _run_tables(run: str | Path | ScoreResult) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Give ``(utterances, people)`` of a run folder or a :class:`ScoreResult`."""
    if isinstance(run, ScoreResult):
        return run.utterances, run.people
    tables = read_run(run)
    return tables["utterances"], tables["people"]


def _check_person(by: str) -> None:
    if by not in ("manager", "rep"):
        raise ConvolensError(f"by must be manager or rep (these statistics are per person), not {by!r}")


def _check_period(period: str) -> None:
    if period not in ("week", "month"):
        raise ConvolensError(f"period must be week or month, not {period!r}")


class ConversationStats(NamedTuple):
    """Talk and question figures: per call and speaker, and per person relative to their peers."""

    #: One row per call and speaker (:data:`convolens.stats.CALL_STATS_COLUMNS`), every call and role.
    calls: pd.DataFrame
    #: One row per manager (in one-on-ones) or rep (in customer calls): means over their calls and ``*_vs_median``.
    people: pd.DataFrame


def conversation_stats(run: str | Path | ScoreResult, *, by: Role = "manager") -> ConversationStats:
    """Give talk share, questions per call, longest monologue and turns per minute, per call and per person.

    ``run`` is a folder written by :func:`score` (``out=``) or a
    :class:`~convolens.pipeline.ScoreResult`. ``by`` picks whose ``people``
    table: ``manager`` (measured in one-on-ones) or ``rep`` (in customer
    calls). See :func:`convolens.stats.call_stats` and
    :func:`convolens.stats.person_stats` for how each figure is counted.
    """
    _check_person(by)
    utterances, _ = _run_tables(run)
    return ConversationStats(calls=stats.call_stats(utterances), people=stats.person_stats(utterances, by=by))


class QuestionYield(NamedTuple):
    """What questions draw out: per person, and per question."""

    #: One row per person: median reply after customer-impact vs revenue questions, p-value, ``small_sample``.
    summary: pd.DataFrame
    #: One row per counted question (the person's context only): ``yield_words``, ``yield_s``, ``reply_turns``.
    questions: pd.DataFrame


def question_yield(run: str | Path | ScoreResult, *, by: Role = "manager") -> QuestionYield:
    """Give how long the other party talks after each person's customer-impact vs revenue questions.

    Managers are counted in their one-on-ones and reps in their customer
    calls, as in :func:`report`. ``summary`` is
    :func:`convolens.stats.yield_summary`; ``questions`` holds the per-question
    replies it summarises (:func:`convolens.stats.question_yield`), so their
    distribution can be plotted.
    """
    _check_person(by)
    utterances, _ = _run_tables(run)
    yields = stats.question_yield(utterances)
    kind, role = CONTEXT[by]
    counted = yields[(yields["kind"] == kind) & (yields["role"] == role) & yields["person_id"].notna()]
    return QuestionYield(summary=stats.yield_summary(yields, by=by), questions=counted.reset_index(drop=True))


def change_points(
    run: str | Path | ScoreResult, *, by: Role = "manager", period: Period = "week", seed: int = 0
) -> pd.DataFrame:
    """Give per person the period where their impact share shifted most, with a permutation-test p-value.

    One row per manager (one-on-ones) or rep (customer calls):
    ``period_before_end`` / ``period_after_start`` bracket the split, with the
    share and its 95% interval on each side, ``p_value`` (999 shuffles seeded
    by ``seed``) and ``significant`` (p < 0.05); people with too few periods
    or questions get ``note="too little data"``. See
    :func:`convolens.stats.change_points`.
    """
    _check_person(by)
    _check_period(period)
    utterances, _ = _run_tables(run)
    return stats.change_points(utterances, by=by, period=period, seed=seed)


CASCADE_SERIES_COLUMNS = (
    "team", "managers", "period", "manager_questions", "manager_share", "manager_share_low", "manager_share_high",
    "reps_questions", "reps_share", "reps_share_low", "reps_share_high",
)  # fmt: skip
CASCADE_LAG_COLUMNS = ("team", "lag", "paired_periods", "r", "r_low", "r_high", "caveat")


class Cascade(NamedTuple):
    """Per team: the managers' one-on-one impact share next to their reps' customer-call share, and how they correlate.

    A correlation over a dozen periods is weak evidence and cannot show
    cause: when both shares drift the same way, every lag correlates.
    ``correlations["caveat"]`` says why not to lean on a row (``""`` when its
    95% interval excludes 0 over at least 8 paired periods).
    """

    #: One row per team and period, for each side: questions asked (``other`` included), impact share and its 95%
    #: Wilson interval.
    series: pd.DataFrame
    #: One row per team and lag (0-3 periods): Pearson r of managers' share at t with reps' share at t + lag.
    correlations: pd.DataFrame


def cascade(run: str | Path | ScoreResult, *, period: Period = "week") -> Cascade:
    """Give, per team, whether the managers' question focus shows up in their reps' customer calls later.

    The managers' impact share in one-on-ones and the reps' pooled share in
    customer calls per period come from :func:`report` ``by="team"``; the
    lagged correlations are those of the HTML report's cascade section
    (:func:`convolens.reports.coaching.lagged_correlations`), with its caveats.
    """
    _check_period(period)
    utterances, people = _run_tables(run)
    _, periods = question_mix(utterances, people, by="team", period=period)
    shares = ["questions", "impact_share", "impact_share_low", "impact_share_high"]
    series_parts, lag_rows = [], []
    for team in sorted(periods["id"].dropna().unique()):
        team_periods = periods[periods["id"] == team]
        sides = {
            side: team_periods[team_periods["context"] == context].set_index("period")[shares]
            for side, context in (("manager", "one_on_one"), ("reps", "customer_call"))
        }
        managers = people.loc[(people["team"] == team) & (people["role"] == "manager"), "name"].dropna()
        joined = (
            sides["manager"]
            .add_prefix("manager_")
            .join(sides["reps"].add_prefix("reps_"), how="outer")
            .sort_index()
            .rename_axis("period")
            .reset_index()
        )
        joined = joined.rename(columns=lambda c: c.replace("impact_share", "share"))
        joined.insert(0, "managers", ", ".join(sorted(map(str, managers))))
        joined.insert(0, "team", team)
        series_parts.append(joined)
        ordinal = [
            {
                period_ordinal(str(label), period): float(share)
                for label, share in side["impact_share"].items()
                if not pd.isna(share)
            }
            for side in (sides["manager"], sides["reps"])
        ]
        for lag in lagged_correlations(ordinal[0], ordinal[1]):
            lag_rows.append((team, lag.lag, lag.n, lag.r, lag.low, lag.high, lag.caveat))
    series = pd.concat(series_parts, ignore_index=True) if series_parts else pd.DataFrame()
    series = series.reindex(columns=list(CASCADE_SERIES_COLUMNS))
    for column in ("manager_questions", "reps_questions"):
        series[column] = series[column].fillna(0).astype("int64")
    return Cascade(series=series, correlations=pd.DataFrame(lag_rows, columns=list(CASCADE_LAG_COLUMNS)))
