from __future__ import annotations

from pathlib import Path

import pytest

from convolens.errors import RosterError
from convolens.model import Role
from convolens.roster import Roster, name_key, slug

ROSTER = """name,role,manager,team,aliases,email
Dana Lee,manager,,East,,dana.lee@example.com
María Farías,rep,Dana Lee,East,Maria|Mari F,mfarias@example.com
Robert Chen,rep,dana-lee,East,Bob Chen,
Priya Nair,manager,Alex Director,West,,
"""


@pytest.fixture()
def roster(tmp_path: Path) -> Roster:
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    return Roster.from_csv(path)


def test_name_key_tolerates_case_accents_order_and_suffixes() -> None:
    assert name_key("  Farías,  María (she/her) ") == "maria farias"
    assert name_key("MARIA FARIAS") == "maria farias"
    assert name_key("dana.lee@example.com") == "dana lee"
    assert slug("María Farías") == "maria-farias"


@pytest.mark.parametrize(
    ("speaker", "expected"),
    [
        ("Dana Lee", "dana-lee"),
        ("dana  lee", "dana-lee"),
        ("Lee, Dana", "dana-lee"),
        ("Dana Lee (Acme Sales)", "dana-lee"),
        ("dana.lee@example.com", "dana-lee"),
        ("Maria Farias", "maria-farias"),
        ("Mari F", "maria-farias"),
        ("mfarias@example.com", "maria-farias"),
        ("Bob Chen", "robert-chen"),
    ],
)
def test_match_variants(roster: Roster, speaker: str, expected: str) -> None:
    person = roster.match(speaker)
    assert person is not None and person.person_id == expected


def test_no_guessing_on_first_name_or_strangers(roster: Roster) -> None:
    assert roster.match("Dana") is None  # a bare first name is not an alias here
    assert roster.match("Jordan Smith") is None
    assert roster.match("") is None


def test_roles_managers_and_teams(roster: Roster) -> None:
    maria = roster.people["maria-farias"]
    assert maria.role is Role.REP and maria.manager_id == "dana-lee" and maria.team == "East"
    assert roster.people["robert-chen"].manager_id == "dana-lee"  # manager given by id
    # A manager's manager who is not on the roster keeps an id made from the name.
    assert roster.people["priya-nair"].manager_id == "alex-director"
    frame = roster.to_frame()
    assert list(frame["person_id"]) == ["dana-lee", "maria-farias", "robert-chen", "priya-nair"]
    assert frame.loc[1, "aliases"] == "Maria|Mari F"


def test_missing_column_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("name,role,team\nDana Lee,manager,East\n", encoding="utf-8")
    with pytest.raises(RosterError) as err:
        Roster.from_csv(path)
    assert str(err.value) == f"{path}:1: roster lacks column(s) manager (found: name, role, team)"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Dana Lee,boss,,East\n", "2: unknown role 'boss'"),
        (",rep,,East\n", "2: empty name"),
        ("Dana Lee,manager,,East\nDana Lee,rep,,East\n", "3: duplicate person id 'dana-lee'"),
    ],
)
def test_bad_rows_name_the_line(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "r.csv"
    path.write_text("name,role,manager,team\n" + body, encoding="utf-8")
    with pytest.raises(RosterError, match=message):
        Roster.from_csv(path)


def test_shared_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("name,role,manager,team,aliases\nSam Ortiz,rep,,A,Sam\nSam Wu,rep,,A,Sam\n", encoding="utf-8")
    with pytest.raises(RosterError, match="'sam' belongs to both sam-ortiz and sam-wu"):
        Roster.from_csv(path)


def test_latin1_bom_and_crlf_rosters_read(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes("\ufeffname,role,manager,team\r\nMaría Farías,rep,,East\r\n".encode("utf-8"))
    assert Roster.from_csv(path).match("maria farias") is not None
    path.write_bytes("name,role,manager,team\r\nMaría Farías,rep,,East\r\n".encode("latin-1"))
    assert Roster.from_csv(path).people["maria-farias"].name == "María Farías"
