"""The benchmark's corpus generator and the runner's helpers (bench/), without running the benchmark."""

from __future__ import annotations

import hashlib
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

import convolens

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _load(name: str) -> ModuleType:
    # bench/ is a folder of scripts, not a package; score_bench imports make_corpus by its bare name.
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


make_corpus = _load("make_corpus")
score_bench = _load("score_bench")

CALLS = 14  # with SEED 7 every format appears at least once
SEED = 7


def _digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("bench-corpus") / "corpus"
    return out, make_corpus.make_corpus(out, calls=CALLS, seed=SEED)


@pytest.fixture(scope="module")
def scored(corpus: tuple[Path, dict[str, int]]) -> convolens.ScoreResult:
    return convolens.score(corpus[0], model="lexicon")


def test_corpus_has_the_promised_files_and_formats(corpus: tuple[Path, dict[str, int]]) -> None:
    out, counts = corpus
    files = sorted((out / "calls").iterdir())
    assert counts["files"] == len(files) == CALLS
    assert {p.suffix for p in files} == {".vtt", ".srt", ".txt", ".json", ".csv"}
    assert {k.split(":", 1)[1] for k in counts if k.startswith("format:")} == set(make_corpus.FORMATS)
    manifest = pd.read_csv(out / "manifest.csv", keep_default_na=False)
    assert len(manifest) == CALLS and set(manifest["kind"]) == {"one_on_one", "customer_call"}
    assert manifest["date"].nunique() > 3
    roster = pd.read_csv(out / "roster.csv", keep_default_na=False)
    assert set(roster["role"]) == {"manager", "rep"} and roster["team"].ne("").all()
    assert "SYNTHETIC" in (out / "README.md").read_text(encoding="utf-8")
    assert counts["utterances"] > 0 and counts["words"] > counts["utterances"]


def test_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        make_corpus.make_corpus(tmp_path / name, calls=12, seed=seed)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b") != _digest(tmp_path / "c")


def test_convolens_reads_every_generated_file(
    corpus: tuple[Path, dict[str, int]], scored: convolens.ScoreResult
) -> None:
    _, counts = corpus
    assert scored.errors.empty, scored.errors.to_string()
    assert len(scored.calls) == CALLS
    assert len(scored.utterances) == counts["utterances"]
    assert set(scored.calls["format"]) == {"vtt", "srt", "text", "whisper", "gong", "csv"}
    assert set(scored.calls["metadata_source"]) == {"kind=manifest;date=manifest"}
    # Diarised labels are mapped and customers recognised: nobody is left unknown.
    assert set(scored.utterances["role"]) == {"manager", "rep", "customer"}


def test_turn_lengths_are_skewed_like_calls(scored: convolens.ScoreResult) -> None:
    words = scored.utterances["text"].str.split().str.len()
    assert 12 <= words.median() <= 20
    assert (words <= 3).mean() > 0.1  # back-channels
    assert words.max() >= 60  # monologues


def test_add_call_writes_a_listed_call(tmp_path: Path) -> None:
    counts = make_corpus.make_corpus(tmp_path, calls=4, seed=1)
    added = make_corpus.add_call(tmp_path, seed=1)
    assert added["files"] == 1 and len(pd.read_csv(tmp_path / "manifest.csv")) == 5
    result = convolens.score(tmp_path, model="lexicon")
    assert result.errors.empty and len(result.calls) == 5
    assert len(result.utterances) == counts["utterances"] + added["utterances"]


def test_cli_writes_a_corpus_and_refuses_a_full_folder(tmp_path: Path) -> None:
    argv = [sys.executable, str(BENCH / "make_corpus.py"), str(tmp_path / "c"), "--calls", "3"]
    first = subprocess.run(argv, capture_output=True, text=True, check=False)
    assert first.returncode == 0 and "wrote 3 calls" in first.stdout
    second = subprocess.run(argv, capture_output=True, text=True, check=False)
    assert second.returncode == 2 and "not empty" in second.stderr


def test_runner_arguments() -> None:
    args = score_bench.parse_args([])
    assert (args.calls, args.runs, args.jobs, args.scale) == (500, 3, 1, None)
    assert args.models == ["lexicon", "linear", "neural"] and args.skip == []
    assert score_bench.parse_args(["--scale"]).scale == 10
    assert score_bench.parse_args(["--scale", "4", "--models", "linear", "--skip", "jobs"]).models == ["linear"]
    for bad in (["--models", "linear,bert"], ["--skip", "everything"], ["--runs", "0"], ["--scale", "1"]):
        with pytest.raises(SystemExit):
            score_bench.parse_args(bad)


def test_a_rejected_flag_reads_as_unsupported() -> None:
    boxed = "Usage: convolens score\n╭─ Error ─╮\n│ No such option: --force (Possible options: --format) │\n"
    assert score_bench.is_unsupported(2, boxed)
    assert not score_bench.is_unsupported(0, boxed)
    assert not score_bench.is_unsupported(2, "convolens: error: no such file or folder")


def test_the_real_cli_rejecting_a_flag_raises_unsupported(tmp_path: Path) -> None:
    with pytest.raises(score_bench.Unsupported):
        score_bench.score(tmp_path, tmp_path / "out", "lexicon", ["--no-such-bench-flag"])


def test_figures_format_with_targets_and_gaps() -> None:
    limits = {"spacy_tokenizer_utterances_per_s": 10_000.0, "minilm_naive_utterances_per_s": 100.0}
    fast = {"utterances_per_s": 5_000.0, "in_run_utterances_per_s": 6_000.0}
    assert "50% of the spaCy tokenizer" in score_bench.limit_line("linear", fast, limits)
    assert score_bench.limit_line("linear", fast, limits).endswith("meets")
    slow = {"utterances_per_s": 150.0, "in_run_utterances_per_s": 180.0}
    assert "1.50x the naive MiniLM loop" in score_bench.limit_line("neural", slow, limits)
    assert score_bench.limit_line("neural", slow, limits).endswith("misses")
    assert score_bench.verdict(1.2, 1.3, at_least=False) == "meets"
    assert score_bench.fmt_rate(1234.4) == "1,234" and score_bench.fmt_rate(12.34) == "12.3"
    unsupported = {"status": score_bench.UNSUPPORTED}
    assert score_bench.render_jobs(unsupported) == ["--jobs (linear): n/a (not supported by this convolens)"]
    incremental = {"full_s": 20.0, "rerun_s": 0.5, "rerun_share": 0.025, "complete": True, "force": unsupported}
    lines = score_bench.render_incremental(incremental)
    assert "2.5% of the full run" in lines[0] and "meets" in lines[0]
    assert lines[1] == "  --force re-run: n/a (not supported by this convolens)"


def test_child_peak_rss_comes_from_wait4() -> None:
    grab = "b = bytearray(300 * 2**20); raise SystemExit(3)"  # bytearray(n) zero-fills: all resident
    run = score_bench.run_child([sys.executable, "-c", grab], sample_tree=True)
    assert run.returncode == 3
    assert run.peak_rss_mib >= 300
    assert run.tree_rss_mib is not None


def test_output_tables_read_as_one_file_or_a_folder_of_parts(tmp_path: Path) -> None:
    pd.DataFrame({"text": ["a", "b"]}).to_parquet(tmp_path / "utterances.parquet")
    (tmp_path / "parts" / "calls").mkdir(parents=True)
    for i in range(3):
        pd.DataFrame({"call_id": [f"c{i}"]}).to_parquet(tmp_path / "parts" / "calls" / f"{i:05d}.parquet")
    assert score_bench.output_table(tmp_path, "utterances", ["text"]).num_rows == 2
    assert score_bench.output_table(tmp_path / "parts", "calls", ["call_id"]).num_rows == 3
    with pytest.raises(score_bench.BenchError):
        score_bench.output_table(tmp_path, "people", ["name"])
