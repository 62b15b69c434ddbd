"""Which files a run scores, and the call metadata the manifest and file names give.

A manifest CSV has columns ``path, call_id, kind, date`` and optionally
``title`` and ``speakers`` (``SPEAKER_00=Dana Lee|SPEAKER_01=Sam Ortiz``).
Paths in it are relative to the manifest's folder. Without a manifest row,
metadata comes from the file itself, then from its name when the name follows
``YYYY-MM-DD_<kind>_<anything>.<ext>`` (``2026-03-14_one_on_one_dana-lee.vtt``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConvolensError, ManifestError, MissingInputError
from .model import CallKind, Problem
from .readers.base import decode_bytes
from .readers.tabular import UNCLOSED_QUOTE, csv_dict_rows, unclosed_quote_line

#: Suffixes a folder walk picks up as transcripts.
TRANSCRIPT_SUFFIXES = (".vtt", ".srt", ".txt", ".json", ".csv", ".tsv", ".parquet", ".pq")
MANIFEST_NAME = "manifest.csv"
ROSTER_NAME = "roster.csv"
MANIFEST_REQUIRED = ("path", "call_id", "kind", "date")

_FILENAME = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[_\- ]+(?P<kind>one[_\-]on[_\-]one|1[_\-]?on[_\-]?1|customer[_\-]call)(?:[_\-.]|$)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ManifestRow:
    """One manifest line: call metadata for one file (or one call inside it)."""

    path: Path
    line: int
    manifest: str = ""
    call_id: str | None = None
    kind: CallKind | None = None
    date: dt.date | None = None
    title: str | None = None
    speakers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Job:
    """A file to read, how to name it, and the manifest rows that describe it."""

    path: Path
    name: str
    rows: tuple[ManifestRow, ...] = ()


@dataclass
class Plan:
    """What a run will read: the jobs, the roster to use, and problems found on the way."""

    jobs: list[Job]
    roster_path: Path | None
    problems: list[tuple[Problem, str]]  # (problem, error code)


def parse_date(value: str) -> dt.date:
    """Give the date in an ISO string (``2026-03-14``, or a datetime whose date part is taken).

    Raises ``ValueError`` for anything else.
    """
    value = value.strip()
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise ValueError(f"not an ISO date (YYYY-MM-DD): {value!r}") from None


def parse_speakers(value: str) -> dict[str, str]:
    """Give the label -> name map written as ``SPEAKER_00=Dana Lee|SPEAKER_01=Sam Ortiz``.

    Raises ``ValueError`` for an entry without ``=`` or with an empty side.
    """
    mapping: dict[str, str] = {}
    for part in value.split("|"):
        if not part.strip():
            continue
        label, sep, name = part.partition("=")
        if not sep or not label.strip() or not name.strip():
            raise ValueError(f"speakers entry {part.strip()!r} is not LABEL=Name")
        mapping[label.strip()] = name.strip()
    return mapping


def metadata_from_filename(path: Path) -> tuple[CallKind | None, dt.date | None]:
    """Give the kind and date a file name states, when it follows the documented pattern."""
    m = _FILENAME.match(path.name)
    if not m:
        return None, None
    try:
        date = dt.date.fromisoformat(m.group("date"))
    except ValueError:
        date = None
    kind_word = m.group("kind").lower().replace("-", "_")
    kind = CallKind.CUSTOMER_CALL if kind_word.startswith("customer") else CallKind.ONE_ON_ONE
    return kind, date


def open_small_csv(path: Path, error: type[ConvolensError], what: str) -> csv.DictReader[str]:
    """Give a reader over a small CSV the run is told about (manifest, roster), read whole and checked.

    Raises ``error`` naming the file (and line) when it cannot be read, is empty
    or binary, or opens a quoted cell it never closes.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise error(f"cannot read {what}: {exc.strerror or exc}", path=path) from None
    try:
        text, _ = decode_bytes(data, path)
    except ConvolensError as exc:  # empty or binary: still this file's problem, for callers that catch ``error``
        raise error(exc.message, path=path, line=exc.line) from None
    unclosed = unclosed_quote_line(text)
    if unclosed is not None:
        raise error(UNCLOSED_QUOTE, path=path, line=unclosed)
    return csv.DictReader(io.StringIO(text))


def read_manifest(path: Path) -> tuple[list[ManifestRow], list[ManifestError]]:
    """Give the manifest's usable rows and an error for each row that is not.

    Raises :class:`~convolens.errors.ManifestError` when the whole file is
    unusable (unreadable, or lacking a required column).
    """
    reader = open_small_csv(path, ManifestError, "manifest")
    try:
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise ManifestError(f"bad CSV: {exc}", path=path, line=reader.reader.line_num) from None
    missing = [c for c in MANIFEST_REQUIRED if c not in header]
    if missing:
        raise ManifestError(
            f"manifest lacks column(s) {', '.join(missing)} (found: {', '.join(header) or 'none'})", path=path, line=1
        )
    rows: list[ManifestRow] = []
    errors: list[ManifestError] = []
    parse = _RowParser(path)
    for line, raw in enumerate(csv_dict_rows(reader, path, ManifestError), start=2):
        cells = {str(k).strip().lower(): (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(cells.values()):
            continue
        try:
            rows.append(parse(cells, line))
        except ValueError as exc:
            errors.append(ManifestError(str(exc), path=path, line=line))
    return rows, errors


class _RowParser:
    """Makes the rows of one manifest; kinds and dates repeat down a manifest, so each is parsed once."""

    def __init__(self, manifest: Path) -> None:
        self.manifest = str(manifest)
        self.folder = os.fspath(manifest.parent)
        self.kinds: dict[str, CallKind] = {}
        self.dates: dict[str, dt.date] = {}

    def __call__(self, cells: dict[str, str], line: int) -> ManifestRow:
        if not cells.get("path"):
            raise ValueError("empty path")
        kind, date = cells.get("kind"), cells.get("date")
        if kind and kind not in self.kinds:
            self.kinds[kind] = CallKind.parse(kind)
        if date and date not in self.dates:
            self.dates[date] = parse_date(date)
        return ManifestRow(
            path=Path(os.path.join(self.folder, cells["path"])),  # an absolute path in the cell stays itself
            line=line,
            manifest=self.manifest,
            call_id=cells.get("call_id") or None,
            kind=self.kinds[kind] if kind else None,
            date=self.dates[date] if date else None,
            title=cells.get("title") or None,
            speakers=parse_speakers(cells.get("speakers", "")),
        )


def plan_run(
    inputs: Iterable[str | Path],
    manifest: str | Path | None = None,
    roster: str | Path | None = None,
    *,
    allow_outside: bool = False,
) -> Plan:
    """Give the files a run reads, with their manifest rows and the roster to use.

    Each input is a file or a folder. A folder is walked for transcript files
    (:data:`TRANSCRIPT_SUFFIXES`, hidden files skipped); a ``manifest.csv`` and
    ``roster.csv`` at its top are used unless ``manifest``/``roster`` name
    others. When a manifest covers a folder, the manifest lists its calls:
    other transcript-like files there are reported as warnings, not scored.

    A manifest row whose path leads outside the folders of the run (the input
    folders and the manifest's own folder), by ``..``, an absolute path or a
    symbolic link, is refused unless ``allow_outside``: a manifest from
    someone else must not make the run read, and copy into its outputs,
    files it was not given.
    """
    problems: list[tuple[Problem, str]] = []
    roster_path = Path(roster) if roster is not None else None
    manifests: list[Path] = [Path(manifest)] if manifest is not None else []
    explicit: list[Path] = []
    folders: list[Path] = []
    for item in map(Path, inputs):
        if item.is_dir():
            folders.append(item)
            if manifest is None and (item / MANIFEST_NAME).is_file():
                manifests.append(item / MANIFEST_NAME)
            if roster_path is None and (item / ROSTER_NAME).is_file():
                roster_path = item / ROSTER_NAME
        elif item.is_file():
            explicit.append(item)
        else:
            problems.append(_problem(MissingInputError("no such file or folder", path=item)))

    paths = _Paths()
    rows_by_path: dict[str, list[ManifestRow]] = {}
    loaded: set[str] = set()
    for mpath in manifests:
        try:
            rows, row_errors = read_manifest(mpath)
        except ConvolensError as exc:
            problems.append(_problem(exc))
            continue
        loaded.add(paths.real(mpath))
        problems.extend(_problem(e) for e in row_errors)
        roots = [paths.real(f) for f in folders] + [paths.real(mpath.parent)]
        for row in rows:
            target = paths.real(row.path)
            if not allow_outside and not any(_inside(target, root) for root in roots):
                message = (
                    f"path {row.path.as_posix()} leads outside the run's folders (to {Path(target).as_posix()}); "
                    "pass --allow-outside-paths to read it"
                )
                problems.append(_problem(ManifestError(message, path=row.manifest, line=row.line)))
                continue
            rows_by_path.setdefault(target, []).append(row)

    jobs: dict[str, Job] = {}
    paths.bases(folders or [Path.cwd()])

    def add(path: Path, key: str) -> None:
        if key not in jobs:
            jobs[key] = Job(path=path, name=paths.display(path, key), rows=tuple(rows_by_path.get(key, ())))

    for path in explicit:
        add(path, paths.real(path))
    for key, rows in rows_by_path.items():
        if os.path.isfile(key):
            add(rows[0].path, key)
        else:
            for row in rows:
                problems.append(
                    _problem(
                        MissingInputError(
                            f"manifest names a missing file: {row.path}", path=row.manifest, line=row.line
                        )
                    )
                )
    skip = {paths.real(p) for p in manifests}
    if roster_path is not None:
        skip.add(paths.real(roster_path))
    for folder in folders:
        # A manifest that could not be read covers nothing: its folder is scored from file names.
        own = folder / MANIFEST_NAME if manifest is None else Path(manifest)
        covered = paths.real(own) in loaded
        for found in _walk(os.fspath(folder)):
            key = paths.real(found)
            if key in skip or key in jobs:
                continue
            if covered:
                msg = "not in the manifest, not scored (add it to the manifest or name the file on the command line)"
                problems.append((Problem(path=paths.display(found, key), message=msg, level="warning"), "CL211"))
            else:
                add(Path(found), key)
    return Plan(jobs=list(jobs.values()), roster_path=roster_path, problems=problems)


def _walk(folder: str) -> list[str]:
    """Give the transcript files under ``folder``, hidden ones and those in hidden folders left out.

    In the order of their path components (as sorting :class:`~pathlib.Path` objects gives), not of
    their strings, so a plan keeps its order. Links to folders are not followed, as ``Path.rglob``.
    """
    found: list[str] = []
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            with os.scandir(current) as entries:
                listed = [e for e in entries if not e.name.startswith(".")]
        except OSError:
            continue
        for entry in listed:
            try:
                if entry.is_dir() and not entry.is_symlink():
                    pending.append(entry.path)
                elif entry.is_file() and os.path.splitext(entry.name)[1].lower() in TRANSCRIPT_SUFFIXES:
                    found.append(entry.path)
            except OSError:
                continue
    return sorted(found, key=lambda path: path.split(os.sep))


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root if root.endswith(os.sep) else root + os.sep)


class _Paths:
    """Real paths for one plan, as strings, each folder's worked out once: a corpus is thousands of files in a few folders.

    Strings, not :class:`~pathlib.Path` objects: making, comparing and hashing Paths took
    most of a re-run's planning on a corpus of ten thousand files.
    """

    def __init__(self) -> None:
        self._folders: dict[str, str] = {}
        self._known: dict[str, str] = {}  # a manifest's files are found again by the folder walk
        self._bases: list[str] = []

    def real(self, path: str | Path) -> str:
        """Give what ``os.path.realpath(path)`` gives (``path`` made absolute when that fails)."""
        text = os.fspath(path)
        found = self._known.get(text)
        if found is None:
            try:
                found = self._real(text)
            except OSError:
                found = os.path.abspath(text)
            self._known[text] = found
        return found

    def _real(self, path: str) -> str:
        head, name = os.path.split(path)
        if name in ("", ".", "..") or os.path.islink(path):
            return os.path.realpath(path)
        folder = self._folders.get(head)
        if folder is None:
            folder = self._folders[head] = os.path.realpath(head or os.curdir)
        return os.path.join(folder, name)

    def bases(self, folders: list[Path]) -> None:
        """Name files relative to the current folder when possible, else to the first of ``folders`` holding them."""
        self._bases = [self.real(base) for base in [Path.cwd(), *folders]]

    def display(self, path: str | Path, real: str) -> str:
        """Give ``path`` (whose real path is ``real``) as the user will recognise it (see :meth:`bases`)."""
        for base in self._bases:
            if _inside(real, base) and real != base:
                return real[len(base.rstrip(os.sep)) + 1 :].replace(os.sep, "/")
        return Path(path).as_posix()


def _problem(exc: ConvolensError, level: str = "error") -> tuple[Problem, str]:
    return Problem(path=exc.path or "", message=exc.message, line=exc.line, level=level), exc.code
