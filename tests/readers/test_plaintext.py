"""Tests for the plain-text readers: generic ``Name: text``, Google Meet and Otter/Rev."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from convolens.errors import InputFormatError
from convolens.readers import Source, detect, read_any
from convolens.readers.plaintext import MeetReader, OtterReader, TextReader, parse_date

FIXTURES = Path(__file__).parent / "fixtures" / "text"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- generic Name: text ------------------------------------------------------------


def test_text_sample() -> None:
    [t] = read_any(FIXTURES / "coaching_one_on_one.txt")
    assert t.format == "text"
    assert len(t.turns) == 20
    assert {turn.speaker for turn in t.turns} == {"Dana Lee", "Sam Ortiz"}
    assert t.meta.title == "Coaching 1:1 - Dana Lee / Sam Ortiz"
    assert t.meta.date == dt.date(2026, 3, 2)
    assert t.problems == ()
    assert (t.turns[0].line, t.turns[0].start_s) == (4, None)


def test_text_continuations_and_false_colons() -> None:
    [t] = read_any(FIXTURES / "coaching_one_on_one.txt")
    # "Note:" after a blank line is still Sam's.
    assert t.turns[3].text == (
        "I gave them the list price and said we could talk volume later. "
        "Note: I should have asked about their budget first."
    )
    assert t.turns[6].text == "Good. Re: the trial, did they agree on success criteria?"
    assert t.turns[7].text == "Not yet. We meet again at 3:30 on Thursday to set them."
    assert t.turns[14].text == "Let's multi-thread those accounts. Who else do you know at Fabrikam?"


def test_text_time_styles() -> None:
    [t] = read_any(FIXTURES / "timestamped.txt")
    got = [(turn.speaker, turn.start_s, turn.end_s) for turn in t.turns]
    assert got == [
        ("Dana Lee", 5.0, 9.0),
        ("Priya Natarajan", 9.0, 14.0),
        ("Dana Lee", 14.0, 20.0),
        ("Priya Natarajan", 20.0, 31.0),
        ("Sam Ortiz", 31.0, 40.0),
        ("Dana Lee", 40.0, 47.0),
        ("Priya Natarajan", 47.0, None),  # last: no end known
    ]
    assert t.turns[4].text == "Northwind too, their champion left."


def test_text_without_speakers_is_an_error() -> None:
    with pytest.raises(InputFormatError) as info:
        read_any(FIXTURES / "no_speakers.txt", format="text")
    message = str(info.value)
    assert "no_speakers.txt:1:" in message and '"Name: text"' in message


def test_text_extra_preamble_lines_are_warnings(tmp_path: Path) -> None:
    text = "Transcript\nPipeline sync\nMar 3, 2026\nAttendees: Dana, Sam\n\nDana: hi\nSam: hello\n"
    [t] = read_any(_write(tmp_path, "a.txt", text))
    assert (t.meta.title, t.meta.date) == ("Pipeline sync", dt.date(2026, 3, 3))
    [problem] = t.problems
    assert problem.line == 4 and problem.level == "warning" and "Attendees" in problem.message


def test_text_cp1252_survives(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Lucía Farías: Hola Dana.\r\nDana Lee: ¿Qué tal, Lucía?\r\n".encode("cp1252"))
    [t] = read_any(path)
    assert t.encoding == "cp1252" and t.format == "text"
    assert [turn.speaker for turn in t.turns] == ["Lucía Farías", "Dana Lee"]
    assert t.turns[1].text == "¿Qué tal, Lucía?"


def test_text_entities_and_odd_spaces(tmp_path: Path) -> None:
    text = "Lucía Far&#237;as:   Hola\u200b  Dana.\nDana Lee:\tHi &amp; welcome.\n"
    [t] = read_any(_write(tmp_path, "a.txt", text))
    assert [(turn.speaker, turn.text) for turn in t.turns] == [
        ("Lucía Farías", "Hola Dana."),
        ("Dana Lee", "Hi & welcome."),
    ]


def test_text_detection_is_fallback_only() -> None:
    assert detect(Source(FIXTURES / "coaching_one_on_one.txt")).name == "text"
    assert detect(Source(FIXTURES / "timestamped.txt")).name == "text"
    for name in ("coaching_one_on_one.txt", "timestamped.txt"):
        assert not MeetReader().detect(Source(FIXTURES / name))
        assert not OtterReader().detect(Source(FIXTURES / name))


def test_text_needs_two_speaker_lines_to_detect(tmp_path: Path) -> None:
    assert not TextReader().detect(Source(_write(tmp_path, "a.txt", "Note: hello\nRe: pricing\nDana: hi\n")))
    assert not TextReader().detect(Source(FIXTURES / "no_speakers.txt"))


def test_large_text_file_parses_quickly(tmp_path: Path) -> None:
    lines = [f"{'Dana Lee' if i % 3 else 'Sam Ortiz'}: point {i} about the deal." for i in range(100_000)]
    path = _write(tmp_path, "big.txt", "\n".join(lines))
    began = time.perf_counter()
    [t] = read_any(path)
    assert time.perf_counter() - began < 5  # ~0.5 s on a laptop; generous for slow CI
    assert len(t.turns) == 66_667


# --- Google Meet -------------------------------------------------------------------


def test_meet_sample() -> None:
    [t] = read_any(FIXTURES / "meet_weekly.txt")
    assert t.format == "meet"
    assert (t.meta.title, t.meta.date) == ("Weekly 1:1", dt.date(2026, 3, 14))
    assert len(t.turns) == 17
    assert [turn.speaker for turn in t.turns[:2]] == ["Dana Lee", "Sam Ortiz"]
    assert t.turns[3].text == "Contoso. Their ops lead asked for a trial on the spot. She wants it running by April."
    assert (t.turns[2].start_s, t.turns[2].end_s, t.turns[2].line) == (12.0, 31.0, 10)
    assert t.turns[6].text == "I will ask Priya. Note: she is out on Friday."
    assert t.turns[-1].start_s == 110.0
    assert t.problems == ()


def test_meet_clock_styles_and_heading(tmp_path: Path) -> None:
    text = "Transcript\n\n0:05\nDana: one\n1:02:03\nSam: two\n01:02:10\nDana: three\n"
    [t] = read_any(_write(tmp_path, "m.txt", text))
    assert t.format == "meet" and t.meta.title is None
    assert [(turn.speaker, turn.start_s, turn.end_s) for turn in t.turns] == [
        ("Dana", 5.0, 3723.0),
        ("Sam", 3723.0, 3730.0),
        ("Dana", 3730.0, None),
    ]


def test_meet_detection() -> None:
    assert detect(Source(FIXTURES / "meet_weekly.txt")).name == "meet"
    assert not OtterReader().detect(Source(FIXTURES / "meet_weekly.txt"))


def test_meet_forced_without_speakers_is_an_error() -> None:
    with pytest.raises(InputFormatError) as info:
        read_any(FIXTURES / "no_speakers.txt", format="meet")
    assert "no_speakers.txt:1:" in str(info.value)


# --- Otter / Rev -------------------------------------------------------------------


def test_otter_sample() -> None:
    [t] = read_any(FIXTURES / "otter_standup.txt")
    assert t.format == "otter"
    assert len(t.turns) == 16
    assert {turn.speaker for turn in t.turns} == {"Dana Lee", "Sam Ortiz", "Priya Natarajan", "Unknown Speaker"}
    priya = t.turns[4]
    assert priya.text == "I can do the technical onboarding on Tuesday. I will need admin access before then."
    assert (priya.start_s, priya.end_s, priya.line) == (26.0, 38.0, 13)
    assert t.turns[8].text == "Their security review is done. Note: legal still has the DPA."


def test_otter_footer_is_dropped_silently() -> None:
    [t] = read_any(FIXTURES / "otter_standup.txt")
    assert all("otter.ai" not in turn.text for turn in t.turns)
    assert t.turns[-1].text == "Bye!"
    assert t.problems == ()


def test_otter_header_spacing_variants(tmp_path: Path) -> None:
    text = "Dana Lee 0:01\nHello.\n\nSam Ortiz\t0:04\nHi there.\n\nDana Lee  1:02:03\nLater on.\n"
    [t] = read_any(_write(tmp_path, "o.txt", text))
    assert t.format == "otter"
    assert [(turn.speaker, turn.start_s, turn.end_s) for turn in t.turns] == [
        ("Dana Lee", 1.0, 4.0),
        ("Sam Ortiz", 4.0, 3723.0),
        ("Dana Lee", 3723.0, None),
    ]


def test_otter_same_speaker_blocks_merge(tmp_path: Path) -> None:
    text = "Dana Lee  0:01\nFirst.\n\nDana Lee  0:09\nSecond.\n\nSam Ortiz  0:15\nThird.\n"
    [t] = read_any(_write(tmp_path, "o.txt", text))
    assert [(turn.speaker, turn.text, turn.end_s) for turn in t.turns] == [
        ("Dana Lee", "First. Second.", 15.0),
        ("Sam Ortiz", "Third.", None),
    ]


def test_otter_text_with_trailing_clock_is_not_a_header(tmp_path: Path) -> None:
    text = "Dana Lee  0:01\nShall we meet at 3:30\n\nSam Ortiz  0:05\nSure.\n"
    [t] = read_any(_write(tmp_path, "o.txt", text))
    assert t.turns[0].text == "Shall we meet at 3:30"


def test_rev_sample() -> None:
    assert detect(Source(FIXTURES / "rev_discovery.txt")).name == "otter"
    [t] = read_any(FIXTURES / "rev_discovery.txt")
    assert [turn.speaker for turn in t.turns] == ["Dana Lee", "Speaker 1"] * 3
    assert t.turns[1].text == "Our support queue doubled after the launch. The team cannot keep up."
    assert (t.turns[1].start_s, t.turns[1].end_s) == (7.0, 15.0)


def test_name_time_colon_with_text_on_the_line_is_text_format(tmp_path: Path) -> None:
    text = "Dana Lee (00:00:01): Hi.\nSam Ortiz (00:00:04): Hello.\n"
    path = _write(tmp_path, "a.txt", text)
    assert detect(Source(path)).name == "text"
    [t] = read_any(path, format="otter")
    assert [(turn.speaker, turn.text, turn.start_s) for turn in t.turns] == [
        ("Dana Lee", "Hi.", 1.0),
        ("Sam Ortiz", "Hello.", 4.0),
    ]


def test_otter_preamble_goes_to_meta(tmp_path: Path) -> None:
    text = "Pipeline standup\n2026-03-09\n\nDana Lee  0:01\nMorning.\n\nSam Ortiz  0:03\nHi.\n"
    [t] = read_any(_write(tmp_path, "o.txt", text))
    assert (t.meta.title, t.meta.date) == ("Pipeline standup", dt.date(2026, 3, 9))


def test_otter_forced_without_headers_is_an_error() -> None:
    with pytest.raises(InputFormatError) as info:
        read_any(FIXTURES / "coaching_one_on_one.txt", format="otter")
    assert "coaching_one_on_one.txt:1:" in str(info.value)


# --- dates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mar 14, 2026", dt.date(2026, 3, 14)),
        ("March 14, 2026", dt.date(2026, 3, 14)),
        ("Tuesday, March 3rd, 2026", dt.date(2026, 3, 3)),
        ("14 March 2026", dt.date(2026, 3, 14)),
        ("2026-03-14", dt.date(2026, 3, 14)),
        ("3/14/2026", dt.date(2026, 3, 14)),
        ("Mar 14, 2026, 10:02 AM", dt.date(2026, 3, 14)),
        ("Feb 30, 2026", None),
        ("Weekly 1:1", None),
        ("Dana Lee: Mar 14, 2026", None),
        ("Marcus 14 2026", None),
    ],
)
def test_parse_date(text: str, expected: dt.date | None) -> None:
    assert parse_date(text) == expected


def test_title_with_embedded_iso_date(tmp_path: Path) -> None:
    text = "Acme discovery (2026-03-05 10:00 GMT-7) - Transcript\n\n00:00:00\nDana: hi\n00:00:05\nSam: hey\n"
    [t] = read_any(_write(tmp_path, "m.txt", text))
    assert t.format == "meet"
    assert (t.meta.title, t.meta.date) == ("Acme discovery (2026-03-05 10:00 GMT-7)", dt.date(2026, 3, 5))
