"""Plain-text transcripts: Google Meet exports, Otter/Rev speaker blocks, and generic ``Name: text`` files.

All three decide what is a speaker with the rule documented in
:mod:`convolens.readers.vtt` (so ``Note: ...`` or ``at 3:30`` never becomes a
speaker). Lines before the first speech (a title, a date, a ``Transcript``
heading) go to ``meta.title`` and ``meta.date``; any other such line is skipped
with a warning. Times come from the file; a timed piece of speech ends where
the next later time starts, and the last one has no end.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import ClassVar, NamedTuple

from ..model import CallMeta, Problem, Transcript
from .base import Cue, ReadOptions, Source, clean_text, merge_cues, parse_clock, require_turns
from .vtt import is_speaker_name, split_speaker

_CLOCK = r"\d{1,2}(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?"
_BARE_CLOCK = re.compile(rf"^[\[(]?({_CLOCK})[\])]?$")
#: The longest line _BARE_CLOCK can match ("[00:00:00.000]"): longer lines skip the regex.
_BARE_CLOCK_MAX = 14
_LEAD_STAMP = re.compile(rf"^([\[(])?({_CLOCK})[\])]?[ \t]*(?:[-\u2013|][ \t]*)?")
# "Name (00:01:02): text" and Rev's "Speaker 1 (00:01):"; the name part holds no brackets or colons.
_NAME_STAMP = re.compile(rf"^([^\[\]():]{{1,60}})[\[(]({_CLOCK})[\])][ \t]*(:?)[ \t]*(.*)$")
_STAMP_STARTS = frozenset("0123456789[(")
_OTTER_CLOCK = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?$")
_OTTER_FOOTER = re.compile(r"^transcribed by[ \t]+(?:https?://)?(?:www\.)?otter\.ai\b", re.IGNORECASE)

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAY = r"(?:[A-Za-z]{3,9}\.?,?[ \t]+)?"
_DATE_MDY = re.compile(rf"^{_WEEKDAY}([A-Za-z]{{3,9}})\.?[ \t]+(\d{{1,2}})(?:st|nd|rd|th)?,?[ \t]+(\d{{4}})\b")
_DATE_DMY = re.compile(rf"^{_WEEKDAY}(\d{{1,2}})(?:st|nd|rd|th)?[ \t]+([A-Za-z]{{3,9}})\.?,?[ \t]+(\d{{4}})\b")
_DATE_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b")
_DATE_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})\b")
_ISO_INSIDE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_TITLE_TAIL = re.compile(r"[ \t]*[-\u2013\u2014|:][ \t]*(?:meeting )?transcript$", re.IGNORECASE)
_HEADINGS = frozenset({"transcript", "meeting transcript", "transcription", "call transcript"})


def parse_date(text: str) -> dt.date | None:
    """Give the date a short line starts with (``Mar 14, 2026``, ``2026-03-14``, ``14 March 2026``...), or None."""
    if len(text) > 60 or ": " in text:
        return None
    parts: tuple[str, str, str] | None = None
    if m := _DATE_ISO.match(text):
        parts = (m.group(1), m.group(2), m.group(3))
    elif m := _DATE_US.match(text):
        parts = (m.group(3), m.group(1), m.group(2))
    elif (m := _DATE_MDY.match(text)) and m.group(1).lower() in _MONTHS:
        parts = (m.group(3), str(_MONTHS[m.group(1).lower()]), m.group(2))
    elif (m := _DATE_DMY.match(text)) and m.group(2).lower() in _MONTHS:
        parts = (m.group(3), str(_MONTHS[m.group(2).lower()]), m.group(1))
    if parts is None:
        return None
    try:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


def _clock(value: str) -> float | None:
    try:
        return parse_clock(value)
    except ValueError:
        return None


def _first_line(source: Source) -> int:
    return next((i for i, line in enumerate(source.text.split("\n"), 1) if line.strip()), 1)


class _Line(NamedTuple):
    speaker: str | None
    text: str
    stamp: float | None
    bare: bool  # the line is only a clock time


def _read_line(text: str, known: set[str]) -> _Line:
    """Give what one cleaned line of a ``Name: text`` transcript holds."""
    # Cheap first-character tests keep the time regexes off the common "Name: text" line.
    timed = text[0] in _STAMP_STARTS
    m = _BARE_CLOCK.match(text) if timed and len(text) <= _BARE_CLOCK_MAX else None
    if m and (stamp := _clock(m.group(1))) is not None:
        return _Line(None, "", stamp, True)
    m = _LEAD_STAMP.match(text) if timed else None
    if m and (stamp := _clock(m.group(2))) is not None:
        rest = text[m.end() :]
        speaker, body = split_speaker(rest, known)
        if speaker is not None:
            return _Line(speaker, body, stamp, False)
        if m.group(1):
            # A bracketed time is a time, not words, even without a speaker after it.
            return _Line(None, rest, stamp, False)
    m = _NAME_STAMP.match(text) if "(" in text[:64] or "[" in text[:64] else None
    if m and m.group(3) and (stamp := _clock(m.group(2))) is not None:
        name = m.group(1).strip()
        if is_speaker_name(name, known):
            known.add(name.casefold())
            return _Line(name, m.group(4).strip(), stamp, False)
    speaker, body = split_speaker(text, known)
    return _Line(speaker, body, None, False)


def _fill_ends(cues: list[Cue]) -> list[Cue]:
    """Give ``cues`` with each timed cue ending where the next later time starts."""
    out = list(cues)
    next_start: float | None = None
    next_end: float | None = None
    for i in range(len(out) - 1, -1, -1):
        cue = out[i]
        if cue.start_s is None:
            continue
        if next_start is None or next_start < cue.start_s:
            end = None
        else:
            # Cues under one time line share it, so they all end where the next time line starts.
            end = next_start if next_start > cue.start_s else next_end
        # Made directly: dataclasses.replace took most of this function's time.
        out[i] = Cue(cue.speaker, cue.text, cue.start_s, end, cue.line)
        next_start, next_end = cue.start_s, end
    return out


def _preamble(source: Source, lines: list[tuple[int, str]], problems: list[Problem]) -> CallMeta:
    """Give the title and date that the lines before the first speech carry; warn about the rest."""
    title: str | None = None
    date: dt.date | None = None
    for number, text in lines:
        if text.casefold().rstrip(":") in _HEADINGS:
            continue
        found = parse_date(text)
        if found is not None and date is None:
            date = found
        elif title is None:
            title = _TITLE_TAIL.sub("", text) or text
            inside = _ISO_INSIDE.search(text)
            if date is None and inside:
                date = parse_date(inside.group(0))
        else:
            problems.append(source.warning(f"line before the first speaker skipped: {text[:60]!r}", number))
    return CallMeta(title=title, date=date)


def _walk(source: Source, problems: list[Problem]) -> tuple[list[Cue], CallMeta, int]:
    """Give the cues, metadata and count of speaker lines of a ``Name: text`` or Meet transcript."""
    known: set[str] = set()
    cues: list[Cue] = []
    preamble: list[tuple[int, str]] = []
    started = False
    segment: float | None = None
    speaker_lines = 0
    for number, raw in enumerate(source.text.split("\n"), 1):
        text = clean_text(raw)
        if not text:
            continue
        line = _read_line(text, known)
        if line.bare:
            segment, started = line.stamp, True
        elif line.speaker is not None:
            speaker_lines += 1
            started = True
            start = line.stamp if line.stamp is not None else segment
            cues.append(Cue(line.speaker, line.text, start, None, number))
        elif started or line.stamp is not None:
            started = True
            cues.append(Cue(None, line.text, line.stamp, None, number))
        else:
            preamble.append((number, text))
    return _fill_ends(cues), _preamble(source, preamble, problems), speaker_lines


def _transcript(reader: str, source: Source, cues: list[Cue], meta: CallMeta, problems: list[Problem]) -> Transcript:
    turns = require_turns(merge_cues(cues), source.name)
    return Transcript(
        source_path=source.name,
        format=reader,
        turns=turns,
        meta=meta,
        encoding=source.encoding,
        problems=tuple(problems),
    )


class TextReader:
    """Reads generic ``Name: text`` transcripts, with optional ``[00:01:02]`` or ``Name (00:01:02):`` times."""

    name: ClassVar[str] = "text"
    suffixes: ClassVar[tuple[str, ...]] = (".txt", ".text", ".md")

    def detect(self, source: Source) -> bool:
        """Give True when at least two lines of the head start with a speaker prefix."""
        known: set[str] = set()
        found = 0
        for text in source.clean_head_lines:
            if text and _read_line(text, known).speaker is not None:
                found += 1
                if found >= 2:
                    return True
        return False

    def parse(self, source: Source, options: ReadOptions) -> Iterator[Transcript]:
        """Yield the one transcript a ``Name: text`` file holds."""
        problems: list[Problem] = []
        cues, meta, speaker_lines = _walk(source, problems)
        if speaker_lines == 0:
            raise source.error('no "Name: text" lines found', line=_first_line(source))
        yield _transcript(self.name, source, cues, meta, problems)


class MeetReader:
    """Reads Google Meet text exports: a title and date, then time lines each followed by ``Name: text`` lines."""

    name: ClassVar[str] = "meet"
    suffixes: ClassVar[tuple[str, ...]] = (".txt",)

    def detect(self, source: Source) -> bool:
        """Give True when at least two bare time lines in the head are followed by a ``Name: text`` line."""
        known: set[str] = set()
        pairs = 0
        after_clock = False
        for text in source.clean_head_lines:
            if not text:
                continue
            if len(text) <= _BARE_CLOCK_MAX and _BARE_CLOCK.match(text):
                after_clock = True
                continue
            if after_clock and split_speaker(text, known)[0] is not None:
                pairs += 1
                if pairs >= 2:
                    return True
            after_clock = False
        return False

    def parse(self, source: Source, options: ReadOptions) -> Iterator[Transcript]:
        """Yield the one transcript a Google Meet export holds."""
        problems: list[Problem] = []
        cues, meta, speaker_lines = _walk(source, problems)
        if speaker_lines == 0:
            raise source.error('not a Google Meet transcript: no "Name: text" lines found', line=_first_line(source))
        yield _transcript(self.name, source, cues, meta, problems)


def _block_header(text: str, known: set[str]) -> tuple[str, float, str] | None:
    """Give ``(speaker, start_s, text on the same line)`` for an Otter or Rev block header, else None."""
    m = _NAME_STAMP.match(text)
    if m:
        name = m.group(1).strip()
        stamp = _clock(m.group(2))
        if stamp is None or not is_speaker_name(name, known):
            return None
        known.add(name.casefold())
        return name, stamp, m.group(4).strip()
    if not text[-1:].isdigit():
        return None  # most lines: the Otter clock below ends in a digit
    name, _, last = text.rpartition(" ")
    if not name or not _OTTER_CLOCK.match(last):
        return None
    stamp = _clock(last)
    name = name.strip()
    if stamp is None or not is_speaker_name(name, known):
        return None
    known.add(name.casefold())
    return name, stamp, ""


class OtterReader:
    """Reads Otter.ai and Rev exports: ``Name  0:01`` or ``Name (00:00:01):`` headers over blocks of text."""

    name: ClassVar[str] = "otter"
    suffixes: ClassVar[tuple[str, ...]] = (".txt",)

    def detect(self, source: Source) -> bool:
        """Give True when the head has two block headers standing alone on their line, each followed by text."""
        known: set[str] = set()
        lines = [text for text in source.clean_head_lines if text]
        headers = 0
        for i, text in enumerate(lines[:-1]):
            header = _block_header(text, known)
            if header is not None and not header[2] and _block_header(lines[i + 1], known) is None:
                headers += 1
                if headers >= 2:
                    return True
        return False

    def parse(self, source: Source, options: ReadOptions) -> Iterator[Transcript]:
        """Yield the one transcript an Otter or Rev export holds."""
        known: set[str] = set()
        problems: list[Problem] = []
        cues: list[Cue] = []
        preamble: list[tuple[int, str]] = []
        block: tuple[str, float, int] | None = None
        parts: list[str] = []
        for number, raw in enumerate(source.text.split("\n"), 1):
            text = clean_text(raw)
            if not text or _OTTER_FOOTER.match(text):
                continue  # the Otter footer is export boilerplate, not speech
            header = _block_header(text, known)
            if header is not None:
                if block is not None:
                    cues.append(Cue(block[0], " ".join(parts), block[1], None, block[2]))
                block, parts = (header[0], header[1], number), [header[2]] if header[2] else []
            elif block is None:
                preamble.append((number, text))
            else:
                parts.append(text)
        if block is None:
            raise source.error('no "Name  0:00" or "Name (00:00:00):" block headers found', line=_first_line(source))
        cues.append(Cue(block[0], " ".join(parts), block[1], None, block[2]))
        meta = _preamble(source, preamble, problems)
        yield _transcript(self.name, source, _fill_ends(cues), meta, problems)
