"""WebVTT transcripts (Zoom, Teams, Meet recordings), and the speaker-prefix rule all text readers share.

The parser is hand-written rather than built on ``webvtt-py``: that library
returns a cue whose text contains ``-->`` as an empty cue without any error,
and it flattens several ``<v>`` voice spans in one cue into one text with only
the first voice, so speech would be lost or given to the wrong person. It also
gives no line numbers for errors.

Speaker-prefix rule (:func:`split_speaker`), used for Zoom-style ``Name: text``
cues, SRT and plain-text transcripts. A line starts with a speaker when it
begins (after an optional dialogue dash ``-`` or ``>>``) with ``Name:`` followed
by a space or the end of the line, or with ``[Name]``, and the name

* is a diarisation label (``SPEAKER_00``, ``spk_0``, ``Speaker 1``, ``Guest 2``), or
* equals (ignoring case) a speaker already accepted earlier in the same file, or
* is 1-5 words, at most 60 characters, with no digits, made only of letters and
  ``' ’ . -`` (plus an optional trailing ``(...)`` note such as ``(Acme)``),
  every word capitalised, all-caps or a name particle (``de``, ``van``, ``al``...),
  at least one word capitalised, and neither the whole name nor its first word
  is a common non-speaker word (``Note``, ``Re``, ``Update``, ``PS``,
  ``Question``, ``Answer``, ``Agenda``, ``Action items``, ``So``, ``Hey``...)
  nor a sound label (``[Laughter]``, ``[Music]``).

So ``Note: the PO is late``, ``Re: pricing``, ``at 3:30`` (digit, and no space
after the colon) and ``so the plan: ship`` stay text of the previous speaker.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import ClassVar

from ..model import CallMeta, Problem, Transcript
from .base import Cue, ReadOptions, Source, clean_text, merge_cues, parse_clock, require_turns

# --- the speaker-prefix rule ------------------------------------------------------

_LABEL = re.compile(
    r"^(?:speaker|spk|spkr|guest|participant|unknown speaker|caller|agent|customer|person|voice|channel|ch)"
    r"[ _-]?\d{1,3}$",
    re.IGNORECASE,
)
# Separators are disjoint from the letter class, so this cannot backtrack badly.
_WORD = re.compile(r"^[^\W\d_]+(?:['\u2019.\-][^\W\d_]*)*$")
_NOTE = re.compile(r"[ \t]*\([^()\d]{1,40}\)$")
_LEAD = re.compile(r"^(?:[-\u2013\u2014]|>>)[ \t]*")
_LEAD_CHARS = frozenset("-\u2013\u2014>")


def _words(text: str) -> list[str]:
    # Word lists read better as prose than as long list literals.
    return text.split()


_PARTICLES = frozenset(
    _words("de da das do dos du del della der den di la le van von ter ten bin binti al el y e st van't")
)
_NOT_SPEAKERS = frozenset(
    {
        *_words("note notes nb n.b re fw fwd cc bcc to from subject sent date time when where location title"),
        *_words("ps p.s pps update updates edit question questions answer answers q a agenda summary recap"),
        *_words("minutes transcript action actions todo to-do follow-up followup reminder fyi btw tl;dr tldr eta"),
        *_words("important warning caution tip hint example e.g i.e quote source step result results status"),
        *_words("goal goals context background outcome decision decisions owner risk risks issue issues problem"),
        *_words("feedback pricing price cost budget timeline deadline total attendees participants link url"),
        *_words("email phone address point takeaway takeaways disclaimer caveat correction clarification"),
        *_words("objective purpose topic topics option options pros cons idea plan rule translation spoiler"),
        *_words("laughter laughs laughing music applause inaudible crosstalk silence noise indistinct"),
        *_words("unintelligible pause cough coughs sigh sighs chuckle chuckles overlapping static beep"),
        *_words("ringing foreign blank_audio p.s. n.b. e.g. i.e. q. a."),
        "action item",
        "action items",
        "next step",
        "next steps",
        "to do",
        "follow up",
        "bottom line",
        "key point",
        "background noise",
        "phone ringing",
        "no audio",
        "foreign language",
        "speaking foreign language",
    }
)
# A first word that opens a sentence, so the prefix is a clause, not a name ("Hey Sam: ...").
_OPENERS = frozenset(
    _words(
        """hey hi hello so well ok okay yes no and but or thanks thank also like um uh oh look listen wait right
    sure great cool good my our the this that these those their your his her its we i you they he she it an in on
    at for of by with as if when what why how who which one two here there then now just maybe quick big main
    key next last first final new other another every all some any each both more most best few many much only
    please remember basically honestly anyway however plus"""
    )
)


def is_speaker_name(name: str, known: set[str]) -> bool:
    """Give whether ``name`` (the text before a ``:``) names a speaker under the module's rule."""
    if not name or len(name) > 60:
        return False
    folded = name.casefold()
    if folded in known:
        return True
    core = (_NOTE.sub("", name) or name) if name.endswith(")") else name
    if _LABEL.match(core):
        return True
    if folded in _NOT_SPEAKERS or folded.rstrip(".") in _NOT_SPEAKERS:
        return False
    words = core.split()
    if not 1 <= len(words) <= 5 or words[0].casefold().rstrip(".,") in _OPENERS:
        return False
    capitalised = False
    for word in words:
        if not _WORD.match(word):
            return False
        if word[0].isupper():
            capitalised = True
        elif word.casefold() not in _PARTICLES and not any(ch.isupper() for ch in word):
            return False
    return capitalised


def split_speaker(line: str, known: set[str]) -> tuple[str | None, str]:
    """Give ``(speaker, rest)`` when ``line`` starts with a speaker prefix, else ``(None, line)``.

    ``known`` holds the case-folded names accepted so far in this file; an
    accepted name is added to it.
    """
    body = _LEAD.sub("", line, count=1) if line[:1] in _LEAD_CHARS else line
    if body.startswith("["):
        close = body.find("]", 1, 64)
        if close > 1:
            name = body[1:close].strip()
            rest = body[close + 1 :].lstrip()
            if is_speaker_name(name, known):
                known.add(name.casefold())
                return name, rest[1:].strip() if rest.startswith(":") else rest
            # "[Laughter] Dana: ..." still names Dana; the sound note stays in her text.
            speaker, after = _split_colon(rest, known)
            if speaker is not None:
                return speaker, f"{body[: close + 1]} {after}".strip()
        return None, line
    speaker, after = _split_colon(body, known)
    return (speaker, after) if speaker is not None else (None, line)


def _split_colon(body: str, known: set[str]) -> tuple[str | None, str]:
    colon = body.find(":", 0, 80)
    if colon <= 0 or (colon + 1 < len(body) and not body[colon + 1].isspace()):
        return None, body
    name = body[:colon].strip()
    if not is_speaker_name(name, known):
        return None, body
    known.add(name.casefold())
    return name, body[colon + 1 :].strip()


# --- cue blocks -------------------------------------------------------------------

_TIMING = re.compile(r"^([0-9:.,]+)[ \t]*-->[ \t]*([0-9:.,]+)(?:[ \t].*)?$")
# The timing line nearly every file writes (00:01:02.500 --> 00:01:05.000, maybe settings after),
# minutes and seconds under 60: parse_clock's range check is then already done.
_COMMON_TIMING = re.compile(
    r"(\d\d):([0-5]\d):([0-5]\d[.,]\d\d\d) --> (\d\d):([0-5]\d):([0-5]\d[.,]\d\d\d)(?:[ \t][^\n]*)?\Z", re.ASCII
)
_TAG = re.compile(r"</?[A-Za-z][^<>\n]*>|<\d[\d:.]*>|\{\\[^{}\n]*\}")
# A voice tag ends at the next "<" as well as at ">": otherwise every unclosed "<v" rescans
# the rest of the cue ("<v.<v.<v..." took minutes for 30 KB).
_VOICE_SPLIT = re.compile(r"(<v(?:\.[^\s<>]*)?(?:[ \t][^<>]*)?>|</v[ \t]*>)")
_VOICE_NAME = re.compile(r"^<v(?:\.[^\s>]*)?[ \t]*([^>]*)>$")
# A cue that is one whole voice span, as Teams writes nearly every cue: "<v Name>text</v>".
_ONE_VOICE = re.compile(r"<v[ \t]+([^<>]*)>([^<>]*)</v>\Z")
_VTT_BLOCKS = ("NOTE", "STYLE", "REGION")


@dataclass(slots=True)
class RawCue:
    """A cue block as found: its timing, optional id, and raw text lines with their line numbers."""

    start_s: float
    end_s: float | None
    timing_line: int
    cue_id: str | None = None
    lines: list[tuple[int, str]] = field(default_factory=list)


def parse_timing(text: str) -> tuple[float, float] | None:
    """Give ``(start_s, end_s)`` for a cue timing line, or None when it is not one."""
    if "-->" not in text:
        return None  # most lines: cue text
    m = _COMMON_TIMING.match(text)
    if m is not None:
        # What _TIMING and parse_clock would give for this shape, in one match instead of three.
        h1, m1, s1, h2, m2, s2 = m.groups()
        start = int(h1) * 3600 + int(m1) * 60 + float(s1.replace(",", "."))
        return start, int(h2) * 3600 + int(m2) * 60 + float(s2.replace(",", "."))
    return timing_by_rule(text)


def timing_by_rule(text: str) -> tuple[float, float] | None:
    """Give what :func:`parse_timing` gives, by its general rule alone: the loose pattern, then each clock parsed."""
    m = _TIMING.match(text)
    if m is None:
        return None
    try:
        return parse_clock(m.group(1)), parse_clock(m.group(2))
    except ValueError:
        return None


def scan_cues(source: Source, lines: list[str], first: int, problems: list[Problem], *, vtt: bool) -> list[RawCue]:
    """Give the cue blocks of ``lines`` from index ``first``; raise for a broken timing line.

    Tolerates missing blank lines between cues and blank lines inside cue text
    (a stray text line after a cue is kept as more of that cue's text).
    """
    cues: list[RawCue] = []
    cur: RawCue | None = None
    n = len(lines)
    i = first
    while i < n:
        text = lines[i].strip()
        if cur is not None:
            if not text:
                cur = None
                i += 1
                continue
            # Cheap tests first: this runs for every line of cue text.
            starts_cue = ("-->" in text and parse_timing(text) is not None) or (
                text.isdigit() and i + 1 < n and parse_timing(lines[i + 1].strip()) is not None
            )
            if not starts_cue:
                cur.lines.append((i + 1, lines[i]))
                i += 1
                continue
        if not text:
            i += 1
            continue
        if vtt and text.startswith(_VTT_BLOCKS) and (text in _VTT_BLOCKS or text.startswith(("NOTE ", "NOTE\t"))):
            # NOTE, STYLE and REGION blocks are comments and layout, not speech.
            while i < n and lines[i].strip():
                i += 1
            continue
        cue_id: str | None = None
        # Only a line that starts like a time is an attempt at a timing line; "a --> b" is text.
        timing = "-->" in text and text[:1].isdigit()
        if not timing and i + 1 < n:
            nxt = lines[i + 1].strip()
            if "-->" in nxt and nxt[:1].isdigit():
                cue_id, text, timing = text, nxt, True
                i += 1
        if timing:
            times = parse_timing(text)
            if times is None:
                raise source.error(f"bad cue timing line {text[:60]!r}", line=i + 1)
            start_s, end_s = times
            if end_s < start_s:
                problems.append(source.warning("cue ends before it starts; end time ignored", i + 1))
            cur = RawCue(start_s, end_s if end_s >= start_s else None, i + 1, cue_id)
            cues.append(cur)
        elif cues:
            cur = cues[-1]
            cur.lines.append((i + 1, lines[i]))
        else:
            problems.append(source.warning(f"text before the first cue skipped: {text[:60]!r}", i + 1))
        i += 1
    return cues


def strip_tags(text: str) -> str:
    """Give ``text`` without WebVTT/SRT markup (``<c>``, ``<i>``, ``<font>``, ``{\\an8}``, inline times)."""
    return _TAG.sub("", text) if "<" in text or "{" in text else text


def cue_pieces(raw: RawCue, known: set[str]) -> list[Cue]:
    """Give the cues one block holds: one per ``<v>`` span, else one per speaker-prefixed line."""
    if len(raw.lines) == 1:
        # One line, as nearly every cue has: the pieces the general code below gives, made directly.
        number, raw_text = raw.lines[0]
        if "<v" not in raw_text:
            return _line_pieces(raw, number, raw_text, known)
        m = _ONE_VOICE.match(raw_text)
        if m is not None:
            return _span_pieces(raw, number, m, known)
    for _, t in raw.lines:
        if "<v" in t and _VOICE_SPLIT.search(t):
            return _voice_pieces(raw, known)
    pieces: list[Cue] = []
    speaker: str | None = None
    parts: list[str] = []
    line: int | None = None
    for number, raw_text in raw.lines:
        text = clean_text(strip_tags(raw_text))
        if not text:
            continue
        name, rest = split_speaker(text, known)
        if name is not None:
            if parts or speaker is not None:
                pieces.append(Cue(speaker, " ".join(parts), raw.start_s, raw.end_s, line))
            speaker, parts, line = name, [rest] if rest else [], number
        else:
            line = number if line is None else line
            parts.append(text)
    if parts or speaker is not None:
        pieces.append(Cue(speaker, " ".join(parts), raw.start_s, raw.end_s, line))
    return pieces


def _line_pieces(raw: RawCue, number: int, raw_text: str, known: set[str]) -> list[Cue]:
    """Give the pieces of a one-line cue without voice tags, as the loop of :func:`cue_pieces` would."""
    text = clean_text(strip_tags(raw_text))
    if not text:
        return []
    name, rest = split_speaker(text, known)
    return [Cue(name, rest if name is not None else text, raw.start_s, raw.end_s, number)]


def _span_pieces(raw: RawCue, number: int, span: re.Match[str], known: set[str]) -> list[Cue]:
    """Give the pieces of a cue that is one ``<v Name>text</v>`` line, as :func:`_voice_pieces` would."""
    speaker = clean_text(span.group(1)) or None
    if speaker is not None:
        known.add(speaker.casefold())
    text = clean_text(strip_tags(span.group(2)))
    empty = Cue(speaker, "", raw.start_s, raw.end_s, number)  # an empty span still names who speaks next
    return [empty, Cue(speaker, text, raw.start_s, raw.end_s, number)] if text else [empty]


def _voice_pieces(raw: RawCue, known: set[str]) -> list[Cue]:
    pieces: list[Cue] = []
    speaker: str | None = None
    number = raw.lines[0][0]
    for k, part in enumerate(_VOICE_SPLIT.split("\n".join(t for _, t in raw.lines))):
        # split() alternates text and the tags it split on: only a tag is matched as one. Text that
        # merely starts with "<v" ("<v.<v.<v...") made _VOICE_NAME backtrack quadratically.
        tag = k % 2 == 1
        m = _VOICE_NAME.match(part) if tag and part.startswith("<v") else None
        if m is not None:
            speaker = clean_text(m.group(1)) or None
            if speaker is not None:
                known.add(speaker.casefold())
            # An empty span still names who speaks next, so emit it.
            pieces.append(Cue(speaker, "", raw.start_s, raw.end_s, number))
        elif tag and part.startswith("</v"):
            speaker = None
        else:
            text = clean_text(strip_tags(part))
            if text:
                lead = part[: len(part) - len(part.lstrip())]
                pieces.append(Cue(speaker, text, raw.start_s, raw.end_s, number + lead.count("\n")))
            number += part.count("\n")
    return pieces


# --- the reader -------------------------------------------------------------------

_TITLE = re.compile(r"^(?:x-)?title[ \t]*[:=][ \t]*(\S.*)$", re.IGNORECASE)


def _is_header(line: str) -> bool:
    line = line.strip("\ufeff \t")
    return line.startswith("WEBVTT") and line[6:7] in ("", " ", "\t")


def _has_header(head: str) -> bool:
    return _is_header(head.lstrip("\ufeff \t\n").split("\n", 1)[0])


class VttReader:
    """Reads WebVTT files: Zoom ``Name: text`` cues and Teams ``<v Name>`` voice spans."""

    name: ClassVar[str] = "vtt"
    suffixes: ClassVar[tuple[str, ...]] = (".vtt",)

    def detect(self, source: Source) -> bool:
        """Give True for a ``WEBVTT`` header, or a headerless file whose cue times use ``.`` not ``,``."""
        head = source.head
        if _has_header(head):
            return True
        if "-->" not in head:
            return False  # no cue timing at all (JSON, CSV, plain text)
        first: str | None = None
        for line in source.head_lines:
            if "-->" not in line:
                continue
            timing = line.strip()
            if parse_timing(timing) is None:
                continue
            if "," in timing.split("-->", 1)[0]:
                return False  # SRT's comma milliseconds, wherever in the head they are
            first = first or timing
        return first is not None and "." in first

    def parse(self, source: Source, options: ReadOptions) -> Iterator[Transcript]:
        """Yield the one transcript a WebVTT file holds."""
        lines = source.text.split("\n")
        problems: list[Problem] = []
        title: str | None = None
        i = 0
        while i < len(lines) and not lines[i].strip("\ufeff \t"):
            i += 1
        has_header = i < len(lines) and _is_header(lines[i])
        if has_header:
            extra = lines[i].strip("\ufeff \t")[6:].strip(" \t-")
            title = extra or None
            i += 1
            # Header metadata runs to the first blank line (or a timing line, for files that skip the blank).
            while i < len(lines) and lines[i].strip() and "-->" not in lines[i]:
                m = _TITLE.match(lines[i].strip())
                if m:
                    title = clean_text(m.group(1)) or title
                i += 1
        else:
            problems.append(source.warning("no WEBVTT header; read as WebVTT because it has cue timings", i + 1))
        cues = scan_cues(source, lines, i, problems, vtt=True)
        if not cues and not has_header:
            raise source.error("not WebVTT: no WEBVTT header and no cue timing lines", line=i + 1)
        known: set[str] = set()
        pieces = [piece for raw in cues for piece in cue_pieces(raw, known)]
        turns = require_turns(merge_cues(pieces), source.name)
        yield Transcript(
            source_path=source.name,
            format=self.name,
            turns=turns,
            meta=CallMeta(title=title),
            encoding=source.encoding,
            problems=tuple(problems),
        )
