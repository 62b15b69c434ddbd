"""Tests for the SubRip reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from convolens.errors import EmptyInputError, InputFormatError
from convolens.readers import Source, detect, read_any
from convolens.readers.srt import SrtReader

FIXTURES = Path(__file__).parent / "fixtures" / "text"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_realistic_sample() -> None:
    [t] = read_any(FIXTURES / "pipeline_review.srt")
    assert t.format == "srt"
    assert len(t.turns) == 19
    assert [turn.speaker for turn in t.turns[:6]] == ["Dana Lee", "Sam Ortiz", "Dana Lee", "SAM ORTIZ", "Dana", "Sam"]
    first = t.turns[0]
    assert first.text == "Let's go through the pipeline. Start with Northwind."
    assert (first.start_s, first.end_s, first.line) == (0.5, 3.9, 3)


def test_cue_without_prefix_continues_previous_speaker() -> None:
    [t] = read_any(FIXTURES / "pipeline_review.srt")
    assert t.turns[1].text == "Northwind is at proposal stage. What is the close date in the CRM?"
    assert (t.turns[1].start_s, t.turns[1].end_s) == (4.1, 10.4)


def test_dialogue_dashes_split_one_cue() -> None:
    [t] = read_any(FIXTURES / "pipeline_review.srt")
    assert [(turn.speaker, turn.text) for turn in t.turns[4:6]] == [
        ("Dana", "Who replaces the champion?"),
        ("Sam", "Nobody yet. Their VP is interim."),
    ]


def test_arrow_tags_and_notes_in_text() -> None:
    [t] = read_any(FIXTURES / "pipeline_review.srt")
    assert t.turns[6].text == "Then the forecast is wrong. Stage --> qualify, not proposal."
    assert t.turns[9].text == "Really well. Their ops team asked for a trial."
    assert t.turns[13].text.endswith("Note: they only keep ninety days of history.")
    assert t.turns[13].speaker == "Sam Ortiz"
    assert (t.turns[16].speaker, t.turns[16].text) == ("Dana Lee", "[Laughter] Finally, a real buyer.")


def test_out_of_sequence_and_missing_numbers_are_warnings() -> None:
    [t] = read_any(FIXTURES / "pipeline_review.srt")
    assert [(p.line, p.level) for p in t.problems] == [(27, "warning"), (36, "warning")]
    assert "out of sequence" in t.problems[0].message
    assert "no number" in t.problems[1].message
    assert t.turns[8].text == "Next one, Contoso. How did the demo land?"


def test_many_numbering_problems_are_summarised(tmp_path: Path) -> None:
    blocks = [f"7\n00:00:{i:02d},000 --> 00:00:{i:02d},500\nDana: line {i}\n" for i in range(20)]
    [t] = read_any(_write(tmp_path, "a.srt", "\n".join(blocks)))
    assert len(t.problems) == 11
    assert t.problems[-1].message == "10 more cue numbering problems not listed"
    assert len(t.turns) == 1 and t.turns[0].text.count("line") == 20


def test_broken_timing_is_an_error_with_file_and_line() -> None:
    with pytest.raises(InputFormatError) as info:
        read_any(FIXTURES / "broken_timing.srt")
    assert "broken_timing.srt:6:" in str(info.value)


def test_crlf_file_survives(tmp_path: Path) -> None:
    text = (FIXTURES / "pipeline_review.srt").read_text(encoding="utf-8")
    path = tmp_path / "crlf.srt"
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    [t] = read_any(path)
    assert t.format == "srt"
    assert [turn.text for turn in t.turns] == [
        turn.text for turn in read_any(FIXTURES / "pipeline_review.srt")[0].turns
    ]


def test_cp1252_srt_survives(tmp_path: Path) -> None:
    path = tmp_path / "latin.srt"
    path.write_bytes("1\r\n00:00:01,000 --> 00:00:02,000\r\nLucía Farías: ¿Qué tal?\r\n".encode("cp1252"))
    [t] = read_any(path)
    assert (t.turns[0].speaker, t.turns[0].text, t.encoding) == ("Lucía Farías", "¿Qué tal?", "cp1252")


def test_no_blank_line_between_cues_and_font_tags(tmp_path: Path) -> None:
    text = (
        '1\n00:00:01,000 --> 00:00:02,000\n<font color="#ffff00">Dana: one</font>\n'
        "2\n00:00:02,000 --> 00:00:03,000\n{\\an8}Sam: two\n"
    )
    [t] = read_any(_write(tmp_path, "a.srt", text))
    assert [(turn.speaker, turn.text) for turn in t.turns] == [("Dana", "one"), ("Sam", "two")]
    assert t.problems == ()


def test_unpadded_and_short_fraction_times(tmp_path: Path) -> None:
    text = "1\n0:0:1,5 --> 0:0:2,25\nDana: hi\n"
    [t] = read_any(_write(tmp_path, "a.srt", text))
    # 1,5 is one and a half seconds (the srt package reads it as 1.005).
    assert (t.turns[0].start_s, t.turns[0].end_s) == (1.5, 2.25)


def test_cues_with_no_text_are_empty(tmp_path: Path) -> None:
    with pytest.raises(EmptyInputError):
        read_any(_write(tmp_path, "a.srt", "1\n00:00:01,000 --> 00:00:02,000\n\n2\n00:00:02,000 --> 00:00:03,000\n"))


def test_forced_srt_without_cues_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "notes.txt", "\n\nDana: hello\nSam: hi\n")
    with pytest.raises(InputFormatError) as info:
        read_any(path, format="srt")
    assert "notes.txt:3:" in str(info.value)


def test_detection() -> None:
    assert detect(Source(FIXTURES / "pipeline_review.srt")).name == "srt"
    reader = SrtReader()
    for name in ("zoom_discovery.vtt", "teams_renewal.vtt", "coaching_one_on_one.txt", "otter_standup.txt"):
        assert not reader.detect(Source(FIXTURES / name)), name


def test_numbered_cues_with_dot_times_still_detect_as_srt(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.srt", "1\n00:00:01.000 --> 00:00:02.000\nDana: hi\n")
    assert SrtReader().detect(Source(path))
