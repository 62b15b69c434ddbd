"""One test per bug the hostile-input work found (issue 7), beside the nasty corpus that also shows them.

Each docstring says what went wrong before the fix.
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

import convolens
from convolens.classifiers.lexicon_tokenizer import MAX_RUN, BoundedTokenizer, split_long_runs
from convolens.errors import InputFormatError, ManifestError, MissingInputError, RosterError
from convolens.inputs import read_manifest
from convolens.readers import read_any
from convolens.readers.base import MAX_TURN_CHARS, decode_bytes
from convolens.roster import Roster, name_key

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


def test_missing_file_and_folder_are_convolens_errors(tmp_path: Path) -> None:
    """read_any raised a bare FileNotFoundError / IsADirectoryError."""
    with pytest.raises(MissingInputError) as info:
        read_any(tmp_path / "nope.vtt")
    assert str(info.value) == f"{tmp_path / 'nope.vtt'}: no such file"
    with pytest.raises(InputFormatError, match="cannot read the file"):
        read_any(tmp_path)


def test_deepgram_paragraph_start_beyond_float_range(tmp_path: Path) -> None:
    """float() of a 400-digit start raised OverflowError while sorting paragraphs."""
    path = tmp_path / "dg.json"
    path.write_text(
        '{"metadata": {"request_id": "x"}, "results": {"channels": [{"alternatives": [{"paragraphs": '
        '{"paragraphs": [{"speaker": 0, "start": 1' + "0" * 400 + ', "sentences": [{"text": "later"}]},'
        ' {"speaker": 1, "start": 2, "sentences": [{"text": "first"}]}]}}]}]}}'
    )
    [t] = read_any(path)
    assert [turn.text for turn in t.turns] == ["first", "later"]


def test_unreadable_roster_is_a_roster_error_and_the_run_goes_on(tmp_path: Path) -> None:
    """An empty or binary roster raised EmptyInputError/InputFormatError, which the run did not catch."""
    for data in (b"", bytes(range(256)) * 8):
        (tmp_path / "roster.csv").write_bytes(data)
        with pytest.raises(RosterError):
            Roster.from_csv(tmp_path / "roster.csv")
    org = tmp_path / "org"
    (org / "calls").mkdir(parents=True)
    for source in sorted((SAMPLES / "calls").glob("*.vtt"))[:3]:
        shutil.copy(source, org / "calls" / source.name)
    (org / "roster.csv").write_bytes(b"")
    result = convolens.score(org, model="lexicon")
    assert result.summary.files_scored == 3
    assert result.errors["code"].tolist() == ["CL200"]


def test_malformed_csv_in_roster_and_manifest_names_the_line(tmp_path: Path) -> None:
    """csv.Error ("field larger than field limit") escaped both readers."""
    path = tmp_path / "x.csv"
    path.write_bytes(b'name,role,manager,team\nDana Lee,manager,,East\n"' + b"x" * 140_000 + b'",rep,,\n')
    with pytest.raises(RosterError) as roster_error:
        Roster.from_csv(path)
    assert roster_error.value.line == 3
    path.write_bytes(b'path,call_id,kind,date\n"' + b"x" * 140_000 + b'",a,one_on_one,2026-03-14\n')
    with pytest.raises(ManifestError) as manifest_error:
        read_manifest(path)
    assert manifest_error.value.line == 2


def test_stray_quote_in_roster_is_reported_not_swallowed(tmp_path: Path) -> None:
    """Every person after a stray quote vanished into one name cell."""
    path = tmp_path / "roster.csv"
    path.write_bytes(b'name,role,manager,team\n"Dana Lee,manager,,East\nSam Ortiz,rep,Dana Lee,East\n')
    with pytest.raises(RosterError, match="never closed") as info:
        Roster.from_csv(path)
    assert info.value.line == 2


def _name_key_before(name: str) -> str:
    """name_key as it was, with its quadratic bracket regex: the reference for the linear one."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"\s*[(\[][^)\]]*[)\]]\s*", " ", text)
    if "@" in text:
        text = text.split("@", 1)[0]
    if text.count(",") == 1:
        last, first = text.split(",")
        text = f"{first} {last}"
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).replace("_", " ").split())


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab ()[],@_-é\t", max_size=16) | st.text(max_size=16))
def test_name_key_unchanged_by_the_linear_bracket_strip(name: str) -> None:
    """The bracket strip was made linear; the keys it gives must not change."""
    assert name_key(name) == _name_key_before(name)


def test_name_key_examples() -> None:
    cases = {
        "  Farías, María (she/her) ": "maria farias",
        "Dana Lee [Acme] (EMEA)": "dana lee",
        "Lee (x), Dana": "dana lee",
        "Dana (Acme (EMEA)) Lee": "dana lee",
        "Sam Ortiz (unclosed": "sam ortiz unclosed",
        "dana.lee@halyard.example": "dana lee",
    }
    assert {name: name_key(name) for name in cases} == cases


def test_turn_longer_than_the_pipeline_takes_fails_the_file(tmp_path: Path) -> None:
    """A turn over 1,000,000 characters read fine, then made spaCy raise for the whole run."""
    path = tmp_path / "call.json"

    def whisper(length: int) -> str:
        return json.dumps({"segments": [{"text": "hi", "speaker": "A"}, {"text": "x" * length, "speaker": "B"}]})

    path.write_text(whisper(MAX_TURN_CHARS + 1))
    with pytest.raises(InputFormatError, match="more than the 1,000,000") as info:
        read_any(path)
    assert info.value.line == 2  # the record
    path.write_text(whisper(MAX_TURN_CHARS))
    assert len(read_any(path)[0].turns[1].text) == MAX_TURN_CHARS


def test_mixed_utf8_and_cp1252_lines_keep_utf8_names() -> None:
    """One Windows-1252 line made the whole file decode as Windows-1252: "María" became "MarÃ­a"."""
    data = "María Farías: Hola\n".encode() + "Sam Ortiz: café\n".encode("cp1252")
    assert decode_bytes(data, "f") == ("María Farías: Hola\nSam Ortiz: café\n", "utf-8+cp1252")
    assert decode_bytes("Farías: “hola”".encode("cp1252"), "f") == ("Farías: “hola”", "cp1252")


def test_call_without_speech_warning_is_one_line(tmp_path: Path) -> None:
    """A call_id cell spanning lines made a multi-line warning."""
    path = tmp_path / "call.csv"
    path.write_text('call_id,speaker,text\n"a\nb",Dana Lee,\nc,Dana Lee,hello\n')
    [t] = read_any(path)
    assert all(len(p.message.splitlines()) == 1 for p in t.problems)
    assert any("call a b has no speech" in p.message for p in t.problems)


def test_bounded_tokenizer_keeps_text_and_ordinary_tokens() -> None:
    """The tokenizer guard must not change ordinary tokenisation, and must keep the exact text."""
    nlp = spacy.blank("en")
    bounded = BoundedTokenizer(nlp.tokenizer)
    ordinary = "So, what's the plan? Email dana.lee@halyard.example or see https://example.com/a-b."
    assert [t.text for t in bounded(ordinary)] == [t.text for t in nlp.tokenizer(ordinary)]
    hostile = "ok " + "?" * 1000 + " then \U0001f600" * 3 + " " + "a-" * 300
    doc = bounded(hostile)
    assert doc.text == hostile
    assert all(len(t.text) <= MAX_RUN for t in doc)
    assert "".join(split_long_runs(hostile)) == hostile
