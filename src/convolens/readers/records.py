"""What the record-based readers (JSON vendors, CSV, Parquet) share: loading, times, ids, assembly.

JSON is parsed once with the stdlib :mod:`json` module. Integers stay Python
``int`` (exact at any size), so a 19-digit Gong ``callId`` written as a bare
number becomes the exact string through :func:`id_text`; nothing goes through
``float`` except real times.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import EmptyInputError
from ..model import CallMeta, Problem, Transcript
from .base import Cue, Source, check_turn_lengths, clean_text, merge_cues

#: Milliseconds per second, for vendors that write times in ms (Gong, AssemblyAI).
MS = 1000.0


def load_json(source: Source, vendor: str) -> Any:
    """Give the parsed JSON of ``source``; raise a one-line error naming the line when it is not JSON."""
    try:
        return json.loads(source.text)
    except json.JSONDecodeError as exc:
        # A string still open at the end is cut off too: JSON strings cannot hold raw line breaks.
        truncated = exc.pos >= len(source.text.rstrip()) or exc.msg.startswith("Unterminated string")
        hint = " (the file looks truncated)" if truncated else ""
        raise source.error(
            f"invalid {vendor} JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}{hint}", line=exc.lineno
        ) from None
    except RecursionError:
        raise source.error(f"invalid {vendor} JSON: nested too deeply") from None
    except ValueError:
        # Python refuses integers of more than 4,300 digits (a guard against slow int parsing).
        raise source.error(f"invalid {vendor} JSON: a number is too long to read") from None


def looks_like_json(head: str) -> bool:
    """Give True when the text starts (after blanks) with ``{`` or ``[``."""
    first = head[:1]
    if not first.isspace():
        return first in ("{", "[")  # no blanks to skip: no copy of the head (six readers ask)
    return head.lstrip()[:1] in ("{", "[")


def key_pattern(*keys: str) -> re.Pattern[str]:
    """Give a regex finding any of ``keys`` written as a JSON object key (``"key":``)."""
    return re.compile("|".join(rf'"{re.escape(k)}"\s*:' for k in keys))


def as_dict(value: Any) -> dict[str, Any] | None:
    """Give ``value`` when it is a JSON object, else None."""
    return value if isinstance(value, dict) else None


def as_list(value: Any) -> list[Any] | None:
    """Give ``value`` when it is a JSON array, else None."""
    return value if isinstance(value, list) else None


def require_key(source: Source, obj: dict[str, Any], key: str, where: str, what: str) -> Any:
    """Give ``obj[key]``, or raise saying which key is missing (``where`` names ``obj`` in the file)."""
    if key not in obj or obj[key] is None:
        path = f"{where}.{key}" if where else key
        raise source.error(f"not {what}: key {path!r} is missing or null")
    return obj[key]


def id_text(value: Any) -> str | None:
    """Give an id as exact text: strings stripped, ints in full, integral floats without ``.0``; else None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        # Only reached when a writer already lost precision; keep what is left without a ".0".
        return str(int(value))
    return str(value)


def seconds(value: Any, scale: float = 1.0) -> float | None:
    """Give ``value`` (a number or numeric string) divided by ``scale`` as seconds; None when absent.

    Raises ``ValueError`` for something that is not a finite, non-negative time.
    """
    kind = type(value)
    if (kind is float and 0 <= value < math.inf) or (kind is int and value >= 0):
        return float(value) / scale  # the common cases, first (NaN fails the comparison, refused below)
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"not a time: {value!r}")
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        if not value.strip():
            return None
        number = float(value.strip())
    else:
        raise ValueError(f"not a time: {value!r}")
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"not a time: {value!r}")
    return number / scale


@dataclass
class CallParts:
    """What a reader gathered for one call before its cues are merged into turns."""

    meta: CallMeta = field(default_factory=CallMeta)
    cues: list[Cue] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class Gatherer:
    """Collects cues and warnings for one call, turning bad times into warnings rather than failures."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.part = CallParts()

    def warn(self, message: str, line: int | None = None) -> None:
        """Record a warning-level problem (part of the file skipped or changed)."""
        self.part.problems.append(Problem(self.source.name, message, line=line, level="warning"))

    def time(self, value: Any, scale: float, where: str) -> float | None:
        """Give seconds for ``value``; on a bad value warn (naming ``where``) and give None."""
        try:
            return seconds(value, scale)
        except (ValueError, OverflowError):
            self.warn(f"{where}: bad time {value!r}; time left empty")
            return None

    def text(self, value: Any, where: str) -> str | None:
        """Give ``value`` when it is text; warn and give None when it is missing or not text."""
        if isinstance(value, str):
            return value
        if value is None:
            self.warn(f"{where}: no text; entry skipped")
        else:
            self.warn(f"{where}: text is {type(value).__name__}, not a string; entry skipped")
        return None

    def add(self, speaker: str | None, text: str, start: Any, end: Any, scale: float, where: str, record: int) -> None:
        """Add one cue (times converted with ``scale``); ``record`` is its 1-based record number."""
        self.add_cue(speaker, text, self.time(start, scale, where), self.time(end, scale, where), record)

    def add_cue(self, speaker: str | None, text: str, start_s: float | None, end_s: float | None, record: int) -> None:
        """Add one cue whose times are already seconds; text is cleaned, and empty text dropped."""
        # An empty text loses nothing, so it is dropped without a warning.
        cleaned = clean_text(text)
        if cleaned:
            self.part.cues.append(Cue(speaker, cleaned, start_s, end_s, record))


def assemble(
    source: Source, fmt: str, calls: Iterable[CallParts], extra: Iterable[Problem] = (), *, text: bool = True
) -> list[Transcript]:
    """Give one Transcript per call that has speech; calls without speech become warnings.

    Warnings about skipped calls, and the file-level warnings in ``extra``, are
    attached to the first transcript. ``text=False`` (binary formats) leaves
    the encoding empty, so the bytes are never decoded. Raises
    ``EmptyInputError`` when no call in the file has any speech.
    """
    encoding = source.encoding if text else None
    out: list[Transcript] = []
    skipped: list[Problem] = list(extra)
    for part in calls:
        turns = merge_cues(part.cues)
        check_turn_lengths(turns, source.name)
        if not turns:
            # One line, whatever the id holds (a CSV call_id cell can span lines).
            label = f"call {' '.join(part.meta.call_id.split())}" if part.meta.call_id else "a call"
            skipped.append(Problem(source.name, f"{label} has no speech; skipped", level="warning"))
            skipped.extend(part.problems)
            continue
        out.append(
            Transcript(
                source_path=source.name,
                format=fmt,
                turns=turns,
                meta=part.meta,
                encoding=encoding,
                problems=tuple(part.problems),
            )
        )
    if not out:
        raise EmptyInputError("no speech found in the file", path=source.name)
    if skipped:
        out[0] = replace(out[0], problems=(*skipped, *out[0].problems))
    return out
