from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from convolens.errors import EmptyInputError, InputFormatError
from convolens.readers.base import Cue, clean_text, decode_bytes, merge_cues, parse_clock


@given(st.text(max_size=200))
def test_clean_text_fast_path_agrees_with_full_path(text: str) -> None:
    # The ASCII fast path must give what decoding, NFC and the regex would give.
    import html
    import re
    import unicodedata

    if text.isascii() and "&" not in text:
        slow = re.sub(r"\s+", " ", unicodedata.normalize("NFC", html.unescape(text))).strip()
        assert clean_text(text) == slow


def test_clean_text_decodes_entities_and_zero_width() -> None:
    assert clean_text("Far&#237;as\u200b  said &amp; left") == "Farías said & left"


@pytest.mark.parametrize(
    ("clock", "seconds"),
    [("00:01:02.500", 62.5), ("0:0:5.32", 5.32), ("01:02", 62.0), ("00:01:02,5", 62.5), ("1:00:00", 3600.0)],
)
def test_parse_clock(clock: str, seconds: float) -> None:
    assert parse_clock(clock) == pytest.approx(seconds)


@pytest.mark.parametrize("bad", ["1:xx", "00:61:00", "", "12", "00:00:75"])
def test_parse_clock_rejects(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_clock(bad)


def test_decode_bytes_encodings() -> None:
    assert decode_bytes("\ufeffa: b\r\nc".encode(), "f") == ("a: b\nc", "utf-8-bom")
    assert decode_bytes("Farías: hola".encode("utf-16"), "f")[0] == "Farías: hola"
    assert decode_bytes("Farías: hola".encode("utf-16-le"), "f") == ("Farías: hola", "utf-16-le")
    assert decode_bytes("Farías: “hola”".encode("cp1252"), "f") == ("Farías: “hola”", "cp1252")
    with pytest.raises(EmptyInputError, match="f: file is empty"):
        decode_bytes(b"  \n", "f")
    with pytest.raises(InputFormatError, match="looks binary"):
        decode_bytes(bytes(range(1, 32)) * 50, "f")


def test_merge_cues_joins_one_speaker_and_continues_unnamed_cues() -> None:
    turns = merge_cues(
        [
            Cue("Dana", "So when", 1.0, 2.0, 3),
            Cue(None, "do they sign?", 2.0, 3.0, 6),
            Cue("Sam", "", 3.0, 3.5, 9),  # switches speaker, no text
            Cue(None, "Friday.", 3.5, None, 12),
            Cue("Dana", "Great.", 5.0, 6.0, 15),
        ]
    )
    assert [(t.speaker, t.text, t.start_s, t.end_s, t.line) for t in turns] == [
        ("Dana", "So when do they sign?", 1.0, 3.0, 3),
        ("Sam", "Friday.", 3.5, None, 12),
        ("Dana", "Great.", 5.0, 6.0, 15),
    ]
