"""Scoring: from a run plan to the calls, utterances, errors and people tables.

Every file is read on its own; a file that fails becomes a row in the errors
table and the run goes on. Turns are resolved to people through the roster,
then classified in batches by :func:`convolens.nlp.analyse_turns`.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import PurePosixPath
from typing import Any

import pandas as pd

from .classifiers import DEFAULT_MODEL, get_classifier
from .classifiers.base import FocusClassifier
from .errors import ConvolensError, RosterError
from .inputs import Job, ManifestRow, Plan, metadata_from_filename
from .model import FOCUS_ORDER, Call, CallKind, Problem, Role, Transcript
from .nlp import analyse_turns
from .readers import ReadOptions, read_any
from .roster import Roster
from .schema import conform, empty

#: progress(stage, done, total): called as files are read and turns classified.
Progress = Callable[[str, int, int], None]


@dataclass
class RunSummary:
    """What a scoring run did, in figures (printed by the CLI, saved as run.json)."""

    files_in: int = 0
    files_scored: int = 0
    files_failed: int = 0
    calls: int = 0
    utterances: int = 0
    questions: int = 0
    focus: dict[str, int] = field(default_factory=dict)
    question_focus: dict[str, int] = field(default_factory=dict)
    unknown_speakers: dict[str, int] = field(default_factory=dict)
    calls_without_kind: list[str] = field(default_factory=list)
    calls_without_date: list[str] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0
    roster: str | None = None
    people: int = 0
    model: str = ""
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """Give the summary as plain JSON-ready data."""
        return dict(self.__dict__)


@dataclass
class ScoreResult:
    """The tables a scoring run produces, plus its summary."""

    calls: pd.DataFrame
    utterances: pd.DataFrame
    errors: pd.DataFrame
    people: pd.DataFrame
    summary: RunSummary

    @property
    def ok(self) -> bool:
        """True when every input was read (warnings allowed)."""
        return self.summary.errors == 0


class _ErrorLog:
    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(self, problem: Problem, code: str) -> None:
        self.rows.append(
            {
                "path": problem.path,
                "line": problem.line,
                "level": problem.level,
                "code": code,
                "message": problem.message,
            }
        )

    def add_exc(self, exc: ConvolensError, path: str | None = None) -> None:
        self.add(Problem(path=exc.path or path or "", message=exc.message, line=exc.line), exc.code)

    def frame(self) -> pd.DataFrame:
        return conform(pd.DataFrame(self.rows), "errors") if self.rows else empty("errors")


def load_roster(plan: Plan, errors: _ErrorLog) -> Roster | None:
    """Give the run's roster, or None (logging why) when there is none or it is unusable."""
    if plan.roster_path is None:
        return None
    try:
        return Roster.from_csv(plan.roster_path)
    except RosterError as exc:
        errors.add_exc(exc, str(plan.roster_path))
        return None


def score_plan(
    plan: Plan,
    *,
    model: str | FocusClassifier = DEFAULT_MODEL,
    format: str | None = None,
    options: ReadOptions | None = None,
    roster: Roster | None = None,
    progress: Progress | None = None,
) -> ScoreResult:
    """Give the scored tables for every file in ``plan``; failed files go to the errors table."""
    started = time.perf_counter()
    classifier = get_classifier(model) if isinstance(model, str) else model
    errors = _ErrorLog()
    for problem, code in plan.problems:
        errors.add(problem, code)
    if roster is None:
        roster = load_roster(plan, errors)
    builder = _TableBuilder(roster)
    summary = RunSummary(files_in=len(plan.jobs), roster=roster.source if roster else None, people=len(roster or ()))
    for done, job in enumerate(plan.jobs, start=1):
        try:
            transcripts = read_any(job.path, format=format, options=options, name=job.name)
            call_ids = builder.call_ids_for(job, transcripts)
        except ConvolensError as exc:
            errors.add_exc(exc, job.name)
            summary.files_failed += 1
        except Exception as exc:  # noqa: BLE001 - one broken file must not stop the run
            errors.add(
                Problem(path=job.name, message=f"could not read the file ({type(exc).__name__}: {exc})"), "CL199"
            )
            summary.files_failed += 1
        else:
            for call_id, transcript in zip(call_ids, transcripts, strict=True):
                builder.add(job, transcript, call_id, len(transcripts))
                for problem in transcript.problems:
                    errors.add(problem, "CL190")
            summary.files_scored += 1
        if progress:
            progress("read", done, len(plan.jobs))
    utterances = builder.classify(classifier, progress)
    calls = builder.calls_frame(utterances)
    people = roster.to_frame() if roster else empty("people")
    error_frame = errors.frame()
    _fill_summary(summary, calls, utterances, error_frame, classifier)
    summary.seconds = round(time.perf_counter() - started, 3)
    return ScoreResult(calls=calls, utterances=utterances, errors=error_frame, people=people, summary=summary)


class _TableBuilder:
    """Collects call and utterance rows as files are read, then classifies them."""

    def __init__(self, roster: Roster | None) -> None:
        self.roster = roster
        self.calls: list[dict[str, Any]] = []
        self.rows: list[dict[str, Any]] = []
        self.call_ids: dict[str, str] = {}  # call_id -> file that holds it

    def call_ids_for(self, job: Job, transcripts: Sequence[Transcript]) -> list[str]:
        """Give the call id of each transcript of a file; raise when another file already used one."""
        ids = [self._call_id(job, t, i, len(transcripts)) for i, t in enumerate(transcripts)]
        repeated = sorted(cid for cid, count in Counter(ids).items() if count > 1)
        if repeated:
            raise ConvolensError(f"the file holds call_id {repeated[0]!r} more than once", path=job.name)
        for cid in ids:
            holder = self.call_ids.get(cid)
            if holder is not None and holder != job.name:
                raise ConvolensError(
                    f"call_id {cid!r} is already used by {holder}; give this call its own id in the manifest",
                    path=job.name,
                )
        return ids

    def _call_id(self, job: Job, t: Transcript, i: int, n: int) -> str:
        row = _row_for(job, t, n)
        if row is not None and row.call_id:
            return row.call_id
        if t.meta.call_id:
            return t.meta.call_id
        stem = PurePosixPath(job.name).stem
        if stem in self.call_ids and self.call_ids[stem] != job.name:
            stem = str(PurePosixPath(job.name).with_suffix(""))
        return stem if n == 1 else f"{stem}#{i + 1}"

    def add(self, job: Job, t: Transcript, call_id: str, n: int) -> None:
        self.call_ids[call_id] = job.name
        row = _row_for(job, t, n)
        name_kind, name_date = metadata_from_filename(job.path)
        kind, kind_src = _first((row.kind if row else None, "manifest"), (t.meta.kind, "file"), (name_kind, "filename"))
        date, date_src = _first((row.date if row else None, "manifest"), (t.meta.date, "file"), (name_date, "filename"))
        title = (row.title if row else None) or t.meta.title
        names = {**t.meta.speaker_names, **(row.speakers if row else {})}
        call = Call(call_id=call_id, kind=kind, date=date, title=title, source_path=job.name, format=t.format)
        self.calls.append(
            {
                **asdict(call),
                "kind": kind.value if kind else None,
                "encoding": t.encoding,
                "metadata_source": f"kind={kind_src};date={date_src}",
            }
        )
        for index, turn in enumerate(t.turns):
            speaker = names.get(turn.speaker, turn.speaker)
            person = self.roster.match(speaker) if self.roster else None
            role = _role(
                person.role if person else None, kind, turn.speaker, t, speaker, has_roster=self.roster is not None
            )
            self.rows.append(
                {
                    "call_id": call_id,
                    "index": index,
                    "kind": kind.value if kind else None,
                    "date": date,
                    "speaker": speaker,
                    "speaker_label": turn.speaker if speaker != turn.speaker else None,
                    "person_id": person.person_id if person else None,
                    "role": role.value,
                    "manager_id": person.manager_id if person else None,
                    "team": person.team if person else None,
                    "start_s": _num(turn.start_s),
                    "end_s": _num(turn.end_s),
                    "text": turn.text,
                }
            )

    def classify(self, classifier: FocusClassifier, progress: Progress | None) -> pd.DataFrame:
        if not self.rows:
            return empty("utterances")
        texts = [r["text"] for r in self.rows]
        tag = f"{classifier.name}@{classifier.version}"
        chunk = 2048
        for lo in range(0, len(texts), chunk):
            results = analyse_turns(texts[lo : lo + chunk], classifier)
            for row, res in zip(self.rows[lo : lo + chunk], results, strict=True):
                row.update(
                    is_question=res.is_question,
                    focus=res.focus.value,
                    focus_score=res.focus_score,
                    theme=res.theme,
                    question_text=res.question_text,
                    evidence=res.evidence,
                    model=tag,
                )
                for focus, p in zip(FOCUS_ORDER, res.probs, strict=True):
                    row[f"p_{focus.value}"] = p
            if progress:
                progress("classify", min(lo + chunk, len(texts)), len(texts))
        return conform(pd.DataFrame(self.rows), "utterances")

    def calls_frame(self, utterances: pd.DataFrame) -> pd.DataFrame:
        if not self.calls:
            return empty("calls")
        calls = pd.DataFrame(self.calls)
        by_call = utterances.groupby("call_id", sort=False)
        stats = pd.DataFrame(
            {
                "n_utterances": by_call.size(),
                "n_questions": by_call["is_question"].sum(),
                "duration_s": by_call["end_s"].max() - by_call["start_s"].min(),
                "speakers": by_call["speaker"].agg(lambda s: "|".join(dict.fromkeys(s))),
            }
        )
        calls = calls.join(stats, on="call_id")
        calls["n_utterances"] = calls["n_utterances"].fillna(0).astype(int)
        calls["n_questions"] = calls["n_questions"].fillna(0).astype(int)
        return conform(calls, "calls")


def _row_for(job: Job, t: Transcript, n: int) -> ManifestRow | None:
    """Give the manifest row describing this transcript: by call id, else the file's only row."""
    if t.meta.call_id:
        for row in job.rows:
            if row.call_id == t.meta.call_id:
                return row
    if n == 1 and job.rows:
        return job.rows[0]
    return None


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


def _fill_summary(
    summary: RunSummary, calls: pd.DataFrame, utt: pd.DataFrame, errors: pd.DataFrame, clf: FocusClassifier
) -> None:
    summary.calls = len(calls)
    summary.utterances = len(utt)
    summary.questions = int(utt["is_question"].sum())
    summary.focus = {f.value: int((utt["focus"] == f.value).sum()) for f in FOCUS_ORDER}
    questions = utt[utt["is_question"]]
    summary.question_focus = {f.value: int((questions["focus"] == f.value).sum()) for f in FOCUS_ORDER}
    unknown = utt[(utt["role"] == Role.UNKNOWN.value) & (utt["speaker"].str.strip() != "")]
    summary.unknown_speakers = dict(Counter(unknown["speaker"].tolist()).most_common())
    summary.calls_without_kind = calls.loc[calls["kind"].isna(), "call_id"].tolist()
    summary.calls_without_date = calls.loc[calls["date"].isna(), "call_id"].tolist()
    summary.errors = int((errors["level"] == "error").sum())
    summary.warnings = int((errors["level"] == "warning").sum())
    summary.model = f"{clf.name}@{clf.version}"
