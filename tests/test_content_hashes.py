"""The content hashes a run keeps for the next: re-runs hash only what changed, and miss no change."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import convolens
import convolens.keys as keys
from convolens.keys import ContentHashes
from sample_org import copy_sample_org as _org


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the files whose bytes are read for a hash; trust a record at once (no racy window)."""
    seen: list[str] = []
    real: Callable[[str | Path], str] = keys.content_hash

    def counting(path: str | Path) -> str:
        seen.append(os.fspath(path))
        return real(path)

    monkeypatch.setattr(keys, "content_hash", counting)
    monkeypatch.setattr(ContentHashes, "RACY_NS", -(10**18))
    return seen


def _files(tmp_path: Path, n: int = 3) -> list[Path]:
    files = []
    for i in range(n):
        path = tmp_path / "in" / f"call{i}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"Dana Lee: what would call {i} change for them?\n", encoding="utf-8")
        files.append(path)
    return files


def test_unchanged_files_are_not_read_again(tmp_path: Path, counted: list[str]) -> None:
    files = _files(tmp_path)
    first = ContentHashes(tmp_path)
    hashes = [first.get(f) for f in files]
    first.save()
    assert first.hashed == 3 and len(counted) == 3
    second = ContentHashes(tmp_path)
    assert [second.get(f) for f in files] == hashes
    assert second.hashed == 0 and len(counted) == 3
    assert hashes == [keys.content_hash(f) for f in files]  # what a fresh hash of the bytes gives


def test_new_bytes_under_the_old_size_and_modification_time_are_noticed(tmp_path: Path, counted: list[str]) -> None:
    files = _files(tmp_path)
    first = ContentHashes(tmp_path)
    before = first.get(files[0])
    first.save()
    st = files[0].stat()
    files[0].write_text(files[0].read_text(encoding="utf-8").replace("what", "whom"), encoding="utf-8")
    os.utime(files[0], ns=(st.st_atime_ns, st.st_mtime_ns))  # as `cp -p` or `touch -d` would leave it
    assert files[0].stat().st_size == st.st_size and files[0].stat().st_mtime_ns == st.st_mtime_ns
    second = ContentHashes(tmp_path)
    assert second.get(files[0]) != before and second.hashed == 1


def test_a_file_hashed_just_after_it_was_written_is_hashed_again(tmp_path: Path) -> None:
    files = _files(tmp_path)  # written now: within the racy window of the default settings
    first = ContentHashes(tmp_path)
    for f in files:
        first.get(f)
    first.save()
    second = ContentHashes(tmp_path)
    for f in files:
        second.get(f)
    assert second.hashed == 3


def test_force_and_a_damaged_record_hash_everything(tmp_path: Path, counted: list[str]) -> None:
    files = _files(tmp_path)
    first = ContentHashes(tmp_path)
    hashes = [first.get(f) for f in files]
    first.save()
    forced = ContentHashes(tmp_path, fresh=True)
    assert [forced.get(f) for f in files] == hashes and forced.hashed == 3
    for damaged in ("{not json", json.dumps({"format": "other", "files": {}}), json.dumps([1, 2])):
        (tmp_path / ContentHashes.FILE).write_text(damaged, encoding="utf-8")
        again = ContentHashes(tmp_path)
        assert [again.get(f) for f in files] == hashes and again.hashed == 3


def test_unreadable_and_missing_files_are_never_trusted(tmp_path: Path, counted: list[str]) -> None:
    missing = tmp_path / "gone.txt"
    record = ContentHashes(tmp_path)
    mark = record.get(missing)
    assert mark.startswith("unreadable:FileNotFoundError")
    record.save()
    assert ContentHashes(tmp_path).get(missing) != mark  # a later run tries again


def test_a_run_rescores_a_file_changed_under_its_old_times(tmp_path: Path, counted: list[str]) -> None:
    org = _org(tmp_path, n=12)
    out = tmp_path / "run"
    convolens.score(org, out=out, part_files=4)
    assert (out / ContentHashes.FILE).is_file()
    counted.clear()
    again = convolens.score(org, out=out, part_files=4)
    assert again.summary.files_reused == 12 and counted == []  # nothing read to find that nothing changed
    manifest = pd.read_csv(org / "manifest.csv", dtype=str, keep_default_na=False)
    changed = org / manifest.loc[0, "path"]
    st = changed.stat()
    data = changed.read_bytes()
    assert b"?" in data
    changed.write_bytes(data.replace(b"?", b".", 1))
    os.utime(changed, ns=(st.st_atime_ns, st.st_mtime_ns))
    third = convolens.score(org, out=out, part_files=4)
    assert counted == [os.path.abspath(changed)]
    assert third.summary.files_reused == 8
    fresh = convolens.score(org, out=tmp_path / "fresh", part_files=4)

    def texts(result: convolens.pipeline.ScoreResult) -> list[str]:
        return result.utterances.sort_values(["call_id", "index"])["text"].tolist()

    assert texts(third) == texts(fresh) != texts(again)
