"""SubRip (``.srt``) subtitles used as transcripts, with the speaker written into the text.

Speakers come as ``Dana Lee: text``, ``DANA LEE: text``, ``[Dana Lee] text`` or
a dialogue dash ``- Dana: text`` (the rule is in :mod:`convolens.readers.vtt`);
a cue without one continues the previous speaker.

The parser is hand-written rather than built on the ``srt`` package: srt 3.5
silently folds a block whose timing line is broken (``00:00:xx,000 --> ...``)
into the previous cue's text, so a damaged file reads as if nothing were wrong;
its errors carry no line numbers; and it reads ``0:0:1,5`` as 1.005 s rather
than 1.5 s. The block scanner is the WebVTT one, which already tolerates
missing blank lines, blank lines inside cue text and ``-->`` inside text.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from ..model import CallMeta, Problem, Transcript
from .base import ReadOptions, Source, merge_cues, require_turns
from .vtt import RawCue, cue_pieces, parse_timing, scan_cues

#: Numbering warnings listed one by one before the rest are only counted.
_MAX_NUMBER_WARNINGS = 10


def _numbering_problems(source: Source, cues: list[RawCue]) -> list[Problem]:
    """Give warnings for cues whose number is missing, not a number, or out of sequence."""
    found: list[Problem] = []
    expected = 1
    for raw in cues:
        line = raw.timing_line - 1 if raw.cue_id is not None else raw.timing_line
        if raw.cue_id is None:
            message: str | None = "cue has no number"
            number = expected
        elif not raw.cue_id.isdigit():
            message, number = f"cue number {raw.cue_id[:40]!r} is not a number", expected
        else:
            number = int(raw.cue_id)
            message = None if number == expected else f"cue number {number} out of sequence (expected {expected})"
        if message is not None:
            found.append(Problem(path=source.name, message=message, line=line, level="warning"))
        expected = number + 1
    if len(found) > _MAX_NUMBER_WARNINGS:
        more = len(found) - _MAX_NUMBER_WARNINGS
        summary = Problem(
            path=source.name, message=f"{more} more cue numbering problems not listed", line=None, level="warning"
        )
        found = [*found[:_MAX_NUMBER_WARNINGS], summary]
    return found


class SrtReader:
    """Reads SubRip subtitle files whose cues carry speaker prefixes."""

    name: ClassVar[str] = "srt"
    suffixes: ClassVar[tuple[str, ...]] = (".srt",)

    def detect(self, source: Source) -> bool:
        """Give True when the head has a cue timing with comma milliseconds or a numbered cue."""
        head = source.head
        if "-->" not in head or head.lstrip("\ufeff \t\n").startswith("WEBVTT"):
            return False
        previous = ""
        for raw_line in source.head_lines:
            text = raw_line.strip()
            timed = "-->" in text and parse_timing(text) is not None
            if timed and ("," in text.split("-->", 1)[0] or previous.isdigit()):
                return True
            if text:
                previous = text
        return False

    def parse(self, source: Source, options: ReadOptions) -> Iterator[Transcript]:
        """Yield the one transcript an SRT file holds."""
        lines = source.text.split("\n")
        problems: list[Problem] = []
        cues = scan_cues(source, lines, 0, problems, vtt=False)
        if not cues:
            first = next((i + 1 for i, line in enumerate(lines) if line.strip()), 1)
            raise source.error("not SRT: no 'start --> end' cue timing lines found", line=first)
        problems.extend(_numbering_problems(source, cues))
        known: set[str] = set()
        pieces = [piece for raw in cues for piece in cue_pieces(raw, known)]
        turns = require_turns(merge_cues(pieces), source.name)
        yield Transcript(
            source_path=source.name,
            format=self.name,
            turns=turns,
            meta=CallMeta(),
            encoding=source.encoding,
            problems=tuple(sorted(problems, key=lambda p: (p.line is None, p.line or 0))),
        )
