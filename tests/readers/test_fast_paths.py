"""The readers' fast paths give exactly what the general code (or the plain rule) gives.

Reading was made faster by handling the common shapes directly: the usual cue timing line,
a one-line cue, text that needs no clean-up. Each fast path is checked here against the
slower, obvious version of the same rule, on generated input as well as on edge cases.
"""

from __future__ import annotations

import html
import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from convolens.readers.base import _ZERO_WIDTH, _looks_binary, clean_text
from convolens.readers.records import looks_like_json, seconds
from convolens.readers.vtt import RawCue, cue_pieces, parse_timing, timing_by_rule

# --- cue timings ----------------------------------------------------------------------


_clock = st.builds(
    "{:02d}:{:02d}:{:02d}{}{:03d}".format,
    st.integers(0, 99),
    st.integers(0, 70),
    st.integers(0, 70),
    st.sampled_from([".", ","]),
    st.integers(0, 999),
)


@given(_clock, _clock, st.sampled_from(["", " align:start", "\tline:0", " ", "x", "\n", " a\nb"]))
def test_parse_timing_fast_path_agrees_with_the_rule(start: str, end: str, tail: str) -> None:
    text = f"{start} --> {end}{tail}"
    assert repr(parse_timing(text)) == repr(timing_by_rule(text))


@pytest.mark.parametrize(
    "text",
    [
        "00:01:02.500 --> 00:01:05.000",
        "00:59:59,999 --> 01:00:00,000 position:10%",
        "00:60:00.000 --> 00:60:01.000",  # minutes out of range: no timing
        "00:00:59.999 --> 00:00:60.000",  # seconds out of range: no timing
        "0:00:01.5 --> 0:00:02.5",  # another shape: the general path
        "00:00:01.000-->00:00:02.000",
        "\u0660\u0660:00:01.000 --> 00:00:02.000",  # Arabic-Indic digits are not cue times
        "a --> b",
        "no arrow",
    ],
)
def test_parse_timing_edges_agree_with_the_rule(text: str) -> None:
    assert repr(parse_timing(text)) == repr(timing_by_rule(text))


# --- one-line cues ----------------------------------------------------------------------

_LINES = [
    "Dana Lee: So when do they sign?",
    "<v Dana Lee>So when do they sign?</v>",
    "<v  Dana\tLee >So &amp; when</v>",
    "<v Dana Lee></v>",
    "<v >nobody named</v>",
    "<v.loud Dana Lee>Shout</v>",
    "<v Dana Lee>So <i>when</i></v>",
    "<v Dana Lee>So when",
    "[Laughter] Sam Ortiz: fine",
    "- Sam Ortiz: fine",
    "Note: the PO is late",
    "just words",
    "<c.yellow>coloured</c>",
    "{\\an8}Sam Ortiz: up top",
    "   ",
]


@pytest.mark.parametrize("line", _LINES)
def test_one_line_cue_gives_what_the_general_path_gives(line: str) -> None:
    # A second, blank line sends the same cue down the general path; it adds no text.
    one = RawCue(1.0, 2.0, 3, "1", [(4, line)])
    general = RawCue(1.0, 2.0, 3, "1", [(4, line), (5, "")])
    known_one: set[str] = {"sam ortiz"}
    known_general: set[str] = {"sam ortiz"}
    assert cue_pieces(one, known_one) == cue_pieces(general, known_general)
    assert known_one == known_general


# --- text clean-up ----------------------------------------------------------------------

_ODD = "\t\n\r\x0b\x0c\x1c\x1f\x00\x01\x7f\x85\xa0\u1680\u2000\u2028\u2029\u202f\u3000\u200b\u200e\u2066\ufeff"


@given(st.text(alphabet=st.sampled_from(list("ab Zé&;#x27amp" + "\u0301" + _ODD)), max_size=40))
def test_clean_text_agrees_with_the_plain_rule(text: str) -> None:
    # The rule: entities decoded, zero-width marks dropped, NFC, whitespace runs made one space.
    plain = re.sub(r"\s+", " ", unicodedata.normalize("NFC", html.unescape(text).translate(_ZERO_WIDTH))).strip()
    assert clean_text(text) == plain


# --- file-level checks ------------------------------------------------------------------


@given(st.text(alphabet=st.sampled_from(list("ab\n\t\r\x00\x01\x08\x0b\x0c\x0e\x1b\x1f é\ud800")), max_size=300))
def test_looks_binary_counts_control_characters(text: str) -> None:
    sample = text[:4096]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f\v")
    assert _looks_binary(text) == (bool(sample) and bad > 0.05 * len(sample))


@pytest.mark.parametrize(
    ("head", "expected"),
    [("{}", True), ("[1]", True), ("  \n\t{", True), ("\u3000[", True), ("", False), ("   ", False), ("a{", False)],
)
def test_looks_like_json(head: str, expected: bool) -> None:
    assert looks_like_json(head) is expected


@pytest.mark.parametrize(
    ("value", "scale", "expected"),
    [(1.5, 1.0, 1.5), (-0.0, 1.0, -0.0), (8924, 1000.0, 8.924), (0, 1000.0, 0.0), ("2.5", 1.0, 2.5), (None, 1.0, None)],
)
def test_seconds_common_cases(value: object, scale: float, expected: float | None) -> None:
    assert repr(seconds(value, scale)) == repr(expected)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -1.0, -5, True])
def test_seconds_refuses_what_is_not_a_time(bad: object) -> None:
    with pytest.raises(ValueError):
        seconds(bad)
