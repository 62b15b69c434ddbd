"""What every transcript reader shares: the reader contract and small helpers.

A reader is a small class with a ``name``, the file ``suffixes`` it usually
has, ``detect(source)`` (a cheap check on the first few KB of decoded text,
or on raw bytes for binary formats) and ``parse(source, options)`` yielding
one :class:`~convolens.model.Transcript` per call in the file. Readers raise
:class:`~convolens.errors.InputFormatError` (with the path and line) for
anything they cannot read; they never print and never guess silently.
"""

from __future__ import annotations

import codecs
import html
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Protocol

from ..errors import EmptyInputError, InputFormatError
from ..model import Problem, Transcript, Turn

#: How much of a file ``detect`` gets to look at.
HEAD_CHARS = 8192


@dataclass(frozen=True)
class ReadOptions:
    """Options a user can pass to readers (mostly for tabular inputs).

    ``columns`` maps convolens names (``text``, ``speaker``, ``start_s``,
    ``end_s``, ``call_id``) to the column names a CSV/Parquet file uses.
    """

    columns: Mapping[str, str] = field(default_factory=dict)


class Source:
    """A file handed to readers: its path, its bytes, and its text decoded once.

    ``name`` is the path as the user should see it in messages and tables.
    ``text`` decodes on first use (see :func:`decode_bytes`) so binary
    readers never pay for it; ``head`` is the start of the text for ``detect``.
    """

    def __init__(self, path: Path, name: str | None = None, data: bytes | None = None):
        self.path = path
        self.name = name if name is not None else str(path)
        self.data = path.read_bytes() if data is None else data
        self._decoded: tuple[str, str] | None = None

    def _decode(self) -> tuple[str, str]:
        if self._decoded is None:
            self._decoded = decode_bytes(self.data, self.name)
        return self._decoded

    @property
    def text(self) -> str:
        """The whole file as text, line ends made ``\\n``."""
        return self._decode()[0]

    @property
    def encoding(self) -> str:
        """The encoding the text was decoded with (``utf-8``, ``utf-16-le-bom``, ``cp1252``...)."""
        return self._decode()[1]

    @property
    def head(self) -> str:
        """The first :data:`HEAD_CHARS` characters of the text."""
        return self.text[:HEAD_CHARS]

    def error(self, message: str, line: int | None = None) -> InputFormatError:
        """Give an ``InputFormatError`` about this file (to raise)."""
        return InputFormatError(message, path=self.name, line=line)

    def warning(self, message: str, line: int | None = None) -> Problem:
        """Give a warning-level Problem about this file: a part skipped, the rest read."""
        return Problem(path=self.name, message=message, line=line, level="warning")


class Reader(Protocol):
    """The contract each format module fulfils."""

    name: ClassVar[str]
    suffixes: ClassVar[tuple[str, ...]]

    def detect(self, source: Source) -> bool:
        """Say whether this reader recognises the file (look at ``source.head`` only)."""
        ...

    def parse(self, source: Source, options: ReadOptions) -> Iterator[Transcript]:
        """Yield one Transcript per call in the file; raise InputFormatError when it cannot."""
        ...


# --- decoding -----------------------------------------------------------------

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_bytes(data: bytes, path: str | Path) -> tuple[str, str]:
    """Give ``(text, encoding)`` for raw file bytes, with line ends made ``\\n``.

    Handles BOMs (UTF-8/16/32), UTF-16 without a BOM, and falls back to
    Windows-1252 (then Latin-1) for bytes that are not UTF-8, which is how
    older Windows tools save text. Raises ``EmptyInputError`` for an empty
    file and ``InputFormatError`` for one that is clearly binary.
    """
    if not data.strip():
        raise EmptyInputError("file is empty", path=path)
    text: str | None = None
    encoding = ""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(name)
            except UnicodeDecodeError as exc:
                raise InputFormatError(
                    f"starts with a {name} byte-order mark but is not valid {name}: {exc.reason}", path=path
                ) from None
            encoding = name + "-bom"
            break
    if text is None:
        sample = data[:4096]
        nul_even = sample[0::2].count(0)
        nul_odd = sample[1::2].count(0)
        half = max(1, len(sample) // 2)
        if nul_odd > 0.3 * half and nul_even < 0.05 * half:
            text, encoding = _decode_or_fail(data, "utf-16-le", path)
        elif nul_even > 0.3 * half and nul_odd < 0.05 * half:
            text, encoding = _decode_or_fail(data, "utf-16-be", path)
        else:
            try:
                text, encoding = data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                try:
                    text, encoding = data.decode("cp1252"), "cp1252"
                except UnicodeDecodeError:
                    text, encoding = data.decode("latin-1"), "latin-1"
    if _looks_binary(text):
        raise InputFormatError("file looks binary, not text (control bytes found)", path=path)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if not text.strip():
        raise EmptyInputError("file holds only whitespace", path=path)
    return text, encoding


def _decode_or_fail(data: bytes, name: str, path: str | Path) -> tuple[str, str]:
    try:
        return data.decode(name), name
    except UnicodeDecodeError as exc:
        raise InputFormatError(f"looks like {name} but does not decode: {exc.reason}", path=path) from None


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return False
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f\v")
    return bad > 0.05 * len(sample)


# --- text clean-up ------------------------------------------------------------

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a\u202b\u202c\u202d\u202e"))
_SPACES = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Give ``text`` with HTML entities decoded, zero-width marks removed and spaces collapsed."""
    if text.isascii() and "&" not in text:
        # The common case, and the hot path on large files: nothing to decode or normalise.
        return " ".join(text.split())
    text = html.unescape(text).translate(_ZERO_WIDTH)
    text = unicodedata.normalize("NFC", text)
    return _SPACES.sub(" ", text).strip()


# --- times --------------------------------------------------------------------

_CLOCK = re.compile(r"^\s*(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2}(?:[.,]\d{1,9})?)\s*$")


def parse_clock(value: str) -> float:
    """Give seconds for a clock string: ``H:MM:SS.mmm``, ``MM:SS``, ``0:0:5.32``, ``00:01:02,500``.

    Raises ``ValueError`` when the string is not a clock time.
    """
    m = _CLOCK.match(value)
    if not m:
        raise ValueError(f"not a timestamp: {value!r}")
    hours = int(m.group(1) or 0)
    minutes = int(m.group(2))
    seconds = float(m.group(3).replace(",", "."))
    if minutes >= 60 and m.group(1) is not None or seconds >= 60:
        raise ValueError(f"timestamp out of range: {value!r}")
    return hours * 3600 + minutes * 60 + seconds


# --- turns --------------------------------------------------------------------


@dataclass(frozen=True)
class Cue:
    """A piece of speech as a file stores it, before same-speaker cues are merged.

    ``speaker=None`` means the file does not say who spoke, so the previous
    speaker goes on (Zoom cues without a ``Name:`` prefix).
    """

    speaker: str | None
    text: str
    start_s: float | None = None
    end_s: float | None = None
    line: int | None = None


def merge_cues(cues: Iterable[Cue]) -> tuple[Turn, ...]:
    """Give speaker turns: consecutive cues of one speaker joined, empty cues dropped.

    A cue with no speaker continues the previous speaker's turn; before any
    named speaker it belongs to speaker ``""`` (nobody named). A cue with a
    speaker but no text still switches the current speaker (``Sam Ortiz:``
    alone on a line, an empty ``<v>`` span), so the text after it is Sam's.
    A turn's ``end_s`` is the last end time its cues give, or None when none
    gives one (unknown, which is not the same as zero length).
    """
    turns: list[Turn] = []
    cur_speaker: str | None = None
    texts: list[str] = []
    start: float | None = None
    end: float | None = None
    line: int | None = None

    def flush() -> None:
        if texts and cur_speaker is not None:
            turns.append(Turn(speaker=cur_speaker, text=" ".join(texts), start_s=start, end_s=end, line=line))

    for cue in cues:
        speaker = cur_speaker if cue.speaker is None else cue.speaker.strip()
        if speaker is None:
            speaker = ""
        if speaker != cur_speaker:
            flush()
            texts, end, cur_speaker = [], None, speaker
        text = cue.text.strip()
        if not text:
            continue
        if not texts:
            start, line = cue.start_s, cue.line
        texts.append(text)
        if cue.end_s is not None:
            end = cue.end_s
    flush()
    return tuple(turns)


def require_turns(turns: tuple[Turn, ...], path: str | Path) -> tuple[Turn, ...]:
    """Give ``turns`` unchanged, or raise ``EmptyInputError`` when there are none."""
    if not turns:
        raise EmptyInputError("no speech found in the file", path=path)
    return turns
