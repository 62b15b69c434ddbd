"""A run folder on disk: what ``score`` writes and ``report`` reads.

Files: ``calls.parquet``, ``utterances.parquet``, ``people.parquet``,
``errors.csv`` and ``run.json`` (the summary). Each is written to a temporary
file in the same folder and then renamed over the old one, so a reader never
sees a half-written file and a killed run leaves the previous outputs intact.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import RunDirError
from .schema import conform, empty

CALLS_FILE = "calls.parquet"
UTTERANCES_FILE = "utterances.parquet"
PEOPLE_FILE = "people.parquet"
ERRORS_FILE = "errors.csv"
SUMMARY_FILE = "run.json"


def write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    """Write a file through ``write(tmp_path)`` and move it into place in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """Write text (UTF-8) atomically."""
    write_atomic(path, lambda p: p.write_text(text, encoding="utf-8"))


def write_run(
    out: str | Path,
    calls: pd.DataFrame,
    utterances: pd.DataFrame,
    errors: pd.DataFrame,
    people: pd.DataFrame,
    summary: dict[str, Any],
) -> Path:
    """Write a run's tables and summary into folder ``out``; give the folder."""
    folder = Path(out)
    write_atomic(folder / CALLS_FILE, lambda p: conform(calls, "calls").to_parquet(p, index=False))
    write_atomic(folder / UTTERANCES_FILE, lambda p: conform(utterances, "utterances").to_parquet(p, index=False))
    write_atomic(folder / PEOPLE_FILE, lambda p: conform(people, "people").to_parquet(p, index=False))
    write_atomic(folder / ERRORS_FILE, lambda p: conform(errors, "errors").to_csv(p, index=False))
    write_text_atomic(folder / SUMMARY_FILE, json.dumps(summary, indent=2, default=str, ensure_ascii=False) + "\n")
    return folder


def read_run(folder: str | Path) -> dict[str, pd.DataFrame]:
    """Give the tables of a run folder by name (``calls``, ``utterances``, ``people``, ``errors``).

    Raises :class:`~convolens.errors.RunDirError` when the folder lacks the
    files ``convolens score`` writes.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise RunDirError("not a folder (give the --out folder of `convolens score`)", path=folder)
    needed = [CALLS_FILE, UTTERANCES_FILE]
    missing = [name for name in needed if not (folder / name).is_file()]
    if missing:
        raise RunDirError(f"missing {', '.join(missing)}; is this the --out folder of `convolens score`?", path=folder)
    tables = {
        "calls": conform(pd.read_parquet(folder / CALLS_FILE), "calls"),
        "utterances": conform(pd.read_parquet(folder / UTTERANCES_FILE), "utterances"),
    }
    people = folder / PEOPLE_FILE
    tables["people"] = conform(pd.read_parquet(people), "people") if people.is_file() else empty("people")
    errors = folder / ERRORS_FILE
    tables["errors"] = (
        conform(pd.read_csv(errors, dtype={"path": str, "code": str, "message": str, "level": str}), "errors")
        if errors.is_file()
        else empty("errors")
    )
    return tables
