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
from functools import cached_property
from pathlib import Path
from typing import ClassVar, NamedTuple, Protocol

from ..errors import EmptyInputError, InputFormatError, MissingInputError
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
        self.data = _read_bytes(path, self.name) if data is None else data
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
        """The encoding the text was decoded with (``utf-8``, ``utf-16-le-bom``, ``cp1252``, ``utf-8+cp1252``...)."""
        return self._decode()[1]

    @cached_property
    def head(self) -> str:
        """The first :data:`HEAD_CHARS` characters of the text."""
        return self.text[:HEAD_CHARS]

    @cached_property
    def head_lines(self) -> tuple[str, ...]:
        """The lines of :attr:`head`, split once for all the readers' ``detect``."""
        return tuple(self.head.split("\n"))

    @cached_property
    def clean_head_lines(self) -> tuple[str, ...]:
        """:attr:`head_lines` through :func:`clean_text`, made once for the plain-text readers' ``detect``."""
        return tuple(clean_text(line) for line in self.head_lines)

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


def _read_bytes(path: Path, name: str) -> bytes:
    """Give a file's bytes; raise a one-line ConvolensError when it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise MissingInputError("no such file", path=name) from None
    except (OSError, ValueError) as exc:
        # A folder, a permission problem, a NUL in the name: say so instead of a traceback.
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputFormatError(f"cannot read the file: {reason}", path=name) from None


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
    if not data or data.isspace():  # what strip() calls whitespace, without copying the file
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
        has_nul = 0 in sample
        nul_even = sample[0::2].count(0) if has_nul else 0
        nul_odd = sample[1::2].count(0) if has_nul else 0
        half = max(1, len(sample) // 2)
        if nul_odd > 0.3 * half and nul_even < 0.05 * half:
            text, encoding = _decode_or_fail(data, "utf-16-le", path)
        elif nul_even > 0.3 * half and nul_odd < 0.05 * half:
            text, encoding = _decode_or_fail(data, "utf-16-be", path)
        else:
            try:
                text, encoding = data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                text, encoding = _decode_legacy(data)
    # NUL carries nothing in a text file; dropped before the binary test, a transcript padded
    # with NULs (a crashed or preallocated write) is read rather than refused as binary.
    if "\x00" in text:
        text = text.replace("\x00", "")
    if _looks_binary(text):
        raise InputFormatError("file looks binary, not text (control bytes found)", path=path)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text or text.isspace():
        raise EmptyInputError("file holds only whitespace", path=path)
    return text, encoding


def _decode_legacy(data: bytes) -> tuple[str, str]:
    """Give ``(text, encoding)`` for bytes that are not UTF-8 as a whole: Windows-1252 or Latin-1.

    Decided line by line: a file pieced together from a UTF-8 export and lines typed on an
    older Windows tool has both, and decoding it all as Windows-1252 would garble every
    accented name in the UTF-8 part ("María" as "MarÃ­a"), so no roster would match it.
    Non-ASCII lines that are valid UTF-8 stay UTF-8; the encoding then reads ``utf-8+cp1252``.
    """
    lines = data.splitlines(keepends=True)
    as_utf8 = [None if line.isascii() else _utf8_or_none(line) for line in lines]
    legacy = [line for line, text in zip(lines, as_utf8, strict=True) if text is None and not line.isascii()]
    try:
        for line in legacy:
            line.decode("cp1252")
        codec = "cp1252"
    except UnicodeDecodeError:
        codec = "latin-1"  # defines every byte, so it cannot fail
    if all(text is None for text in as_utf8):
        return data.decode(codec), codec
    parts = (line.decode(codec) if text is None else text for line, text in zip(lines, as_utf8, strict=True))
    return "".join(parts), f"utf-8+{codec}"


def _utf8_or_none(line: bytes) -> str | None:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _decode_or_fail(data: bytes, name: str, path: str | Path) -> tuple[str, str]:
    try:
        return data.decode(name), name
    except UnicodeDecodeError as exc:
        raise InputFormatError(f"looks like {name} but does not decode: {exc.reason}", path=path) from None


#: Control characters that text files do not hold (line ends, tabs and form feeds they do).
_CONTROL_BYTES = bytes(c for c in range(32) if chr(c) not in "\n\r\t\f\v")


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return False
    # Counted on the UTF-8 bytes, where each control character is one byte and no other
    # character has a byte below 32: a C-speed translate instead of a loop over characters.
    raw = sample.encode("utf-8", "surrogatepass")
    bad = len(raw) - len(raw.translate(None, _CONTROL_BYTES))
    return bad > 0.05 * len(sample)


# --- text clean-up ------------------------------------------------------------

# Zero-width characters and bidi controls: embeddings and overrides (U+202A-E), and the
# isolates (U+2066-9) that chat and meeting tools wrap display names in.
_ZERO_WIDTH = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)
_SPACES = re.compile(r"\s+")
# ASCII whitespace that collapsing would change: anything but a lone space.
_ODD_SPACE = re.compile(r"[\t\n\x0b\x0c\r\x1c-\x1f]| {2}")


def clean_text(text: str) -> str:
    """Give ``text`` with HTML entities decoded, zero-width marks removed and spaces collapsed."""
    # Every whitespace character but the space is unprintable, and so is every zero-width mark:
    # "printable, without double spaces" says in one C-speed pass that a text needs no collapsing
    # and holds no zero-width marks (a regex scan was the slowest part of reading files).
    if text.isascii() and "&" not in text:
        # The common case, and the hot path on large files: nothing to decode or normalise, and
        # mostly no spacing to fix either (splitting a 50 MB text into words took 500 MB).
        if (text.isprintable() and "  " not in text) or _ODD_SPACE.search(text) is None:
            return text.strip()
        return " ".join(text.split())
    text = html.unescape(text)
    if not text.isprintable():
        text = text.translate(_ZERO_WIDTH)
    text = unicodedata.normalize("NFC", text)
    # \s is exactly the characters str.isspace() (and so strip()) treats as whitespace.
    return text.strip() if text.isprintable() and "  " not in text else _SPACES.sub(" ", text).strip()


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


class Cue(NamedTuple):
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
    for cue_speaker, cue_text, cue_start, cue_end, cue_line in cues:  # unpacked: faster than attributes
        speaker = cur_speaker if cue_speaker is None else cue_speaker.strip()
        if speaker is None:
            speaker = ""
        if speaker != cur_speaker:
            # The turn so far ends (written out here and after the loop, not in a closure: this is hot).
            if texts and cur_speaker is not None:
                turns.append(Turn(cur_speaker, " ".join(texts), start, end, line))
            texts, end, cur_speaker = [], None, speaker
        text = cue_text.strip()
        if not text:
            continue
        if not texts:
            start, line = cue_start, cue_line
        texts.append(text)
        if cue_end is not None:
            end = cue_end
    if texts and cur_speaker is not None:
        turns.append(Turn(cur_speaker, " ".join(texts), start, end, line))
    return tuple(turns)


#: The longest turn a reader gives, in characters: spaCy's ``max_length``, over which the
#: analysis would fail for the whole run rather than for this file. Nobody speaks a million
#: characters (some 18 hours) without a break: the file has lost its line breaks or speakers.
MAX_TURN_CHARS = 1_000_000


def check_turn_lengths(turns: Iterable[Turn], path: str | Path) -> None:
    """Raise ``InputFormatError`` (with the turn's line) when a turn is longer than :data:`MAX_TURN_CHARS`."""
    for turn in turns:
        if len(turn.text) > MAX_TURN_CHARS:
            raise InputFormatError(
                f"a turn of {len(turn.text):,} characters, more than the {MAX_TURN_CHARS:,} convolens reads "
                "(are the file's line breaks or speaker names missing?)",
                path=path,
                line=turn.line,
            )


def require_turns(turns: tuple[Turn, ...], path: str | Path) -> tuple[Turn, ...]:
    """Give ``turns`` unchanged; raise ``EmptyInputError`` when there are none, or a turn is too long."""
    if not turns:
        raise EmptyInputError("no speech found in the file", path=path)
    check_turn_lengths(turns, path)
    return turns
