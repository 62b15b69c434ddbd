"""Write the nasty corpus: small, real-world-shaped broken transcripts, rosters and manifests.

Run from the repository root to rebuild ``tests/nasty/cases/`` (the files are
committed; this script documents exactly which bytes each one holds):

    python tests/nasty/make_cases.py

What each file should give is in ``tests/nasty/expected.csv``. Cases that only
bite when large (50 MB single-line files, 100k-utterance calls, a 200 KB CSV
field, a name of 50,000 brackets) are not here: the tests make them.
"""

from __future__ import annotations

import codecs
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

CASES = Path(__file__).resolve().parent / "cases"

ZOOM_CUES = [
    ("00:00:01.000", "00:00:04.200", "Dana Lee", "Thanks for making time, Priya. Can you hear me okay?"),
    ("00:00:04.500", "00:00:06.000", "Priya Raman", "Loud and clear."),
    ("00:00:06.300", "00:00:10.800", "Dana Lee", "So what would fixing the downtime mean for the plant?"),
    ("00:00:11.000", "00:00:14.000", "Priya Raman", "Fewer overtime shifts, mostly."),
]
WHISPER_SEGMENTS = [
    {"start": 0.64, "end": 6.2, "text": " Hi Priya, thanks for making the time today.", "speaker": "SPEAKER_00"},
    {"start": 6.9, "end": 9.1, "text": " Happy to. Tom is joining too.", "speaker": "SPEAKER_01"},
    {"start": 9.8, "end": 14.3, "text": " What does a missed delivery window cost you?", "speaker": "SPEAKER_00"},
]


def _vtt(cues: list[tuple[str, str, str, str]], header: str = "WEBVTT\n\n") -> str:
    return header + "\n".join(f"{a} --> {b}\n{who}: {text}\n" for a, b, who, text in cues)


def _srt(cues: list[tuple[str, str, str, str]], numbers: list[str]) -> str:
    blocks = []
    for number, (a, b, who, text) in zip(numbers, cues, strict=True):
        timing = f"{a.replace('.', ',')} --> {b.replace('.', ',')}"
        blocks.append(f"{number}\n{timing}\n{who}: {text}\n" if number else f"{timing}\n{who}: {text}\n")
    return "\n".join(blocks)


def _whisper(segments: list[dict[str, object]]) -> str:
    return json.dumps({"text": " ".join(str(s["text"]) for s in segments), "segments": segments}, indent=2)


def cases() -> dict[str, bytes]:
    """Give file name -> bytes for every case."""
    out: dict[str, bytes] = {}
    whisper = _whisper(WHISPER_SEGMENTS)
    gong = json.dumps(
        {
            "requestId": "4al018gzaztcr8nbukw",
            "records": {"totalRecords": 1, "currentPageSize": 1, "currentPageNumber": 0},
            "callTranscripts": [
                {
                    "callId": "7782342274025937895",
                    "transcript": [
                        {
                            "speakerId": "6432345678555530067",
                            "topic": "Pricing",
                            "sentences": [
                                {"start": 460, "end": 1420, "text": "Where are we on the renewal?"},
                                {"start": 1500, "end": 2900, "text": "Procurement asked for a second quote."},
                            ],
                        },
                        {
                            "speakerId": "1132345678555530067",
                            "sentences": [{"start": 3000, "end": 5200, "text": "What would a delay cost your team?"}],
                        },
                    ],
                }
            ],
        },
        indent=2,
    )

    # --- JSON: truncated, hand-edited, right keys at the wrong depth ---------------------------
    out["whisper_truncated.json"] = whisper[: whisper.index("Tom") + 3].encode()
    out["gong_truncated_mid_string.json"] = gong[: gong.index("second quote") + 6].encode()
    out["assemblyai_trailing_comma.json"] = (
        b'{\n  "id": "6rlr3", "status": "completed", "audio_url": "https://example.invalid/a.mp3",\n'
        b'  "utterances": [\n    {"speaker": "A", "text": "Hello there.", "start": 250, "end": 2890},\n'
        b'    {"speaker": "B", "text": "Hi!", "start": 3000, "end": 3900},\n  ]\n}\n'
    )
    out["whisper_segments_wrong_depth.json"] = json.dumps(
        {"text": "Hi Priya.", "result": {"segments": WHISPER_SEGMENTS}}, indent=2
    ).encode()
    out["gong_transcripts_wrong_depth.json"] = json.dumps(
        {"requestId": "x", "records": {"totalRecords": 1}, "data": json.loads(gong)}, indent=2
    ).encode()
    out["aws_speaker_labels_at_top.json"] = json.dumps(
        {
            "jobName": "renewal-call",
            "status": "COMPLETED",
            "results": {
                "transcripts": [{"transcript": "Where are we on the renewal?"}],
                "items": [
                    {
                        "start_time": "0.5",
                        "end_time": "0.9",
                        "type": "pronunciation",
                        "alternatives": [{"content": "Where"}],
                    }
                ],
            },
            "speaker_labels": {
                "speakers": 1,
                "segments": [{"speaker_label": "spk_0", "start_time": "0.5", "end_time": "0.9"}],
            },
        },
        indent=2,
    ).encode()
    out["deepgram_utterances_in_channel.json"] = json.dumps(
        {
            "metadata": {"request_id": "d5a8", "sha256": "ab12", "channels": 1},
            "results": {
                "channels": [
                    {
                        "alternatives": [{"transcript": "hello there"}],
                        "utterances": [{"start": 0.4, "end": 1.2, "transcript": "hello there", "speaker": 0}],
                    }
                ]
            },
        },
        indent=2,
    ).encode()
    out["assemblyai_null_utterances.json"] = (
        b'{"id": "x", "status": "completed", "audio_url": "https://example.invalid/a.mp3", '
        b'"text": "Hello there. Hi.", "utterances": null}'
    )
    out["whisper_text_not_strings.json"] = _whisper(
        [
            {"start": 0.0, "end": 1.0, "text": 42, "speaker": "SPEAKER_00"},
            {"start": 1.0, "end": 2.0, "text": None, "speaker": "SPEAKER_01"},
            {"start": 2.0, "end": 3.0, "text": " Only this one is speech.", "speaker": "SPEAKER_00"},
            {"start": 3.0, "end": 4.0, "text": ["a", "list"], "speaker": "SPEAKER_01"},
        ]
    ).encode()
    out["whisper_nan_and_negative_times.json"] = (
        b'{"segments": [{"start": NaN, "end": Infinity, "text": "Hi.", "speaker": "SPEAKER_00"},'
        b' {"start": -4, "end": "soon", "text": "Hello.", "speaker": "SPEAKER_01"}]}'
    )
    out["whisper_number_too_long.json"] = b'{"segments": [{"start": ' + b"9" * 5000 + b', "text": "Hi."}]}'
    out["json_nesting_bomb.json"] = b"[" * 3000 + b"]" * 3000
    out["deepgram_channel_is_a_list.json"] = json.dumps(
        {
            "metadata": {"request_id": "d5a8"},
            "results": {
                "utterances": [
                    {"start": 0.4, "end": 1.2, "transcript": "hello there", "channel": [0]},
                    {"start": 1.4, "end": 2.2, "transcript": "hi", "channel": [1]},
                ]
            },
        }
    ).encode()
    out["whisper_utf16le_bom.json"] = codecs.BOM_UTF16_LE + whisper.encode("utf-16-le")
    out["gong_bom_crlf.json"] = codecs.BOM_UTF8 + gong.replace("\n", "\r\n").encode()
    out["top_level_string.json"] = b'"just a string"'

    # --- WebVTT -----------------------------------------------------------------------------
    out["vtt_missing_header.vtt"] = _vtt(ZOOM_CUES, header="").encode()
    overlapping = [
        ("00:00:01.000", "00:00:06.000", "Dana Lee", "So when do they sign?"),
        ("00:00:03.500", "00:00:05.000", "Priya Raman", "Sorry, go ahead."),
        ("00:00:02.000", "00:00:08.000", "Dana Lee", "I mean the renewal."),
        ("00:00:09.000", "00:00:07.000", "Priya Raman", "End of quarter."),
    ]
    out["vtt_overlapping_cues.vtt"] = _vtt(overlapping).encode()
    out["vtt_bad_timing.vtt"] = _vtt(
        [*ZOOM_CUES[:2], ("00:00:0x.000", "00:00:09.000", "Dana Lee", "Broken."), *ZOOM_CUES[3:]]
    ).encode()
    out["vtt_header_only.vtt"] = b"WEBVTT\n\nNOTE exported before the recording started\n"
    out["vtt_bom_crlf.vtt"] = codecs.BOM_UTF8 + _vtt(ZOOM_CUES).replace("\n", "\r\n").encode()
    out["vtt_cr_only.vtt"] = _vtt(ZOOM_CUES).replace("\n", "\r").encode()
    out["vtt_unclosed_voice_tags.vtt"] = (
        b"WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Dana Lee>So when do they sign?\n\n"
        b"00:00:03.500 --> 00:00:05.000\n<v.loud Priya Raman>End of quarter, <i>probably</i>.\n\n"
        b"00:00:05.500 --> 00:00:07.000\n<v Dana Lee>What changes for them</v> <v Priya Raman>Fewer outages.</v>\n"
    )
    out["vtt_zero_width_and_rtl.vtt"] = _vtt(
        [
            ("00:00:01.000", "00:00:03.000", "Dana\u200b Lee", "Sh\u200balom \u05e9\u05dc\u05d5\u05dd, welcome."),
            ("00:00:03.500", "00:00:05.000", "\u200fYael Cohen\u200f", "\u202b\u05ea\u05d5\u05d3\u05d4\u202c, thanks."),
            ("00:00:05.500", "00:00:07.000", "Omar Haddad", "\u0645\u0631\u062d\u0628\u0627\u200d all."),
        ]
    ).encode()
    out["vtt_emoji.vtt"] = _vtt(
        [
            (
                "00:00:01.000",
                "00:00:03.000",
                "Dana Lee",
                "Great news \U0001f389\U0001f389 they signed \U0001f44d\U0001f3fd",
            ),
            ("00:00:03.500", "00:00:05.000", "Priya Raman", "\U0001f469\u200d\U0001f469\u200d\U0001f467 family plan?"),
        ]
    ).encode()

    # --- SRT ----------------------------------------------------------------------------------
    out["srt_bad_numbering.srt"] = _srt(ZOOM_CUES, ["1", "two", "3a", "#4"]).encode()
    out["srt_duplicate_numbering.srt"] = _srt(ZOOM_CUES, ["1", "1", "2", "2"]).encode()
    out["srt_missing_numbering.srt"] = _srt(ZOOM_CUES, ["1", "", "", "4"]).encode()
    out["srt_no_blank_lines.srt"] = _srt(ZOOM_CUES, ["1", "2", "3", "4"]).replace("\n\n", "\n").encode()
    out["srt_bad_timing.srt"] = _srt(
        [*ZOOM_CUES[:1], ("00:00:04,500", "00:00:xx,000", "Priya Raman", "Broken."), *ZOOM_CUES[2:]],
        ["1", "2", "3", "4"],
    ).encode()

    # --- plain text -------------------------------------------------------------------------
    out["text_mixed_encodings.txt"] = (
        "María Farías: Hola Sam, how did the Lumen demo go?\n".encode()
        + "Sam Ortiz: Well. Their CFO liked the café analogy.\r\n".encode("cp1252")
        + "María Farías: What would it change for the nurses?\n".encode()
    )
    lines = "Dana Lee: Morning Sam.\nSam Ortiz: Morning. Contoso signed.\nDana Lee: What changes for them now?\n"
    out["text_utf16le_no_bom.txt"] = lines.encode("utf-16-le")
    out["text_utf16be_bom.txt"] = codecs.BOM_UTF16_BE + lines.encode("utf-16-be")
    out["text_nul_bytes.txt"] = lines.replace("Morning.", "Morn\x00ing.").replace("Contoso", "Con\x00toso").encode()
    out["text_nul_padded.txt"] = lines.encode() + b"\x00" * 3000
    out["text_mixed_line_ends.txt"] = (
        lines.replace("\n", "\r\n", 1)
        .replace("Sam.\r\nSam Ortiz: Morning. Contoso signed.\n", "Sam.\r\nSam Ortiz: Morning. Contoso signed.\r")
        .encode()
    )
    out["text_bidi_override_names.txt"] = (
        "\u202eDana Lee\u202c: Who signs the order?\n\u2066Sam Ortiz\u2069: Their CFO.\n"
        "Dana Lee: \u202eAnd what does it fix for them?\n"
    ).encode()
    out["text_only_notes.txt"] = b"Note: call was not recorded\nRe: pricing follow-up\nAction items: none\n"
    out["text_binary_png.txt"] = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + bytes(range(256)) * 4
    out["empty.txt"] = b""
    out["whitespace_only.vtt"] = b"  \n\n\t\r\n   "
    out["text_one_line_no_breaks.txt"] = (
        b"Dana Lee: Morning Sam. Sam Ortiz: Morning. Dana Lee: What changes for them? Sam Ortiz: Uptime."
    )

    # --- CSV and Parquet ----------------------------------------------------------------------
    out["csv_unclosed_quote.csv"] = (
        b'speaker,text,start_s,end_s\nDana Lee,"So when do they sign?,0.5,3.0\n'
        b"Priya Raman,End of quarter.,3.5,5.0\nDana Lee,What would it change for them?,5.5,8.0\n"
    )
    out["csv_truncated_in_quoted_cell.csv"] = (
        b'speaker,text,start_s,end_s\nDana Lee,"So, when do they sign?",0.5,3.0\nPriya Raman,"End of quarter, if legal'
    )
    out["csv_ragged_rows.csv"] = (
        b"speaker,text,start_s,end_s\nDana Lee,So, when do they sign?,0.5,3.0\nPriya Raman,End of quarter.\n"
        b"Dana Lee,What would it change?,5.5,8.0,extra,cells\n"
    )
    out["csv_no_speaker_column.csv"] = b"who,said,at\nDana Lee,Hello,0.5\nPriya Raman,Hi,1.5\n"
    out["csv_header_only.csv"] = b"speaker,text,start_s,end_s\n"
    out["csv_excel_utf16_tabs.csv"] = codecs.BOM_UTF16_LE + (
        "speaker\ttext\tstart_s\r\nMaría Farías\tWhat keeps the nurses up at night?\t0,5\r\nSam Ortiz\tStaffing.\t3,5\r\n"
    ).encode("utf-16-le")
    out["csv_sep_line_semicolons.csv"] = (
        "sep=;\r\nspeaker;text;start_s\r\nDana Lee;Hi, all;0,5\r\nSam Ortiz;Hello;1,5\r\n".encode("cp1252")
    )
    out["csv_bad_times.csv"] = (
        b"speaker,text,start_s,end_s\nDana Lee,Hi.,soon,1e999\nSam Ortiz,Hello.,-3,NaN\nDana Lee,Bye.,99:99:99,2.0\n"
    )
    out["csv_one_line_no_breaks.csv"] = b"speaker,text,start_s" + b",Dana Lee,Hello there,0.5" * 20
    two_calls = io.BytesIO()
    pq.write_table(
        pa.table(
            {
                "call_id": ["a", "a", "b"],
                "speaker": ["Dana Lee", "Sam Ortiz", "Dana Lee"],
                "text": ["Hi.", "Hello.", "Bye."],
            }
        ),
        two_calls,
    )
    out["parquet_truncated.parquet"] = two_calls.getvalue()[: len(two_calls.getvalue()) // 2]
    out["parquet_really_csv.parquet"] = b"speaker,text\nDana Lee,Hi\n"
    huge_duration = io.BytesIO()
    pq.write_table(
        pa.table({"speaker": ["Dana Lee"], "text": ["Hi."], "start": pa.array([2**62], pa.duration("s"))}),
        huge_duration,
    )
    out["parquet_time_out_of_range.parquet"] = huge_duration.getvalue()

    # --- rosters and manifests ---------------------------------------------------------------
    out["roster_empty.csv"] = b""
    out["roster_binary.csv"] = bytes(range(256)) * 8
    out["roster_missing_column.csv"] = b"name,role,team\nDana Lee,manager,East\n"
    out["roster_unknown_role.csv"] = b"name,role,manager,team\nDana Lee,manager,,East\nSam Ortiz,wizard,Dana Lee,East\n"
    out["roster_utf16_crlf.csv"] = (
        "name,role,manager,team\r\nMaría Farías,manager,,Central\r\nSam Ortiz,rep,María Farías,Central\r\n".encode(
            "utf-16"
        )
    )
    out["manifest_bad_rows.csv"] = (
        b"path,call_id,kind,date,speakers\n"
        b"calls/a.vtt,a,one_on_one,2026-03-14,\n"
        b"calls/b.vtt,b,weekly,2026-03-15,\n"
        b"calls/c.vtt,c,customer_call,14/03/2026,\n"
        b"calls/d.vtt,d,customer_call,2026-03-16,SPEAKER_00\n"
        b",e,one_on_one,2026-03-17,\n"
    )
    out["manifest_unclosed_quote.csv"] = (
        b'path,call_id,kind,date\n"calls/a.vtt,a,one_on_one,2026-03-14\n'
        b"calls/b.vtt,b,one_on_one,2026-03-15\ncalls/c.vtt,c,customer_call,2026-03-16\n"
    )
    out["manifest_binary.csv"] = bytes(range(256)) * 8
    return out


def main() -> None:
    CASES.mkdir(exist_ok=True)
    for old in CASES.iterdir():
        old.unlink()
    for name, data in sorted(cases().items()):
        (CASES / name).write_bytes(data)
    print(f"wrote {len(cases())} cases to {CASES}")


if __name__ == "__main__":
    main()
