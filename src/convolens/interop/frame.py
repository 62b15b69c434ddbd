"""Scoring a pandas frame of utterances a researcher already holds, like the files of ``convolens score``."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..classifiers import DEFAULT_MODEL, load_classifier
from ..classifiers.base import FocusClassifier, model_tag
from ..engine import summarise_parts
from ..errors import ConvolensError, InputFormatError, SchemaError
from ..inputs import parse_date
from ..model import CallKind, CallMeta, Transcript, Turn
from ..pipeline import RunSummary, ScoreResult, ScoreSettings, score_transcripts
from ..readers.records import id_text
from ..readers.tabular import cell_seconds, column_key
from ..roster import Roster
from ..store import write_run

if TYPE_CHECKING:
    pass

#: convolens name -> frame column names tried in turn, compared like the tabular reader does (case-insensitive,
#: spaces and dashes as ``_``). The utterance fields use the CSV/Parquet reader's names.
COLUMN_ALIASES: Mapping[str, tuple[str, ...]] = {
    "call_id": ("call_id", "conversation_id", "call", "meeting_id"),
    "speaker": ("speaker", "speaker_name", "name", "participant", "speaker_label"),
    "text": ("text", "utterance", "transcript", "content", "sentence"),
    "start_s": ("start_s", "start", "start_time", "begin", "offset", "start_ms"),
    "end_s": ("end_s", "end", "end_time", "end_ms"),
    "kind": ("kind", "call_kind", "call_type"),
    "date": ("date", "call_date"),
    "title": ("title", "call_title"),
    "source_path": ("source_path",),
}
#: Fields of a whole call: one value per call, from the utterance frame or the calls frame.
CALL_FIELDS = ("kind", "date", "title", "source_path")
_UTTERANCE_FIELDS = ("call_id", "speaker", "text", "start_s", "end_s")
#: ``source_path`` of calls that come from a frame without one (no file name, so nothing is read from it).
FRAME_SOURCE = "<frame>"


def from_frame(
    frame: pd.DataFrame,
    *,
    columns: Mapping[str, str] | None = None,
    calls: pd.DataFrame | None = None,
    roster: str | Path | Roster | pd.DataFrame | None = None,
    model: str | FocusClassifier = DEFAULT_MODEL,
    device: str | None = None,
    redact: bool = False,
    out: str | Path | None = None,
) -> ScoreResult:
    """Give the scored calls and utterances of a frame with one row per utterance.

    Parameters
    ----------
    frame
        One row per utterance: call id, speaker and text (found under the
        tabular reader's names: ``call_id``/``conversation_id``,
        ``speaker``/``name``, ``text``/``utterance``...), optionally
        ``start_s``/``end_s`` (seconds, clock strings, timedeltas; a column
        named ``*_ms`` holds milliseconds) and the call fields ``kind``,
        ``date``, ``title``, ``source_path``, which must agree within a call.
    columns
        convolens name -> column name, where the frames use other names, e.g.
        ``{"text": "utterance_text", "call_id": "meeting"}``.
    calls
        Optional frame with one row per call: ``call_id`` and any of the call
        fields. A call listed here without utterances is kept, with none.
    roster
        A :class:`~convolens.roster.Roster`, a roster CSV path, or a frame
        with the roster CSV's columns.
    model, device
        As for :func:`convolens.score`.
    redact
        Mask personal identifiers in texts and titles (:mod:`convolens.redact`).
    out
        When given, the run is also written there as a run folder that
        :func:`convolens.load_run`, ``convolens report`` and ``convolens stats``
        read (replacing any run in it).

    Each row becomes one utterance, empty texts included. Calls come in order
    of first appearance; within a call the rows keep their order, unless every
    row of the call has a start time: then they are sorted by it (stably).
    Bad input raises a one-line :class:`~convolens.errors.ConvolensError`
    naming the frame, the row (by index label) and the column.

    Examples
    --------
    >>> rows = pd.DataFrame({"call_id": ["c1", "c1"], "speaker": ["Dana Lee", "Sam Ortiz"],
    ...                      "text": ["so when do they sign?", "end of the month"], "kind": "one_on_one"})
    >>> from_frame(rows).utterances[["speaker", "is_question", "focus"]]  # doctest: +SKIP
    """
    transcripts = _transcripts(frame, calls, columns or {}, FRAME_SOURCE, "frame")
    return _score(transcripts, _roster(roster), model, device, redact, out)


# ---------------------------------------------------------------- frames to transcripts


@dataclass
class _Call:
    """One call gathered from the frames: its turns and its fields with where each came from."""

    turns: list[Turn] = field(default_factory=list)
    fields: dict[str, tuple[Any, str]] = field(default_factory=dict)

    def set(self, call_id: str, name: str, value: Any, where: str) -> None:
        if value is None:
            return
        known = self.fields.setdefault(name, (value, where))
        if known[0] != value:
            raise InputFormatError(
                f"call {call_id!r} has conflicting {name} values {_shown(known[0])!r} ({known[1]}) "
                f"and {_shown(value)!r} ({where})"
            )

    def value(self, name: str) -> Any:
        return self.fields.get(name, (None, ""))[0]


def _transcripts(
    frame: pd.DataFrame, calls: pd.DataFrame | None, columns: Mapping[str, str], source: str, fmt: str
) -> list[Transcript]:
    """Give one transcript per call of the frames, with the call fields in ``meta``."""
    if not isinstance(frame, pd.DataFrame):
        raise ConvolensError(f"from_frame needs a pandas DataFrame, not {type(frame).__name__}")
    if calls is not None and not isinstance(calls, pd.DataFrame):
        raise ConvolensError(f"calls must be a pandas DataFrame, not {type(calls).__name__}")
    unknown = sorted(set(columns) - set(COLUMN_ALIASES))
    if unknown:
        raise SchemaError(f"columns names unknown field(s) {', '.join(unknown)} (known: {', '.join(COLUMN_ALIASES)})")
    for name, column in columns.items():
        if _locate(frame, column) is None and (calls is None or _locate(calls, column) is None):
            raise SchemaError(
                f"column {column!r} given for {name} is in neither frame; utterance frame columns: {_listed(frame)}"
            )
    found = _find(frame, columns, (*_UTTERANCE_FIELDS, *CALL_FIELDS), "utterance frame", required=True)
    gathered: dict[str, _Call] = {}
    _gather(frame, found, gathered, "utterance frame", utterances=True)
    if calls is not None:
        _gather(calls, _find(calls, columns, ("call_id", *CALL_FIELDS), "calls frame"), gathered, "calls frame")
    transcripts = []
    for cid, call in gathered.items():
        turns = call.turns
        if turns and all(t.start_s is not None for t in turns):
            turns = sorted(turns, key=lambda t: t.start_s or 0.0)  # sorted() is stable: ties keep row order
        meta = CallMeta(call_id=cid, title=call.value("title"), date=call.value("date"), kind=call.value("kind"))
        transcripts.append(Transcript(call.value("source_path") or source, fmt, tuple(turns), meta))
    return transcripts


def _find(
    frame: pd.DataFrame, columns: Mapping[str, str], names: Sequence[str], what: str, *, required: bool = False
) -> dict[str, Hashable]:
    """Give the column holding each field in ``frame``; raise when call id (or, with ``required``, more) lacks one."""
    norm = {c: column_key(str(c)) for c in frame.columns}
    found: dict[str, Hashable] = {}
    for name in names:
        if name in columns:  # a field the caller named is read from that column only
            hit = _locate(frame, columns[name])
        else:
            hit = next((c for alias in COLUMN_ALIASES[name] for c in norm if norm[c] == alias), None)
        if hit is None:
            continue
        if list(frame.columns).count(hit) > 1:
            raise SchemaError(f"{what} has more than one column named {hit!r}")
        found[name] = hit
    needed = ("call_id", "speaker", "text") if required else ("call_id",)
    for name in needed:
        if name not in found:
            raise SchemaError(
                f"{what} has no {name} column (looked for {', '.join(COLUMN_ALIASES[name])}); "
                f"columns found: {_listed(frame)}; name it with columns={{{name!r}: ...}}"
            )
    return found


def _locate(frame: pd.DataFrame, wanted: str) -> Hashable | None:
    """Give the column named ``wanted``: that exact name, else one that reads the same loosely."""
    if wanted in frame.columns:
        return wanted
    return next((c for c in frame.columns if column_key(str(c)) == column_key(str(wanted))), None)


def _gather(
    frame: pd.DataFrame, found: Mapping[str, Hashable], calls: dict[str, _Call], what: str, *, utterances: bool = False
) -> None:
    """Add the rows of ``frame`` to ``calls``: turns (from the utterance frame) and call fields."""
    values = {name: frame[column].tolist() for name, column in found.items()}
    absent = {name: frame[column].isna().tolist() for name, column in found.items()}
    parsed: dict[tuple[str, Any], Any] = {}  # call fields repeat on every row of a call: parse each value once
    scale = {name: 1000.0 if column_key(str(column)).endswith("_ms") else 1.0 for name, column in found.items()}
    seen: dict[str, Hashable] = {}
    for i, label in enumerate(frame.index):
        where = f"{what} row {label}"
        row = {name: None if absent[name][i] else cells[i] for name, cells in values.items()}
        cid = _as_text(row["call_id"])
        if not cid:
            raise _bad(where, found, "call_id", "empty call id; every row needs one")
        if not utterances and cid in seen:
            raise _bad(where, found, "call_id", f"call id {cid!r} is also in row {seen[cid]}; give each call one row")
        seen.setdefault(cid, label)
        call = calls.setdefault(cid, _Call())
        if utterances:
            times = []
            for name in ("start_s", "end_s"):
                try:
                    times.append(cell_seconds(row.get(name), scale.get(name, 1.0)))
                except ValueError:
                    problem = f"{row[name]!r} is not a time (seconds, H:MM:SS or a timedelta)"
                    raise _bad(where, found, name, problem) from None
            text = "" if row["text"] is None else str(row["text"])
            call.turns.append(Turn(_as_text(row["speaker"]), text, times[0], times[1]))
        for name in CALL_FIELDS:
            if name not in row:
                continue
            if not isinstance(row[name], Hashable):  # a list or dict in a cell
                raise _bad(where, found, name, f"a {type(row[name]).__name__} is not a {name}")
            key = (name, row[name])
            if key not in parsed:
                try:
                    parsed[key] = _call_field(name, row[name])
                except ValueError as exc:
                    raise _bad(where, found, name, str(exc)) from None
            call.set(cid, name, parsed[key], where)


def _bad(where: str, found: Mapping[str, Hashable], name: str, problem: str) -> InputFormatError:
    return InputFormatError(f"{where}, column {str(found[name])!r}: {problem}")


def _call_field(name: str, value: Any) -> Any:
    """Give a call field's value as the transcript's meta holds it; raise ValueError when it is not one."""
    if value is None:
        return None
    if name == "kind":
        return value if isinstance(value, CallKind) else CallKind.parse(str(value)) if str(value).strip() else None
    if name == "date":
        if isinstance(value, dt.datetime):  # pd.Timestamp too; before dt.date, which datetime subclasses
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            return parse_date(value.strip()) if value.strip() else None
        raise ValueError(f"{value!r} is not a date (give YYYY-MM-DD or a datetime)")
    return _as_text(value) or None


def _missing(value: Any) -> bool:
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _as_text(value: Any) -> str:
    """Give a cell as text ("" when empty); numbers as ids are written in full (``12`` not ``12.0``)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return id_text(value) or str(value)


def _shown(value: Any) -> Any:
    return value.value if isinstance(value, CallKind) else str(value) if isinstance(value, dt.date) else value


def _listed(frame: pd.DataFrame) -> str:
    return ", ".join(repr(str(c)) for c in frame.columns) or "none"


def _roster(roster: str | Path | Roster | pd.DataFrame | None) -> Roster | None:
    if roster is None or isinstance(roster, Roster):
        return roster
    if isinstance(roster, pd.DataFrame):
        return Roster.from_frame(roster)
    return Roster.from_csv(roster)


def _score(
    transcripts: list[Transcript],
    roster: Roster | None,
    model: str | FocusClassifier,
    device: str | None,
    redact: bool,
    out: str | Path | None,
) -> ScoreResult:
    """Score in-memory transcripts as one part; give the run's tables (and write them to ``out``)."""
    started = time.perf_counter()
    classifier = load_classifier(model, device)
    part = score_transcripts(transcripts, ScoreSettings(roster=roster, redact=redact), classifier)
    summary = RunSummary(
        # Each call is one input here, as each file is in a file run.
        files_in=len(transcripts),
        roster=roster.source if roster else None,
        people=len(roster or ()),
        model=model_tag(classifier),
    )
    result = summarise_parts([part], summary, people=roster.to_frame() if roster else None, redact=redact)
    summary.seconds = round(time.perf_counter() - started, 3)
    if out is not None:
        write_run(out, result.calls, result.utterances, result.errors, result.people, summary.as_dict())
    return result
