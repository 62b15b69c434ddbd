"""A folder with 5% broken files: every valid file is scored, every broken one is reported, the run goes on.

The folder is the sample organisation (192 calls, manifest and roster) plus 10
damaged copies of its files listed in the manifest like the others (10 of 202,
4.95%). Only what a user sees is checked, through ``convolens.score`` and the
``convolens score`` command: the pipeline behind them may change.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import convolens

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


def _cut(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _bad_timing(data: bytes) -> bytes:
    return data.replace(b"00:00:0", b"00:00:x", 1).replace(b"00:0", b"0x:0", 1)


#: broken copy -> (sample it is made from, how it is broken)
BROKEN: dict[str, tuple[str, Callable[[bytes], bytes]]] = {
    "broken-01.json": (".json", _cut),  # truncated JSON
    "broken-02.json": (".json", lambda d: b'{"wrapper": ' + d + b"}"),  # right keys, wrong depth
    "broken-03.vtt": (".vtt", _bad_timing),
    "broken-04.srt": (".srt", _bad_timing),
    "broken-05.txt": (".txt", lambda d: bytes.fromhex("89504e470d0a1a0a") + bytes(range(256)) * 8),  # a PNG
    "broken-06.csv": (".csv", lambda d: d.split(b"\n", 1)[0] + b"\n"),  # header, no rows
    # A stray quote opening a cell: without the check, every row after it became that cell's text.
    "broken-07.csv": (".csv", lambda d: d.split(b"\n", 1)[0] + b'\nx,Dana Lee,1.0,2.0,"So\nx,Sam Ortiz,2.0,3.0,Yes\n'),
    "broken-08.parquet": (".parquet", _cut),
    "broken-09.vtt": (".vtt", lambda d: b""),  # empty
    "broken-10.txt": (".txt", lambda d: b"Note: the recording failed\nRe: call notes\n"),  # no speech
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("broken-folder") / "org"
    shutil.copytree(SAMPLES / "calls", root / "calls")
    shutil.copy(SAMPLES / "roster.csv", root / "roster.csv")
    manifest = (SAMPLES / "manifest.csv").read_text(encoding="utf-8").rstrip("\n").split("\n")
    for name, (suffix, damage) in BROKEN.items():
        source = sorted((SAMPLES / "calls").glob(f"*{suffix}"))[0]
        (root / "calls" / name).write_bytes(damage(source.read_bytes()))
        manifest.append(f"calls/{name},{name.split('.')[0]},one_on_one,2026-09-01,,")
    (root / "manifest.csv").write_text("\n".join(manifest) + "\n", encoding="utf-8")
    return root


def _valid_files() -> list[str]:
    return sorted(p.name for p in (SAMPLES / "calls").iterdir())


def _errors_by_file(errors: pd.DataFrame) -> dict[str, list[dict[str, object]]]:
    by_file: dict[str, list[dict[str, object]]] = {}
    for row in errors[errors["level"] == "error"].to_dict("records"):
        by_file.setdefault(Path(str(row["path"])).name, []).append(row)
    return by_file


def test_the_folder_is_five_percent_broken(folder: Path) -> None:
    total = len(list((folder / "calls").iterdir()))
    assert total == len(_valid_files()) + len(BROKEN) and 0.045 <= len(BROKEN) / total <= 0.055


def test_api_scores_every_valid_file_and_reports_every_broken_one(folder: Path, tmp_path: Path) -> None:
    result = convolens.score(folder, out=tmp_path / "run", model="lexicon")
    summary = result.summary
    assert summary.files_in == len(_valid_files()) + len(BROKEN)
    assert summary.files_in == summary.files_scored + summary.files_failed
    assert (summary.files_scored, summary.files_failed) == (len(_valid_files()), len(BROKEN))
    assert not result.ok

    scored = {Path(str(p)).name for p in result.calls["source_path"]}
    assert scored == set(_valid_files()), "every valid file is scored, and no broken one"
    errors = _errors_by_file(result.errors)
    assert set(errors) == set(BROKEN), "error rows name exactly the broken files"
    for rows in errors.values():
        assert len(rows) == 1, rows
        [row] = rows
        assert str(row["code"]).startswith("CL1"), row
        message = str(row["message"])
        assert message.strip() and len(message.splitlines()) == 1, row


def test_cli_exits_1_and_lists_the_broken_files(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "cli-run"
    done = subprocess.run(
        [sys.executable, "-m", "convolens", "score", str(folder), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 1, done.stderr[-3000:]
    with (out / "errors.csv").open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["level"] == "error"]
    assert sorted(Path(row["path"]).name for row in rows) == sorted(BROKEN)
    assert all(row["message"].strip() and row["code"].startswith("CL1") for row in rows)
    stderr_lines = [line for line in done.stderr.splitlines() if line.startswith("convolens: ")]
    for name in BROKEN:
        assert sum(name in line for line in stderr_lines) == 1, f"{name} is not on stderr once:\n{done.stderr}"
