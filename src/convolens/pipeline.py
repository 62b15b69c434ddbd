"""Scoring a batch of files: from transcript files to call and utterance rows.

Every file is read on its own; a file that fails becomes rows of the errors
table and the batch goes on. Turns are resolved to people through the roster,
then classified together by :func:`convolens.nlp.analyse_turns`. How batches
are planned, run (in this process, in worker processes or on Ray), kept and
reused is :mod:`convolens.engine`'s job.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .classifiers.base import FocusClassifier, model_tag
from .collector import collector_paused
from .errors import ConvolensError
from .inputs import Job
from .model import FOCUS_ORDER, Problem, Role, Transcript
from .readers import ReadOptions, read_any
from .redact import Redactor
from .roster import Roster
from .rows import Progress as Progress
from .rows import TableBuilder, unused_rows
from .schema import conform, empty
from .store import decode_table, encode_tables


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
    #: ``name@version`` of the classifier that scored the part.
    model: str = ""
    #: the tables as Parquet bytes (see :meth:`pack`), when the part was packed for another process.
    packed: dict[str, bytes] | None = None
    #: the figures the run summary adds up (``part_stats``), when already worked out.
    stats: dict[str, Any] | None = None

    def errors_frame(self) -> pd.DataFrame:
        """Give the error rows of the part's files as an errors table."""
        rows = [row for f in self.files for row in f.errors]
        return conform(pd.DataFrame(rows), "errors") if rows else empty("errors")

    def pack(self) -> None:
        """Encode the tables as Parquet, as they will be written, and drop the frames.

        A part scored in a worker process crosses to the writer packed: the worker does the
        encoding, which is most of the writing, and the bytes are smaller to send than frames.
        """
        if self.packed is None:
            with collector_paused():
                self.packed = encode_tables(self.calls, self.utterances, self.errors_frame())
            self.calls, self.utterances = empty("calls"), empty("utterances")

    def unpack(self) -> None:
        """Give the part its frames back from the packed tables (the bytes are forgotten)."""
        if self.packed is not None:
            self.calls = decode_table(self.packed["calls"], "calls")
            self.utterances = decode_table(self.packed["utterances"], "utterances")
            self.packed = None

    def drop_file(self, outcome: FileOutcome, error: dict[str, Any]) -> None:
        """Turn a scored file into a failed one (its rows removed) because of ``error``."""
        self.unpack()
        self.stats = None
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


def part_stats(part: PartResult) -> dict[str, Any]:
    """Give the figures of one part that the run summary adds up."""
    part.unpack()
    utt, calls = part.utterances, part.calls
    focus = utt["focus"].tolist()
    asked = utt["is_question"].tolist()
    counts = Counter(focus)
    question_counts = Counter(f for f, q in zip(focus, asked, strict=True) if q)
    no_role = Role.UNKNOWN.value
    unknown = Counter(
        speaker
        for speaker, role in zip(utt["speaker"].tolist(), utt["role"].tolist(), strict=True)
        if role == no_role and isinstance(speaker, str) and speaker.strip()
    )
    levels = Counter(row["level"] for f in part.files for row in f.errors)
    return {
        "files_scored": sum(1 for f in part.files if f.scored),
        "files_failed": sum(1 for f in part.files if not f.scored),
        "calls": len(calls),
        "utterances": len(utt),
        "questions": sum(question_counts.values()),
        "focus": {f.value: counts[f.value] for f in FOCUS_ORDER},
        "question_focus": {f.value: question_counts[f.value] for f in FOCUS_ORDER},
        "unknown_speakers": dict(unknown),
        "calls_without_kind": calls.loc[calls["kind"].isna(), "call_id"].tolist(),
        "calls_without_date": calls.loc[calls["date"].isna(), "call_id"].tolist(),
        "errors": levels.get("error", 0),
        "warnings": levels.get("warning", 0),
        "redacted": part.redacted,
    }


def packed_part(part: PartResult) -> PartResult:
    """Give ``part`` ready for the trip from a worker to the writer: its figures worked out, its tables encoded.

    That leaves the writing process (which settles call-id clashes in plan order and
    writes every part) little to do but move bytes to disk, so it keeps up with the workers.
    """
    part.stats = part_stats(part)
    part.pack()
    return part


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


@collector_paused()
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
    builder = TableBuilder(settings.roster, settings.path_ids, Redactor() if settings.redact else None)
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
        errors.extend(error_row(problem, "CL212") for problem in unused_rows(job, transcripts))
        outcomes.append(FileOutcome(index, job.name, key, True, call_ids, errors))
    return _part(builder, outcomes, classifier, progress)


@collector_paused()
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
    builder = TableBuilder(settings.roster, settings.path_ids, Redactor() if settings.redact else None)
    outcomes: list[FileOutcome] = []
    for index, t in enumerate(transcripts):
        cid = str(t.meta.call_id)
        job = Job(path=Path(t.source_path), name=t.source_path)  # only its name is used: no file is opened
        builder.add(job, t, cid, 1)
        errors = [error_row(problem, "CL190") for problem in t.problems]
        outcomes.append(FileOutcome(index, t.source_path, "", True, [cid], errors))
    return _part(builder, outcomes, classifier, progress)


def _part(
    builder: TableBuilder, outcomes: list[FileOutcome], classifier: FocusClassifier, progress: Progress | None
) -> PartResult:
    """Classify the builder's turns and give the part, its error messages masked when the builder redacts."""
    redactor = builder.redactor
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
        model=model_tag(classifier),
    )
