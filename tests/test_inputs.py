from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from convolens.errors import ManifestError
from convolens.inputs import metadata_from_filename, parse_speakers, plan_run, read_manifest
from convolens.model import CallKind


@pytest.mark.parametrize(
    ("name", "kind", "date"),
    [
        ("2026-03-14_one_on_one_dana-lee.vtt", CallKind.ONE_ON_ONE, dt.date(2026, 3, 14)),
        ("2026-03-14-customer-call-acme.json", CallKind.CUSTOMER_CALL, dt.date(2026, 3, 14)),
        ("2026-03-14_1on1.txt", CallKind.ONE_ON_ONE, dt.date(2026, 3, 14)),
        ("weekly sync.vtt", None, None),
        ("2026-03-14_standup.vtt", None, None),  # a date without a kind is not half-trusted
    ],
)
def test_filename_pattern(name: str, kind: CallKind | None, date: dt.date | None) -> None:
    assert metadata_from_filename(Path(name)) == (kind, date)


def test_parse_speakers() -> None:
    assert parse_speakers("SPEAKER_00=Dana Lee| SPEAKER_01 = Sam Ortiz |") == {
        "SPEAKER_00": "Dana Lee",
        "SPEAKER_01": "Sam Ortiz",
    }
    with pytest.raises(ValueError, match="not LABEL=Name"):
        parse_speakers("SPEAKER_00 Dana Lee")


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_manifest_rows_and_row_errors(tmp_path: Path) -> None:
    m = _write(
        tmp_path / "manifest.csv",
        "path,call_id,kind,date,title,speakers\n"
        "a.vtt,c1,one_on_one,2026-03-14,Weekly,\n"
        "b.json,c2,customer call,2026-03-15,,A=Dana Lee|B=Pat Doe\n"
        "c.vtt,c3,webinar,2026-03-16,,\n"
        "d.vtt,c4,one_on_one,14/03/2026,,\n",
    )
    rows, errors = read_manifest(m)
    assert [r.call_id for r in rows] == ["c1", "c2"]
    assert rows[1].kind is CallKind.CUSTOMER_CALL and rows[1].speakers["B"] == "Pat Doe"
    assert rows[0].path == tmp_path / "a.vtt"
    assert [str(e) for e in errors] == [
        f"{m}:4: unknown call kind 'webinar' (expected one_on_one or customer_call)",
        f"{m}:5: not an ISO date (YYYY-MM-DD): '14/03/2026'",
    ]


def test_manifest_missing_column(tmp_path: Path) -> None:
    m = _write(tmp_path / "manifest.csv", "path,call_id,date\na.vtt,c1,2026-03-14\n")
    with pytest.raises(ManifestError, match=r"manifest.csv:1: manifest lacks column\(s\) kind"):
        read_manifest(m)


def test_plan_uses_folder_manifest_and_roster_and_reports_the_rest(tmp_path: Path) -> None:
    _write(tmp_path / "calls" / "a.vtt", "WEBVTT\n")
    _write(tmp_path / "calls" / "stray.vtt", "WEBVTT\n")
    _write(tmp_path / "notes.md", "not a transcript suffix")
    _write(tmp_path / ".hidden" / "x.vtt", "WEBVTT\n")
    _write(tmp_path / "roster.csv", "name,role,manager,team\n")
    _write(
        tmp_path / "manifest.csv",
        "path,call_id,kind,date\ncalls/a.vtt,c1,one_on_one,2026-03-14\ncalls/gone.vtt,c2,one_on_one,2026-03-15\n",
    )
    plan = plan_run([tmp_path])
    assert [j.path.name for j in plan.jobs] == ["a.vtt"]
    assert plan.jobs[0].rows[0].call_id == "c1"
    assert plan.roster_path == tmp_path / "roster.csv"
    messages = [(p.level, p.line, p.message) for p, _ in plan.problems]
    assert ("error", 3, f"manifest names a missing file: {tmp_path / 'calls' / 'gone.vtt'}") in messages
    assert any(level == "warning" and "not in the manifest" in msg for level, _, msg in messages)
    assert len(messages) == 2  # the hidden folder and the .md file are not transcripts


def test_plan_without_manifest_takes_every_transcript(tmp_path: Path) -> None:
    _write(tmp_path / "x" / "2026-03-14_one_on_one_a.vtt", "WEBVTT\n")
    _write(tmp_path / "b.srt", "1\n")
    plan = plan_run([tmp_path, tmp_path / "missing.vtt"])
    assert sorted(j.path.name for j in plan.jobs) == ["2026-03-14_one_on_one_a.vtt", "b.srt"]
    [(problem, code)] = plan.problems
    assert problem.message == "no such file or folder" and code == "CL110"


def test_broken_manifest_does_not_hide_the_folder(tmp_path: Path) -> None:
    _write(tmp_path / "a.vtt", "WEBVTT\n")
    _write(tmp_path / "manifest.csv", "file,when\n")
    plan = plan_run([tmp_path])
    assert [j.path.name for j in plan.jobs] == ["a.vtt"]
    assert "lacks column" in plan.problems[0][0].message
