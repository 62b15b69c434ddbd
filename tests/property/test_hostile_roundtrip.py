"""Nothing is dropped silently: a valid file of N turns, however it is re-encoded or re-spaced, reads as N turns.

Each example is a conversation drawn at random (alternating speakers, texts
with accents, right-to-left words and emoji), written in one format, then
changed in ways that leave the speech alone: another encoding (UTF-8 with or
without BOM, UTF-16/32, Windows-1252, Latin-1), CRLF or CR-only line ends,
extra blank lines, a NUL byte, zero-width and bidi marks inside words, other
JSON layout or CSV quoting and delimiters. Reading it back must give exactly
the N speakers and texts, cleaned the documented way (:func:`clean_text`).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hostile import outcome, profile, write
from hypothesis import given
from hypothesis import strategies as st

from convolens.errors import ConvolensError
from convolens.readers import FORMATS, read_any
from convolens.readers.base import clean_text

NAMES = ("Dana Lee", "Sam Ortiz", "María Farías", "Kwame Mensah", "Aoife O'Brien", "Jean-Luc Dubois", "Zoë Ng")
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéüßñçøåÉÀ" + "שלוםمرحبا中文字" + "\U0001f600\U0001f44d"
MARKS = ("\u200b", "\u200c", "\u200d", "\u2060", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202e")

word = st.text(alphabet=LETTERS, min_size=1, max_size=9)
sentence = st.builds(
    lambda words, end: " ".join(words) + end,
    st.lists(word, min_size=1, max_size=12),
    st.sampled_from(("", "?", ".", "!", ",")),
)


@dataclass(frozen=True)
class Conversation:
    """Turns as (speaker index, text); consecutive turns never share a speaker."""

    turns: tuple[tuple[int, str], ...]


@st.composite
def conversations(draw: st.DrawFn) -> Conversation:
    n = draw(st.integers(1, 12))
    turns: list[tuple[int, str]] = []
    for _ in range(n):
        previous = turns[-1][0] if turns else None
        who = draw(st.sampled_from([i for i in range(len(NAMES)) if i != previous]))
        turns.append((who, draw(sentence)))
    return Conversation(tuple(turns))


@st.composite
def with_marks(draw: st.DrawFn, text: str) -> str:
    """Give ``text`` with zero-width and bidi marks dropped inside its words (never beside a space)."""
    chars = list(text)
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(1, max(1, len(chars) - 1)))
        if 0 < i < len(chars) and not chars[i - 1].isspace() and not chars[i].isspace():
            chars.insert(i, draw(st.sampled_from(MARKS)))
    return "".join(chars)


def _clock(seconds: float, sep: str = ".") -> str:
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d}{sep}{int(seconds * 1000) % 1000:03d}"


# --- writers: (speakers, texts) -> file text, one per format -------------------------------


def _vtt(speakers: list[str], texts: list[str], gap: str) -> str:
    cues = [
        f"{_clock(2 * i)} --> {_clock(2 * i + 1.5)}\n{s}: {t}"
        for i, (s, t) in enumerate(zip(speakers, texts, strict=True))
    ]
    return "WEBVTT\n\n" + gap.join(cues) + "\n"


def _vtt_voices(speakers: list[str], texts: list[str], gap: str) -> str:
    cues = [
        f"{i}\n{_clock(2 * i)} --> {_clock(2 * i + 1.5)}\n<v {s}>{t}</v>"
        for i, (s, t) in enumerate(zip(speakers, texts, strict=True))
    ]
    return "WEBVTT\n\n" + gap.join(cues) + "\n"


def _srt(speakers: list[str], texts: list[str], gap: str) -> str:
    cues = [
        f"{i + 1}\n{_clock(2 * i, ',')} --> {_clock(2 * i + 1.5, ',')}\n{s}: {t}"
        for i, (s, t) in enumerate(zip(speakers, texts, strict=True))
    ]
    return gap.join(cues) + "\n"


def _text(speakers: list[str], texts: list[str], gap: str) -> str:
    return gap.replace("\n\n", "\n").join(f"{s}: {t}" for s, t in zip(speakers, texts, strict=True)) + "\n"


def _otter(speakers: list[str], texts: list[str], gap: str) -> str:
    return (
        gap.join(f"{s}  {i // 60}:{i % 60:02d}\n{t}" for i, (s, t) in enumerate(zip(speakers, texts, strict=True)))
        + "\n"
    )


def _meet(speakers: list[str], texts: list[str], gap: str) -> str:
    body = gap.join(f"{_clock(3 * i)[:8]}\n{s}: {t}" for i, (s, t) in enumerate(zip(speakers, texts, strict=True)))
    return f"Weekly sync - Transcript\nMar 14, 2026\n\n{body}\n"


TEXT_WRITERS = {"vtt": _vtt, "vtt-voices": _vtt_voices, "srt": _srt, "text": _text, "otter": _otter, "meet": _meet}


def _json_doc(fmt: str, labels: list[str], texts: list[str]) -> object:
    if fmt == "whisper":
        return {
            "segments": [
                {"start": 2.0 * i, "end": 2.0 * i + 1.5, "text": t, "speaker": s}
                for i, (s, t) in enumerate(zip(labels, texts, strict=True))
            ]
        }
    if fmt == "assemblyai":
        utterances = [
            {"speaker": s, "text": t, "start": 2000 * i, "end": 2000 * i + 1500}
            for i, (s, t) in enumerate(zip(labels, texts, strict=True))
        ]
        return {
            "id": "x",
            "status": "completed",
            "audio_url": "https://example.invalid/a.mp3",
            "utterances": utterances,
        }
    if fmt == "deepgram":
        utterances = [
            {"start": 2.0 * i, "end": 2.0 * i + 1.5, "transcript": t, "speaker": int(s), "channel": 0}
            for i, (s, t) in enumerate(zip(labels, texts, strict=True))
        ]
        return {"metadata": {"request_id": "r-1", "channels": 1}, "results": {"utterances": utterances}}
    if fmt == "aws":
        segments = [
            {
                "id": i,
                "speaker_label": s,
                "transcript": t,
                "start_time": f"{2 * i}.0",
                "end_time": f"{2 * i + 1}.5",
                "items": [],
            }
            for i, (s, t) in enumerate(zip(labels, texts, strict=True))
        ]
        return {
            "jobName": "job",
            "results": {"transcripts": [{"transcript": " ".join(texts)}], "audio_segments": segments},
        }
    assert fmt == "gong"
    monologues = [
        {"speakerId": s, "sentences": [{"start": 2000 * i, "end": 2000 * i + 1500, "text": t}]}
        for i, (s, t) in enumerate(zip(labels, texts, strict=True))
    ]
    return {
        "requestId": "q",
        "records": {"totalRecords": 1},
        "callTranscripts": [{"callId": "7782342274025937895", "transcript": monologues}],
    }


def _labels(fmt: str, whos: list[int]) -> list[str]:
    if fmt == "deepgram":
        return [str(w) for w in whos]
    if fmt == "aws":
        return [f"spk_{w}" for w in whos]
    if fmt == "gong":
        return [f"643234567855553006{w}" for w in whos]
    if fmt == "assemblyai":
        return ["ABCDEFG"[w] for w in whos]
    return [f"SPEAKER_0{w}" for w in whos]


def _encodings(text: str) -> list[str]:
    """Give the encodings that can carry ``text`` and decode back to it unambiguously."""
    out = ["utf-8", "utf-8-sig", "utf-16", "utf-32"]
    if text.isascii() or sum(not c.isascii() for c in text) * 10 < len(text):
        out += ["utf-16-le", "utf-16-be"]  # no BOM: recognised by the NUL pattern of mostly-ASCII text
    for legacy in ("cp1252", "latin-1"):
        try:
            data = text.encode(legacy)
        except UnicodeEncodeError:
            continue
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            out.append(legacy)  # not also valid UTF-8, so it cannot be misread as UTF-8
        else:
            if data.isascii():
                out.append(legacy)
    return out


@st.composite
def respelled(draw: st.DrawFn, text: str, nul: bool = True) -> bytes:
    """Give ``text`` with other line ends and encoding, and maybe a NUL byte; the speech is untouched."""
    text = text.replace("\n", draw(st.sampled_from(("\n", "\r\n", "\r"))))
    codec = draw(st.sampled_from(_encodings(text)))
    data = text.encode(codec)
    if nul and codec in ("utf-8", "cp1252", "latin-1") and len(data) > 200 and draw(st.booleans()):
        # Between two characters, as broken exporters leave them (not inside one UTF-8 sequence).
        i = draw(st.integers(0, len(text)))
        data = text[:i].encode(codec) + b"\x00" + text[i:].encode(codec)
    return data


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("roundtrip")


def _read_back(folder: Path, data: bytes, suffix: str, fmt: str) -> list[tuple[str, str]]:
    path = write(folder, suffix, data)
    result = outcome(lambda: read_any(path, format=fmt), str(path))
    if isinstance(result, ConvolensError):
        pytest.fail(f"a valid file failed: {result}\n{data[:400]!r}")
    turns = [(turn.speaker, turn.text) for t in result for turn in t.turns]
    if len(turns) > 1 or fmt not in ("text", "meet", "otter"):
        # Detection must find the format too (plain-text formats need two speaker lines as evidence).
        assert read_any(path)[0].format == fmt, data[:300]
    return turns


@pytest.mark.parametrize("style", sorted(TEXT_WRITERS))
@profile
@given(conv=conversations(), gap=st.sampled_from(("\n\n", "\n\n\n", "\n \n\n")), data=st.data())
def test_text_formats_keep_every_turn(
    folder: Path, style: str, conv: Conversation, gap: str, data: st.DataObject
) -> None:
    speakers = [NAMES[w] for w, _ in conv.turns]
    texts = [data.draw(with_marks(t)) for _, t in conv.turns]
    fmt = style.split("-")[0]
    raw = data.draw(respelled(TEXT_WRITERS[style](speakers, texts, gap)), label="file")
    suffix = {"text": ".txt", "otter": ".txt", "meet": ".txt"}.get(fmt, f".{fmt}")
    assert _read_back(folder, raw, suffix, fmt) == [(s, clean_text(t)) for s, t in zip(speakers, texts, strict=True)]


@pytest.mark.parametrize("fmt", ["whisper", "assemblyai", "deepgram", "aws", "gong"])
@profile
@given(conv=conversations(), indent=st.sampled_from((None, 0, 2, "\t")), ascii_only=st.booleans(), data=st.data())
def test_json_formats_keep_every_turn(
    folder: Path, fmt: str, conv: Conversation, indent: int | str | None, ascii_only: bool, data: st.DataObject
) -> None:
    labels = _labels(fmt, [w for w, _ in conv.turns])
    texts = [data.draw(with_marks(t)) for _, t in conv.turns]
    text = json.dumps(_json_doc(fmt, labels, texts), indent=indent, ensure_ascii=ascii_only)
    raw = data.draw(respelled(text), label="file")
    assert _read_back(folder, raw, ".json", fmt) == [(s, clean_text(t)) for s, t in zip(labels, texts, strict=True)]


@profile
@given(
    conv=conversations(),
    delimiter=st.sampled_from((",", ";", "\t")),
    quoting=st.sampled_from((csv.QUOTE_MINIMAL, csv.QUOTE_ALL)),
    data=st.data(),
)
def test_csv_keeps_every_row(
    folder: Path, conv: Conversation, delimiter: str, quoting: int, data: st.DataObject
) -> None:
    speakers = [NAMES[w] for w, _ in conv.turns]
    texts = [data.draw(with_marks(t)) for _, t in conv.turns]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator="\n")
    writer.writerow(["speaker", "text", "start_s", "end_s"])
    writer.writerows([s, t, 2 * i, 2 * i + 1.5] for i, (s, t) in enumerate(zip(speakers, texts, strict=True)))
    raw = data.draw(respelled(buffer.getvalue()), label="file")
    assert _read_back(folder, raw, ".csv", "csv") == [(s, clean_text(t)) for s, t in zip(speakers, texts, strict=True)]


@profile
@given(conv=conversations(), row_group=st.integers(1, 5))
def test_parquet_keeps_every_row(folder: Path, conv: Conversation, row_group: int) -> None:
    speakers = [NAMES[w] for w, _ in conv.turns]
    texts = [t for _, t in conv.turns]
    table = pa.table({"speaker": speakers, "text": texts, "start_s": [2.0 * i for i in range(len(texts))]})
    buffer = io.BytesIO()
    pq.write_table(table, buffer, row_group_size=row_group)
    assert _read_back(folder, buffer.getvalue(), ".parquet", "parquet") == [
        (s, clean_text(t)) for s, t in zip(speakers, texts, strict=True)
    ]


def test_every_format_has_a_round_trip() -> None:
    covered = {s.split("-")[0] for s in TEXT_WRITERS} | {
        "whisper",
        "assemblyai",
        "deepgram",
        "aws",
        "gong",
        "csv",
        "parquet",
    }
    assert covered == set(FORMATS)
