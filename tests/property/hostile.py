"""Shared pieces of the hostile-input property tests: profiles, a hang guard, outcome checks, mutations.

Profiles: ``ci`` (the default) tries a modest number of inputs per property so the
whole folder runs in well under a minute; ``CONVOLENS_HYPOTHESIS_PROFILE=thorough``
tries many more (see docs/reliability.md for the figures of a thorough run).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from convolens.errors import ConvolensError
from convolens.model import Problem, Transcript

settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,  # the hang guard below bounds every parse instead
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "thorough",
    max_examples=1500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
PROFILE = os.environ.get("CONVOLENS_HYPOTHESIS_PROFILE", "ci")
#: Decorate a ``@given`` test with this to run it under the chosen profile.
profile = settings(parent=settings.get_profile(PROFILE))

#: No input in these tests is over a few KB; a parse this slow means a hang or a blow-up.
PARSE_SECONDS = 5.0


class ParseTimeout(BaseException):
    """A parse ran past its time limit (a BaseException, so ``except Exception`` in the code under test cannot hide it)."""


@contextmanager
def time_limit(seconds: float = PARSE_SECONDS, what: str = "parse") -> Iterator[None]:
    """Interrupt the block after ``seconds`` (SIGALRM where it exists) and fail it if it ran longer."""
    use_alarm = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    previous: Any = None

    def on_alarm(signum: int, frame: Any) -> None:
        raise ParseTimeout(f"{what} still running after {seconds} s")

    if use_alarm:
        previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    start = time.perf_counter()
    try:
        yield
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    elapsed = time.perf_counter() - start
    if elapsed > seconds:
        raise ParseTimeout(f"{what} took {elapsed:.1f} s (limit {seconds} s)")


# --- what a clean outcome looks like ---------------------------------------------------


def one_line(text: str) -> bool:
    """Say whether ``text`` is a single non-empty line under every line-break rule Python knows."""
    return bool(text) and len(text.splitlines()) == 1 and "\n" not in text and "\r" not in text


def check_error(exc: ConvolensError, name: str, max_line: int | None = None) -> None:
    """Assert ``exc`` is a clean user-facing error: one line, naming the file, with a sane line number."""
    message = str(exc)
    assert one_line(message), f"message is not one line: {message!r}"
    assert exc.code.startswith("CL"), exc.code
    assert exc.path == name, f"error names {exc.path!r}, not the file {name!r}: {message!r}"
    if exc.line is None:
        assert message.startswith(f"{name}: "), message
    else:
        assert message.startswith(f"{name}:{exc.line}: "), message
        assert exc.line >= 1, message
        if max_line is not None:
            assert exc.line <= max_line, f"line {exc.line} is past the end of the file ({max_line} lines): {message}"


def check_problem(problem: Problem, name: str, max_line: int | None = None) -> None:
    """Assert a warning is one line, names the file, and points inside it."""
    assert problem.path == name, problem
    assert one_line(problem.message), f"warning is not one line: {problem.message!r}"
    if problem.line is not None:
        assert problem.line >= 1, problem
        if max_line is not None:
            assert problem.line <= max_line, f"warning line {problem.line} is past the end ({max_line}): {problem}"


def check_transcripts(transcripts: list[Transcript], name: str, max_line: int | None = None) -> None:
    """Assert parsed transcripts are well formed: turns with clean one-line text, sane times, one-line warnings."""
    assert transcripts, "a parse that succeeds gives at least one transcript"
    for t in transcripts:
        assert t.source_path == name
        assert t.turns, "a transcript without turns must be an EmptyInputError instead"
        for turn in t.turns:
            assert isinstance(turn.speaker, str) and isinstance(turn.text, str)
            assert turn.text and turn.text == turn.text.strip(), repr(turn.text)
            assert "\n" not in turn.text and "\x00" not in turn.text, repr(turn.text)
            for value in (turn.start_s, turn.end_s):
                assert value is None or (value == value and value >= 0), value  # no NaN, no negative
        for problem in t.problems:
            check_problem(problem, name, max_line)


def line_count(data: bytes) -> int:
    """Give a generous upper bound on the lines a decoded file can have (every line-break byte counts)."""
    return data.count(b"\n") + data.count(b"\r") + 2


def outcome(parse: Callable[[], Any], name: str, max_line: int | None = None) -> Any:
    """Run ``parse`` under the hang guard; give its result, or the ConvolensError after checking it.

    Any other exception propagates and fails the test.
    """
    with time_limit(what=f"parsing {name}"):
        try:
            return parse()
        except ConvolensError as exc:
            check_error(exc, name, max_line)
            return exc


# --- mutations ----------------------------------------------------------------------------

#: Characters hostile files carry: NUL, BOM, zero-width and bidi controls, RTL letters, emoji.
NASTY_CHARS = (
    "\x00",
    "\ufeff",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202b",
    "\u202e",
    "\u2066",
    "\u2069",
    "\u05e9\u05dc\u05d5\u05dd",  # shalom, right to left
    "\u0645\u0631\u062d\u0628\u0627",  # marhaba, right to left
    "\U0001f600",
    "\U0001f44d\U0001f3fd",  # thumbs up, skin tone modifier
    "\U0001f469\u200d\U0001f469\u200d\U0001f467",  # family, zero-width joiners
    "\u2028",
    "\x85",
    "\r",
    "\r\n",
    "\t",
    "\x1b[31m",
    "&amp;",
    "&#0;",
    "&#x110000;",
    "<v ",
    "</v>",
    "-->",
    ": ",
    '"',
    "{",
    "]",
    "\udcff",  # a lone surrogate: written with surrogatepass, so the bytes are not valid UTF-8
)

ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252", "latin-1", "mac_roman")


def _encode(text: str, codec: str) -> bytes | None:
    try:
        return text.encode(codec, errors="surrogatepass" if codec.startswith("utf") else "strict")
    except UnicodeError:
        return None


def _decode_utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


@st.composite
def mutated(draw: st.DrawFn, data: bytes, max_ops: int = 4) -> bytes:
    """Give ``data`` after 1 to ``max_ops`` random damaging edits (bytes, lines, characters, encodings)."""
    for _ in range(draw(st.integers(1, max_ops))):
        op = draw(
            st.sampled_from(
                (
                    "truncate",
                    "delete_line",
                    "duplicate_line",
                    "insert_line",
                    "swap_lines",
                    "flip_byte",
                    "insert_char",
                    "reencode",
                    "line_ends",
                    "insert_bytes",
                )
            )
        )
        lines = data.split(b"\n")
        if op == "truncate" and data:
            data = data[: draw(st.integers(0, len(data) - 1))]
        elif op == "delete_line":
            del lines[draw(st.integers(0, len(lines) - 1))]
            data = b"\n".join(lines)
        elif op == "duplicate_line":
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(draw(st.integers(0, len(lines))), lines[i])
            data = b"\n".join(lines)
        elif op == "insert_line":
            new = draw(st.sampled_from(NASTY_CHARS) | st.text(max_size=40))
            lines.insert(draw(st.integers(0, len(lines))), new.encode("utf-8", "surrogatepass"))
            data = b"\n".join(lines)
        elif op == "swap_lines" and len(lines) > 1:
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            data = b"\n".join(lines)
        elif op == "flip_byte" and data:
            i = draw(st.integers(0, len(data) - 1))
            data = data[:i] + bytes([data[i] ^ (1 << draw(st.integers(0, 7)))]) + data[i + 1 :]
        elif op == "insert_char":
            i = draw(st.integers(0, len(data)))
            data = data[:i] + draw(st.sampled_from(NASTY_CHARS)).encode("utf-8", "surrogatepass") + data[i:]
        elif op == "insert_bytes":
            i = draw(st.integers(0, len(data)))
            data = data[:i] + draw(st.binary(min_size=1, max_size=16)) + data[i:]
        elif op == "reencode":
            text = _decode_utf8(data)
            if text is not None:
                data = _encode(text, draw(st.sampled_from(ENCODINGS))) or data
        elif op == "line_ends":
            ending = draw(st.sampled_from((b"\r\n", b"\r", b"\n\n", b"\x85", b"\n\r")))
            data = data.replace(b"\n", ending)
    return data


# --- token soup: random text made of the pieces formats are built from ---------------------

FORMAT_TOKENS = (
    "WEBVTT",
    "WEBVTT - Title",
    "NOTE",
    "STYLE",
    "\n",
    "\n\n",
    "\r\n",
    " ",
    "\t",
    "-->",
    " --> ",
    "00:00:01.000",
    "00:00:01,500",
    "0:0:5.32",
    "99:99:99.999",
    "12:34",
    "1",
    "2",
    "-1",
    "1e999",
    "NaN",
    "Dana Lee",
    "Sam Ortiz",
    "María Farías",
    "SPEAKER_00",
    "Note",
    ":",
    ": ",
    "[",
    "]",
    "(",
    ")",
    "<v Dana Lee>",
    "<v ",
    "</v>",
    "<c.yellow>",
    "<00:00:01.000>",
    "{\\an8}",
    ">>",
    "- ",
    "&amp;",
    "&#8203;",
    "{",
    "}",
    ",",
    ";",
    '"',
    '"segments"',
    '"text"',
    '"start"',
    '"end"',
    '"speaker"',
    '"utterances"',
    '"callTranscripts"',
    '"speakerId"',
    '"sentences"',
    '"results"',
    '"speaker_labels"',
    '"items"',
    '"jobName"',
    '"metadata"',
    '"request_id"',
    '"channels"',
    '"audio_url"',
    '"transcript"',
    "null",
    "true",
    "[]",
    "{}",
    "speaker,text,start_s,end_s",
    "call_id",
    "sep=;",
    "Transcribed by https://otter.ai",
    "Mar 14, 2026",
    "2026-03-14",
    "hello",
    "so when do they sign?",
    "\x00",
    "\ufeff",
    "\u200b",
    "\u202e",
    "\U0001f600",
    "\u05e9\u05dc\u05d5\u05dd",
)

token_soup = st.lists(st.sampled_from(FORMAT_TOKENS), max_size=80).map("".join)


def write(folder: Path, suffix: str, data: bytes) -> Path:
    """Write ``data`` to a fresh file with ``suffix`` in ``folder`` and give its path."""
    write.count += 1  # type: ignore[attr-defined]
    path = folder / f"case{write.count}{suffix}"  # type: ignore[attr-defined]
    path.write_bytes(data)
    return path


write.count = 0  # type: ignore[attr-defined]
