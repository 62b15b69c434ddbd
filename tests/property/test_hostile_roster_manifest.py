"""The roster and manifest readers, given hostile bytes, give a result or one clean error, quickly.

Random bytes, random text and damaged copies of the sample roster and manifest
must give a roster / manifest rows or a RosterError / ManifestError whose
message is one line naming the file. Valid files re-encoded or with other line
ends must keep every person and every row (nothing dropped silently).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hostile import check_error, line_count, mutated, outcome, profile, write
from hypothesis import given
from hypothesis import strategies as st

from convolens.errors import ConvolensError, ManifestError, RosterError
from convolens.inputs import read_manifest
from convolens.roster import Roster

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("roster-manifest")


def _roster(folder: Path, data: bytes) -> None:
    path = write(folder, ".csv", data)
    result = outcome(lambda: Roster.from_csv(path), str(path), line_count(data))
    if isinstance(result, ConvolensError):
        assert isinstance(result, RosterError), f"{type(result).__name__}: {result}"
    else:
        assert all(p.person_id and p.name for p in result.people.values())


def _manifest(folder: Path, data: bytes) -> None:
    path = write(folder, ".csv", data)
    result = outcome(lambda: read_manifest(path), str(path), line_count(data))
    if isinstance(result, ConvolensError):
        assert isinstance(result, ManifestError), f"{type(result).__name__}: {result}"
        return
    rows, errors = result
    for error in errors:
        check_error(error, str(path), line_count(data))
    for row in rows:
        assert row.line >= 2 and row.manifest == str(path)


raw_inputs = st.binary(max_size=2000) | st.text(max_size=1000).map(lambda t: t.encode("utf-8"))


@profile
@given(data=raw_inputs)
def test_roster_random_input(folder: Path, data: bytes) -> None:
    _roster(folder, data)


@profile
@given(data=raw_inputs)
def test_manifest_random_input(folder: Path, data: bytes) -> None:
    _manifest(folder, data)


@profile
@given(data=st.data())
def test_roster_damaged(folder: Path, data: st.DataObject) -> None:
    _roster(folder, data.draw(mutated((SAMPLES / "roster.csv").read_bytes())))


@profile
@given(data=st.data())
def test_manifest_damaged(folder: Path, data: st.DataObject) -> None:
    # The first rows are enough: the damage, not the length, is what is tested.
    head = b"\n".join((SAMPLES / "manifest.csv").read_bytes().split(b"\n")[:12])
    _manifest(folder, data.draw(mutated(head)))


NAMES = st.sampled_from(
    ("Dana Lee", "María Farías", "Aoife O'Brien", "Jean-Luc Dubois", "Zoë Ng", "Kwame Mensah", "李 伟", "שרה כהן")
)
TEAMS = st.sampled_from(("East", "Mid-Market Central", "Équipe Nord", ""))


def _respell(text: str, draw: st.DrawFn) -> bytes:
    text = text.replace("\n", draw(st.sampled_from(("\n", "\r\n", "\r"))))
    return text.encode(draw(st.sampled_from(("utf-8", "utf-8-sig", "utf-16", "utf-32"))))


@profile
@given(data=st.data())
def test_roster_keeps_every_person(folder: Path, data: st.DataObject) -> None:
    names = data.draw(st.lists(NAMES, min_size=1, max_size=8, unique=True), label="names")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["name", "role", "manager", "team"])
    writer.writerow([names[0], "manager", "", data.draw(TEAMS)])
    writer.writerows([name, "rep", names[0], data.draw(TEAMS)] for name in names[1:])
    path = write(folder, ".csv", _respell(buffer.getvalue(), data.draw))
    roster = Roster.from_csv(path)
    assert sorted(p.name for p in roster.people.values()) == sorted(names)
    assert all(roster.match(name) is not None for name in names)


@profile
@given(data=st.data())
def test_manifest_keeps_every_row(folder: Path, data: st.DataObject) -> None:
    n = data.draw(st.integers(1, 10), label="rows")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["path", "call_id", "kind", "date", "title"])
    for i in range(n):
        title = data.draw(st.text(alphabet="abc ,\"'\n\u200bé\U0001f600", max_size=20))
        writer.writerow([f"calls/{i}.vtt", f"call-{i}", "one_on_one", f"2026-03-{i + 1:02d}", title])
    path = write(folder, ".csv", _respell(buffer.getvalue(), data.draw))
    rows, errors = read_manifest(path)
    assert not errors and [r.call_id for r in rows] == [f"call-{i}" for i in range(n)]
