"""The shortcuts that build tables and run parts faster give what the plain ways give."""

from __future__ import annotations

import datetime as dt
import enum
import gc
import io
import math
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from convolens.collector import collector_paused
from convolens.schema import DATE, STRING, TABLES, empty, frame_from_columns
from convolens.store import encode_tables


class _Kind(str, enum.Enum):  # a str subclass whose str() is not its value
    A = "a"


def _plain_strings(values: list[Any]) -> Any:
    return pd.array(values, dtype=STRING)


def _plain_dates(values: list[Any]) -> pd.Series:
    return pd.to_datetime(pd.Series(values, dtype=object)).astype(DATE)


@pytest.mark.parametrize(
    "values",
    [
        [],
        [None, None],
        ["a", None, "b", "a"],
        ["é ✓ \x00", "", None],
        [1, "x", None],  # numbers: converted by pandas
        [math.nan, "x"],
        [_Kind.A, "a"],
    ],
)
def test_string_columns_as_pandas_makes_them(values: list[Any]) -> None:
    frame = frame_from_columns({**_columns(len(values)), "text": values}, "utterances")
    expected = pd.Series(_plain_strings(values), name="text")
    pd.testing.assert_series_equal(frame["text"], expected, check_exact=True)


@pytest.mark.parametrize(
    "values",
    [
        [],
        [None],
        [dt.date(2024, 5, 6)] * 3 + [None, dt.date(2023, 1, 2)],
        ["2024-05-06", None, "2024-06-07"],  # the first string sets the format for the rest
        ["06/05/2024", "07/05/2024"],
        [pd.NaT, dt.datetime(2024, 5, 6, 13, 30), dt.date(2024, 5, 6)],
    ],
)
def test_date_columns_as_pandas_makes_them(values: list[Any]) -> None:
    frame = frame_from_columns({**_columns(len(values)), "date": values}, "utterances")
    pd.testing.assert_series_equal(frame["date"], _plain_dates(values).rename("date"), check_exact=True)


def test_equal_dates_of_different_kinds_are_not_merged() -> None:
    # dt.datetime(2024, 5, 6) == pd.Timestamp(2024, 5, 6) (and they hash alike): each is converted on its own.
    values = [pd.Timestamp("2024-05-06 00:00:00"), dt.datetime(2024, 5, 6), dt.date(2024, 5, 6)]
    frame = frame_from_columns({**_columns(3), "date": values}, "utterances")
    pd.testing.assert_series_equal(frame["date"], _plain_dates(values).rename("date"), check_exact=True)


def test_bad_values_still_fail_with_the_column_named() -> None:
    with pytest.raises(Exception, match="is_question"):
        frame_from_columns({**_columns(2), "is_question": [True, None]}, "utterances")
    with pytest.raises(Exception, match="date"):
        frame_from_columns({**_columns(1), "date": ["not a date"]}, "utterances")


def test_empty_gives_a_new_frame_each_time() -> None:
    first = empty("calls")
    first["extra"] = []
    second = empty("calls")
    assert list(second.columns) == list(TABLES["calls"])
    assert [str(t) for t in second.dtypes] == [c.dtype for c in TABLES["calls"].values()]


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_collector_paused_nests_and_comes_back() -> None:
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # still inside the outer part
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_collector_paused_comes_back_after_an_error() -> None:
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("a part failed")
    assert gc.isenabled()


def test_collector_paused_leaves_a_collector_that_was_off_off() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


def _columns(n: int) -> dict[str, list[Any]]:
    """Give valid utterance columns of ``n`` rows."""
    out: dict[str, list[Any]] = {}
    for name, col in TABLES["utterances"].items():
        if col.dtype == "bool":
            out[name] = [False] * n
        elif col.dtype in ("float64", "int64"):
            out[name] = [0] * n
        elif col.dtype == DATE:
            out[name] = [None] * n
        else:
            out[name] = ["x"] * n
    return out


def _sample_values(dtype: str, n: int) -> list[Any]:
    """Give ``n`` values of a column type, with a missing one wherever the type allows it."""
    if dtype == DATE:
        return [dt.date(2026, 1, 1 + k % 28) if k % 3 else None for k in range(n)]
    if dtype == STRING:
        return [f"v{k} é" if k % 4 else (None if k % 8 else "") for k in range(n)]
    if dtype == "bool":
        return [k % 2 == 0 for k in range(n)]
    if dtype == "float64":
        return [k / 3 if k % 3 else math.nan for k in range(n)]
    if dtype == "Int64":
        return [k if k % 2 else None for k in range(n)]
    return list(range(n))


@pytest.mark.parametrize("table", ["calls", "utterances", "errors"])
@pytest.mark.parametrize("rows", [0, 1, 9])
def test_parts_are_encoded_as_pandas_would_write_them(table: str, rows: int) -> None:
    frame = frame_from_columns({name: _sample_values(col.dtype, rows) for name, col in TABLES[table].items()}, table)
    tables = {"calls": empty("calls"), "utterances": empty("utterances"), "errors": empty("errors"), table: frame}
    encoded = encode_tables(tables["calls"], tables["utterances"], tables["errors"])
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    assert encoded[table] == buffer.getvalue()  # the same bytes: schema, pandas metadata, values and nulls
    back = pd.read_parquet(io.BytesIO(encoded[table]))
    pd.testing.assert_frame_equal(back, frame)
