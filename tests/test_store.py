from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from convolens.errors import RunDirError, SchemaError
from convolens.schema import conform, empty
from convolens.store import read_run, write_atomic, write_run


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "calls.parquet"
    target.write_text("old", encoding="utf-8")

    def explode(path: Path) -> None:
        path.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomic(target, explode)
    assert target.read_text(encoding="utf-8") == "old"
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind


def test_conform_names_the_missing_or_bad_column() -> None:
    frame = empty("errors").drop(columns="message")
    with pytest.raises(SchemaError, match="errors table lacks column\\(s\\) message"):
        conform(frame, "errors")
    bad = pd.DataFrame({"path": ["a.vtt"], "line": ["x"], "level": ["error"], "code": ["CL100"], "message": ["m"]})
    with pytest.raises(SchemaError, match="column 'line' cannot be read as Int64"):
        conform(bad, "errors")


def test_conform_keeps_extra_columns_after_the_contract() -> None:
    frame = empty("people").assign(region=pd.Series([], dtype="string"))
    assert list(conform(frame, "people").columns)[-1] == "region"


def test_empty_run_round_trip_and_missing_folder(tmp_path: Path) -> None:
    write_run(tmp_path / "run", empty("calls"), empty("utterances"), empty("errors"), empty("people"), {"calls": 0})
    tables = read_run(tmp_path / "run")
    assert set(tables) == {"calls", "utterances", "people", "errors"}
    assert list(tables["utterances"].columns) == list(empty("utterances").columns)
    with pytest.raises(RunDirError, match="not a run folder \\(no parts/ folder"):
        read_run(tmp_path)
