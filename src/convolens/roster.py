"""The roster: people, their roles, managers and teams, and matching speakers to them.

A roster CSV has columns ``name, role, manager, team`` and optionally
``aliases`` (``|``-separated), ``email`` and ``id``. Matching a speaker is
tolerant of case, accents, punctuation, spacing, ``Last, First`` order,
parenthesised suffixes (``Dana Lee (she/her)``, ``Sam Ortiz (Acme)``) and
e-mail addresses, but never guesses beyond that: a first name alone matches
only when it is listed as an alias.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import RosterError
from .inputs import open_small_csv
from .model import Person, Role
from .readers.tabular import csv_dict_rows

REQUIRED = ("name", "role", "manager", "team")

_ROLE_WORDS = {
    "manager": Role.MANAGER,
    "sales manager": Role.MANAGER,
    "team lead": Role.MANAGER,
    "lead": Role.MANAGER,
    "director": Role.MANAGER,
    "rep": Role.REP,
    "ae": Role.REP,
    "account executive": Role.REP,
    "sdr": Role.REP,
    "bdr": Role.REP,
    "seller": Role.REP,
    "sales rep": Role.REP,
    "am": Role.REP,
    "account manager": Role.REP,
}

# No \s* around it: the key's spaces are normalised at the end anyway, and a leading \s*
# rescans a long run of spaces from every position in it (quadratic).
_PARENS = re.compile(r"[(\[][^)\]]*[)\]]")
_NON_WORD = re.compile(r"[^\w]+")


def name_key(name: str) -> str:
    """Give the matching key of a name: lower case, no accents, no punctuation, single spaces.

    ``"  Farías, María (she/her) "`` and ``"maria farias"`` give the same key.
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    # Only text up to the last closing bracket can hold a bracketed part. Searching just
    # that keeps this linear: an opening bracket with no closer after it would otherwise be
    # scanned to the end of the text once per such bracket ("((((...", quadratic).
    close = max(text.rfind(")"), text.rfind("]"))
    if close >= 0:
        text = _PARENS.sub(" ", text[: close + 1]) + text[close + 1 :]
    if "@" in text:
        text = text.split("@", 1)[0]
    if text.count(",") == 1:
        last, first = text.split(",")
        text = f"{first} {last}"
    return " ".join(_NON_WORD.sub(" ", text.casefold()).replace("_", " ").split())


def slug(name: str) -> str:
    """Give a stable id made from a name: ``"María Farías"`` -> ``"maria-farias"``."""
    return name_key(name).replace(" ", "-")


@dataclass
class Roster:
    """People by id, with an index from every name variant to a person."""

    people: dict[str, Person] = field(default_factory=dict)
    source: str | None = None
    _index: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.people and not self._index:
            for person in self.people.values():
                for key in _keys(person):
                    self._index.setdefault(key, person.person_id)

    def __len__(self) -> int:
        return len(self.people)

    def match(self, speaker: str) -> Person | None:
        """Give the person a speaker name refers to, or None when it matches no one."""
        if not speaker:
            return None
        pid = self._index.get(name_key(speaker))
        return self.people[pid] if pid is not None else None

    def to_frame(self) -> pd.DataFrame:
        """Give the roster as a ``people`` table (see :mod:`convolens.schema`)."""
        from .schema import conform, empty

        if not self.people:
            return empty("people")
        rows = [
            {
                "person_id": p.person_id,
                "name": p.name,
                "role": p.role.value,
                "manager_id": p.manager_id,
                "team": p.team,
                "email": p.email,
                "aliases": "|".join(p.aliases) or None,
            }
            for p in self.people.values()
        ]
        return conform(pd.DataFrame(rows), "people")

    @classmethod
    def from_people(cls, people: Iterable[Person], source: str | None = None) -> Roster:
        """Give a roster of the given people (ids must be unique)."""
        return cls(people={p.person_id: p for p in people}, source=source)

    @classmethod
    def from_csv(cls, path: str | Path) -> Roster:
        """Give the roster read from a CSV file.

        Raises :class:`~convolens.errors.RosterError` naming the file (and line)
        for a missing column, an empty name, an unknown role, a duplicate id, or
        a name or alias that two people share.
        """
        path = Path(path)
        reader = open_small_csv(path, RosterError, "roster")
        return cls.from_rows(csv_dict_rows(reader, path, RosterError), source=str(path))

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, source: str = "<roster frame>") -> Roster:
        """Give the roster held in a DataFrame with the roster CSV's columns."""
        records = frame.astype(object).where(frame.notna(), None).to_dict("records")
        return cls.from_rows(records, source=source)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, object]], source: str) -> Roster:
        """Give the roster built from dict rows (CSV line numbers assume a header line)."""
        people: dict[str, Person] = {}
        manager_names: dict[str, tuple[str, int]] = {}
        checked_header = False
        for line, raw in enumerate(rows, start=2):
            row = {
                str(k).strip().lower(): ("" if v is None else str(v).strip()) for k, v in raw.items() if k is not None
            }
            if not checked_header:
                missing = [c for c in REQUIRED if c not in row]
                if missing:
                    raise RosterError(
                        f"roster lacks column(s) {', '.join(missing)} (found: {', '.join(row) or 'none'})",
                        path=source,
                        line=1,
                    )
                checked_header = True
            if not any(row.values()):
                continue
            person = _person_from_row(row, source, line)
            if person.person_id in people:
                raise RosterError(f"duplicate person id {person.person_id!r}", path=source, line=line)
            people[person.person_id] = person
            if row["manager"]:
                manager_names[person.person_id] = (row["manager"], line)
        if not checked_header:
            raise RosterError("roster has no rows", path=source)
        roster = cls(people=people, source=source)
        _check_unique_keys(people.values(), source)
        # Managers are written by name (or id); resolve them now that everyone is known.
        for pid, (manager, _line) in manager_names.items():
            boss = roster.match(manager) or people.get(manager)
            manager_id = boss.person_id if boss else slug(manager)
            p = people[pid]
            people[pid] = Person(p.person_id, p.name, p.role, manager_id, p.team, p.email, p.aliases)
        return cls(people=people, source=source)


def _person_from_row(row: dict[str, str], source: str, line: int) -> Person:
    name = row["name"]
    if not name:
        raise RosterError("empty name", path=source, line=line)
    role_word = " ".join(row["role"].lower().replace("_", " ").split())
    if role_word not in _ROLE_WORDS:
        raise RosterError(f"unknown role {row['role']!r} for {name} (expected manager or rep)", path=source, line=line)
    person_id = row.get("id") or slug(name)
    if not person_id:
        raise RosterError(f"cannot make an id from name {name!r}; add an id column", path=source, line=line)
    aliases = tuple(a.strip() for a in row.get("aliases", "").split("|") if a.strip())
    return Person(
        person_id=person_id,
        name=name,
        role=_ROLE_WORDS[role_word],
        team=row["team"] or None,
        email=row.get("email") or None,
        aliases=aliases,
    )


def _keys(person: Person) -> list[str]:
    variants = [person.name, *person.aliases]
    if person.email:
        variants.append(person.email)
    return [k for k in (name_key(v) for v in variants) if k]


def _check_unique_keys(people: Iterable[Person], source: str) -> None:
    owner: dict[str, str] = {}
    for person in people:
        for key in set(_keys(person)):
            other = owner.setdefault(key, person.person_id)
            if other != person.person_id:
                raise RosterError(f"name or alias {key!r} belongs to both {other} and {person.person_id}", path=source)
