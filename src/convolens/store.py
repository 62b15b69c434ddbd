"""A run folder on disk: what ``score`` writes and ``report`` reads.

Layout::

    OUT/utterances/<part>.parquet   the utterances table, a Parquet dataset: one file per part
    OUT/calls/<part>.parquet        the calls table, likewise
    OUT/errors/<part>.parquet       the errors of the part's files
    OUT/parts/<part>.json           written last: the part's files, their keys and figures
    OUT/index.json                  part order and run-level errors of the last finished run
    OUT/hashes.json                 the input files' content hashes by size and times (convolens.keys)
    OUT/people.parquet, errors.csv (every error), run.json (the summary)

A part is one batch of files. Its files are each written to a hidden temporary
name and renamed into place, and its ``parts/<part>.json`` comes last, so
:func:`read_run` (which reads only parts with that record) gives whole parts
at any moment, also while a run is writing more or after one was killed. The
next run removes what a killed one left half-written. Between runs any Parquet
tool reads the datasets directly: ``pd.read_parquet("OUT/utterances")``.
Every file is created readable by its owner only.

Folders written by convolens 0.1 (``calls.parquet`` and ``utterances.parquet``
at the top) are still read.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .errors import RunDirError
from .layout import (
    CALLS_FILE,
    DATASETS,
    ERRORS_FILE,
    INDEX_FILE,
    LOCK_FILE,
    PART_FORMAT,
    PARTS_DIR,
    PEOPLE_FILE,
    SUMMARY_FILE,
    UTTERANCES_FILE,
)
from .schema import conform, empty, is_conformed


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


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write bytes atomically."""
    write_atomic(path, lambda p: p.write_bytes(data))


def write_text_atomic(path: Path, text: str) -> None:
    """Write text (UTF-8) atomically."""
    write_atomic(path, lambda p: p.write_text(text, encoding="utf-8"))


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON (UTF-8, indented) atomically."""
    write_text_atomic(path, json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n")


def encode_tables(calls: pd.DataFrame, utterances: pd.DataFrame, errors: pd.DataFrame) -> dict[str, bytes]:
    """Give a part's three tables as the Parquet files :func:`write_part` writes, checked against the schema."""
    encoded = {}
    for name, frame in (("utterances", utterances), ("calls", calls), ("errors", errors)):
        typed = frame if is_conformed(frame, name) else conform(frame, name)
        buffer = io.BytesIO()
        pq.write_table(_arrow_table(typed, name), buffer)
        encoded[name] = buffer.getvalue()
    return encoded


_ARROW_SCHEMAS: dict[str, pa.Schema] = {}


def _arrow_table(frame: pd.DataFrame, table: str) -> pa.Table:
    """Give a conformed frame as the Arrow table ``frame.to_parquet(index=False)`` would write.

    pandas works the Arrow schema and its own metadata out again for every frame, which
    cost more than encoding a part's Parquet. A conformed frame's columns and types are
    fixed by the table, and so is that schema (with ``index=False`` the metadata names no
    index): it is made once per table, and each column crosses as pandas would send it
    (Arrow-backed columns as they are, NaN in a float column as a null).
    """
    schema = _ARROW_SCHEMAS.get(table)
    if schema is None:
        schema = _ARROW_SCHEMAS[table] = pa.Schema.from_pandas(empty(table), preserve_index=False)
    columns = []
    for field in schema:
        values = frame[field.name].array
        if isinstance(values, (pd.arrays.NumpyExtensionArray, pd.arrays.DatetimeArray)):
            columns.append(pa.array(values.to_numpy(), type=field.type, from_pandas=True))
        else:
            columns.append(pa.array(values, type=field.type))
    return pa.Table.from_arrays(columns, schema=schema)


def decode_table(data: bytes, table: str) -> pd.DataFrame:
    """Give a table back from the Parquet bytes :func:`encode_tables` made."""
    return conform(pd.read_parquet(io.BytesIO(data)), table)


def write_part(folder: str | Path, part_id: str, tables: Mapping[str, bytes], meta: dict[str, Any]) -> None:
    """Write one part of a run's datasets (:func:`encode_tables`); its record ``parts/<part_id>.json`` goes last."""
    folder = Path(folder)
    for name in ("utterances", "calls", "errors"):
        write_bytes_atomic(folder / name / f"{part_id}.parquet", tables[name])
    record = json.dumps({"format": PART_FORMAT, "id": part_id, **meta}, ensure_ascii=False, default=str)
    write_text_atomic(folder / PARTS_DIR / f"{part_id}.json", record)


def list_parts(folder: str | Path) -> list[dict[str, Any]]:
    """Give the record of every complete part of a run folder, in the run's order.

    The order is the one in ``index.json`` (the last finished run's), then
    parts it does not list by their first file's position in the plan. A part
    whose files another part already holds (which only a bug could cause) is
    left out rather than counted twice.
    """
    parts_dir = Path(folder) / PARTS_DIR
    if not parts_dir.is_dir():
        return []
    found: dict[str, dict[str, Any]] = {}
    for record in parts_dir.glob("*.json"):
        if record.name.startswith("."):
            continue
        try:
            meta = json.loads(record.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise RunDirError(f"unreadable part record ({exc})", path=record) from None
        if not isinstance(meta, dict) or meta.get("format") != PART_FORMAT or meta.get("id") != record.stem:
            continue
        found[record.stem] = meta
    order = {pid: i for i, pid in enumerate(read_index(folder).get("parts", []))}
    ranked = sorted(found.values(), key=lambda m: (order.get(m["id"], len(order)), m.get("first_index", 0), m["id"]))
    seen: set[str] = set()
    result = []
    for meta in ranked:
        names = {f["name"] for f in meta.get("files", [])}
        if names & seen:
            continue
        seen |= names
        result.append(meta)
    return result


def read_index(folder: str | Path) -> dict[str, Any]:
    """Give ``index.json`` of a run folder (empty when there is none yet)."""
    path = Path(folder) / INDEX_FILE
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RunDirError(f"unreadable {INDEX_FILE} ({exc})", path=path) from None
    return data if isinstance(data, dict) else {}


def remove_part(folder: str | Path, part_id: str) -> None:
    """Delete one part: its record first, so no reader takes the rest for a whole part."""
    folder = Path(folder)
    (folder / PARTS_DIR / f"{part_id}.json").unlink(missing_ok=True)
    for name in DATASETS:
        (folder / name / f"{part_id}.parquet").unlink(missing_ok=True)


def clear_leftovers(folder: str | Path) -> None:
    """Remove what a killed run left half-written: temporary files and parts without a record."""
    folder = Path(folder)
    complete = {p.stem for p in (folder / PARTS_DIR).glob("*.json")} if (folder / PARTS_DIR).is_dir() else set()
    for name in (*DATASETS, PARTS_DIR):
        dataset = folder / name
        if not dataset.is_dir():
            continue
        for path in dataset.iterdir():
            if path.is_file() and (path.name.startswith(".") or (name != PARTS_DIR and path.stem not in complete)):
                path.unlink(missing_ok=True)


@contextmanager
def run_lock(folder: str | Path) -> Iterator[None]:
    """Hold the run folder's lock: two runs writing one folder would mix their parts."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no lock, as before
        yield
        return
    fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise RunDirError("another `convolens score` is writing to this folder", path=folder) from None
        yield
    finally:
        os.close(fd)


def write_run(
    out: str | Path,
    calls: pd.DataFrame,
    utterances: pd.DataFrame,
    errors: pd.DataFrame,
    people: pd.DataFrame,
    summary: dict[str, Any],
) -> Path:
    """Write tables made elsewhere (e.g. from a DataFrame) as a run folder ``out``; give the folder.

    Any earlier run in the folder is replaced: the tables become its only
    part, so :func:`read_run`, ``convolens report`` and ``convolens stats``
    read them like a scored run. (``convolens score`` writes its parts itself.)
    """
    folder = Path(out)
    with run_lock(folder):
        clear_leftovers(folder)
        for meta in list_parts(folder):
            remove_part(folder, meta["id"])
        for old in (CALLS_FILE, UTTERANCES_FILE):
            (folder / old).unlink(missing_ok=True)
        sources = sorted(set(calls["source_path"].dropna().astype(str))) if "source_path" in calls else []
        files = [{"name": name, "key": "", "scored": True, "call_ids": []} for name in sources]
        tables = encode_tables(calls, utterances, errors)
        write_part(folder, "all", tables, {"first_index": 0, "files": files, "stats": {}})
        (folder / PARTS_DIR).mkdir(exist_ok=True)
        write_atomic(folder / PEOPLE_FILE, lambda p: conform(people, "people").to_parquet(p, index=False))
        write_json_atomic(folder / INDEX_FILE, {"parts": ["all"], "errors": []})
        write_atomic(folder / ERRORS_FILE, lambda p: conform(errors, "errors").to_csv(p, index=False))
        write_json_atomic(folder / SUMMARY_FILE, summary)
    return folder


def read_run(folder: str | Path) -> dict[str, pd.DataFrame]:
    """Give the tables of a run folder by name (``calls``, ``utterances``, ``people``, ``errors``).

    Works at any moment: during a run it gives the parts finished so far. The
    errors are those of the parts plus the run-level ones (manifest, roster,
    call-id clashes) of the last finished run. Raises
    :class:`~convolens.errors.RunDirError` when the folder is not a run folder.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise RunDirError("not a folder (give the --out folder of `convolens score`)", path=folder)
    parted = (folder / PARTS_DIR).is_dir()
    tables = _read_parts(folder, list_parts(folder)) if parted else _read_single_files(folder)
    people = folder / PEOPLE_FILE
    tables["people"] = conform(pd.read_parquet(people), "people") if people.is_file() else empty("people")
    return tables


def read_errors(folder: str | Path, parts: Sequence[dict[str, Any]] | None = None) -> pd.DataFrame:
    """Give only the errors table of a run folder written in parts (cheap: no utterances are read).

    ``parts`` are the part records when the caller has them (:func:`list_parts` gives them otherwise).
    """
    return _read_parts(Path(folder), list_parts(folder) if parts is None else parts, ("errors",))["errors"]


def _read_parts(
    folder: Path, parts: Sequence[dict[str, Any]], names: Sequence[str] = DATASETS
) -> dict[str, pd.DataFrame]:
    tables: dict[str, pd.DataFrame] = {}
    for name in names:
        # A part's record counts its error rows (parts written before it did are read).
        wanted = [meta for meta in parts if name != "errors" or meta.get("error_rows", 1) != 0]
        # One Arrow table, converted once: a pandas frame per part file took seconds for a big run.
        read = [pq.read_table(folder / name / f"{meta['id']}.parquet") for meta in wanted]
        found = [table for table in read if table.num_rows]
        frames = [pa.concat_tables(found, promote_options="permissive").to_pandas()] if found else []
        if name == "errors":
            run_level = read_index(folder).get("errors", [])
            if run_level:
                frames.insert(0, pd.DataFrame(run_level))
        tables[name] = conform(pd.concat(frames, ignore_index=True), name) if frames else empty(name)
    return tables


def _read_single_files(folder: Path) -> dict[str, pd.DataFrame]:
    needed = [CALLS_FILE, UTTERANCES_FILE]
    missing = [name for name in needed if not (folder / name).is_file()]
    if missing:
        raise RunDirError(
            f"not a run folder (no {PARTS_DIR}/ folder, nor {' or '.join(missing)}); "
            "give the --out folder of `convolens score`",
            path=folder,
        )
    tables = {
        "calls": conform(pd.read_parquet(folder / CALLS_FILE), "calls"),
        "utterances": conform(pd.read_parquet(folder / UTTERANCES_FILE), "utterances"),
    }
    errors = folder / ERRORS_FILE
    tables["errors"] = (
        conform(pd.read_csv(errors, dtype={"path": str, "code": str, "message": str, "level": str}), "errors")
        if errors.is_file()
        else empty("errors")
    )
    return tables
