"""The run engine: parts, incremental re-runs, resuming a killed run, --jobs, clashes, the lock."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import convolens
from convolens.engine import run_plan
from convolens.errors import RunDirError
from convolens.inputs import plan_run
from convolens.layout import PARTS_DIR, nothing_to_keep
from convolens.store import list_parts, read_run, run_lock
from convolens.workers import Workers
from sample_org import copy_sample_org as _org

NEW_CALL = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Dana Lee>What would it change for their nurses if the rollout lands in March?

00:00:04.500 --> 00:00:09.000
<v Priya Raman>They would stop double-charting every admission, about an hour a shift.
"""


def _add_call(org: Path, name: str = "2026-11-20_one_on_one_dana-lee_priya-raman.vtt") -> str:
    (org / "calls" / name).write_text(NEW_CALL, encoding="utf-8")
    manifest = pd.read_csv(org / "manifest.csv", dtype=str, keep_default_na=False)
    row = {c: "" for c in manifest.columns} | {
        "path": f"calls/{name}",
        "call_id": Path(name).stem,
        "kind": "one_on_one",
        "date": "2026-11-20",
    }
    pd.concat([manifest, pd.DataFrame([row])]).to_csv(org / "manifest.csv", index=False)
    return Path(name).stem


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys).reset_index(drop=True)


def _same_tables(a: Path | convolens.pipeline.ScoreResult, b: Path) -> None:
    left = read_run(a) if isinstance(a, Path) else {"calls": a.calls, "utterances": a.utterances, "errors": a.errors}
    right = read_run(b)
    pd.testing.assert_frame_equal(_sorted(left["calls"], ["call_id"]), _sorted(right["calls"], ["call_id"]))
    pd.testing.assert_frame_equal(
        _sorted(left["utterances"], ["call_id", "index"]), _sorted(right["utterances"], ["call_id", "index"])
    )
    pd.testing.assert_frame_equal(
        _sorted(left["errors"], ["path", "message"]), _sorted(right["errors"], ["path", "message"])
    )


def test_rerun_scores_only_the_new_call(tmp_path: Path) -> None:
    org = _org(tmp_path)
    out = tmp_path / "run"
    first = convolens.score(org, out=out, part_files=8)
    assert first.summary.files_reused == 0 and first.summary.files_scored == 40
    assert len(list_parts(out)) == 5
    new_id = _add_call(org)
    scored: list[int] = []
    second = convolens.score(org, out=out, part_files=8, progress=lambda stage, done, total: scored.append(done))
    assert second.summary.files_reused == 40 and second.summary.files_scored == 41
    assert scored[0] == 40 and scored[-1] == 41  # the kept files counted at once, then the new one
    assert new_id in set(second.calls["call_id"])
    assert len(second.calls) == 41 and second.calls["call_id"].is_unique
    # The same tables as a fresh run over the same folder.
    fresh = tmp_path / "fresh"
    convolens.score(org, out=fresh, part_files=8)
    _same_tables(out, fresh)


def test_force_changed_removed_and_model_change(tmp_path: Path) -> None:
    org = _org(tmp_path, n=24)
    out = tmp_path / "run"
    convolens.score(org, out=out, part_files=8)
    assert convolens.score(org, out=out, part_files=8, force=True).summary.files_reused == 0
    # A changed file: its part (8 files) is redone, the other two parts are kept.
    manifest = pd.read_csv(org / "manifest.csv", dtype=str, keep_default_na=False)
    changed = org / manifest.loc[0, "path"]
    changed.write_bytes(changed.read_bytes().replace(b"?", b"??", 1))
    again = convolens.score(org, out=out, part_files=8)
    assert again.summary.files_reused == 16 and again.summary.files_scored == 24
    # A file dropped from the manifest: its call leaves the run.
    gone = manifest.loc[5, "call_id"]
    manifest.drop(index=5).to_csv(org / "manifest.csv", index=False)
    after = convolens.score(org, out=out, part_files=8)
    assert gone not in set(after.calls["call_id"]) and len(after.calls) == 23
    # Another model: nothing is reused, every row carries the new model.
    lexicon = convolens.score(org, out=out, part_files=8, model="lexicon")
    assert lexicon.summary.files_reused == 0
    assert lexicon.utterances["model"].str.startswith("lexicon@").all()


def test_jobs_give_the_same_tables_as_one_process(tmp_path: Path) -> None:
    org = _org(tmp_path, n=30)
    one = convolens.score(org, out=tmp_path / "one", part_files=4)
    two = convolens.score(org, out=tmp_path / "two", part_files=4, jobs=2)
    for name in ("calls", "utterances", "errors", "people"):
        pd.testing.assert_frame_equal(getattr(one, name), getattr(two, name))
    in_memory = convolens.score(org, part_files=4, jobs=2)
    pd.testing.assert_frame_equal(one.utterances, in_memory.utterances)
    assert one.summary.as_dict() | {"seconds": 0, "jobs": 0} == two.summary.as_dict() | {"seconds": 0, "jobs": 0}


def test_workers_started_before_the_plan_give_the_same_tables(tmp_path: Path) -> None:
    org = _org(tmp_path, n=12)
    convolens.score(org, out=tmp_path / "one", part_files=4, model="lexicon")
    out = tmp_path / "early"
    assert nothing_to_keep(out) and not nothing_to_keep(tmp_path / "one") and nothing_to_keep(tmp_path / "one", True)
    with Workers("lexicon", None, 2) as workers:  # as `convolens score --jobs 2` starts them on a fresh folder
        plan = plan_run([org])
        run_plan(plan, out=out, model="lexicon", jobs=2, part_files=4, workers=workers)
        _same_tables(tmp_path / "one", out)
        # The same workers for a single part, then for a run with nothing left to score.
        _add_call(org)
        summary, _ = run_plan(plan_run([org]), out=out, model="lexicon", jobs=2, part_files=4, workers=workers)
        assert summary.files_reused == 12 and summary.files_scored == 13
        summary, _ = run_plan(plan_run([org]), out=out, model="lexicon", jobs=2, part_files=4, workers=workers)
        assert summary.files_reused == 13


def test_a_killed_run_loses_and_repeats_nothing(tmp_path: Path) -> None:
    org = _org(tmp_path, n=96)
    out = tmp_path / "run"
    command = [sys.executable, "-m", "convolens", "score", str(org), "--out", str(out), "--part-size", "2", "-q"]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    try:
        while len(list((out / PARTS_DIR).glob("*.json"))) < 3:
            assert proc.poll() is None, "the run ended before it could be killed; make the corpus larger"
            assert time.monotonic() < deadline, "no part was written in time"
            time.sleep(0.05)
        # Readable mid-run: whole parts only, each call once.
        mid = read_run(out)
        assert mid["calls"]["call_id"].is_unique and len(mid["calls"]) >= 6
        assert set(mid["utterances"]["call_id"]) <= set(mid["calls"]["call_id"])
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    killed = read_run(out)
    assert killed["calls"]["call_id"].is_unique
    done_before = len(list_parts(out))
    assert 3 <= done_before < 48
    resumed = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    summary = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert summary["files_reused"] == 2 * done_before and summary["files_scored"] == 96
    fresh = tmp_path / "fresh"
    convolens.score(org, out=fresh, part_files=2)
    _same_tables(out, fresh)
    leftovers = [
        p.name for d in ("utterances", "calls", "errors") for p in (out / d).iterdir() if p.name.startswith(".")
    ]
    assert leftovers == []


def test_half_written_part_is_ignored_then_cleared(tmp_path: Path) -> None:
    org = _org(tmp_path, n=8)
    out = tmp_path / "run"
    convolens.score(org, out=out, part_files=4)
    # What a kill between a part's data and its record leaves: data without a record, and a temp file.
    (out / "utterances" / "deadbeef.parquet").write_bytes(b"half")
    (out / "calls" / ".deadbeef.parquet.x.tmp").write_bytes(b"half")
    assert len(read_run(out)["calls"]) == 8  # not read: it has no record
    rerun = convolens.score(org, out=out, part_files=4)
    assert rerun.summary.files_reused == 8
    assert not (out / "utterances" / "deadbeef.parquet").exists()
    assert not (out / "calls" / ".deadbeef.parquet.x.tmp").exists()


def test_call_id_clash_across_parts_fails_the_later_file(tmp_path: Path) -> None:
    org = tmp_path / "org"
    org.mkdir()
    for name in ("2026-09-01_one_on_one_a.vtt", "2026-09-02_one_on_one_b.vtt", "2026-09-03_one_on_one_c.vtt"):
        (org / name).write_text(NEW_CALL, encoding="utf-8")
    pd.DataFrame(
        [
            {"path": "2026-09-01_one_on_one_a.vtt", "call_id": "same", "kind": "one_on_one", "date": "2026-09-01"},
            {"path": "2026-09-02_one_on_one_b.vtt", "call_id": "other", "kind": "one_on_one", "date": "2026-09-02"},
            {"path": "2026-09-03_one_on_one_c.vtt", "call_id": "same", "kind": "one_on_one", "date": "2026-09-03"},
        ]
    ).to_csv(org / "manifest.csv", index=False)
    out = tmp_path / "run"
    for _ in range(2):  # the clash is settled the same way when the other parts are kept
        result = convolens.score(org, out=out, part_files=1)
        assert sorted(result.calls["call_id"]) == ["other", "same"]
        assert result.calls.set_index("call_id").loc["same", "source_path"].endswith("_a.vtt")
        errors = result.errors[result.errors["level"] == "error"]
        assert len(errors) == 1 and errors.iloc[0]["path"].endswith("_c.vtt")
        assert "already used by" in errors.iloc[0]["message"]
        s = result.summary
        assert (s.files_in, s.files_scored, s.files_failed) == (3, 2, 1)
    csv = pd.read_csv(out / "errors.csv")
    assert len(csv) == 1


def test_a_second_writer_is_refused(tmp_path: Path) -> None:
    with run_lock(tmp_path / "run"), pytest.raises(RunDirError, match="another `convolens score` is writing"):
        convolens.score(_org(tmp_path, n=2), out=tmp_path / "run")


def test_outputs_are_owner_only(tmp_path: Path) -> None:
    out = tmp_path / "run"
    convolens.score(_org(tmp_path, n=4), out=out)
    files = [p for p in out.rglob("*") if p.is_file() and p.name != ".convolens.lock"]
    assert len(files) >= 8
    assert all((p.stat().st_mode & 0o077) == 0 for p in files), [oct(p.stat().st_mode) for p in files]


def test_folders_of_convolens_0_1_still_read(tmp_path: Path) -> None:
    run = tmp_path / "run"
    convolens.score(_org(tmp_path, n=4), out=run)
    tables = read_run(run)
    old = tmp_path / "old"
    old.mkdir()
    tables["calls"].to_parquet(old / "calls.parquet", index=False)
    tables["utterances"].to_parquet(old / "utterances.parquet", index=False)
    assert len(read_run(old)["utterances"]) == len(tables["utterances"])
    # Scoring into it replaces the single files with parts.
    convolens.score(_org(tmp_path / "again", n=4), out=old)
    assert not (old / "calls.parquet").exists() and (old / PARTS_DIR).is_dir()


def test_dataset_folders_read_with_plain_pandas(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = convolens.score(_org(tmp_path, n=12), out=out, part_files=5)
    direct = pd.read_parquet(out / "utterances")
    assert len(direct) == len(result.utterances) and set(direct["call_id"]) == set(result.calls["call_id"])


def test_engine_arguments_are_checked(tmp_path: Path) -> None:
    org = _org(tmp_path, n=1)
    with pytest.raises(convolens.errors.ConvolensError, match="--jobs must be 1 or more"):
        convolens.score(org, jobs=0)
    with pytest.raises(convolens.errors.ConvolensError, match="--engine must be local or ray"):
        convolens.score(org, engine="spark")  # type: ignore[arg-type]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX only")
def test_cli_reports_kept_files(tmp_path: Path) -> None:
    org = _org(tmp_path, n=6)
    out = tmp_path / "run"
    cli = [sys.executable, "-m", "convolens", "score", str(org), "--out", str(out)]
    subprocess.run([*cli, "--jobs", "2"], check=True, capture_output=True)  # workers started before the plan
    second = subprocess.run(cli, check=True, capture_output=True, text=True)
    assert "6 of 6 files scored (6 unchanged since the last run, kept)" in second.stdout
    subprocess.run([*cli[:-1], str(tmp_path / "one")], check=True, capture_output=True)
    _same_tables(out, tmp_path / "one")


def test_load_run_gives_the_tables_and_summary(tmp_path: Path) -> None:
    out = tmp_path / "run"
    scored = convolens.score(_org(tmp_path, n=6), out=out)
    loaded = convolens.load_run(out)
    pd.testing.assert_frame_equal(loaded.utterances, scored.utterances)
    assert loaded.summary.files_scored == 6 and loaded.summary.model == scored.summary.model
