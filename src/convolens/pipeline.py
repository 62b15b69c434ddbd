"""Scoring a batch of files: from transcript files to call and utterance rows.

Every file is read on its own; a file that fails becomes rows of the errors
table and the batch goes on. Turns are resolved to people through the roster,
then classified together by :func:`convolens.nlp.analyse_turns`. How batches
are planned, run (in this process, in worker processes or on Ray), kept and
reused is :mod:`convolens.engine`'s job.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd

from .classifiers.base import FocusClassifier
from .errors import ConvolensError
from .inputs import Job, ManifestRow, metadata_from_filename
from .model import FOCUS_ORDER, Call, CallKind, Problem, Role, Transcript
from .nlp import analyse_turns
from .readers import ReadOptions, read_any
from .redact import Redactor
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
    #: files whose earlier results were kept because neither they nor the settings changed.
    files_reused: int = 0
    #: with --redact: personal identifiers masked, by kind (email, phone, card...).
    redacted: dict[str, int] | None = None
    engine: str = "local"
    jobs: int = 1

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


@dataclass
class FileOutcome:
    """What scoring one file gave: its call ids, or why it failed, and its error rows."""

    index: int  # position in the run plan
    name: str
    key: str  # content + settings fingerprint (see convolens.engine.file_key)
    scored: bool
    call_ids: list[str]
    errors: list[dict[str, Any]]
    #: False when the outcome depends on other files (a call-id clash), so it must not be reused.
    reusable: bool = True


@dataclass
class PartResult:
    """A batch of files scored together: their outcomes and their rows."""

    files: list[FileOutcome]
    calls: pd.DataFrame
    utterances: pd.DataFrame
    #: with redaction on: identifiers masked in this part, by kind.
    redacted: dict[str, int] = field(default_factory=dict)

    def drop_file(self, outcome: FileOutcome, error: dict[str, Any]) -> None:
        """Turn a scored file into a failed one (its rows removed) because of ``error``."""
        ids = set(outcome.call_ids)
        self.calls = self.calls[~self.calls["call_id"].isin(ids)].reset_index(drop=True)
        self.utterances = self.utterances[~self.utterances["call_id"].isin(ids)].reset_index(drop=True)
        outcome.scored = False
        outcome.call_ids = []
        outcome.errors = [error]
        outcome.reusable = False


@dataclass(frozen=True)
class ScoreSettings:
    """Everything a worker needs besides the files: picklable, so it can cross process boundaries."""

    format: str | None = None
    options: ReadOptions = field(default_factory=ReadOptions)
    roster: Roster | None = None
    #: names of files whose stem is shared with another file of the run: their call ids use the path.
    path_ids: frozenset[str] = frozenset()
    #: mask personal identifiers in texts, titles and error messages (convolens.redact).
    redact: bool = False


def error_row(problem: Problem, code: str) -> dict[str, Any]:
    """Give one row of the errors table."""
    return {
        "path": problem.path,
        "line": problem.line,
        "level": problem.level,
        "code": code,
        "message": problem.message,
    }


def exc_row(exc: ConvolensError, path: str) -> dict[str, Any]:
    """Give the errors-table row of a ConvolensError raised while reading ``path``."""
    return error_row(Problem(path=exc.path or path, message=exc.message, line=exc.line), exc.code)


def score_part(
    items: Sequence[tuple[int, Job, str]],
    settings: ScoreSettings,
    classifier: FocusClassifier,
    progress: Progress | None = None,
) -> PartResult:
    """Read and score a batch of ``(plan index, job, key)``; a file that fails becomes error rows.

    Files are independent of each other here (call-id clashes between files
    are settled by the caller, in plan order), so batches can run anywhere.
    """
    redactor = Redactor() if settings.redact else None
    builder = _TableBuilder(settings.roster, settings.path_ids, redactor)
    outcomes: list[FileOutcome] = []
    for index, job, key in items:
        errors: list[dict[str, Any]] = []
        try:
            transcripts = read_any(job.path, format=settings.format, options=settings.options, name=job.name)
            call_ids = builder.call_ids_for(job, transcripts)
        except ConvolensError as exc:
            outcomes.append(FileOutcome(index, job.name, key, False, [], [exc_row(exc, job.name)]))
            continue
        except Exception as exc:  # noqa: BLE001 - one broken file must not stop the run
            problem = Problem(path=job.name, message=f"could not read the file ({type(exc).__name__}: {exc})")
            outcomes.append(FileOutcome(index, job.name, key, False, [], [error_row(problem, "CL199")]))
            continue
        for call_id, transcript in zip(call_ids, transcripts, strict=True):
            builder.add(job, transcript, call_id, len(transcripts))
            errors.extend(error_row(problem, "CL190") for problem in transcript.problems)
        outcomes.append(FileOutcome(index, job.name, key, True, call_ids, errors))
    if redactor is not None:
        for outcome in outcomes:
            for row in outcome.errors:
                row["message"] = redactor(row["message"])
    utterances = builder.classify(classifier, progress)
    return PartResult(
        files=outcomes,
        calls=builder.calls_frame(utterances),
        utterances=utterances,
        redacted=dict(redactor.counts) if redactor else {},
    )


def score_transcripts(
    transcripts: Sequence[Transcript],
    settings: ScoreSettings,
    classifier: FocusClassifier,
    progress: Progress | None = None,
) -> PartResult:
    """Score transcripts made in memory (e.g. from a DataFrame) like the calls of files.

    Each transcript must carry its ``meta.call_id`` (unique); its
    ``source_path`` names it in the calls and errors tables.
    """
    ids = [t.meta.call_id or "" for t in transcripts]
    if not all(ids):
        raise ConvolensError("every transcript needs a call id (meta.call_id)")
    repeated = sorted(cid for cid, n in Counter(ids).items() if n > 1)
    if repeated:
        raise ConvolensError(f"call id {repeated[0]!r} is given to more than one transcript")
    redactor = Redactor() if settings.redact else None
    builder = _TableBuilder(settings.roster, settings.path_ids, redactor)
    outcomes: list[FileOutcome] = []
    for index, t in enumerate(transcripts):
        cid = str(t.meta.call_id)
        job = Job(path=Path(t.source_path), name=t.source_path)  # only its name is used: no file is opened
        builder.add(job, t, cid, 1)
        errors = [error_row(problem, "CL190") for problem in t.problems]
        if redactor is not None:
            for row in errors:
                row["message"] = redactor(row["message"])
        outcomes.append(FileOutcome(index, t.source_path, "", True, [cid], errors))
    utterances = builder.classify(classifier, progress)
    return PartResult(
        files=outcomes,
        calls=builder.calls_frame(utterances),
        utterances=utterances,
        redacted=dict(redactor.counts) if redactor else {},
    )


class _TableBuilder:
    """Collects the call and utterance rows of a batch of files, then classifies them."""

    def __init__(
        self, roster: Roster | None, path_ids: frozenset[str] = frozenset(), redactor: Redactor | None = None
    ) -> None:
        self.roster = roster
        self.path_ids = path_ids
        self.redactor = redactor
        self.calls: list[dict[str, Any]] = []
        self.rows: list[dict[str, Any]] = []

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
                    "text": self.redactor(turn.text) if self.redactor is not None else turn.text,
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
