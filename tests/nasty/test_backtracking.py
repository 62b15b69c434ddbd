"""No regular expression in convolens, and no text path built on them, slows down on adversarial text.

Every compiled pattern at module level in ``src/convolens`` (found by walking the
package, so a new one is covered the day it is added), the few written inline,
and the lexicon's token ``REGEX`` values are searched in strings built to make a
backtracking engine work hard: long runs of one character or short unit (a
letter, a digit, a space, ``(``, ``<v.``, ``"start":``...) with something at the
end that makes the match fail. A linear search of 10,000 characters takes well
under a millisecond; a quadratic one takes about a second, so the bound below
separates them with a wide margin either way.

A few patterns are quadratic on their own but are only ever handed short or
pre-cleaned text; :data:`GUARDED` names each guard, the test applies it, and a
test below checks the guard holds in the code that calls the pattern.

The same inputs then go through the code that matters to a user: every reader,
the roster's name matching, and the spaCy pipeline (whose tokenizer and
sentence splitting were quadratic on long turns before).
"""

from __future__ import annotations

import contextlib
import importlib
import pkgutil
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import convolens
from convolens.classifiers.lexicon_data import load_lexicon
from convolens.errors import ConvolensError
from convolens.readers import FORMATS, read_any
from convolens.readers.base import HEAD_CHARS, clean_text
from convolens.readers.vtt import _VOICE_SPLIT
from convolens.roster import name_key

N = 10_000
#: Per search of an N-character string; linear patterns take ~1 ms even on a loaded machine.
SEARCH_SECONDS = 0.25

#: Repeated to make the strings: characters and short units the patterns treat specially.
UNITS = (
    " ",
    "\t",
    "a",
    "A",
    "é",
    "1",
    ":",
    ".",
    ",",
    "-",
    "'",
    "(",
    ")",
    "[",
    "]",
    "<",
    ">",
    "{",
    '"',
    "\\",
    "/",
    "=",
    "@",
    "?",
    "<v ",
    "<v.",
    "</v",
    "<1",
    "{\\",
    "a.",
    "a-",
    "a'",
    " (",
    "(a",
    "[a",
    "1:",
    "12:34 ",
    "--> ",
    "- ",
    "Ab ",
    '"a":',
    '"start":',
    '"text":',
    "sep=",
    "um",
    "what ",
    "x-",
    "\u200b",
)
PREFIXES = ("", "a", "(", "<", "[{")
SUFFIXES = ("", "!", "\n")
#: The quick default run: the units and ends that found every slow pattern so far.
QUICK_UNITS = (" ", "a", "1", ":", ".", "-", "'", "(", "<", "<v.", '"start":', "[a")
QUICK_PREFIXES = ("", "a", "<")
QUICK_SUFFIXES = ("!",)

#: pattern name -> (why it is safe, the guard that makes it so, applied to the test string).
GUARDED: dict[str, tuple[str, Callable[[str], list[str]]]] = {
    "convolens.readers.vtt._NOTE": (
        "is_speaker_name rejects a name over 60 characters before this runs",
        lambda s: [s[:60]],
    ),
    "convolens.readers.vtt._VOICE_NAME": (
        "only applied to the <v ...> tags _VOICE_SPLIT split on (the odd parts of its split)",
        lambda s: [p for p in _VOICE_SPLIT.split(s)[1::2] if p.startswith("<v")],
    ),
    "convolens.roster._PARENS": (
        "name_key searches only the text up to its last closing bracket",
        lambda s: [s[: max(s.rfind(")"), s.rfind("]")) + 1]],
    ),
    "convolens.readers.plaintext._TITLE_TAIL": (
        "only applied to cleaned lines, which hold no runs of spaces or tabs",
        lambda s: [clean_text(s)],
    ),
    "convolens.classifiers.lexicon_data._NESTED_QUANTIFIER": (
        "only applied to lexicon REGEX values, refused first when over 80 characters",
        lambda s: [s[:80]],
    ),
}


def _module_patterns() -> dict[str, re.Pattern[str]]:
    found: dict[str, re.Pattern[str]] = {}
    for info in pkgutil.walk_packages(convolens.__path__, "convolens."):
        if info.name.endswith("__main__"):
            continue
        try:
            module = importlib.import_module(info.name)
        except ImportError:  # an optional extra (ray, torch) that is not installed
            continue
        for attr, value in vars(module).items():
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                found.setdefault(f"{info.name}.{attr}", value)
    return found


def _inline_and_data_patterns() -> dict[str, re.Pattern[str]]:
    # Written inline in the code (kept in step by hand) and the lexicon's token REGEX values.
    found = {
        "convolens.readers.tabular.column_key": re.compile(r"[\s\-]+"),
        "convolens.reports.html (file stem)": re.compile(r"[^A-Za-z0-9_-]+"),
    }
    for entry in load_lexicon(None).entries:
        for spec in entry.tokens or ():
            for value in spec.values():
                if isinstance(value, dict) and "REGEX" in value:
                    found[f"lexicon {entry.source} REGEX"] = re.compile(value["REGEX"])
    return found


PATTERNS = {**_module_patterns(), **_inline_and_data_patterns()}


def _adversarial(units: tuple[str, ...], prefixes: tuple[str, ...], suffixes: tuple[str, ...]) -> list[str]:
    return [pre + unit * (N // len(unit)) + suf for unit in units for pre in prefixes for suf in suffixes]


QUICK = _adversarial(QUICK_UNITS, QUICK_PREFIXES, QUICK_SUFFIXES)
FULL = _adversarial(UNITS, PREFIXES, SUFFIXES)


def test_the_walk_finds_the_patterns_it_should() -> None:
    # A guard against the walk silently finding nothing (an import failing, say).
    assert len(PATTERNS) >= 40
    for name in ("convolens.roster._PARENS", "convolens.readers.vtt._VOICE_SPLIT", "convolens.inputs._FILENAME"):
        assert name in PATTERNS
    assert set(GUARDED) <= set(PATTERNS)


def _check_linear(name: str, texts: list[str]) -> None:
    pattern = PATTERNS[name]
    guard = GUARDED.get(name, ("", lambda s: [s]))[1]
    worst, worst_input = 0.0, ""
    for text in texts:
        for piece in guard(text):
            start = time.perf_counter()
            pattern.search(piece)
            elapsed = time.perf_counter() - start
            if elapsed > worst:
                worst, worst_input = elapsed, piece
    assert worst < SEARCH_SECONDS, f"{name} took {worst:.3f} s on {worst_input[:40]!r}... ({len(worst_input)} chars)"


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_pattern_is_linear_on_adversarial_text(name: str) -> None:
    _check_linear(name, QUICK)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_pattern_is_linear_on_every_adversarial_text(name: str) -> None:
    """The same with all units, prefixes and ends (~750 strings a pattern, some minutes in all)."""
    _check_linear(name, FULL)


# --- the guards hold, and the code paths built on the patterns are fast --------------------------


def _timed(call: Callable[[], object], seconds: float) -> object:
    start = time.perf_counter()
    result = call()
    elapsed = time.perf_counter() - start
    assert elapsed < seconds, f"took {elapsed:.2f} s (limit {seconds} s)"
    return result


def test_json_detection_reads_only_the_head() -> None:
    # _LIST_START's replacement and every detect() regex look at source.head only.
    assert HEAD_CHARS <= 16_384


@pytest.mark.parametrize("fmt", [*FORMATS, None])
def test_readers_on_long_runs(tmp_path: Path, fmt: str | None) -> None:
    """A 20,000-character line of each unit, as every format, reads (or fails) within a second."""
    for i, unit in enumerate(UNITS):
        line = unit * (20_000 // len(unit))
        cue = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n"
        for j, shape in enumerate((line, f"Dana Lee: {line}", f"{cue}{line}\n", f"{cue}<v Dana Lee>{line}\n")):
            path = tmp_path / f"u{i}-{j}.txt"
            path.write_text(shape, encoding="utf-8")
            with contextlib.suppress(ConvolensError):
                _timed(lambda p=path: read_any(p, format=fmt), 1.0)  # type: ignore[misc]


def test_roster_matching_on_long_names() -> None:
    for unit in UNITS:
        _timed(lambda u=unit: name_key(u * 50_000 + "Dana Lee"), 0.5)  # type: ignore[misc]


def test_question_rules_and_sentences_on_long_word_runs() -> None:
    from convolens.nlp import question_cue, sentence_starts

    for words in (["what"] * 50_000, ["do", "you"] * 25_000, ["so"] * 50_000, ["?"] * 50_000, ["and", "not"] * 25_000):
        _timed(lambda w=words: sentence_starts(w), 2.0)  # type: ignore[misc]
        _timed(lambda w=words: question_cue(w), 2.0)  # type: ignore[misc]


@pytest.mark.parametrize("unit", ["?", "'", "\U0001f600", "a-", "(", '"a" ', ". ", "what ", "do you ", "1k "], ids=repr)
def test_pipeline_on_long_turns(unit: str) -> None:
    """A 20,000-character turn goes through spaCy and the lexicon in seconds (it took up to minutes)."""
    from convolens.nlp import analyse_turns

    analyse_turns(["warm up"], "lexicon")
    text = unit * (20_000 // len(unit))
    [result] = _timed(lambda: analyse_turns([text], "lexicon"), 10.0)  # type: ignore[misc]
    assert result.n_sentences >= 1
