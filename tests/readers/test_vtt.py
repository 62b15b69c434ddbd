"""Tests for the WebVTT reader and the shared speaker-prefix rule."""

from __future__ import annotations

import codecs
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from convolens.errors import EmptyInputError, InputFormatError
from convolens.readers import Source, detect, read_any
from convolens.readers.vtt import VttReader, is_speaker_name, split_speaker

FIXTURES = Path(__file__).parent / "fixtures" / "text"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _speakers(path: Path) -> list[str]:
    [transcript] = read_any(path)
    return [turn.speaker for turn in transcript.turns]


# --- Zoom style --------------------------------------------------------------------


def test_zoom_sample_turns_and_merging() -> None:
    [t] = read_any(FIXTURES / "zoom_discovery.vtt")
    assert t.format == "vtt"
    assert t.meta.title is None
    assert t.problems == ()
    assert len(t.turns) == 19
    assert [turn.speaker for turn in t.turns[:4]] == ["Dana Lee", "Priya Natarajan", "Dana Lee", "Priya Natarajan"]
    # A two-line cue is one text.
    assert t.turns[2].text == "Great. So when do they sign? Last week you said end of quarter."
    # A cue without a prefix continues the speaker, so cues 4 and 5 are one turn spanning both times.
    fourth = t.turns[3]
    assert fourth.text.startswith("Procurement wants one more review. Note: the PO is late because finance")
    assert (fourth.start_s, fourth.end_s, fourth.line) == (11.0, 16.9, 18)
    assert t.turns[0].start_s == 1.0 and t.turns[0].end_s == 4.2


def test_zoom_colons_that_are_not_speakers() -> None:
    [t] = read_any(FIXTURES / "zoom_discovery.vtt")
    speakers = {turn.speaker for turn in t.turns}
    assert speakers == {"Dana Lee", "Priya Natarajan", "priya natarajan"}
    texts = " ".join(turn.text for turn in t.turns)
    assert "Re: pricing, he has not pushed back. Note: I sent the SOC 2 report on Monday." in texts
    assert "Thursday at 3:30." in texts
    assert "Okay. Action items: questionnaire" in texts


def test_zoom_known_speaker_in_lower_case_is_kept_as_written() -> None:
    [t] = read_any(FIXTURES / "zoom_discovery.vtt")
    assert t.turns[15].speaker == "priya natarajan"
    assert t.turns[15].text == "Sounds right to me."


def test_cue_before_any_speaker_belongs_to_nobody(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "a.vtt",
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhello?\n\n00:00:02.000 --> 00:00:03.000\nDana Lee: Hi.\n",
    )
    assert _speakers(path) == ["", "Dana Lee"]


def test_speaker_alone_on_a_line_names_the_next_text(tmp_path: Path) -> None:
    text = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nSam Ortiz:\nyes, that works\n\n00:00:02.000 --> 00:00:03.000\nfor us\n"
    [t] = read_any(_write(tmp_path, "a.vtt", text))
    assert [(turn.speaker, turn.text) for turn in t.turns] == [("Sam Ortiz", "yes, that works for us")]


# --- Teams style -------------------------------------------------------------------


def test_teams_sample() -> None:
    [t] = read_any(FIXTURES / "teams_renewal.vtt")
    assert t.meta.title == "Acme renewal & expansion"
    assert t.problems == ()
    assert len(t.turns) == 18
    assert t.turns[1].speaker == "Lucía Farías"
    assert {turn.speaker for turn in t.turns} == {"Dana Lee", "Lucía Farías", "Tomás Ruiz"}
    # Unpadded times.
    assert (t.turns[0].start_s, t.turns[0].end_s) == (1.5, 5.32)
    assert t.turns[15].end_s == pytest.approx(62.5)


def test_teams_markup_and_entities() -> None:
    [t] = read_any(FIXTURES / "teams_renewal.vtt")
    assert t.turns[3].text == "Around two hundred, if the rollout in Lisbon goes well."
    assert t.turns[6].text == "Sorry I am late. What did I miss?"
    assert t.turns[12].text == "Send me the quote & the terms by Friday."
    # Closing tag missing: the span runs to the end of the cue.
    assert t.turns[2].text == "How many seats are you planning for next year?"


def test_teams_several_voices_in_one_cue_keep_order() -> None:
    [t] = read_any(FIXTURES / "teams_renewal.vtt")
    assert [(turn.speaker, turn.text) for turn in t.turns[4:6]] == [
        ("Dana Lee", "And who signs off on that?"),
        ("Lucía Farías", "Our CFO, Tomás."),
    ]
    assert t.turns[4].start_s == t.turns[5].start_s == 17.0


def test_arrow_inside_cue_text_is_kept() -> None:
    # webvtt-py 0.6 returns this cue with empty text and no error; the reader must not.
    [t] = read_any(FIXTURES / "teams_renewal.vtt")
    assert t.turns[7].text == "We were on seat counts. The plan is current usage --> renewal --> expansion."


def test_note_style_region_blocks_are_not_speech(tmp_path: Path) -> None:
    [t] = read_any(FIXTURES / "teams_renewal.vtt")
    texts = " ".join(turn.text for turn in t.turns)
    assert "generated automatically" not in texts
    assert "color: yellow" not in texts
    assert "Tomás joined late" not in texts
    region = "WEBVTT\n\nREGION\nid:fred\nwidth:40%\n\n00:00:01.000 --> 00:00:02.000\n<v Dana>Hi</v>\n"
    assert [turn.text for turn in read_any(_write(tmp_path, "r.vtt", region))[0].turns] == ["Hi"]


def test_words_like_style_in_stray_text_are_kept(tmp_path: Path) -> None:
    text = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nDana: hi\n\nSTYLE guide is done\n\nNOTEWORTHY too\n"
    [t] = read_any(_write(tmp_path, "s.vtt", text))
    assert t.turns[0].text == "hi STYLE guide is done NOTEWORTHY too"


def test_voice_tag_with_class_and_outside_text(tmp_path: Path) -> None:
    text = "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v.loud Dana Lee>Stop.</v> then more\n"
    [t] = read_any(_write(tmp_path, "a.vtt", text))
    assert [(turn.speaker, turn.text) for turn in t.turns] == [("Dana Lee", "Stop. then more")]


def test_title_header_variants(tmp_path: Path) -> None:
    text = "WEBVTT\nX-Title: Q3 review\n\n00:00:01.000 --> 00:00:02.000\nDana: Hi.\n"
    assert read_any(_write(tmp_path, "a.vtt", text))[0].meta.title == "Q3 review"


# --- mess and errors ---------------------------------------------------------------


def test_broken_timing_line_is_an_error_naming_file_and_line() -> None:
    with pytest.raises(InputFormatError) as info:
        read_any(FIXTURES / "broken_timing.vtt")
    assert "broken_timing.vtt:12:" in str(info.value)
    assert "timing" in str(info.value)


def test_missing_header_is_accepted_with_a_warning() -> None:
    source = Source(FIXTURES / "headerless.vtt")
    assert detect(source).name == "vtt"
    [t] = read_any(FIXTURES / "headerless.vtt")
    assert [turn.speaker for turn in t.turns] == ["Dana Lee", "Sam Ortiz"]
    [problem] = t.problems
    assert problem.level == "warning" and problem.line == 1 and "WEBVTT" in problem.message


def test_missing_blank_lines_and_blank_line_inside_text(tmp_path: Path) -> None:
    text = (
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nDana Lee: one\n"
        "2\n00:00:02.000 --> 00:00:03.000\nSam Ortiz: two\n\nand a stray line\n\n"
        "00:00:03.000 --> 00:00:04.000\nDana Lee: three\n"
    )
    [t] = read_any(_write(tmp_path, "a.vtt", text))
    assert [(turn.speaker, turn.text) for turn in t.turns] == [
        ("Dana Lee", "one"),
        ("Sam Ortiz", "two and a stray line"),
        ("Dana Lee", "three"),
    ]


def test_text_before_the_first_cue_is_a_warning(tmp_path: Path) -> None:
    text = "WEBVTT\n\nsome stray words\n\n00:00:01.000 --> 00:00:02.000\nDana: hi\n"
    [t] = read_any(_write(tmp_path, "a.vtt", text))
    [problem] = t.problems
    assert problem.line == 3 and "stray words" in problem.message and problem.level == "warning"


def test_cue_ending_before_it_starts_is_a_warning(tmp_path: Path) -> None:
    text = "WEBVTT\n\n00:00:05.000 --> 00:00:02.000\nDana: hi\n"
    [t] = read_any(_write(tmp_path, "a.vtt", text))
    assert t.turns[0].end_s is None  # the bad end is dropped, and no other end is known
    assert t.problems[0].line == 3


def test_header_only_is_empty(tmp_path: Path) -> None:
    with pytest.raises(EmptyInputError):
        read_any(_write(tmp_path, "a.vtt", "WEBVTT\n\nNOTE nothing here\n"))


def test_forced_vtt_on_other_text_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "notes.txt", "just some words\nand more\n")
    with pytest.raises(InputFormatError) as info:
        read_any(path, format="vtt")
    assert "notes.txt:1:" in str(info.value)


def test_utf16_with_bom_survives(tmp_path: Path) -> None:
    text = (FIXTURES / "teams_renewal.vtt").read_text(encoding="utf-8").replace("\n", "\r\n")
    path = tmp_path / "teams16.vtt"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    [t] = read_any(path)
    assert t.format == "vtt" and t.encoding == "utf-16-le-bom"
    assert t.turns[1].speaker == "Lucía Farías"
    assert len(t.turns) == 18


def test_utf8_bom_before_header(tmp_path: Path) -> None:
    path = tmp_path / "bom.vtt"
    path.write_bytes(codecs.BOM_UTF8 + b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nDana: hi\n")
    assert detect(Source(path)).name == "vtt"
    assert _speakers(path) == ["Dana"]


# --- detection ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["zoom_discovery.vtt", "teams_renewal.vtt", "headerless.vtt"])
def test_detects_vtt_fixtures(name: str) -> None:
    assert detect(Source(FIXTURES / name)).name == "vtt"


@pytest.mark.parametrize("name", ["pipeline_review.srt", "coaching_one_on_one.txt", "meet_weekly.txt"])
def test_does_not_take_other_formats(name: str) -> None:
    assert not VttReader().detect(Source(FIXTURES / name))


def test_large_file_parses_quickly(tmp_path: Path) -> None:
    parts = ["WEBVTT", ""]
    for i in range(25_000):
        stamp = f"{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}"
        parts += [str(i + 1), f"{stamp}.000 --> {stamp}.900", f"{'Dana Lee' if i % 3 else 'Sam Ortiz'}: point {i}", ""]
    path = _write(tmp_path, "big.vtt", "\n".join(parts))
    began = time.perf_counter()
    [t] = read_any(path)
    assert time.perf_counter() - began < 5  # ~0.5 s on a laptop; generous for slow CI
    assert len(t.turns) == 16_667


# --- the speaker-prefix rule -------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "speaker", "rest"),
    [
        ("Dana Lee: So when do they sign?", "Dana Lee", "So when do they sign?"),
        ("DANA LEE: hello", "DANA LEE", "hello"),
        ("- Dana: hi", "Dana", "hi"),
        (">> Sam Ortiz: yes", "Sam Ortiz", "yes"),
        ("[Dana Lee] text here", "Dana Lee", "text here"),
        ("[Dana Lee]: text here", "Dana Lee", "text here"),
        ("[Laughter] Dana: ha", "Dana", "[Laughter] ha"),
        ("SPEAKER_00: okay", "SPEAKER_00", "okay"),
        ("spk_0: okay", "spk_0", "okay"),
        ("Speaker 1: okay", "Speaker 1", "okay"),
        ("Lucía de la Cruz: hola", "Lucía de la Cruz", "hola"),
        ("Seán O'Brien-Hayes: hi", "Seán O'Brien-Hayes", "hi"),
        ("Dana Lee (Acme): hi", "Dana Lee (Acme)", "hi"),
        ("Dr. Amara Okafor: hi", "Dr. Amara Okafor", "hi"),
        ("Note: the PO is late", None, None),
        ("NOTE: the PO is late", None, None),
        ("Re: pricing", None, None),
        ("PS: one more thing", None, None),
        ("P.S.: one more thing", None, None),
        ("Update: signed", None, None),
        ("Question: who signs?", None, None),
        ("Answer: the CFO", None, None),
        ("Agenda: pricing, legal", None, None),
        ("Action Items: send quote", None, None),
        ("We meet at 3:30 tomorrow", None, None),
        ("at 3:30 we said: fine", None, None),
        ("so the plan: ship it", None, None),
        ("Hey Sam: quick one", None, None),
        ("Our Plan: ship it", None, None),
        ("Room 4B: booked", None, None),
        ("see https://example.com", None, None),
        ("One Two Three Four Five Six: too long", None, None),
        ("[Music]", None, None),
        ("[inaudible] something", None, None),
        ("Dana Lee", None, None),
        (": nothing", None, None),
    ],
)
def test_split_speaker_rule(line: str, speaker: str | None, rest: str | None) -> None:
    assert split_speaker(line, set()) == (speaker, rest if speaker is not None else line)


def test_known_speaker_passes_even_when_not_capitalised() -> None:
    known: set[str] = set()
    assert split_speaker("Dana Lee: hi", known)[0] == "Dana Lee"
    assert split_speaker("dana lee: hi again", known) == ("dana lee", "hi again")
    assert split_speaker("sam: hi", known) == (None, "sam: hi")


def test_is_speaker_name_edges() -> None:
    assert not is_speaker_name("", set())
    assert not is_speaker_name("A" * 61, set())
    assert is_speaker_name("Guest 2", set())
    assert not is_speaker_name("dana", set())


@given(st.text(max_size=200))
def test_split_speaker_never_loses_text(line: str) -> None:
    speaker, rest = split_speaker(line, set())
    if speaker is None:
        assert rest == line
    else:
        assert speaker.strip() and rest in line or rest.startswith("[")


def test_rule_is_fast_on_hostile_lines() -> None:
    hostile = ["a" * 100_000 + ":", "[" + "A" * 10_000, "A'" * 50_000 + ": x", "Ab " * 30_000 + ": x"]
    began = time.perf_counter()
    for line in hostile:
        split_speaker(line, set())
    assert time.perf_counter() - began < 0.5
