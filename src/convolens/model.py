"""Frozen domain types shared by every stage of convolens.

Readers produce :class:`Transcript` objects made of :class:`Turn` records;
the pipeline resolves speakers to :class:`Person` objects and classifies each
turn; batches travel as pandas tables whose columns are fixed in
:mod:`convolens.schema`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum


class CallKind(str, Enum):
    """What sort of conversation a call is."""

    ONE_ON_ONE = "one_on_one"
    CUSTOMER_CALL = "customer_call"

    @classmethod
    def parse(cls, value: str) -> CallKind:
        """Give the kind named by ``value``, tolerant of case, spaces and dashes.

        Raises ``ValueError`` for anything that names neither kind.
        """
        key = value.strip().lower().replace("-", "_").replace(" ", "_")
        aliases = {
            "one_on_one": cls.ONE_ON_ONE,
            "1on1": cls.ONE_ON_ONE,
            "1_on_1": cls.ONE_ON_ONE,
            "1:1": cls.ONE_ON_ONE,
            "oneonone": cls.ONE_ON_ONE,
            "customer_call": cls.CUSTOMER_CALL,
            "customer": cls.CUSTOMER_CALL,
            "customercall": cls.CUSTOMER_CALL,
            "sales_call": cls.CUSTOMER_CALL,
        }
        if key not in aliases:
            raise ValueError(f"unknown call kind {value!r} (expected one_on_one or customer_call)")
        return aliases[key]


class Role(str, Enum):
    """The part a speaker plays in the organisation, as far as convolens knows."""

    MANAGER = "manager"
    REP = "rep"
    CUSTOMER = "customer"
    UNKNOWN = "unknown"


class Focus(str, Enum):
    """The focus label of LABELING.md: whose outcome the speaker attends to."""

    REVENUE = "revenue"
    CUSTOMER_IMPACT = "customer_impact"
    OTHER = "other"


#: The fixed class order used for probability columns and model outputs.
FOCUS_ORDER: tuple[Focus, ...] = (Focus.REVENUE, Focus.CUSTOMER_IMPACT, Focus.OTHER)


@dataclass(frozen=True)
class Turn:
    """One speaker turn as a transcript file has it (consecutive cues merged).

    ``speaker`` is the name or diarisation label exactly as written ("" when the
    file names nobody); ``line`` is the 1-based line (or record number for
    binary and JSON formats) where the turn starts, for error messages.
    """

    speaker: str
    text: str
    start_s: float | None = None
    end_s: float | None = None
    line: int | None = None


@dataclass(frozen=True)
class Problem:
    """Something in an input that could not be used, with where it was."""

    path: str
    message: str
    line: int | None = None
    level: str = "error"  # "error": the file was not scored; "warning": part skipped

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class CallMeta:
    """Call metadata a transcript file itself carries (all optional)."""

    call_id: str | None = None
    title: str | None = None
    date: dt.date | None = None
    kind: CallKind | None = None
    #: diarisation label -> display name, when the file says (Gong ``parties``).
    speaker_names: Mapping[str, str] = field(default_factory=dict)
    #: diarisation labels the file marks as outside the seller's company.
    external_speakers: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Transcript:
    """One call's turns as read from a file, before any analysis."""

    source_path: str
    format: str
    turns: tuple[Turn, ...]
    meta: CallMeta = field(default_factory=CallMeta)
    encoding: str | None = None
    #: parts of the file that were skipped, each as a warning-level Problem.
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Person:
    """Someone on the roster."""

    person_id: str
    name: str
    role: Role
    manager_id: str | None = None
    team: str | None = None
    email: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Call:
    """A call's metadata once the manifest, the file and its name are combined."""

    call_id: str
    kind: CallKind | None
    date: dt.date | None
    title: str | None
    source_path: str
    format: str
