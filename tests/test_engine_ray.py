"""The Ray engine: the same tables as the local engine, row for row, on a local Ray instance."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd
import pytest

import convolens
from convolens import engine_ray
from convolens.classifiers.base import Prediction
from convolens.errors import ConvolensError, ModelError
from convolens.model import Focus
from convolens.pipeline import ScoreResult
from convolens.store import list_parts, read_run
from sample_org import copy_sample_org as _org

ray = pytest.importorskip("ray")

TABLES = ("calls", "utterances", "errors", "people")


def _same(local: ScoreResult, on_ray: ScoreResult) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(local, name), getattr(on_ray, name))
    ignore = {"seconds": 0, "engine": "", "jobs": 0, "files_reused": 0}
    assert local.summary.as_dict() | ignore == on_ray.summary.as_dict() | ignore


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """24 sample calls, one of them (in the second part) broken."""
    org = _org(tmp_path_factory.mktemp("ray"), n=24)
    broken = pd.read_csv(org / "manifest.csv", dtype=str).loc[5, "path"]
    (org / broken).write_bytes(b"\x00\x01 not a transcript \xff")
    return org


@pytest.fixture(scope="module")
def runs(org: Path, local_ray: None, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same org scored into a folder by each engine, four files a part."""
    folders = {engine: tmp_path_factory.mktemp(engine) / "run" for engine in ("local", "ray")}
    convolens.score(org, out=folders["local"], part_files=4)
    convolens.score(org, out=folders["ray"], engine="ray", jobs=2, part_files=4)
    return folders


def _tables(folder: Path) -> ScoreResult:
    tables = read_run(folder)
    summary = convolens.pipeline.RunSummary(**json.loads((folder / "run.json").read_text(encoding="utf-8")))
    return ScoreResult(**{name: tables[name] for name in TABLES}, summary=summary)


def test_ray_gives_the_local_tables_row_for_row(runs: dict[str, Path]) -> None:
    local, on_ray = _tables(runs["local"]), _tables(runs["ray"])
    _same(local, on_ray)
    assert on_ray.summary.engine == "ray" and on_ray.summary.jobs == 2
    assert on_ray.summary.files_scored == 23 and len(list_parts(runs["ray"])) == 6


def test_a_broken_file_gives_the_local_errors(runs: dict[str, Path]) -> None:
    local, on_ray = read_run(runs["local"])["errors"], read_run(runs["ray"])["errors"]
    assert (local["level"] == "error").sum() == 1
    pd.testing.assert_frame_equal(local, on_ray)
    assert pd.read_csv(runs["local"] / "errors.csv").equals(pd.read_csv(runs["ray"] / "errors.csv"))


def test_incremental_ray_run_keeps_the_parts(runs: dict[str, Path], org: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    shutil.copytree(runs["ray"], out)
    kept = convolens.score(org, out=out, engine="ray", jobs=2, part_files=4)  # nothing changed: no Ray work
    assert kept.summary.files_reused == 24
    _same(_tables(runs["local"]), kept)
    # A changed file: its part alone goes to Ray again; the result is a fresh local run's, row for row.
    changed = tmp_path / "org"
    shutil.copytree(org, changed)
    first = changed / pd.read_csv(changed / "manifest.csv", dtype=str).loc[0, "path"]
    first.write_bytes(first.read_bytes().replace(b"?", b"??", 1))
    again = convolens.score(changed, out=out, engine="ray", jobs=2, part_files=4)
    assert again.summary.files_reused == 20 and again.summary.files_scored == 23
    _same(convolens.score(changed, out=tmp_path / "fresh", part_files=4), again)


def test_a_classifier_object_is_shipped_or_refused(local_ray: None, tmp_path: Path) -> None:
    org = _org(tmp_path, n=4)

    class ByLength:  # defined here, so only Ray's cloudpickle (by value) can carry it to the workers
        name = "by_length"
        version = "1"

        def predict(self, texts: Sequence[str]) -> list[Prediction]:
            probs = [(1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)]
            focus = [Focus.REVENUE, Focus.CUSTOMER_IMPACT, Focus.OTHER]
            return [Prediction(focus[len(t) % 3], 1.0, probs[len(t) % 3]) for t in texts]

    local = convolens.score(org, model=ByLength())
    # In memory (no --out): the parts come back to the caller in plan order.
    on_ray = convolens.score(org, model=ByLength(), engine="ray", jobs=2, part_files=1)
    _same(local, on_ray)
    assert set(on_ray.utterances["model"]) == {"by_length@1"}

    class Unpicklable:
        name = "unpicklable"
        version = "1"

        def __init__(self) -> None:
            self.lock = threading.Lock()

        def predict(self, texts: Sequence[str]) -> list[Prediction]:
            return []

    with pytest.raises(ModelError, match="cannot be sent to Ray workers"):
        convolens.score(org, model=Unpicklable(), engine="ray")


def test_cli_runs_on_ray_and_fails_in_one_line(tmp_path: Path, runs: dict[str, Path]) -> None:
    clean = _org(tmp_path, n=5)  # the calls before the broken one
    out = tmp_path / "run"
    cli = [sys.executable, "-m", "convolens", "score", str(clean), "--engine", "ray", "--model", "lexicon"]
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}  # its own local Ray, as a user gets
    # The lexicon model loads fastest; the turns do not depend on the model.
    done = subprocess.run([*cli, "--out", str(out), "-q"], capture_output=True, text=True, timeout=180, env=env)
    assert done.returncode == 0, done.stderr
    turns = ["call_id", "index", "speaker", "text"]
    local = read_run(runs["local"])["utterances"]
    ids = set(pd.read_csv(clean / "manifest.csv", dtype=str)["call_id"])
    expected = local.loc[local["call_id"].isin(ids), turns].reset_index(drop=True)
    assert len(expected) > 0
    pd.testing.assert_frame_equal(read_run(out)["utterances"][turns], expected)

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    nowhere = subprocess.run(
        [*cli, "--out", str(tmp_path / "other"), "--ray-address", f"127.0.0.1:{port}"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert nowhere.returncode == 2
    assert nowhere.stderr.strip().count("\n") == 0, nowhere.stderr
    assert f"no Ray cluster answers at 127.0.0.1:{port}" in nowhere.stderr


def test_missing_ray_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now raises ImportError
    with pytest.raises(ConvolensError, match=r"pip install 'convolens\[ray\]'"):
        engine_ray._import_ray()


@pytest.mark.parametrize(
    ("model", "device", "resources", "expected"),
    [
        ("linear", None, {"CPU": 8.0, "GPU": 2.0}, (4, 0)),  # only the neural model takes GPUs
        ("neural", None, {"CPU": 8.0, "GPU": 2.0}, (2, 1)),  # one actor per GPU
        ("neural", "cpu", {"CPU": 8.0, "GPU": 2.0}, (4, 0)),
        ("neural", None, {"CPU": 8.0}, (4, 0)),
        ("linear", None, {"CPU": 2.0}, (2, 0)),  # no more actors than CPUs
    ],
)
def test_actor_pool(model: str, device: str | None, resources: dict[str, float], expected: tuple[int, int]) -> None:
    assert engine_ray.actor_pool(model, device, jobs=4, parts=10, resources=resources) == expected
    assert engine_ray.actor_pool(model, device, jobs=4, parts=1, resources=resources)[0] == 1


@pytest.mark.parametrize("address", ["http://head:8265", "head", "ray://:10001"])
def test_bad_addresses_are_refused_at_once(address: str) -> None:
    with pytest.raises(ConvolensError, match="ray-address"):
        engine_ray._probe(address)
