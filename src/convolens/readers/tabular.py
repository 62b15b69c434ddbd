"""Tables with one row per utterance: CSV/TSV and Parquet.

Columns are found by name, case-insensitively, with spaces and dashes read as
``_`` (``Start Time`` is ``start_time``); the first name in each list wins:

* ``text``: text, utterance, transcript, content, sentence (required)
* ``speaker``: speaker, speaker_name, name, participant, speaker_label (required)
* ``start_s``: start_s, start, start_time, begin, offset, start_ms
* ``end_s``: end_s, end, end_time, end_ms
* ``call_id``: call_id, conversation_id, call, meeting_id

``ReadOptions.columns`` (convolens name -> file column) overrides the search.
Times are seconds (``12.5``, ``12,5``), clock strings (``00:01:02.5``) or, in
a column whose name ends in ``_ms``, milliseconds. A file with a call column
gives one transcript per call, in order of first appearance. A row with empty
text, or a bad time (the text is kept), becomes a warning with its line (CSV:
the header is line 1) or row number (Parquet); an empty speaker cell continues
the previous speaker. Ids are read as text, never as numbers.

CSV detection is deliberately narrow, so manifests, rosters and other CSVs are
not taken for transcripts: the suffix is ``.csv``/``.tsv``/``.txt`` (or none)
and the first line is a comma-, semicolon- or tab-delimited header with both a
text-like and a speaker-like column. Parquet is recognised by its ``PAR1``
magic bytes or its suffix, without decoding the file as text.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

from ..errors import ConvolensError
from ..model import CallMeta, Transcript
from .base import ReadOptions, Source, parse_clock
from .records import Gatherer, assemble, id_text

_ROLES: dict[str, tuple[str, ...]] = {
    "text": ("text", "utterance", "transcript", "content", "sentence"),
    "speaker": ("speaker", "speaker_name", "name", "participant", "speaker_label"),
    "start_s": ("start_s", "start", "start_time", "begin", "offset", "start_ms"),
    "end_s": ("end_s", "end", "end_time", "end_ms"),
    "call_id": ("call_id", "conversation_id", "call", "meeting_id"),
}
_DELIMITERS = (",", ";", "\t")
_SEP_LINE = re.compile(r'^\s*"?sep=(.)"?\s*$', re.IGNORECASE)
_QUOTED = re.compile(r'"[^"]*"')
_CSV_SUFFIXES = (".csv", ".tsv", ".txt", "")
#: The widest table read. A file whose rows lost their line breaks reads as one header line
#: of millions of columns: refused before the CSV module builds them all.
MAX_COLUMNS = 10_000
_SHOWN_COLUMNS = 20


class _Row(NamedTuple):
    """The cells of one row that convolens uses, with where the row is and a note about it."""

    line: int
    text: Any
    speaker: Any
    start: Any
    end: Any
    call: Any
    note: str | None = None


@dataclass(frozen=True)
class _Layout:
    """Which column (by position) holds each convolens field, and the time scales."""

    index: dict[str, int | None]
    start_scale: float
    end_scale: float

    def pick(self, line: int, cells: Sequence[Any], note: str | None = None) -> _Row:
        """Give the used cells of a full row (missing cells read as empty)."""
        n, index = len(cells), self.index
        roles = (index["text"], index["speaker"], index["start_s"], index["end_s"], index["call_id"])
        text, speaker, start, end, call = [cells[i] if i is not None and i < n else None for i in roles]
        return _Row(line, text, speaker, start, end, call, note)


def column_key(name: str) -> str:
    """Give a column name lower-cased, trimmed, with spaces and dashes as ``_``."""
    return re.sub(r"[\s\-]+", "_", name.strip().strip("\ufeff").lower())


def _layout(source: Source, header: Sequence[str], options: ReadOptions, line: int | None) -> _Layout:
    """Give the column layout for ``header``; raise when text or speaker cannot be found."""
    _check_width(source, len(header), line)
    # Messages name a few columns, not all: one line stays readable whatever the header holds.
    shown = ", ".join(repr(h[:60]) for h in header[:_SHOWN_COLUMNS]) or "none"
    found = shown if len(header) <= _SHOWN_COLUMNS else f"{shown} and {len(header) - _SHOWN_COLUMNS:,} more"
    unknown = sorted(set(options.columns) - set(_ROLES))
    if unknown:
        raise source.error(f"unknown column option(s) {', '.join(unknown)}; known: {', '.join(_ROLES)}", line)
    norm = [column_key(h) for h in header]
    index: dict[str, int | None] = {}
    for role, names in _ROLES.items():
        pos: int | None
        if role in options.columns:
            wanted = options.columns[role]
            # An exact name wins; otherwise the same loose matching as the defaults.
            matches = [i for i, h in enumerate(header) if h == wanted] or [
                i for i, n in enumerate(norm) if n == column_key(wanted)
            ]
            if not matches:
                raise source.error(
                    f"column {wanted!r} given for {role} is not in the file; columns found: {found}", line
                )
            pos = matches[0]
        else:
            pos = next((norm.index(n) for n in names if n in norm), None)
        index[role] = pos
    missing = [role for role in ("text", "speaker") if index[role] is None]
    if missing:
        looked = "; ".join(f"{role}: {', '.join(_ROLES[role])}" for role in missing)
        raise source.error(
            f"no {' or '.join(missing)} column (looked for {looked}); columns found: {found}; "
            "name the columns with the columns option",
            line,
        )

    def scale(role: str) -> float:
        i = index[role]
        return 1000.0 if i is not None and norm[i].endswith("_ms") else 1.0

    return _Layout(index, scale("start_s"), scale("end_s"))


def _check_width(source: Source, columns: int, line: int | None) -> None:
    """Raise when a header has more columns than any transcript table (its line breaks are likely lost)."""
    if columns > MAX_COLUMNS:
        raise source.error(
            f"the header has {columns:,} columns, more than the {MAX_COLUMNS:,} convolens reads "
            "(are the file's line breaks missing?)",
            line,
        )


def cell_seconds(value: Any, scale: float) -> float | None:
    """Give seconds for a cell: number, numeric text, clock text or duration; None when empty.

    ``scale`` divides plain numbers (1000 for a milliseconds column); clock
    text and durations are seconds already. Raises ``ValueError`` for anything else.
    """
    if isinstance(value, str):  # first: every CSV cell is one
        text = value.strip()
        if not text:
            return None
        # "12,5" is a decimal comma (semicolon CSVs from European spreadsheets).
        if text.count(",") == 1 and "." not in text and ":" not in text:
            text = text.replace(",", ".")
        try:
            number = float(text) / scale
        except ValueError:
            number = parse_clock(text)
    elif value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    elif isinstance(value, bool):
        raise ValueError(value)
    elif isinstance(value, dt.timedelta):
        number = value.total_seconds()
    elif isinstance(value, (int, float, decimal.Decimal)):
        number = float(value) / scale
    else:
        raise ValueError(value)
    if not math.isfinite(number) or number < 0:
        raise ValueError(value)
    return number


def _text(value: Any) -> str:
    """Give a cell as text ("" for empty or NaN); ints in full."""
    if type(value) is str:  # every CSV cell
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return value if isinstance(value, str) else id_text(value) or ""


def _transcripts(source: Source, fmt: str, layout: _Layout, rows: Iterable[_Row], binary: bool) -> list[Transcript]:
    """Give one transcript per call id (or one for the file) from the used cells of each row.

    Warnings carry the row's line (CSV) or, for ``binary`` formats, its row number, also named in the message.
    """
    groups: dict[str, Gatherer] = {}
    by_call = layout.index["call_id"] is not None
    for row in rows:
        where = f"row {row.line}: " if binary else ""
        key = _text(row.call).strip() if by_call else ""
        g = groups.get(key)
        if g is None:
            g = groups[key] = Gatherer(source)
            g.part.meta = CallMeta(call_id=key or None)
        if row.note:
            g.warn(row.note, row.line)
        text = _text(row.text)
        if not text.strip():
            g.warn(f"{where}empty text; row skipped", row.line)
            continue
        start = _cell_time(g, row.start, layout.start_scale, where, "start", row.line)
        end = _cell_time(g, row.end, layout.end_scale, where, "end", row.line)
        g.add_cue(_text(row.speaker).strip() or None, text, start, end, row.line)
    return assemble(source, fmt, [g.part for g in groups.values()], text=not binary)


def _cell_time(g: Gatherer, value: Any, scale: float, where: str, role: str, line: int) -> float | None:
    """Give :func:`cell_seconds` of a cell; warn (``where`` starts the message) and give None for a bad one."""
    try:
        return cell_seconds(value, scale)
    except (ValueError, OverflowError, decimal.InvalidOperation):
        g.warn(f"{where}bad {role} time {value!r}; time left empty", line)
        return None


# --- CSV ----------------------------------------------------------------------------


def _sniff(line: str, suffix: str) -> str | None:
    """Give the delimiter a header line uses (comma, semicolon or tab), or None when it has none."""
    bare = _QUOTED.sub("", line)
    counts = {d: bare.count(d) for d in _DELIMITERS}
    if suffix == ".tsv" and counts["\t"]:
        return "\t"
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else None


def _split_head(text: str) -> tuple[str, str, int]:
    """Give (header line, text from the header on, lines before it), skipping Excel's ``sep=`` line."""
    first, _, rest = text.partition("\n")
    if _SEP_LINE.match(first):
        header, _, _ = rest.partition("\n")
        return header, rest, 1
    return first, text, 0


class CsvReader:
    """Reads CSV/TSV files with one row per utterance."""

    name: ClassVar[str] = "csv"
    suffixes: ClassVar[tuple[str, ...]] = (".csv", ".tsv")

    def detect(self, source: Source) -> bool:
        """Give True for a delimited header line naming both a text-like and a speaker-like column."""
        suffix = source.path.suffix.lower()
        if suffix not in _CSV_SUFFIXES:
            return False
        first, _, _ = _split_head(source.head)
        sep = _SEP_LINE.match(source.head.partition("\n")[0])
        delimiter = sep.group(1) if sep else _sniff(first, suffix)
        if delimiter is None:
            return False
        names = {column_key(cell) for cell in next(csv.reader([first], delimiter=delimiter), [])}
        return bool(names & set(_ROLES["text"])) and bool(names & set(_ROLES["speaker"]))

    def parse(self, source: Source, options: ReadOptions) -> Iterator[Transcript]:
        """Yield one transcript per call in the table (one in all when it has no call column)."""
        first, body, offset = _split_head(source.text)
        sep = _SEP_LINE.match(source.text.partition("\n")[0])
        delimiter = (sep.group(1) if sep else _sniff(first, source.path.suffix.lower())) or ","
        _check_width(source, first.count(delimiter) + 1, 1 + offset)
        reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
        try:
            header = next(reader, [])
        except csv.Error as exc:
            raise source.error(f"bad CSV header: {exc}", line=1 + offset) from None
        layout = _layout(source, header, options, line=1 + offset)
        rows = _csv_rows(source, reader, layout, header, offset)
        yield from _transcripts(
            source, self.name, layout, _closed(source, rows, reader, body, delimiter, offset), False
        )


def _closed(
    source: Source, rows: Iterator[_Row], reader: Any, body: str, delimiter: str, offset: int
) -> Iterator[_Row]:
    """Give ``rows``, checking the last one for a quoted cell that the file never closes.

    Only the last record can run to the end of the file, so only it is parsed again,
    strictly. When it spans several lines, a stray quote has swallowed the rows after it
    (see :func:`unclosed_quote_line`): an error. On one line, the file was cut off inside
    the cell: the row is kept, with a warning.
    """
    last: _Row | None = None
    for row in rows:
        if last is not None:
            yield last
        last = row
    if last is None:
        return
    start = last.line - offset
    if _open_at_end(body, start, delimiter):
        if reader.line_num > start:
            raise source.error(UNCLOSED_QUOTE, line=last.line)
        note = "the file ends inside this row's quoted cell (it looks truncated): its text may be cut short"
        last = last._replace(note=f"{last.note}; {note}" if last.note else note)
    yield last


#: The message for a quoted field that runs to the end of the file.
UNCLOSED_QUOTE = "a quoted field opened here is never closed, so the rest of the file would read as one cell"


def csv_dict_rows(reader: csv.DictReader[str], path: Path, error: type[ConvolensError]) -> Iterator[dict[str, str]]:
    """Give the rows of a small CSV (roster, manifest); malformed CSV raises ``error`` with the line, not csv.Error."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise error(f"bad CSV: {exc}", path=path, line=reader.reader.line_num) from None
        yield row


def unclosed_quote_line(text: str, delimiter: str = ",") -> int | None:
    """Give the line where ``text`` opens a quoted CSV field that it never closes, or None.

    The csv module reads an opening quote without its closing quote to the end of the file
    as one cell, without complaint: a stray ``"`` at the start of a cell would silently turn
    every row after it into one value. For the small CSVs (roster, manifest) read whole.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous, start = 0, 0
    try:
        for _ in reader:
            start, previous = previous + 1, reader.line_num
    except csv.Error:
        return None  # another problem, which the real parse reports
    return start if previous > start and _open_at_end(text, start, delimiter) else None


def _open_at_end(text: str, line: int, delimiter: str) -> bool:
    """Say whether the record starting at 1-based ``line`` ends the file inside a quoted field."""
    # Found from the end: the last record is usually one line of a file of any size.
    pos = len(text)
    for _ in range(text.count("\n") - line + 2):
        pos = text.rfind("\n", 0, pos)
    tail = text[pos + 1 :]
    try:
        for _ in csv.reader(io.StringIO(tail, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "end of data" in str(exc)
    return False


def _csv_rows(source: Source, reader: Any, layout: _Layout, header: list[str], offset: int) -> Iterator[_Row]:
    """Give the used cells of each data row with the line it starts on (quoted fields may span lines)."""
    width = len(header)
    previous = int(reader.line_num)
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            raise source.error(f"bad CSV: {exc}", line=previous + 1 + offset) from None
        if cells is None:
            return
        line = previous + 1 + offset
        previous = int(reader.line_num)
        if not any(map(str.strip, cells)):
            continue  # blank line
        note = None
        extra = [c for c in cells[width:] if c.strip()] if len(cells) > width else None
        if extra:
            # Usually an unquoted delimiter inside the text: say so rather than lose the words quietly.
            note = f"{len(extra)} field(s) beyond the {width} header columns ignored: {extra!r}"
        yield layout.pick(line, cells, note)


# --- Parquet ------------------------------------------------------------------------


class ParquetReader:
    """Reads Parquet files with one row per utterance (via pyarrow)."""

    name: ClassVar[str] = "parquet"
    suffixes: ClassVar[tuple[str, ...]] = (".parquet", ".pq")

    def detect(self, source: Source) -> bool:
        """Give True for the ``PAR1`` magic bytes or a Parquet suffix (the bytes are never decoded)."""
        return source.data[:4] == b"PAR1" or source.path.suffix.lower() in self.suffixes

    def parse(self, source: Source, options: ReadOptions) -> Iterator[Transcript]:
        """Yield one transcript per call in the table (one in all when it has no call column)."""
        # Imported here so that reading text formats never pays for loading pyarrow.
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(io.BytesIO(source.data))
        except (pa.ArrowException, OSError, ValueError) as exc:
            raise source.error(f"not a readable Parquet file: {' '.join(str(exc).split())}") from None
        header = [str(name) for name in table.column_names]
        layout = _layout(source, header, options, line=None)
        count = table.num_rows
        columns: dict[str, list[Any]] = {}
        for role, i in layout.index.items():
            if i is None:
                columns[role] = [None] * count
                continue
            try:
                columns[role] = table.column(i).to_pylist()
            except (pa.ArrowException, OverflowError, ValueError) as exc:
                # A date or duration beyond what Python's datetime holds cannot become a value.
                raise source.error(f"column {header[i]!r} cannot be read: {' '.join(str(exc).split())}") from None
        rows = (
            _Row(n + 1, *cells)
            for n, cells in enumerate(
                zip(
                    columns["text"],
                    columns["speaker"],
                    columns["start_s"],
                    columns["end_s"],
                    columns["call_id"],
                    strict=True,
                )
            )
        )
        yield from _transcripts(source, self.name, layout, rows, True)
