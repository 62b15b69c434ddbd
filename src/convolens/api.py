"""The public Python API: ``score``, ``classify`` and ``report``, each giving DataFrames.

The CLI is a thin shell over these functions, so a notebook can do exactly
what ``convolens score`` / ``classify`` / ``report`` do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from .aggregate import By, Period, question_mix
from .classifiers import DEFAULT_MODEL, load_classifier
from .classifiers.base import FocusClassifier
from .errors import ConvolensError
from .inputs import plan_run
from .model import FOCUS_ORDER
from .nlp import analyse_turns
from .pipeline import Progress, ScoreResult, score_plan
from .readers import ReadOptions, get_reader
from .roster import Roster
from .store import read_run, write_run

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
    progress: Progress | None = None,
) -> ScoreResult:
    """Give the scored calls, utterances, errors and people of transcript files or folders.

    Parameters
    ----------
    inputs
        Files and/or folders. A folder's ``manifest.csv`` and ``roster.csv``
        are used unless ``manifest``/``roster`` name others.
    out
        When given, the tables are also written there (atomically).
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
    plan = plan_run(inputs, manifest=manifest, roster=roster_path)
    result = score_plan(
        plan,
        model=load_classifier(model, device),
        format=format,
        options=ReadOptions(columns=dict(columns or {})),
        roster=roster if isinstance(roster, Roster) else None,
        progress=progress,
    )
    if out is not None:
        write_run(out, result.calls, result.utterances, result.errors, result.people, result.summary.as_dict())
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
    results = analyse_turns(clean, load_classifier(model, device))
    frame["is_question"] = [r.is_question for r in results]
    frame["focus"] = [r.focus.value for r in results]
    frame["focus_score"] = [r.focus_score for r in results]
    for i, focus in enumerate(FOCUS_ORDER):
        frame[f"p_{focus.value}"] = [r.probs[i] for r in results]
    frame["theme"] = [r.theme for r in results]
    frame["evidence"] = [r.evidence for r in results]
    return frame


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
