"""End-to-end scoring through the public API and the CLI, including every kind of bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import convolens
from convolens.cli import app
from convolens.errors import UnknownFormatError

ROSTER = "name,role,manager,team,aliases\nDana Lee,manager,,East,\nSam Ortiz,rep,Dana Lee,East,Sammy O\n"

ONE_ON_ONE = """WEBVTT

1
00:00:01.000 --> 00:00:04.000
Dana Lee: Morning Sam. So when do you think Acme signs?

2
00:00:04.500 --> 00:00:09.000
Sam Ortiz: They said end of the month, the PO is with procurement.

3
00:00:09.500 --> 00:00:14.000
Dana Lee: What problem are they trying to fix for their drivers?

4
00:00:14.500 --> 00:00:18.000
Sam Ortiz: Late deliveries. Their customers cancel orders when trucks are late.
"""

CUSTOMER_CALL = "Sam Ortiz: Thanks for making time today.\nPat Quinn: Happy to.\nSam Ortiz: How do you measure on-time delivery today?\nPat Quinn: Mostly spreadsheets, honestly.\n"


def _org(tmp_path: Path) -> Path:
    root = tmp_path / "org"
    (root / "calls").mkdir(parents=True)
    (root / "roster.csv").write_text(ROSTER, encoding="utf-8")
    (root / "calls" / "2026-09-07_one_on_one_dana_sam.vtt").write_text(ONE_ON_ONE, encoding="utf-8")
    (root / "calls" / "2026-09-08_customer_call_acme.txt").write_text(CUSTOMER_CALL, encoding="utf-8")
    return root


def test_score_a_folder_end_to_end(tmp_path: Path) -> None:
    result = convolens.score(_org(tmp_path), out=tmp_path / "run")
    assert result.ok
    u = result.utterances
    assert len(u) == 8 and len(result.calls) == 2
    one = u[u["call_id"] == "2026-09-07_one_on_one_dana_sam"].reset_index(drop=True)
    assert list(one["role"]) == ["manager", "rep", "manager", "rep"]
    assert list(one["is_question"]) == [True, False, True, False]
    assert one.loc[0, "focus"] == "revenue" and one.loc[2, "focus"] == "customer_impact"
    assert one.loc[0, "start_s"] == 1.0 and one.loc[3, "end_s"] == 18.0
    cust = u[u["kind"] == "customer_call"]
    assert set(cust.loc[cust["speaker"] == "Pat Quinn", "role"]) == {"customer"}
    assert set(cust.loc[cust["speaker"] == "Sam Ortiz", "manager_id"]) == {"dana-lee"}
    calls = result.calls.set_index("call_id")
    assert calls.loc["2026-09-08_customer_call_acme", "metadata_source"] == "kind=filename;date=filename"
    assert str(calls.loc["2026-09-07_one_on_one_dana_sam", "date"].date()) == "2026-09-07"
    # What was written reads back identically.
    back = pd.read_parquet(tmp_path / "run" / "utterances")
    assert back["text"].tolist() == u["text"].tolist()
    summary, periods = convolens.report(tmp_path / "run", by="manager")
    dana = summary[summary["id"] == "dana-lee"].iloc[0]
    assert (dana["revenue"], dana["customer_impact"], dana["impact_share"]) == (1, 1, 0.5)
    assert list(periods["period"]) == ["2026-09-07"]


def test_unmatched_speakers_are_unknown_outside_customer_calls(tmp_path: Path) -> None:
    root = _org(tmp_path)
    (root / "calls" / "2026-09-07_one_on_one_dana_sam.vtt").write_text(
        ONE_ON_ONE.replace("Sam Ortiz:", "Samuel X:"), encoding="utf-8"
    )
    result = convolens.score(root)
    assert result.summary.unknown_speakers == {"Samuel X": 2}


BAD_INPUTS: dict[str, bytes] = {
    "unknown.txt": b"just some words with no speakers at all\nand more of them\n",
    "truncated.json": b'{"segments": [{"start": 0.0, "end": 1.0, "text": "hi", "speaker": "SPEAKER_00"},\n {"start": 1.',
    "broken_times.vtt": b"WEBVTT\n\n00:00:01.000 --> 00:00:0x.000\nDana Lee: hello\n",
    "empty.vtt": b"",
}


def test_bad_inputs_are_listed_and_the_rest_is_scored(tmp_path: Path) -> None:
    root = _org(tmp_path)
    for name, data in BAD_INPUTS.items():
        (root / "calls" / name).write_bytes(data)
    # Encodings and line ends that must be read, not rejected.
    (root / "calls" / "utf16.txt").write_bytes(
        ("Dana Lee: When does it close?\r\nSam Ortiz: Friday.\r\n").encode("utf-16")
    )
    (root / "calls" / "latin1.txt").write_bytes("María Farías: ¿Qué tal?\nSam Ortiz: Bien.\n".encode("latin-1"))
    (root / "calls" / "bom_crlf.srt").write_bytes(
        "\ufeff1\r\n00:00:01,000 --> 00:00:02,000\r\nDana Lee: How big is the deal?\r\n\r\n".encode()
    )
    out = tmp_path / "run"
    res = CliRunner().invoke(app, ["score", str(root), "--out", str(out)])
    assert res.exit_code == 1, res.output
    errors = pd.read_csv(out / "errors.csv")
    failed = errors[errors["level"] == "error"]
    assert sorted(Path(p).name for p in failed["path"]) == sorted(BAD_INPUTS)
    assert all(len(m.splitlines()) == 1 for m in failed["message"])
    by_name = {Path(p).name: row for p, row in zip(failed["path"], failed.to_dict("records"), strict=True)}
    assert by_name["truncated.json"]["line"] == 2
    assert by_name["broken_times.vtt"]["line"] == 3
    calls = pd.read_parquet(out / "calls")
    assert set(calls["source_path"].map(lambda p: Path(p).name)) >= {"utf16.txt", "latin1.txt", "bom_crlf.srt"}
    assert len(calls) == 5
    u = pd.read_parquet(out / "utterances")
    assert "María Farías" in set(u["speaker"]) and "¿Qué tal?" in set(u["text"])
    run = json.loads((out / "run.json").read_text())
    assert run["files_in"] == run["files_scored"] + run["files_failed"] == 9


def test_bad_roster_and_missing_manifest_file(tmp_path: Path) -> None:
    root = _org(tmp_path)
    (root / "roster.csv").write_text("name,role\nDana Lee,manager\n", encoding="utf-8")
    (root / "manifest.csv").write_text(
        "path,call_id,kind,date\n"
        "calls/2026-09-07_one_on_one_dana_sam.vtt,c1,one_on_one,2026-09-07\n"
        "calls/2026-09-08_customer_call_acme.txt,c2,customer_call,2026-09-08\n"
        "calls/nowhere.vtt,c3,one_on_one,2026-09-09\n",
        encoding="utf-8",
    )
    res = CliRunner().invoke(app, ["score", str(root), "--out", str(tmp_path / "run")])
    assert res.exit_code == 1
    errors = pd.read_csv(tmp_path / "run" / "errors.csv")
    messages = [
        f"{Path(p).name}:{line}: {m}"
        for p, line, m in zip(errors["path"], errors["line"], errors["message"], strict=True)
    ]
    assert "roster.csv:1: roster lacks column(s) manager, team (found: name, role)" in messages
    assert any(m.startswith("manifest.csv:4: manifest names a missing file") for m in messages)
    calls = pd.read_parquet(tmp_path / "run" / "calls")
    assert sorted(calls["call_id"]) == ["c1", "c2"]
    # Without a usable roster nobody can be told apart from a customer, so all are unknown.
    assert set(pd.read_parquet(tmp_path / "run" / "utterances")["role"]) == {"unknown"}


def test_report_formats_through_the_cli(tmp_path: Path) -> None:
    out = tmp_path / "run"
    convolens.score(_org(tmp_path), out=out)
    runner = CliRunner()
    as_json = json.loads(runner.invoke(app, ["report", str(out), "--format", "json"]).stdout)
    assert as_json["summary"][0]["name"] == "Dana Lee"
    as_csv = runner.invoke(app, ["report", str(out), "--by", "rep", "--format", "csv"]).stdout
    assert as_csv.splitlines()[0].startswith("by,id,name,team,context,calls,questions")
    table = runner.invoke(app, ["report", str(out)], env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "Dana Lee" in table.stdout and "50%" in table.stdout
    missing = runner.invoke(app, ["report", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "not a folder" in missing.stderr


def test_classify_csv_keeps_every_column_and_stdin_mode(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        "id,text,note\n007,so when do you think they sign,x\n008,how will their nurses spend the time they get back,\n",
        encoding="utf-8",
    )
    dst = tmp_path / "out.csv"
    res = CliRunner().invoke(app, ["classify", "--input", str(src), "--out", str(dst)])
    assert res.exit_code == 0, res.output
    out = pd.read_csv(dst, dtype=str, keep_default_na=False)
    assert list(out.columns[:3]) == ["id", "text", "note"] and out["id"].tolist() == ["007", "008"]
    assert out["focus"].tolist() == ["revenue", "customer_impact"]
    assert out["is_question"].tolist() == ["True", "True"]
    lines = CliRunner().invoke(app, ["classify"], input="what's the discount they want\n").stdout.splitlines()
    assert json.loads(lines[0])["focus"] == "revenue"
    bad = CliRunner().invoke(app, ["classify", "--input", str(src), "--text-column", "body"])
    assert bad.exit_code == 2 and "no column 'body'" in bad.stderr


def test_forced_format(tmp_path: Path) -> None:
    f = tmp_path / "call.log"
    f.write_text(CUSTOMER_CALL, encoding="utf-8")
    result = convolens.score(f, format="text")
    assert result.ok and len(result.utterances) == 4
    with pytest.raises(UnknownFormatError, match="unknown format 'nonsense'; known formats: parquet, gong"):
        convolens.score(f, format="nonsense")
    res = CliRunner().invoke(app, ["score", str(f), "--out", str(tmp_path / "o"), "--format", "nonsense"])
    assert res.exit_code == 2 and res.stderr.startswith("convolens: error: unknown format")


def test_api_functions_survive_subpackage_imports() -> None:
    # Regression: subpackages named `report` and `classify` shadowed convolens.report() and
    # convolens.classify() once they were imported.
    import convolens.classifiers.lexicon  # noqa: F401
    import convolens.reports.tables  # noqa: F401

    assert callable(convolens.report) and callable(convolens.classify) and callable(convolens.score)


def test_report_html_flags_write_the_pages(tmp_path: Path) -> None:
    out = tmp_path / "run"
    convolens.score(_org(tmp_path), out=out)
    res = CliRunner().invoke(
        app, ["report", str(out), "--html", str(tmp_path / "r.html"), "--per-manager", str(tmp_path / "pages")]
    )
    assert res.exit_code == 0, res.output
    assert "Dana Lee" in (tmp_path / "r.html").read_text(encoding="utf-8")
    assert (tmp_path / "pages" / "dana-lee.html").is_file() and (tmp_path / "pages" / "index.html").is_file()


def test_a_call_id_repeated_inside_one_file_is_refused(tmp_path: Path) -> None:
    # Two entries with one callId would merge into one call with clashing turn indexes.
    entry = {
        "callId": "7782342274025937895",
        "transcript": [{"speakerId": "1", "sentences": [{"start": 0, "end": 900, "text": "Hi there."}]}],
    }
    path = tmp_path / "gong.json"
    path.write_text(json.dumps({"requestId": "r", "records": {}, "callTranscripts": [entry, entry]}), encoding="utf-8")
    result = convolens.score(path)
    assert not result.ok and result.calls.empty
    assert result.errors.loc[0, "message"] == "the file holds call_id '7782342274025937895' more than once"


def test_a_manifest_row_that_describes_no_call_is_a_warning(tmp_path: Path) -> None:
    root = _org(tmp_path)
    (root / "manifest.csv").write_text(
        "path,call_id,kind,date\n"
        "calls/2026-09-07_one_on_one_dana_sam.vtt,c1,one_on_one,2026-09-07\n"
        "calls/2026-09-08_customer_call_acme.txt,c2,customer_call,2026-09-08\n"
        "calls/2026-09-07_one_on_one_dana_sam.vtt,c9,customer_call,2026-10-01\n",
        encoding="utf-8",
    )
    result = convolens.score(root, out=tmp_path / "run")
    assert sorted(result.calls["call_id"]) == ["c1", "c2"]  # the file is scored once, as its first row says
    warnings = result.errors[result.errors["code"] == "CL212"]
    assert len(warnings) == 1 and result.summary.warnings == 1 and result.summary.errors == 0
    row = warnings.iloc[0]
    assert Path(row["path"]).name == "manifest.csv" and row["line"] == 4 and row["level"] == "warning"
    assert row["message"] == "calls/2026-09-07_one_on_one_dana_sam.vtt is already described by line 2; row not used"


def test_classify_refuses_a_text_longer_than_a_turn_can_be() -> None:
    frame = pd.DataFrame({"text": ["so when do they sign?", "blah " * 250_000]})
    with pytest.raises(convolens.errors.ConvolensError, match=r"^row 2 of column 'text' holds 1,250,000 characters"):
        convolens.classify(frame, model="lexicon")
