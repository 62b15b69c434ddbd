"""Running a scoring plan: batches of files, in this process, in worker processes or on Ray.

A run is cut into *parts* of up to ``part_files`` files, in plan order. Each
part is scored on its own (:func:`convolens.pipeline.score_part`), then call-id
clashes between files are settled here, in plan order, so the outcome does
not depend on which worker finished first. With an output folder every part is
written as soon as it is done (:func:`convolens.store.write_part`), which makes
runs:

- *incremental*: each file has a key (a hash of its bytes, its manifest rows,
  the model's version, the reader settings and the roster); a part whose files
  all have the keys they had is kept, and only the other files are scored;
- *resumable*: a killed run leaves complete parts behind and nothing else, so
  the next run picks up where it stopped, losing and repeating nothing;
- *bounded in memory*: only the parts in flight are held, never the corpus.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from .classifiers import DEFAULT_MODEL, load_classifier
from .classifiers.base import FocusClassifier, model_tag
from .collector import collector_paused
from .errors import ConvolensError, RosterError
from .inputs import Job, Plan
from .keys import ContentHashes, file_key, model_fingerprint, settings_digest
from .layout import (
    CALLS_FILE,
    ERRORS_FILE,
    INDEX_FILE,
    PARTS_DIR,
    PEOPLE_FILE,
    SUMMARY_FILE,
    UTTERANCES_FILE,
)
from .model import FOCUS_ORDER, Problem
from .pipeline import (
    PartResult,
    Progress,
    RunSummary,
    ScoreResult,
    ScoreSettings,
    error_row,
    exc_row,
    part_stats,
    score_part,
)
from .readers import ReadOptions
from .redact import KINDS, Redactor
from .roster import Roster
from .schema import conform, empty
from .store import (
    clear_leftovers,
    list_parts,
    read_errors,
    read_run,
    remove_part,
    run_lock,
    write_atomic,
    write_json_atomic,
    write_part,
)
from .workers import Items, Workers, pool_results

#: Files per part: small enough to lose little when killed, large enough to batch the classifier.
PART_FILES = 32
Engine = Literal["local", "ray"]


@dataclass
class _Totals:
    """Run figures summed over parts (kept and new) and run-level problems."""

    stats: list[dict[str, Any]] = field(default_factory=list)
    run_errors: list[dict[str, Any]] = field(default_factory=list)
    clash_failures: int = 0
    redacted: Counter[str] = field(default_factory=Counter)


def run_plan(
    plan: Plan,
    *,
    out: str | Path | None = None,
    model: str | FocusClassifier = DEFAULT_MODEL,
    device: str | None = None,
    format: str | None = None,
    options: ReadOptions | None = None,
    roster: Roster | None = None,
    jobs: int = 1,
    force: bool = False,
    engine: Engine = "local",
    ray_address: str | None = None,
    part_files: int = PART_FILES,
    redact: bool = False,
    progress: Progress | None = None,
    workers: Workers | None = None,
) -> tuple[RunSummary, ScoreResult | None]:
    """Score ``plan``; give the run summary and, without ``out``, the tables in memory.

    With ``out``, parts are written there as they finish and parts from an
    earlier run into the same folder are reused when their files and settings
    are unchanged (``force`` rescores everything). Read the tables back with
    :func:`convolens.store.read_run`. ``workers`` (started for this ``model``
    and ``device``, local engine) score the parts; the caller closes them.
    """
    if jobs < 1:
        raise ConvolensError(f"--jobs must be 1 or more, not {jobs}")
    if part_files < 1:
        raise ConvolensError(f"part size must be 1 or more files, not {part_files}")
    if engine not in ("local", "ray"):
        raise ConvolensError(f"--engine must be local or ray, not {engine!r}")
    started = time.perf_counter()
    totals = _Totals()
    totals.run_errors.extend(error_row(problem, code) for problem, code in plan.problems)
    if roster is None and plan.roster_path is not None:
        try:
            roster = Roster.from_csv(plan.roster_path)
        except RosterError as exc:
            totals.run_errors.append(exc_row(exc, str(plan.roster_path)))
    fingerprint = model_fingerprint(model)
    # A model without a cheap fingerprint is loaded here for its version; others only when a file needs it.
    classifier = load_classifier(model, device) if fingerprint is None else None
    if classifier is not None:
        fingerprint = model_tag(classifier)
    assert fingerprint is not None
    settings = ScoreSettings(
        format=format, options=options or ReadOptions(), roster=roster, path_ids=_path_ids(plan.jobs), redact=redact
    )
    if redact:  # run-level messages can quote a manifest or roster cell
        masker = Redactor()
        for row in totals.run_errors:
            row["message"] = masker(row["message"])
        totals.redacted.update(masker.counts)
    digest = settings_digest(settings, fingerprint)
    summary = RunSummary(
        files_in=len(plan.jobs),
        roster=roster.source if roster else None,
        people=len(roster or ()),
        engine=engine,
        jobs=jobs,
    )
    folder = Path(out) if out is not None else None
    with ExitStack() as stack:
        kept: list[dict[str, Any]] = []
        # Keys, kept parts and the model: many objects that stay for the run and no cycles among them.
        with collector_paused():
            if folder is not None:
                stack.enter_context(run_lock(folder))
            hashes = ContentHashes(folder, fresh=force)
            keyed = [(i, job, file_key(job, digest, settings, hashes.get(job.path))) for i, job in enumerate(plan.jobs)]
            hashes.save()
            todo = keyed
            if folder is not None:
                kept, todo = _reuse(folder, keyed, force)
                summary.files_reused = sum(len(meta["files"]) for meta in kept)
            claimed = {cid: f["name"] for meta in kept for f in meta["files"] for cid in f["call_ids"]}
            totals.stats.extend(meta["stats"] for meta in kept)
            tags = [str(meta["model"]) for meta in kept if meta.get("model")]
            work = [todo[lo : lo + part_files] for lo in range(0, len(todo), part_files)]
            results = _results(work, settings, model, device, classifier, jobs, engine, ray_address, workers)
        memory: list[PartResult] = []
        order = [(int(meta.get("first_index", 0)), str(meta["id"]), meta) for meta in kept]
        done = summary.files_reused
        if progress:
            progress("score", done, len(keyed))
        for items, part in zip(work, results, strict=True):
            _settle_clashes(part, claimed, totals)
            tags.append(part.model)
            stats = part.stats if part.stats is not None else part_stats(part)
            totals.stats.append(stats)
            if folder is None:
                part.unpack()
                memory.append(part)
            elif part.files:
                pid = _part_id(part)
                part.pack()
                assert part.packed is not None
                meta = _meta(part, stats)
                write_part(folder, pid, part.packed, meta)
                order.append((min(f.index for f in part.files), pid, {"id": pid, **meta}))
            done += len(items)
            if progress:
                progress("score", done, len(keyed))
        _fill_summary(summary, totals, redact)
        # The model that scored the newest part; with nothing scored or kept, the one the run would use.
        summary.model = tags[-1] if tags else model_tag(classifier or load_classifier(model, device))
        summary.seconds = round(time.perf_counter() - started, 3)
        people = roster.to_frame() if roster else empty("people")
        if folder is None:
            return summary, _in_memory(memory, totals.run_errors, people, summary)
        order.sort(key=lambda item: item[:2])
        _finish(folder, [meta for _, _, meta in order], totals.run_errors, people, summary)
        return summary, None


def score_to_folder(plan: Plan, out: str | Path, **kwargs: Any) -> ScoreResult:
    """Score ``plan`` into ``out`` and give the whole run's tables as read back from it."""
    summary, _ = run_plan(plan, out=out, **kwargs)
    tables = read_run(out)
    return ScoreResult(
        calls=tables["calls"],
        utterances=tables["utterances"],
        errors=tables["errors"],
        people=tables["people"],
        summary=summary,
    )


# ---------------------------------------------------------------- keys and reuse


def _reuse(
    folder: Path, keyed: list[tuple[int, Job, str]], force: bool
) -> tuple[list[dict[str, Any]], list[tuple[int, Job, str]]]:
    """Keep the parts whose files all still have their keys; give them and the files left to score."""
    clear_leftovers(folder)
    wanted = {key for _, _, key in keyed}
    kept: list[dict[str, Any]] = []
    covered: set[str] = set()
    for meta in list_parts(folder):
        keys = {f["key"] for f in meta.get("files", [])}
        if force or not keys or not keys <= wanted or keys & covered:
            remove_part(folder, meta["id"])
            continue
        kept.append(meta)
        covered |= keys
    for old in (CALLS_FILE, UTTERANCES_FILE):  # a convolens 0.1 run's tables, superseded by the parts
        (folder / old).unlink(missing_ok=True)
    return kept, [item for item in keyed if item[2] not in covered]


def _path_ids(jobs: Sequence[Job]) -> frozenset[str]:
    """Give the files whose stem another file of the run shares: their call ids use the whole path."""
    names = [(job.name, _stem(job.name)) for job in jobs]
    stems = Counter(stem for _, stem in names)
    return frozenset(name for name, stem in names if stems[stem] > 1)


def _stem(name: str) -> str:
    """Give ``PurePosixPath(name).stem`` (the last component less its last suffix), without making a path."""
    base = name.rpartition("/")[2]
    dot = base.rfind(".")
    return base[:dot] if 0 < dot < len(base) - 1 else base


def _part_id(part: PartResult) -> str:
    h = hashlib.blake2b(digest_size=12)
    for f in sorted(part.files, key=lambda f: f.index):
        h.update(f.key.encode("ascii"))
    return h.hexdigest()


# ---------------------------------------------------------------- executing parts


def _results(
    work: list[Items],
    settings: ScoreSettings,
    model: str | FocusClassifier,
    device: str | None,
    classifier: FocusClassifier | None,
    jobs: int,
    engine: Engine,
    ray_address: str | None,
    workers: Workers | None = None,
) -> Iterator[PartResult]:
    """Give the scored parts in plan order, however they are computed."""
    if not work:
        return iter(())
    if engine == "ray":
        from .engine_ray import ray_results

        ray_parts: Iterator[PartResult] = ray_results(work, settings, model, device, jobs, ray_address)
        return ray_parts
    if workers is not None:
        return workers.results(work, settings)
    if jobs == 1 or len(work) == 1:
        here = classifier or load_classifier(model, device)  # loaded only now that some file needs it
        return (score_part(items, settings, here) for items in work)
    return pool_results(work, settings, model, device, jobs)


# ---------------------------------------------------------------- assembling


def _settle_clashes(part: PartResult, claimed: dict[str, str], totals: _Totals) -> None:
    """Fail, in plan order, a file whose call id an earlier file already has; keep the rest."""
    for outcome in list(part.files):
        if not outcome.scored:
            continue
        holder = next((claimed[c] for c in outcome.call_ids if claimed.get(c, outcome.name) != outcome.name), None)
        if holder is None:
            for cid in outcome.call_ids:
                claimed[cid] = outcome.name
            continue
        cid = next(c for c in outcome.call_ids if claimed.get(c, outcome.name) != outcome.name)
        problem = Problem(
            path=outcome.name,
            message=f"call_id {cid!r} is already used by {holder}; give this call its own id in the manifest",
        )
        part.drop_file(outcome, error_row(problem, ConvolensError.code))
        # The clash depends on other files, so it is a run-level error, not part of the reusable part.
        part.files.remove(outcome)
        totals.run_errors.append(error_row(problem, ConvolensError.code))
        totals.clash_failures += 1


def _meta(part: PartResult, stats: dict[str, Any]) -> dict[str, Any]:
    return {
        "model": part.model,
        "first_index": min((f.index for f in part.files), default=0),
        "files": [{"name": f.name, "key": f.key, "scored": f.scored, "call_ids": f.call_ids} for f in part.files],
        "error_rows": sum(len(f.errors) for f in part.files),  # 0: the run's errors.csv need not read its table
        "stats": stats,
    }


def _fill_summary(summary: RunSummary, totals: _Totals, redact: bool) -> None:
    def total(name: str) -> int:
        return sum(int(s[name]) for s in totals.stats)

    def merged(name: str) -> Counter[str]:
        counter: Counter[str] = Counter()
        for s in totals.stats:
            counter.update(s.get(name) or {})
        return counter

    summary.files_scored = total("files_scored")
    summary.files_failed = total("files_failed") + totals.clash_failures
    summary.calls = total("calls")
    summary.utterances = total("utterances")
    summary.questions = total("questions")
    summary.focus = {f.value: merged("focus")[f.value] for f in FOCUS_ORDER}
    summary.question_focus = {f.value: merged("question_focus")[f.value] for f in FOCUS_ORDER}
    summary.unknown_speakers = dict(merged("unknown_speakers").most_common())
    summary.calls_without_kind = [c for s in totals.stats for c in s["calls_without_kind"]]
    summary.calls_without_date = [c for s in totals.stats for c in s["calls_without_date"]]
    if redact:
        masked = merged("redacted") + totals.redacted
        summary.redacted = {kind: masked[kind] for kind in KINDS}
    levels = Counter(row["level"] for row in totals.run_errors)
    summary.errors = total("errors") + levels.get("error", 0)
    summary.warnings = total("warnings") + levels.get("warning", 0)


def _in_memory(
    parts: list[PartResult], run_errors: list[dict[str, Any]], people: pd.DataFrame, summary: RunSummary
) -> ScoreResult:
    def concat(frames: Iterable[pd.DataFrame], name: str) -> pd.DataFrame:
        full = [f for f in frames if len(f)]
        return conform(pd.concat(full, ignore_index=True), name) if full else empty(name)

    return ScoreResult(
        calls=concat((p.calls for p in parts), "calls"),
        utterances=concat((p.utterances for p in parts), "utterances"),
        errors=concat([pd.DataFrame(run_errors), *(p.errors_frame() for p in parts)], "errors"),
        people=people,
        summary=summary,
    )


def _finish(
    folder: Path,
    parts: list[dict[str, Any]],
    run_errors: list[dict[str, Any]],
    people: pd.DataFrame,
    summary: RunSummary,
) -> None:
    """Write the run-level files once every part (``parts``: their records, in run order) is in place."""
    (folder / PARTS_DIR).mkdir(exist_ok=True)  # marks the folder as a run even when nothing was scored
    write_atomic(folder / PEOPLE_FILE, lambda p: conform(people, "people").to_parquet(p, index=False))
    write_json_atomic(folder / INDEX_FILE, {"parts": [meta["id"] for meta in parts], "errors": run_errors})
    errors = read_errors(folder, parts)
    write_atomic(folder / ERRORS_FILE, lambda p: errors.to_csv(p, index=False))
    write_json_atomic(folder / SUMMARY_FILE, summary.as_dict())


# ---------------------------------------------------------------- parts scored outside a plan


def summarise_parts(
    parts: Sequence[PartResult], summary: RunSummary, *, people: pd.DataFrame | None = None, redact: bool = False
) -> ScoreResult:
    """Give the tables of parts scored outside a plan (a DataFrame, a ConvoKit corpus), summed up like a run's.

    ``summary`` comes with its run-level fields set (``files_in``, ``roster``,
    ``model``...); the figures are added up here with the same
    :func:`part_stats` a file run uses, so both summaries read alike.
    """
    totals = _Totals()
    totals.stats.extend(part_stats(part) for part in parts)
    _fill_summary(summary, totals, redact)
    return _in_memory(list(parts), totals.run_errors, people if people is not None else empty("people"), summary)
