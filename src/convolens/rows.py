"""Turning transcripts into rows: the calls and utterances tables of a batch of files.

A :class:`TableBuilder` takes each transcript with its manifest row and the roster,
resolves speakers to people and roles, and collects one row per call and one per
turn; :meth:`TableBuilder.classify` then analyses every turn in one go and gives the
typed utterances table, and :meth:`TableBuilder.calls_frame` the calls table.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

import pandas as pd

from .classifiers.base import FocusClassifier, model_tag
from .errors import ConvolensError
from .inputs import Job, ManifestRow, metadata_from_filename
from .model import FOCUS_ORDER, Call, CallKind, Problem, Role, Transcript
from .redact import Redactor
from .roster import Roster
from .schema import CALLS, empty, frame_from_columns

if TYPE_CHECKING:
    from .nlp import TurnAnalysis

#: progress(stage, done, total): called as files are read and turns classified.
Progress = Callable[[str, int, int], None]


#: utterance columns filled as files are read; the classifier's columns are added in ``classify``.
_TURN_COLUMNS = (
    "call_id",
    "index",
    "kind",
    "date",
    "speaker",
    "speaker_label",
    "person_id",
    "role",
    "manager_id",
    "team",
    "start_s",
    "end_s",
    "text",
)


#: utterance columns that depend on the turn's speaker only (see ``TableBuilder.add``).
_SPEAKER_COLUMNS = ("speaker", "speaker_label", "person_id", "role", "manager_id", "team")

#: calls columns known when a file is read; the rest are counted from its utterances.
_CALL_COLUMNS = tuple(name for name in CALLS if name not in ("n_utterances", "n_questions", "duration_s", "speakers"))


class TableBuilder:
    """Collects the call and utterance rows of a batch of files, then classifies them.

    Utterances are kept as one list per column and become a typed frame in one step
    (:func:`convolens.schema.frame_from_columns`): building a frame from a dict per row
    and casting it afterwards took longer than classifying the lexicon model's turns.
    """

    def __init__(
        self, roster: Roster | None, path_ids: frozenset[str] = frozenset(), redactor: Redactor | None = None
    ) -> None:
        self.roster = roster
        self.path_ids = path_ids
        self.redactor = redactor
        self.calls: list[dict[str, Any]] = []
        self.turns: dict[str, list[Any]] = {name: [] for name in _TURN_COLUMNS}

    def call_ids_for(self, job: Job, transcripts: Sequence[Transcript]) -> list[str]:
        """Give the call id of each transcript of a file; raise when the file repeats one."""
        ids = [self._call_id(job, t, i, len(transcripts)) for i, t in enumerate(transcripts)]
        repeated = sorted(cid for cid, count in Counter(ids).items() if count > 1)
        if repeated:
            raise ConvolensError(f"the file holds call_id {repeated[0]!r} more than once", path=job.name)
        return ids

    def _call_id(self, job: Job, t: Transcript, i: int, n: int) -> str:
        row = _row_for(job, t, n)
        if row is not None and row.call_id:
            return row.call_id
        if t.meta.call_id:
            return t.meta.call_id
        name = PurePosixPath(job.name)
        stem = str(name.with_suffix("")) if job.name in self.path_ids else name.stem
        return stem if n == 1 else f"{stem}#{i + 1}"

    def add(self, job: Job, t: Transcript, call_id: str, n: int) -> None:
        row = _row_for(job, t, n)
        name_kind, name_date = metadata_from_filename(job.path)
        kind, kind_src = _first((row.kind if row else None, "manifest"), (t.meta.kind, "file"), (name_kind, "filename"))
        date, date_src = _first((row.date if row else None, "manifest"), (t.meta.date, "file"), (name_date, "filename"))
        title = (row.title if row else None) or t.meta.title
        if self.redactor is not None:
            title = self.redactor.maybe(title)
        names = {**t.meta.speaker_names, **(row.speakers if row else {})}
        call = Call(call_id=call_id, kind=kind, date=date, title=title, source_path=job.name, format=t.format)
        kind_value = kind.value if kind else None
        self.calls.append(
            {
                **asdict(call),
                "kind": kind_value,
                "encoding": t.encoding,
                "metadata_source": f"kind={kind_src};date={date_src}",
            }
        )
        # A call has a few speakers: resolve each once, into their cells of _SPEAKER_COLUMNS, not once per turn.
        people: dict[str, tuple[str | None, ...]] = {}
        for label in dict.fromkeys(turn.speaker for turn in t.turns):
            speaker = names.get(label, label)
            person = self.roster.match(speaker) if self.roster else None
            role = _role(person.role if person else None, kind, label, t, speaker, has_roster=self.roster is not None)
            people[label] = (
                speaker,
                label if speaker != label else None,
                person.person_id if person else None,
                role.value,
                person.manager_id if person else None,
                person.team if person else None,
            )
        turns = t.turns
        n_turns = len(turns)
        cols = self.turns
        cols["call_id"].extend([call_id] * n_turns)
        cols["index"].extend(range(n_turns))
        cols["kind"].extend([kind_value] * n_turns)
        cols["date"].extend([date] * n_turns)
        if turns:  # column by column (the turns' speaker cells transposed): a few list operations per call
            by_column = zip(*[people[turn.speaker] for turn in turns], strict=True)
            for name, cells in zip(_SPEAKER_COLUMNS, by_column, strict=True):
                cols[name].extend(cells)
        cols["start_s"].extend([_num(turn.start_s) for turn in turns])
        cols["end_s"].extend([_num(turn.end_s) for turn in turns])
        if self.redactor is None:
            cols["text"].extend([turn.text for turn in turns])
        else:
            cols["text"].extend([self.redactor(turn.text) for turn in turns])

    def classify(self, classifier: FocusClassifier, progress: Progress | None) -> pd.DataFrame:
        texts: list[str] = self.turns["text"]
        if not texts:
            return empty("utterances")
        from .nlp import analyse_turns  # spaCy is imported only by runs that have turns to analyse

        tag = model_tag(classifier)
        chunk = 2048
        results: list[TurnAnalysis] = []
        for lo in range(0, len(texts), chunk):
            results.extend(analyse_turns(texts[lo : lo + chunk], classifier))
            if progress:
                progress("classify", min(lo + chunk, len(texts)), len(texts))
        columns: dict[str, list[Any]] = {
            **self.turns,
            "is_question": [r.is_question for r in results],
            "focus": [r.focus.value for r in results],
            "focus_score": [r.focus_score for r in results],
            "theme": [r.theme for r in results],
            "question_text": [r.question_text for r in results],
            "evidence": [r.evidence for r in results],
            "model": [tag] * len(results),
        }
        for i, focus in enumerate(FOCUS_ORDER):
            columns[f"p_{focus.value}"] = [r.probs[i] for r in results]
        return frame_from_columns(columns, "utterances")

    def calls_frame(self, utterances: pd.DataFrame) -> pd.DataFrame:
        if not self.calls:
            return empty("calls")
        # Per call: turns, question turns, first start, last end, speakers in order of first turn.
        figures: dict[str, list[Any]] = {}
        asked = utterances["is_question"].tolist() if len(utterances) else []
        cols = self.turns
        for cid, question, start, end, speaker in zip(
            cols["call_id"], asked, cols["start_s"], cols["end_s"], cols["speaker"], strict=True
        ):
            got = figures.get(cid)
            if got is None:
                figures[cid] = [1, int(question), [start], [end], {speaker: None}]
            else:
                got[0] += 1
                got[1] += question
                got[2].append(start)
                got[3].append(end)
                got[4][speaker] = None
        columns: dict[str, list[Any]] = {name: [c[name] for c in self.calls] for name in _CALL_COLUMNS}
        columns["n_utterances"] = []
        columns["n_questions"] = []
        columns["duration_s"] = []
        columns["speakers"] = []
        for cid in columns["call_id"]:
            got = figures.get(cid)
            if got is None:
                n, q, duration, speakers = 0, 0, math.nan, None
            else:
                n, q, duration, speakers = got[0], got[1], _span(got[3], got[2]), "|".join(got[4])
            columns["n_utterances"].append(n)
            columns["n_questions"].append(q)
            columns["duration_s"].append(duration)
            columns["speakers"].append(speakers)
        return frame_from_columns(columns, "calls")


def _span(ends: list[float], starts: list[float]) -> float:
    """Give the latest end minus the earliest start, ignoring NaN as pandas' max and min do."""
    known_ends = [e for e in ends if e == e]
    known_starts = [s for s in starts if s == s]
    if not known_ends or not known_starts:
        return math.nan
    return max(known_ends) - min(known_starts)


def _row_for(job: Job, t: Transcript, n: int) -> ManifestRow | None:
    """Give the manifest row describing this transcript: by call id, else the file's only row."""
    if t.meta.call_id:
        for row in job.rows:
            if row.call_id == t.meta.call_id:
                return row
    if n == 1 and job.rows:
        return job.rows[0]
    return None


def unused_rows(job: Job, transcripts: Sequence[Transcript]) -> list[Problem]:
    """Give a warning for each manifest row of ``job`` that describes none of its transcripts.

    A file listed on two rows, or a row whose call id the file does not hold, would
    otherwise have that row's kind, date and speakers dropped without a word.
    """
    n = len(transcripts)
    used = {id(row) for t in transcripts if (row := _row_for(job, t, n)) is not None}
    problems = []
    for row in job.rows:
        if id(row) in used:
            continue
        if row.call_id and any(t.meta.call_id for t in transcripts):
            why = f"{job.name} holds no call with call_id {row.call_id!r}"
        else:
            first = next((r for r in job.rows if id(r) in used), None)
            why = f"{job.name} is already described by line {first.line}" if first else f"{job.name} matches no row"
        problems.append(Problem(path=row.manifest, line=row.line, message=f"{why}; row not used", level="warning"))
    return problems


def _first(*candidates: tuple[Any, str]) -> tuple[Any, str]:
    for value, source in candidates:
        if value is not None:
            return value, source
    return None, "missing"


def _role(
    found: Role | None, kind: CallKind | None, label: str, t: Transcript, speaker: str, *, has_roster: bool
) -> Role:
    """Give a speaker's role: the roster's, else customer for outsiders in customer calls."""
    if found is not None:
        return found
    if not speaker.strip() or kind is not CallKind.CUSTOMER_CALL:
        return Role.UNKNOWN
    if t.meta.external_speakers:
        # The file says who is outside the company (Gong affiliation): trust it over absence from the roster.
        return Role.CUSTOMER if label in t.meta.external_speakers else Role.UNKNOWN
    # Without a roster every seller would look like a customer, so say unknown instead.
    return Role.CUSTOMER if has_roster else Role.UNKNOWN


def _num(value: float | None) -> float:
    return math.nan if value is None else float(value)
