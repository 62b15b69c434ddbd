"""Every file of the nasty corpus gives exactly the outcome ``expected.csv`` records, quickly.

``expected.csv`` has one row per file (and per forced format): for a file that
reads, how many turns (people for a roster, rows for a manifest), how many
warnings (row errors for a manifest) and which speakers; for one that does not,
the error code, line and a piece of its message. Every error must also be one
line naming the file. A few cases only bite when large, so they are made here
rather than committed.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from convolens.errors import ConvolensError, InputFormatError, RosterError
from convolens.inputs import read_manifest
from convolens.readers import read_any
from convolens.roster import Roster

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases"
EXPECTED = list(csv.DictReader((HERE / "expected.csv").open(encoding="utf-8", newline="")))
#: Every case is a few KB: a second is generous, and catches a hang or a quadratic blow-up.
SECONDS = 1.0


def _read(path: Path, reader: str, fmt: str | None) -> tuple[int, int, list[str]]:
    """Give (count, warnings, speakers) for a file read with the named reader."""
    if reader == "roster":
        return len(Roster.from_csv(path)), 0, []
    if reader == "manifest":
        rows, errors = read_manifest(path)
        for error in errors:
            _check_one_line(error, str(path))
        return len(rows), len(errors), []
    transcripts = read_any(path, format=fmt)
    speakers = list(dict.fromkeys(turn.speaker for t in transcripts for turn in t.turns))
    return sum(len(t.turns) for t in transcripts), sum(len(t.problems) for t in transcripts), speakers


def _check_one_line(exc: ConvolensError, name: str) -> None:
    text = str(exc)
    assert len(text.splitlines()) == 1, text
    where = name if exc.line is None else f"{name}:{exc.line}"
    assert text.startswith(f"{where}: "), text


def _timed(call: Callable[[], Any], seconds: float = SECONDS) -> Any:
    start = time.perf_counter()
    try:
        return call()
    finally:
        elapsed = time.perf_counter() - start
        assert elapsed < seconds, f"took {elapsed:.2f} s (limit {seconds} s)"


def test_every_case_has_an_expected_outcome() -> None:
    files = {p.name for p in CASES.iterdir()}
    listed = {row["file"] for row in EXPECTED}
    assert files == listed, f"no row for {sorted(files - listed)}; no file for {sorted(listed - files)}"


@pytest.mark.parametrize(
    "row", EXPECTED, ids=[f"{r['file']}{'@' + r['format'] if r['format'] else ''}" for r in EXPECTED]
)
def test_case(row: dict[str, str]) -> None:
    path = CASES / row["file"]
    fmt = row["format"] or None
    if row["outcome"] == "ok":
        count, warnings, speakers = _timed(lambda: _read(path, row["reader"], fmt))
        assert count == int(row["count"]), row["note"]
        assert warnings == int(row["warnings"]), row["note"]
        if row["reader"] == "transcript":
            assert "|".join(speakers) == row["speakers"], row["note"]
        return
    with pytest.raises(ConvolensError) as info:
        _timed(lambda: _read(path, row["reader"], fmt))
    exc = info.value
    assert exc.code == row["code"], f"{exc.code}: {exc}"
    assert row["message"] in exc.message, f"{exc}"
    assert exc.line == (int(row["line"]) if row["line"] else None), f"{exc}"
    _check_one_line(exc, str(path))
    expected_type = {"roster": "RosterError", "manifest": "ManifestError"}.get(row["reader"])
    if expected_type:
        assert type(exc).__name__ == expected_type, f"{type(exc).__name__}: {exc}"


# --- cases that only bite when large -----------------------------------------------------------


def test_roster_field_over_the_csv_limit(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(b'name,role,manager,team\n"' + b"x" * 200_000 + b'",rep,,East\n')
    with pytest.raises(RosterError) as info:
        _timed(lambda: Roster.from_csv(path))
    assert info.value.line == 2 and "field larger than field limit" in str(info.value)


def test_manifest_field_over_the_csv_limit(tmp_path: Path) -> None:
    path = tmp_path / "manifest.csv"
    path.write_bytes(b'path,call_id,kind,date\n"' + b"x" * 200_000 + b'",a,one_on_one,2026-03-14\n')
    with pytest.raises(ConvolensError) as info:
        _timed(lambda: read_manifest(path))
    assert info.value.code == "CL210" and info.value.line == 2


def test_name_of_50000_brackets_is_matched_in_linear_time(tmp_path: Path) -> None:
    # The roster's bracket stripping rescanned the rest of the name from every "(" (minutes).
    path = tmp_path / "roster.csv"
    path.write_bytes(b"name,role,manager,team\n" + b"(" * 50_000 + b"Dana Lee,manager,,East\n")
    roster = _timed(lambda: Roster.from_csv(path))
    assert _timed(lambda: roster.match("(" * 50_000 + "Dana Lee")) is not None
    assert _timed(lambda: roster.match("Dana" + " " * 50_000 + "Lee (Acme")) is None


def test_csv_with_rows_run_together_is_refused_before_it_is_split(tmp_path: Path) -> None:
    path = tmp_path / "call.csv"
    path.write_bytes(b"speaker,text,start_s" + b",Dana Lee,Hello there,0.5" * 5000)
    with pytest.raises(InputFormatError) as info:
        _timed(lambda: read_any(path))
    assert "15,003 columns" in str(info.value) and info.value.line == 1


def test_vtt_cue_full_of_unclosed_voice_tags(tmp_path: Path) -> None:
    # "<v.<v.<v..." made the voice-tag regex rescan the cue from every "<v" (30 KB took 20 s).
    path = tmp_path / "call.vtt"
    path.write_bytes(b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nDana Lee: " + b"<v." * 20_000 + b"\n")
    [transcript] = _timed(lambda: read_any(path))
    assert len(transcript.turns) == 1
