"""Every reader, given hostile bytes, parses them or raises a clean ConvolensError, quickly.

Inputs: random bytes, random text, "token soup" (random strings of the pieces
the formats are made of, which reach deeper into the parsers than noise), and
valid files damaged by truncation, line edits, flipped bytes, re-encoding and
inserted NUL / BOM / zero-width / right-to-left / emoji characters. Each is read
with the format forced and with auto-detection. The outcome must be transcripts
that are well formed, or a ConvolensError whose message is one line naming the
file (and a line inside it, for line-based formats); never another exception,
and never a parse slower than :data:`hostile.PARSE_SECONDS`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile import check_transcripts, line_count, mutated, outcome, profile, token_soup, write
from hypothesis import given
from hypothesis import strategies as st

from convolens.readers import FORMATS, read_any

READER_FIXTURES = Path(__file__).resolve().parents[1] / "readers" / "fixtures"

#: Valid files of every format, to damage.
VALID: dict[str, tuple[str, ...]] = {
    "vtt": ("text/zoom_discovery.vtt", "text/teams_renewal.vtt", "text/headerless.vtt"),
    "srt": ("text/pipeline_review.srt",),
    "text": ("text/coaching_one_on_one.txt", "text/timestamped.txt"),
    "meet": ("text/meet_weekly.txt",),
    "otter": ("text/otter_standup.txt", "text/rev_discovery.txt"),
    "whisper": ("json/whisper_plain.json", "json/whisperx_diarized.json"),
    "assemblyai": ("json/assemblyai.json",),
    "aws": ("json/aws_transcribe.json", "json/aws_transcribe_audio_segments.json"),
    "deepgram": ("json/deepgram.json",),
    "gong": ("json/gong_multi_call.json", "json/gong_with_calls.json"),
    "csv": ("tabular/multi_call.csv", "tabular/semicolon_eu.csv", "tabular/windows_bom.csv"),
    "parquet": ("tabular/two_calls.parquet",),
}
#: Formats whose error and warning lines are lines of the file (JSON and Parquet count records).
LINE_FORMATS = frozenset({"vtt", "srt", "text", "meet", "otter", "csv"})
SUFFIXES = (".vtt", ".srt", ".txt", ".json", ".csv", ".tsv", ".parquet", "")
FORMAT_CHOICES = [*FORMATS, None]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


def _suffix(fmt: str | None, fallback: str) -> str:
    if fmt is None:
        return fallback
    return {"text": ".txt", "meet": ".txt", "otter": ".txt", "parquet": ".parquet", "csv": ".csv"}.get(
        fmt, ".json" if fmt in ("whisper", "assemblyai", "aws", "deepgram", "gong") else f".{fmt}"
    )


def _read(folder: Path, data: bytes, fmt: str | None, suffix: str) -> None:
    path = write(folder, suffix, data)
    name = f"calls/{path.name}"  # the name messages must use, as the pipeline passes it
    max_line = line_count(data) if fmt in LINE_FORMATS else None
    result = outcome(lambda: read_any(path, format=fmt, name=name), name, max_line)
    if isinstance(result, list):
        check_transcripts(result, name, max_line)


def test_every_format_has_valid_files_to_damage() -> None:
    assert set(VALID) == set(FORMATS)
    for fmt, names in VALID.items():
        for name in names:
            transcripts = read_any(READER_FIXTURES / name, format=fmt)
            assert transcripts and all(t.turns for t in transcripts), name


@pytest.mark.parametrize("fmt", FORMAT_CHOICES)
@profile
@given(data=st.binary(max_size=3000), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes(folder: Path, fmt: str | None, data: bytes, suffix: str) -> None:
    _read(folder, data, fmt, _suffix(fmt, suffix))


@pytest.mark.parametrize("fmt", FORMAT_CHOICES)
@profile
@given(text=st.text(max_size=1500), suffix=st.sampled_from(SUFFIXES))
def test_random_text(folder: Path, fmt: str | None, text: str, suffix: str) -> None:
    _read(folder, text.encode("utf-8"), fmt, _suffix(fmt, suffix))


@pytest.mark.parametrize("fmt", FORMAT_CHOICES)
@profile
@given(soup=token_soup, suffix=st.sampled_from(SUFFIXES))
def test_token_soup(folder: Path, fmt: str | None, soup: str, suffix: str) -> None:
    _read(folder, soup.encode("utf-8"), fmt, _suffix(fmt, suffix))


@pytest.mark.parametrize(("fmt", "fixture"), [(fmt, name) for fmt, names in VALID.items() for name in names])
@profile
@given(data=st.data())
def test_damaged_valid_files(folder: Path, fmt: str, fixture: str, data: st.DataObject) -> None:
    original = (READER_FIXTURES / fixture).read_bytes()
    damaged = data.draw(mutated(original), label="damaged")
    suffix = Path(fixture).suffix
    _read(folder, damaged, fmt, suffix)  # the format forced
    _read(folder, damaged, None, suffix)  # detected
