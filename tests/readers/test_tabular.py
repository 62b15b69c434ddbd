"""Tests for the CSV/TSV and Parquet readers."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from convolens.errors import InputFormatError, UnknownFormatError
from convolens.readers import ReadOptions, Source, detect, read_any
from convolens.readers.tabular import CsvReader, ParquetReader

FIXTURES = Path(__file__).parent / "fixtures" / "tabular"
MAPPING = {"text": "said", "speaker": "who", "start_s": "t0_ms", "end_s": "t1_ms", "call_id": "conv"}


def detected(path: Path) -> str | None:
    try:
        return detect(Source(path)).name
    except UnknownFormatError:
        return None


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("multi_call.csv", "csv"),
        ("semicolon_eu.csv", "csv"),
        ("windows_bom.csv", "csv"),
        ("two_calls.parquet", "parquet"),
    ],
)
def test_detect_picks_the_table_reader(name: str, fmt: str) -> None:
    assert detected(FIXTURES / name) == fmt


def test_reader_names_and_suffixes() -> None:
    assert (CsvReader.name, CsvReader.suffixes) == ("csv", (".csv", ".tsv"))
    assert (ParquetReader.name, ParquetReader.suffixes) == ("parquet", (".parquet", ".pq"))


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("roster.csv", "person_id,name,role,manager_id,team,email\np1,Dana Lee,rep,m1,West,dana@x.example\n"),
        ("manifest.csv", "path,call_id,kind,date,title\ncalls/a.vtt,c1,customer_call,2026-03-02,Intro\n"),
        ("numbers.csv", "a,b,c\n1,2,3\n"),
    ],
)
def test_other_csvs_are_not_taken_for_transcripts(tmp_path: Path, name: str, text: str) -> None:
    assert detected(write(tmp_path, name, text)) != "csv"


def test_custom_column_names_are_not_detected() -> None:
    assert detected(FIXTURES / "custom_columns.csv") != "csv"


# --- CSV -------------------------------------------------------------------------------------


def test_multi_call_csv_gives_one_transcript_per_call_in_first_seen_order() -> None:
    first, second = read_any(FIXTURES / "multi_call.csv")
    # Ids stay text: the leading zeros survive.
    assert (first.meta.call_id, second.meta.call_id) == ("0098765432109876543", "7782342274025937895")
    assert [t.speaker for t in first.turns] == [
        "Dana Lee",
        "Priya Raman",
        "Dana Lee",
        "Priya Raman",
        "Dana Lee",
        "Priya Raman",
    ]
    assert first.turns[2].text.endswith("cost you today? I mean in credits and in staff time.")
    assert first.turns[2].line == 4
    assert second.turns[0].line == 6  # the quoted field spanned lines 4-5
    assert second.turns[1].text == 'Better than expected; the drivers liked the new app, "mostly".'
    assert (first.turns[0].start_s, first.turns[0].end_s) == (0.64, 4.1)


def test_bad_rows_are_warnings_with_line_numbers() -> None:
    first, second = read_any(FIXTURES / "multi_call.csv")
    assert [(p.line, p.level) for p in first.problems] == [(8, "warning")]
    assert "empty text" in first.problems[0].message and "Tom Becker" not in {t.speaker for t in first.turns}
    assert [(p.line, p.level) for p in second.problems] == [(10, "warning")]
    assert "bad end time 'bad'" in second.problems[0].message
    # The row with the bad time keeps its text; it merges with the same speaker's next row.
    merged = second.turns[2]
    assert (
        merged.text == "What would it take to roll it out to the other depots? And who else needs to sign off on that?"
    )
    assert (merged.start_s, merged.end_s) == (12.9, 19.0)


def test_semicolon_csv_with_clock_times_and_decimal_commas() -> None:
    [t] = read_any(FIXTURES / "semicolon_eu.csv")
    assert t.meta.call_id is None
    assert t.turns[0].speaker == "Lena Vogel" and t.turns[0].text == "Guten Morgen, schön dass es geklappt hat."
    assert (t.turns[0].start_s, t.turns[0].end_s) == pytest.approx((1.2, 4.9))
    assert "12,5 percent. Können wir" in t.turns[2].text
    assert len(t.turns) == 9 and t.problems == ()


def test_crlf_bom_csv() -> None:
    [t] = read_any(FIXTURES / "windows_bom.csv")
    assert t.encoding == "utf-8-bom"
    assert t.turns[0].speaker == "Ana Souza" and t.turns[0].start_s == 0.0
    assert all("\r" not in turn.text for turn in t.turns)
    assert len(t.turns) == 9  # two consecutive Ana rows merged
    assert (
        t.turns[4].text
        == "I'll get our support lead on it today. What else would make the rollout easier for your team?"
    )


def test_column_mapping_option() -> None:
    [t] = read_any(FIXTURES / "custom_columns.csv", format="csv", options=ReadOptions(columns=MAPPING))
    assert t.meta.call_id == "C-1001"
    assert [x.speaker for x in t.turns[:2]] == ["Rep", "Buyer"]
    # A column named *_ms holds milliseconds.
    assert (t.turns[0].start_s, t.turns[0].end_s) == pytest.approx((1.2, 5.4))


def test_mapping_to_a_missing_column_lists_the_columns() -> None:
    with pytest.raises(InputFormatError, match=r"'words'.*columns found: 'conv', 'who', 'said'"):
        read_any(FIXTURES / "custom_columns.csv", format="csv", options=ReadOptions(columns={"text": "words"}))


def test_unknown_mapping_key_is_an_error() -> None:
    with pytest.raises(InputFormatError, match="unknown column option"):
        read_any(FIXTURES / "custom_columns.csv", format="csv", options=ReadOptions(columns={"words": "said"}))


def test_missing_text_or_speaker_column_lists_the_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", "who,said\nRep,hello\n")
    with pytest.raises(InputFormatError) as info:
        read_any(path, format="csv")
    message = str(info.value)
    assert "no text or speaker column" in message and "columns found: 'who', 'said'" in message
    assert info.value.line == 1


def test_tsv_synonyms_and_case(tmp_path: Path) -> None:
    path = write(
        tmp_path, "t.tsv", "Participant\tSentence\tStart Time\tEND\n Dana \tHi, all.\t1\t2.5\nSam\tHello!\t3\t4\n"
    )
    assert detected(path) == "csv"
    [t] = read_any(path)
    assert [(x.speaker, x.text, x.start_s, x.end_s) for x in t.turns] == [
        ("Dana", "Hi, all.", 1.0, 2.5),
        ("Sam", "Hello!", 3.0, 4.0),
    ]


def test_excel_sep_line_and_extra_fields(tmp_path: Path) -> None:
    path = write(tmp_path, "x.csv", "sep=;\nspeaker;text\nDana;How much; roughly?\nSam;About ten.\n")
    assert detected(path) == "csv"
    [t] = read_any(path)
    assert [x.text for x in t.turns] == ["How much", "About ten."]
    assert t.turns[0].line == 3
    assert [(p.line, p.level) for p in t.problems] == [(3, "warning")] and "roughly?" in t.problems[0].message


def test_empty_speaker_cell_continues_previous_speaker(tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", "speaker,text\nDana,First part.\n,Second part.\nSam,Reply.\n")
    [t] = read_any(path)
    assert [(x.speaker, x.text) for x in t.turns] == [("Dana", "First part. Second part."), ("Sam", "Reply.")]


# --- Parquet ------------------------------------------------------------------------------------


def test_parquet_two_calls() -> None:
    first, second = read_any(FIXTURES / "two_calls.parquet")
    assert (first.meta.call_id, second.meta.call_id) == ("5550001112223334445", "9990001112223334446")
    assert first.format == "parquet" and first.encoding is None
    assert [x.speaker for x in first.turns] == ["Dana Lee", "Priya Raman", "Dana Lee", "Priya Raman"]
    assert first.turns[2].text == "What's driving most of them? Is it routing, or capacity at the depots?"
    assert first.turns[3].end_s == 26.3 and first.turns[3].line == 5  # row numbers, 1-based
    assert second.turns[0].line == 6


def test_parquet_int_ids_durations_and_synonyms(tmp_path: Path) -> None:
    table = pa.table(
        {
            "Conversation_ID": pa.array([1234567890123456789, 1234567890123456789], pa.int64()),
            "Speaker_Name": ["Dana", "Sam"],
            "Utterance": ["Hello.", None],
            "Start": pa.array([1_500_000, 3_000_000], pa.duration("us")),
        }
    )
    path = tmp_path / "t.pq"
    pq.write_table(table, path)
    [t] = read_any(path)
    assert t.meta.call_id == "1234567890123456789"
    assert [(x.speaker, x.text, x.start_s) for x in t.turns] == [("Dana", "Hello.", 1.5)]
    assert [(p.line, p.message) for p in t.problems] == [(2, "row 2: empty text; row skipped")]


def test_parquet_without_speaker_column_lists_columns(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"text": ["hi"], "start_s": [0.0]}), path)
    with pytest.raises(InputFormatError, match="columns found: 'text', 'start_s'"):
        read_any(path)


def test_broken_parquet_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.parquet"
    path.write_bytes(b"PAR1" + bytes(range(256)) * 4)
    assert detected(path) == "parquet"
    with pytest.raises(InputFormatError, match="not a readable Parquet file"):
        read_any(path)
