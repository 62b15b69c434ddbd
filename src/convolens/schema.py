"""The column contract of convolens tables, and the check that enforces it.

Every stage reads and writes these tables; :func:`conform` is called at module
boundaries (after scoring, before writing, after reading a run folder) so a
table with a missing column or a wrong type fails loudly, with the column
named, rather than producing a quietly wrong report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy
import pandas as pd
import pyarrow as pa

from .errors import SchemaError


@dataclass(frozen=True)
class Column:
    """One column: its pandas dtype and what it means, in the user's words."""

    dtype: str
    doc: str


STRING = "string"
FLOAT = "float64"
INT = "int64"
NULLABLE_INT = "Int64"
BOOL = "bool"
DATE = "datetime64[ns]"

CALLS: Mapping[str, Column] = {
    "call_id": Column(
        STRING,
        "Call id: from the manifest, else from the file (Gong callId, CSV call_id), else the file's path without suffix.",
    ),
    "kind": Column(
        STRING, "`one_on_one` or `customer_call`; empty when neither the manifest, the file nor its name says."
    ),
    "date": Column(DATE, "Date of the call (no time of day); empty when unknown."),
    "title": Column(STRING, "Title from the manifest or the file, if any."),
    "source_path": Column(STRING, "The transcript file, as named in the run."),
    "format": Column(STRING, "The reader that parsed the file (`vtt`, `gong`, `csv`...)."),
    "encoding": Column(STRING, "Text encoding the file was decoded with (empty for binary formats)."),
    "n_utterances": Column(INT, "Speaker turns in the call."),
    "n_questions": Column(INT, "Turns that ask at least one question."),
    "duration_s": Column(FLOAT, "Last end time minus first start time, in seconds; NaN without timestamps."),
    "speakers": Column(STRING, "Speakers as resolved, `|`-separated, in order of first turn."),
    "metadata_source": Column(
        STRING, "Where kind and date came from: `manifest`, `file`, `filename`, or `missing`, as `kind=...;date=...`."
    ),
}

UTTERANCES: Mapping[str, Column] = {
    "call_id": Column(STRING, "The call (see the calls table)."),
    "index": Column(INT, "0-based position of the turn in the call."),
    "kind": Column(STRING, "The call's kind, copied from the calls table for convenience."),
    "date": Column(DATE, "The call's date, copied from the calls table for convenience."),
    "speaker": Column(STRING, "Speaker as written, after diarisation labels are mapped to names."),
    "speaker_label": Column(
        STRING,
        "The diarisation label as the file wrote it (`SPEAKER_00`, `A`, a Gong speakerId) when it was mapped to a name; else empty.",
    ),
    "person_id": Column(STRING, "Roster id of the speaker; empty when they match no one."),
    "role": Column(STRING, "`manager`, `rep`, `customer` (unmatched speaker in a customer call) or `unknown`."),
    "manager_id": Column(STRING, "Roster id of the speaker's manager, if any."),
    "team": Column(STRING, "The speaker's team from the roster, if any."),
    "start_s": Column(FLOAT, "Start of the turn in seconds from the start of the call; NaN without timestamps."),
    "end_s": Column(FLOAT, "End of the turn in seconds; NaN without timestamps."),
    "text": Column(STRING, "The turn's text (consecutive cues of one speaker joined)."),
    "is_question": Column(BOOL, "The turn asks at least one question (with or without a `?`)."),
    "focus": Column(
        STRING,
        "`revenue`, `customer_impact` or `other` (LABELING.md); a question turn takes the focus of its last non-other question.",
    ),
    "focus_score": Column(FLOAT, "Confidence in `focus`, 0-1 (the classifier's probability for it)."),
    "p_revenue": Column(FLOAT, "Probability of `revenue`."),
    "p_customer_impact": Column(FLOAT, "Probability of `customer_impact`."),
    "p_other": Column(FLOAT, "Probability of `other`."),
    "theme": Column(STRING, "Sub-theme of the focus (`close_timing`, `customer_goals`...), when known."),
    "question_text": Column(STRING, "For a question turn, the sentence that decided its focus."),
    "evidence": Column(STRING, "Why: the patterns or features behind the focus."),
    "model": Column(STRING, "Classifier name and version that produced `focus`."),
}

ERRORS: Mapping[str, Column] = {
    "path": Column(STRING, "The file (transcript, manifest or roster) the problem is in."),
    "line": Column(NULLABLE_INT, "1-based line (or record) where it applies; empty for the whole file."),
    "level": Column(STRING, "`error`: the file (or manifest row) was not used; `warning`: part of it was skipped."),
    "code": Column(STRING, "Error code (`CL100`...), see docs/errors.md."),
    "message": Column(STRING, "What is wrong, in one line."),
}

PEOPLE: Mapping[str, Column] = {
    "person_id": Column(STRING, "Roster id (the `id` column, else made from the name: `dana-lee`)."),
    "name": Column(STRING, "Name as on the roster."),
    "role": Column(STRING, "`manager` or `rep`."),
    "manager_id": Column(STRING, "Their manager's id, if any."),
    "team": Column(STRING, "Team, if any."),
    "email": Column(STRING, "E-mail, if any."),
    "aliases": Column(STRING, "Other names they appear under, `|`-separated."),
}

TABLES: Mapping[str, Mapping[str, Column]] = {
    "calls": CALLS,
    "utterances": UTTERANCES,
    "errors": ERRORS,
    "people": PEOPLE,
}


_EMPTY: dict[str, pd.DataFrame] = {}


def empty(table: str) -> pd.DataFrame:
    """Give an empty frame with the table's columns and types (a new one each time).

    A copy of a frame made once: building one column by column took about 2 ms, and a run
    asks for a few per part (a packed part drops its frames for empty ones).
    """
    template = _EMPTY.get(table)
    if template is None:
        spec = TABLES[table]
        template = _EMPTY[table] = pd.DataFrame({name: pd.Series([], dtype=col.dtype) for name, col in spec.items()})
    return template.copy()


def conform(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Give ``frame`` with exactly the table's columns, in order, cast to their types.

    Extra columns are kept after the contract's columns (researchers add their
    own); a missing column or a value that cannot take the column's type
    raises :class:`~convolens.errors.SchemaError` naming the column.
    """
    spec = TABLES[table]
    missing = [name for name in spec if name not in frame.columns]
    if missing:
        raise SchemaError(f"{table} table lacks column(s) {', '.join(missing)}")
    out = {}
    for name, col in spec.items():
        try:
            out[name] = _cast(frame[name], col.dtype)
        except (TypeError, ValueError) as exc:
            raise SchemaError(f"{table} table column {name!r} cannot be read as {col.dtype}: {exc}") from None
    extras = [c for c in frame.columns if c not in spec]
    result = pd.DataFrame(out, index=frame.index)
    for name in extras:
        result[name] = frame[name]
    return result.reset_index(drop=True)


def frame_from_columns(columns: Mapping[str, Sequence[Any]], table: str) -> pd.DataFrame:
    """Give the table's frame from one list of values per column, typed as :func:`conform` types them.

    The fast way to build a table: no intermediate frame of Python objects to cast. Columns
    beyond the table's are left out; a missing one raises :class:`~convolens.errors.SchemaError`.
    """
    spec = TABLES[table]
    missing = [name for name in spec if name not in columns]
    if missing:
        raise SchemaError(f"{table} table lacks column(s) {', '.join(missing)}")
    lengths = {len(columns[name]) for name in spec}
    if len(lengths) > 1:
        raise SchemaError(f"{table} table columns differ in length ({sorted(lengths)})")
    out: dict[str, Any] = {}
    for name, col in spec.items():
        values = columns[name]
        try:
            if col.dtype in (FLOAT, INT):
                out[name] = numpy.array(values, dtype=col.dtype)
            elif col.dtype == BOOL:
                if None in values:
                    raise ValueError("missing values in a yes/no column")
                out[name] = numpy.array(values, dtype=bool)
            elif col.dtype == DATE:
                out[name] = _dates(values)
            elif col.dtype == STRING:
                out[name] = _strings(values)
            else:
                out[name] = pd.array(values, dtype=col.dtype)
        except (TypeError, ValueError) as exc:
            raise SchemaError(f"{table} table column {name!r} cannot be read as {col.dtype}: {exc}") from None
    return pd.DataFrame(out)


_PLAIN_STRINGS = frozenset({str, type(None)})


def _strings(values: Sequence[Any]) -> pd.api.extensions.ExtensionArray:
    """Give ``pd.array(values, dtype="string")``, made straight by Arrow when every value is a ``str`` or None.

    pandas checks and converts each value in Python first; Arrow makes the same array from plain
    strings and None about twice as fast (several times for a mostly empty column), and a part has
    a dozen text columns. Other values (numbers, ``str`` subclasses) are left to pandas to convert,
    as is every column when pandas is set to keep strings in Python objects.
    """
    dtype = pd.api.types.pandas_dtype(STRING)
    if getattr(dtype, "storage", None) == "pyarrow" and set(map(type, values)) <= _PLAIN_STRINGS:
        return pd.arrays.ArrowStringArray(pa.chunked_array([pa.array(values, type=pa.large_string())]), dtype=dtype)
    return pd.array(values, dtype=dtype)


def _dates(values: Sequence[Any]) -> numpy.ndarray:
    """Give ``pd.to_datetime`` of the values as datetime64[ns], converting each distinct object once.

    Every turn of a call holds the same date object, the call's. Objects are told apart by identity
    (so no two values are taken for one another) and keep their first-seen order, so pandas reads the
    same first value, which sets the format of date strings, as it would over all the values.
    """
    ids = list(map(id, values))
    objects = dict(zip(ids, values, strict=True))
    position = {ident: k for k, ident in enumerate(objects)}
    converted = pd.to_datetime(pd.Series(list(objects.values()), dtype=object)).astype(DATE).to_numpy()
    dates: numpy.ndarray = converted[list(map(position.__getitem__, ids))]
    return dates


def is_conformed(frame: pd.DataFrame, table: str) -> bool:
    """Say whether ``frame`` is already what :func:`conform` would give: the table's columns, types and index."""
    spec = TABLES[table]
    return (
        list(frame.columns) == list(spec)
        and all(frame[name].dtype == col.dtype for name, col in spec.items())
        and isinstance(frame.index, pd.RangeIndex)
        and frame.index.start == 0
        and frame.index.step == 1
    )


def _cast(series: pd.Series, dtype: str) -> pd.Series:
    if dtype == DATE:
        return pd.to_datetime(series).astype(DATE)
    if dtype == BOOL:
        if series.isna().any():
            raise ValueError("missing values in a yes/no column")
        return series.astype(bool)
    if dtype == STRING:
        return series.astype("string")
    return series.astype(dtype)


def describe(table: str) -> str:
    """Give a Markdown table documenting a table's columns (used in the README)."""
    lines = ["| column | type | meaning |", "|---|---|---|"]
    for name, col in TABLES[table].items():
        lines.append(f"| `{name}` | {col.dtype} | {col.doc} |")
    return "\n".join(lines)
