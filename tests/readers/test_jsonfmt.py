"""Tests for the JSON vendor readers (Gong, AssemblyAI, Amazon Transcribe, Deepgram, Whisper)."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import pytest

from convolens.errors import EmptyInputError, InputFormatError
from convolens.readers import Reader, ReadOptions, Source, detect, read_any
from convolens.readers.jsonfmt import AssemblyAIReader, AwsTranscribeReader, DeepgramReader, GongReader, WhisperReader

FIXTURES = Path(__file__).parent / "fixtures" / "json"
DANA, PRIYA, TOM = "6432345678555530067", "1843229987612093412", "5120987711234500981"
CALL_ID = "7782342274025937895"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def dump(tmp_path: Path, data: Any, name: str = "call.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("gong_with_calls.json", "gong"),
        ("gong_multi_call.json", "gong"),
        ("assemblyai.json", "assemblyai"),
        ("aws_transcribe.json", "aws"),
        ("aws_transcribe_audio_segments.json", "aws"),
        ("deepgram.json", "deepgram"),
        ("whisperx_diarized.json", "whisper"),
        ("whisper_plain.json", "whisper"),
    ],
)
def test_detect_picks_the_vendor(name: str, fmt: str) -> None:
    assert detect(Source(FIXTURES / name)).name == fmt


def test_reader_names_and_suffixes() -> None:
    readers: list[Reader] = [GongReader(), AssemblyAIReader(), AwsTranscribeReader(), DeepgramReader(), WhisperReader()]
    assert [r.name for r in readers] == ["gong", "assemblyai", "aws", "deepgram", "whisper"]
    assert all(r.suffixes == (".json",) for r in readers)


# --- Gong -----------------------------------------------------------------------------


def test_gong_with_calls_fills_meta_and_keeps_speaker_ids() -> None:
    [t] = read_any(FIXTURES / "gong_with_calls.json")
    assert t.format == "gong"
    assert t.meta.call_id == CALL_ID
    assert t.meta.title == "Northwind | RouteWise discovery"
    assert t.meta.date == dt.date(2026, 3, 3)
    # The party with a null speakerId never spoke, so it is not in the map.
    assert dict(t.meta.speaker_names) == {DANA: "Dana Lee", PRIYA: "Priya Raman", TOM: "Tom Becker"}
    assert t.meta.external_speakers == frozenset({PRIYA, TOM})
    assert [turn.speaker for turn in t.turns[:4]] == [DANA, PRIYA, TOM, DANA]
    assert t.problems == ()


def test_gong_ms_become_seconds_and_same_speaker_monologues_merge() -> None:
    [t] = read_any(FIXTURES / "gong_with_calls.json")
    # 15 monologues, two pairs by the same speaker (split by a topic change) -> 13 turns.
    assert len(t.turns) == 13
    assert t.turns[0].start_s == pytest.approx(0.64)
    merged = t.turns[3]
    assert merged.speaker == DANA
    assert merged.text.startswith("No problem at all.") and merged.text.endswith("delivery window?")
    assert (merged.start_s, merged.end_s) == pytest.approx((13.6, 27.9))


def test_gong_multi_call_one_transcript_each_with_exact_ids() -> None:
    first, second = read_any(FIXTURES / "gong_multi_call.json")
    assert first.meta.call_id == CALL_ID
    # Written as a bare 19-digit JSON number: must come back digit for digit, not via float.
    assert second.meta.call_id == "1234567890123456789"
    # Parties inside the callTranscripts entry are used; the second call has none.
    assert dict(first.meta.speaker_names) == {DANA: "Dana Lee", PRIYA: "Priya Raman"}
    assert first.meta.external_speakers == frozenset({PRIYA})
    assert dict(second.meta.speaker_names) == {} and second.meta.title is None
    assert {turn.speaker for turn in second.turns} == {DANA, TOM}
    assert second.turns[-1].end_s == pytest.approx(29.8)


def test_gong_detected_when_a_long_calls_list_comes_first(tmp_path: Path) -> None:
    data = load("gong_with_calls.json")
    calls = data.pop("calls") * 40  # pushes callTranscripts far past the 8 KB head
    path = dump(tmp_path, {"requestId": "x1", "records": data["records"], "calls": calls, **data})
    assert "callTranscripts" not in Source(path).head
    assert detect(Source(path)).name == "gong"
    [t] = read_any(path)
    assert t.meta.title == "Northwind | RouteWise discovery"


def test_gong_call_without_speech_is_a_warning(tmp_path: Path) -> None:
    data = load("gong_multi_call.json")
    data["callTranscripts"][1]["transcript"] = []
    [t] = read_any(dump(tmp_path, data))
    assert any("1234567890123456789" in p.message and p.level == "warning" for p in t.problems)


def test_gong_all_calls_empty_is_empty_input(tmp_path: Path) -> None:
    path = dump(tmp_path, {"requestId": "r", "records": {}, "callTranscripts": []})
    with pytest.raises(EmptyInputError):
        read_any(path)


# --- AssemblyAI -------------------------------------------------------------------------


def test_assemblyai_letters_and_ms() -> None:
    [t] = read_any(FIXTURES / "assemblyai.json")
    assert [turn.speaker for turn in t.turns[:3]] == ["A", "B", "C"]
    assert len(t.turns) == 13
    assert (t.turns[2].start_s, t.turns[2].end_s) == pytest.approx((10.4, 13.1))
    assert t.meta.call_id is None


@pytest.mark.parametrize("utterances", [None, "absent"])
def test_assemblyai_without_speaker_labels_is_an_error(tmp_path: Path, utterances: Any) -> None:
    data = load("assemblyai.json")
    if utterances == "absent":
        del data["utterances"]
    else:
        data["utterances"] = None
    with pytest.raises(InputFormatError, match="speaker labels"):
        read_any(dump(tmp_path, data))


# --- Amazon Transcribe --------------------------------------------------------------------


def test_aws_items_are_matched_to_segments_with_punctuation() -> None:
    [t] = read_any(FIXTURES / "aws_transcribe.json")
    assert [turn.speaker for turn in t.turns[:3]] == ["spk_0", "spk_1", "spk_2"]
    assert t.turns[0].text == "Hi Priya, thanks for making the time today. Is Tom joining us as well?"
    assert t.turns[2].text == "I'm here, sorry, I was on another call."
    assert (t.turns[1].start_s, t.turns[1].end_s) == pytest.approx((6.9, 9.8))
    assert len(t.turns) == 13 and t.problems == ()


def test_aws_audio_segments_give_the_same_turns() -> None:
    [classic] = read_any(FIXTURES / "aws_transcribe.json")
    [newer] = read_any(FIXTURES / "aws_transcribe_audio_segments.json")
    assert newer.turns == classic.turns


def test_aws_without_speaker_labels_is_an_error(tmp_path: Path) -> None:
    data = load("aws_transcribe.json")
    del data["results"]["speaker_labels"]
    with pytest.raises(InputFormatError, match="speaker_labels"):
        read_any(dump(tmp_path, data))


def test_aws_words_after_last_segment_are_kept_with_a_warning(tmp_path: Path) -> None:
    data = load("aws_transcribe.json")
    data["results"]["items"].append(
        {"start_time": "120.00", "end_time": "120.40", "type": "pronunciation", "alternatives": [{"content": "Bye"}]}
    )
    [t] = read_any(dump(tmp_path, data))
    assert t.turns[-1].text.endswith("Yes, let's do Tuesday. Bye")
    assert any("after the last speaker segment" in p.message for p in t.problems)


def test_aws_large_file_is_linear(tmp_path: Path) -> None:
    items, segments = [], []
    for s in range(20_000):
        start = s * 5.0
        for w in range(5):
            t0 = start + w * 0.9
            items.append(
                {"start_time": f"{t0:.2f}", "end_time": f"{t0 + 0.8:.2f}", "type": "pronunciation",
                 "alternatives": [{"content": f"w{w}"}]}
            )  # fmt: skip
        items.append({"type": "punctuation", "alternatives": [{"content": "."}]})
        segments.append(
            {"speaker_label": f"spk_{s % 2}", "start_time": f"{start:.2f}", "end_time": f"{start + 4.4:.2f}"}
        )
    path = dump(tmp_path, {"jobName": "big", "results": {"transcripts": [{"transcript": ""}],
                                                         "speaker_labels": {"segments": segments}, "items": items}})  # fmt: skip
    began = time.perf_counter()
    [t] = read_any(path)
    assert time.perf_counter() - began < 10
    assert len(t.turns) == 20_000 and t.turns[0].text == "w0 w1 w2 w3 w4."


# --- Deepgram ------------------------------------------------------------------------------


def test_deepgram_int_speakers_become_their_digits() -> None:
    [t] = read_any(FIXTURES / "deepgram.json")
    assert [turn.speaker for turn in t.turns[:4]] == ["0", "1", "2", "0"]
    assert len(t.turns) == 13
    assert t.turns[-1].end_s == pytest.approx(108.0)


def test_deepgram_paragraphs_stand_in_for_utterances(tmp_path: Path) -> None:
    [with_utterances] = read_any(FIXTURES / "deepgram.json")
    data = load("deepgram.json")
    del data["results"]["utterances"]
    [t] = read_any(dump(tmp_path, data))
    assert [(x.speaker, x.text, x.start_s) for x in t.turns] == [
        (x.speaker, x.text, x.start_s) for x in with_utterances.turns
    ]


def test_deepgram_without_any_speakers_is_an_error(tmp_path: Path) -> None:
    data = load("deepgram.json")
    del data["results"]["utterances"]
    del data["results"]["channels"][0]["alternatives"][0]["paragraphs"]
    with pytest.raises(InputFormatError, match="utterances"):
        read_any(dump(tmp_path, data))


# --- Whisper ---------------------------------------------------------------------------------


def test_whisperx_absent_speakers_use_words_or_continue() -> None:
    [t] = read_any(FIXTURES / "whisperx_diarized.json")
    assert len(t.turns) == 13
    # Segment 8 has no speaker but its words say SPEAKER_02; segment 4 has neither and continues SPEAKER_00.
    assert [turn.speaker for turn in t.turns] == [
        "SPEAKER_00", "SPEAKER_01", "SPEAKER_02", "SPEAKER_00", "SPEAKER_01", "SPEAKER_00", "SPEAKER_02",
        "SPEAKER_00", "SPEAKER_02", "SPEAKER_00", "SPEAKER_01", "SPEAKER_00", "SPEAKER_01",
    ]  # fmt: skip
    assert t.turns[3].text.endswith("misses its delivery window?")


def test_plain_whisper_is_one_unnamed_speaker() -> None:
    [t] = read_any(FIXTURES / "whisper_plain.json")
    assert [turn.speaker for turn in t.turns] == [""]
    assert t.turns[0].text.startswith("Hi Priya,") and t.turns[0].text.endswith("let's do Tuesday.")
    assert (t.turns[0].start_s, t.turns[0].end_s) == (0.64, 108.0)


def test_whisper_bare_list_of_segments(tmp_path: Path) -> None:
    segments = load("whisperx_diarized.json")["segments"]
    path = dump(tmp_path, segments)
    assert detect(Source(path)).name == "whisper"
    [t] = read_any(path)
    assert t.turns[0].speaker == "SPEAKER_00" and len(t.turns) == 13


# --- errors shared by every JSON reader ------------------------------------------------------


def test_truncated_json_names_the_line(tmp_path: Path) -> None:
    text = (FIXTURES / "gong_with_calls.json").read_text(encoding="utf-8")
    path = tmp_path / "cut.json"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(InputFormatError) as info:
        read_any(path, format="gong")
    err = info.value
    assert err.line is not None and err.line > 100
    assert f"line {err.line}" in str(err) and f"cut.json:{err.line}:" in str(err)
    assert "truncated" in str(err) and "\n" not in str(err)


@pytest.mark.parametrize(
    ("fmt", "key"),
    [("gong", "callTranscripts"), ("assemblyai", "utterances"), ("aws", "results"), ("deepgram", "results"),
     ("whisper", "segments")],
)  # fmt: skip
def test_valid_json_of_the_wrong_shape_names_the_missing_key(tmp_path: Path, fmt: str, key: str) -> None:
    path = dump(tmp_path, {"hello": "world"})
    with pytest.raises(InputFormatError, match=key):
        read_any(path, format=fmt, options=ReadOptions())


def test_bad_times_are_warnings_not_failures(tmp_path: Path) -> None:
    data = load("assemblyai.json")
    data["utterances"][1]["start"] = "soon"
    [t] = read_any(dump(tmp_path, data))
    assert t.turns[1].start_s is None and t.turns[1].text == "Yes, he should be on in a second."
    assert [p.level for p in t.problems] == ["warning"] and "utterances[1]" in t.problems[0].message
