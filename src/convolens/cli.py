"""The ``convolens`` command: a thin shell over :mod:`convolens.api`.

Exit codes: 0 all good; 1 the run finished but some inputs failed (see
errors.csv); 2 a usage or input problem stopped the command (one line on stderr).
"""

from __future__ import annotations

import atexit
import io
import json
import os
import sys
import threading
from contextlib import ExitStack, suppress
from enum import Enum
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from . import __version__
from .classifiers import DEFAULT_MODEL
from .errors import ConvolensError
from .lean import keep_torch_from_thinc

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Measure revenue vs customer-impact focus in sales conversations.",
    pretty_exceptions_enable=False,
)
# Reports are wide: when stdout is a file or pipe, don't squeeze them into rich's default 80 columns.
out_console = Console(width=None if sys.stdout.isatty() or "COLUMNS" in os.environ else 160)
err_console = Console(stderr=True)


class By(str, Enum):
    manager = "manager"
    rep = "rep"
    team = "team"


class PeriodOpt(str, Enum):
    week = "week"
    month = "month"


class EngineOpt(str, Enum):
    local = "local"
    ray = "ray"


class ReportFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


class Which(str, Enum):
    summary = "summary"
    periods = "periods"


def _fail(exc: ConvolensError) -> typer.Exit:
    err_console.print(f"convolens: error: {exc}", markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(2)


def _version(value: bool) -> None:
    if value:
        out_console.print(f"convolens {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool | None, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = None,
) -> None:
    """Measure revenue vs customer-impact focus in sales conversations."""
    # No command runs a torch model through thinc: spare each start-up thinc's import of torch.
    keep_torch_from_thinc()


def _parse_columns(items: list[str]) -> dict[str, str]:
    mapping = {}
    for item in items:
        name, sep, column = item.partition("=")
        if not sep or not name or not column:
            raise ConvolensError(f"--column takes NAME=COLUMN (e.g. text=utterance), not {item!r}")
        mapping[name.strip()] = column.strip()
    return mapping


@app.command()
def score(
    inputs: Annotated[list[Path], typer.Argument(help="Transcript files and/or folders.", show_default=False)],
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="Run folder (utterances/ and calls/ Parquet datasets, errors.csv, run.json)."),
    ],
    manifest: Annotated[
        Path | None, typer.Option(help="Manifest CSV (default: manifest.csv at a folder's top).")
    ] = None,
    roster: Annotated[Path | None, typer.Option(help="Roster CSV (default: roster.csv at a folder's top).")] = None,
    model: Annotated[str, typer.Option(help="Focus classifier: lexicon, linear or neural.")] = DEFAULT_MODEL,
    device: Annotated[
        str | None, typer.Option(help="cpu, cuda or auto (neural model only; default auto: the GPU when present).")
    ] = None,
    format: Annotated[
        str | None, typer.Option("--format", help="Force one transcript format instead of detecting it.")
    ] = None,
    column: Annotated[
        list[str], typer.Option("--column", help="CSV/Parquet column mapping NAME=COLUMN (repeatable).")
    ] = [],  # noqa: B006
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes (same output as 1).", min=1)] = 1,
    force: Annotated[
        bool, typer.Option("--force", help="Rescore every file, even those unchanged since the last run into --out.")
    ] = False,
    engine: Annotated[
        EngineOpt, typer.Option(help="local (this machine) or ray (Ray Data; pip install 'convolens[ray]').")
    ] = EngineOpt.local,
    ray_address: Annotated[
        str | None, typer.Option("--ray-address", help="Join this Ray cluster (default: start a local Ray).")
    ] = None,
    part_size: Annotated[
        int | None,
        typer.Option("--part-size", help="Files per part, the unit written, kept and redone [default: 32].", min=1),
    ] = None,
    redact: Annotated[
        bool,
        typer.Option("--redact", help="Mask e-mail addresses, phone, card and account numbers in every output."),
    ] = False,
    allow_outside_paths: Annotated[
        bool,
        typer.Option("--allow-outside-paths", help="Let manifest rows name files outside the input folders."),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
) -> None:
    """Score transcripts: every utterance's speaker, question flag and focus.

    Files scored into the same --out folder before and unchanged since are
    kept, not scored again; a killed run picks up where it stopped.
    """
    from .collector import collector_paused
    from .layout import nothing_to_keep
    from .readers import ReadOptions, get_reader
    from .workers import Workers

    with ExitStack() as stack:
        try:
            columns = _parse_columns(column)
            if format is not None:
                get_reader(format)
            if ray_address is not None and engine is not EngineOpt.ray:
                raise ConvolensError("--ray-address needs --engine ray")
            workers = None
            if jobs > 1 and engine is EngineOpt.local and nothing_to_keep(out, force):
                # Every file will be scored: the workers start up while this process imports and plans.
                workers = stack.enter_context(Workers(model, device, jobs))
            with collector_paused():  # imports and the plan: many objects that stay, no cycles among them
                from .engine import PART_FILES, run_plan
                from .inputs import plan_run
                from .store import read_errors

                plan = plan_run(inputs, manifest=manifest, roster=roster, allow_outside=allow_outside_paths)
            with _progress(quiet) as update:
                summary, _ = run_plan(
                    plan,
                    out=out,
                    model=model,
                    device=device,
                    format=format,
                    options=ReadOptions(columns=columns),
                    jobs=jobs,
                    force=force,
                    engine=engine.value,
                    ray_address=ray_address,
                    part_files=part_size or PART_FILES,
                    redact=redact,
                    progress=update,
                    workers=workers,
                )
            errors = read_errors(out) if summary.errors else None
        except ConvolensError as exc:
            raise _fail(exc) from None
    if not quiet:
        _print_summary(summary.as_dict(), out)
    if errors is not None:
        from pandas import isna  # loaded already: the errors came as a frame

        failed = errors[errors["level"] == "error"]
        for path, line, message in zip(failed["path"], failed["line"], failed["message"], strict=True):
            where = path if isna(line) else f"{path}:{line}"
            err_console.print(f"convolens: {where}: {message}", markup=False, highlight=False, soft_wrap=True)
    if summary.errors:
        raise typer.Exit(1)


class _progress:
    """A context manager giving a progress callback that draws bars on a terminal (nothing otherwise)."""

    def __init__(self, quiet: bool) -> None:
        self.enabled = not quiet and err_console.is_terminal
        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err_console,
        )
        self.tasks: dict[str, TaskID] = {}

    def __enter__(self):  # type: ignore[no-untyped-def]
        if self.enabled:
            self.bar.start()
        return self.update if self.enabled else None

    def update(self, stage: str, done: int, total: int) -> None:
        if stage not in self.tasks:
            self.tasks[stage] = self.bar.add_task(
                {"score": "Scoring files", "classify": "Classifying"}.get(stage, stage), total=total
            )
        self.bar.update(self.tasks[stage], completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self.bar.stop()


def _run_summary(run: Path) -> dict[str, object]:
    try:
        data = json.loads((run / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _print_summary(s: dict[str, object], out: Path) -> None:
    c = out_console
    reused = f" ({s['files_reused']} unchanged since the last run, kept)" if s.get("files_reused") else ""
    c.print(
        f"[bold]convolens score[/bold]: {s['files_scored']} of {s['files_in']} files scored{reused}, "
        f"{s['files_failed']} failed, in {s['seconds']:.1f} s"
    )
    c.print(
        f"  calls: {s['calls']}   utterances: {s['utterances']}   question turns: {s['questions']}   model: {s['model']}"
    )
    focus = s["focus"]
    qf = s["question_focus"]
    assert isinstance(focus, dict) and isinstance(qf, dict)
    c.print("  all turns:      " + "   ".join(f"{k} {v}" for k, v in focus.items()))
    c.print("  question turns: " + "   ".join(f"{k} {v}" for k, v in qf.items()))
    c.print(f"  roster: {s['roster'] or 'none'} ({s['people']} people)")
    unknown = s["unknown_speakers"]
    if isinstance(unknown, dict) and unknown:
        listed = ", ".join(f"{k} ({v} turns)" for k, v in list(unknown.items())[:10])
        more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
        c.print(f"  [yellow]speakers matching no one on the roster[/yellow]: {listed}{more}", highlight=False)
    for key, what in (("calls_without_kind", "kind"), ("calls_without_date", "date")):
        ids = s[key]
        if isinstance(ids, list) and ids:
            c.print(
                f"  [yellow]{len(ids)} call(s) with no {what}[/yellow] (scored, left out of trends): {', '.join(ids[:5])}{' ...' if len(ids) > 5 else ''}"
            )
    masked = s.get("redacted")
    if isinstance(masked, dict):
        listed = ", ".join(f"{v} {k}" for k, v in masked.items() if v) or "nothing found"
        c.print(f"  redacted: {sum(masked.values())} personal identifiers masked ({listed})")
    c.print(f"  errors: {s['errors']}   warnings: {s['warnings']}   (details: {out / 'errors.csv'})")
    c.print(f"  wrote {out}/: utterances/ and calls/ (Parquet datasets), people.parquet, errors.csv, run.json")


@app.command()
def report(
    run: Annotated[Path, typer.Argument(help="A folder written by `convolens score --out`.", show_default=False)],
    by: Annotated[
        By, typer.Option(help="Group by manager (1:1 questions), rep (customer-call questions) or team.")
    ] = By.manager,
    period: Annotated[PeriodOpt, typer.Option(help="Trend period.")] = PeriodOpt.week,
    format: Annotated[ReportFormat, typer.Option("--format", help="Output format.")] = ReportFormat.table,
    table: Annotated[Which, typer.Option(help="For csv: which table (json has both).")] = Which.summary,
    html: Annotated[
        Path | None, typer.Option("--html", help="Also write a self-contained HTML report to this file.")
    ] = None,
    per_manager: Annotated[
        Path | None, typer.Option("--per-manager", help="Also write one HTML page per manager into this folder.")
    ] = None,
) -> None:
    """Report question mix, impact share (95% CI), revenue:impact ratio and trend."""
    from .api import report as make_report
    from .reports.tables import period_table, summary_tables, to_csv, to_json

    try:
        rep = make_report(run, by=by.value, period=period.value)
        if html is not None or per_manager is not None:
            from .reports.html import write_html_report, write_manager_pages

            if html is not None:
                write_html_report(run, html, period=period.value)
                err_console.print(f"convolens: wrote {html}", highlight=False)
            if per_manager is not None:
                pages = write_manager_pages(run, per_manager, period=period.value)
                err_console.print(f"convolens: wrote {len(pages)} pages into {per_manager}", highlight=False)
    except ConvolensError as exc:
        raise _fail(exc) from None
    if format is ReportFormat.json:
        sys.stdout.write(to_json(rep) + "\n")
    elif format is ReportFormat.csv:
        sys.stdout.write(to_csv(rep.summary if table is Which.summary else rep.periods))
    else:
        for t in summary_tables(rep):
            out_console.print(t)
        pt = period_table(rep)
        if pt is not None:
            out_console.print(pt)
        out_console.print(
            "Impact share = customer_impact / (customer_impact + revenue) questions; "
            "trend = least-squares slope with 95% interval ('flat' when it includes 0)."
        )
        masked = _run_summary(run).get("redacted")
        if isinstance(masked, dict):
            listed = ", ".join(f"{v} {k}" for k, v in masked.items() if v) or "none found"
            out_console.print(f"Redacted run: {sum(masked.values())} personal identifiers masked ({listed}).")


class StatsTable(str, Enum):
    people = "people"
    yields = "yield"
    changes = "changes"
    calls = "calls"


@app.command()
def stats(
    run: Annotated[Path, typer.Argument(help="A folder written by `convolens score --out`.", show_default=False)],
    by: Annotated[By, typer.Option(help="manager (one-on-ones) or rep (customer calls).")] = By.manager,
    table: Annotated[
        StatsTable,
        typer.Option(
            help="people: talk share etc.; yield: reply length after impact vs revenue questions; "
            "changes: when the question mix shifted; calls: per call and speaker."
        ),
    ] = StatsTable.people,
    period: Annotated[PeriodOpt, typer.Option(help="Period for change points.")] = PeriodOpt.week,
    format: Annotated[ReportFormat, typer.Option("--format", help="Output format.")] = ReportFormat.table,
) -> None:
    """Conversation statistics: talk share, monologues, turns per minute, question yield, change points."""
    from . import stats as st
    from .reports.tables import to_csv, to_records
    from .store import read_run

    if by is By.team:
        raise _fail(ConvolensError("stats are per person: use --by manager or --by rep"))
    try:
        utterances = read_run(run)["utterances"]
    except ConvolensError as exc:
        raise _fail(exc) from None
    who: Literal["manager", "rep"] = "manager" if by is By.manager else "rep"
    if table is StatsTable.people:
        frame = st.person_stats(utterances, by=who)
    elif table is StatsTable.yields:
        frame = st.yield_summary(st.question_yield(utterances), by=who)
    elif table is StatsTable.changes:
        frame = st.change_points(utterances, by=who, period=period.value)
    else:
        frame = st.call_stats(utterances)
    if format is ReportFormat.json:
        sys.stdout.write(json.dumps(to_records(frame), indent=2, ensure_ascii=False) + "\n")
    elif format is ReportFormat.csv:
        sys.stdout.write(to_csv(frame))
    else:
        from rich.table import Table

        shown = Table(title=f"{table.value} ({who}s)", title_justify="left")
        for column in frame.columns:
            shown.add_column(str(column), justify="left" if frame[column].dtype == object else "right")
        for record in to_records(frame):
            shown.add_row(*[_cell(v) for v in record.values()])
        out_console.print(shown)


def _cell(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


@app.command()
def classify(
    input: Annotated[Path | None, typer.Option("--input", "-i", help="CSV of texts (default: lines on stdin).")] = None,
    text_column: Annotated[str, typer.Option(help="Column holding the text.")] = "text",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output CSV (default: stdout).")] = None,
    model: Annotated[str, typer.Option(help="Focus classifier: lexicon, linear or neural.")] = DEFAULT_MODEL,
    device: Annotated[
        str | None, typer.Option(help="cpu, cuda or auto (neural model only; default auto: the GPU when present).")
    ] = None,
) -> None:
    """Classify plain texts: CSV in, the same rows out with focus columns; or stdin lines to JSON lines."""
    import pandas as pd

    from .api import classify as run_classify
    from .readers.base import decode_bytes
    from .store import write_atomic

    try:
        if input is None:
            lines = [line.rstrip("\n") for line in sys.stdin]
            frame = run_classify(lines, model=model, device=device)
            for record in frame.to_dict("records"):
                sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
            return
        if not input.is_file():
            raise ConvolensError("no such file", path=input)
        text, _ = decode_bytes(input.read_bytes(), input)
        try:
            data = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise ConvolensError(f"not a readable CSV: {' '.join(str(exc).split())}", path=input) from None
        if text_column not in data.columns:
            raise ConvolensError(
                f"no column {text_column!r} (columns: {', '.join(data.columns)}); use --text-column", path=input
            )
        result = run_classify(data, text_column=text_column, model=model, device=device)
    except ConvolensError as exc:
        raise _fail(exc) from None
    if out is None:
        sys.stdout.write(result.to_csv(index=False))
    else:
        write_atomic(out, lambda p: result.to_csv(p, index=False))
        err_console.print(f"convolens: wrote {len(result)} rows to {out}", highlight=False)


@app.command()
def train(
    model: Annotated[str, typer.Option(help="Model to train: linear or neural.")] = "linear",
    data: Annotated[
        Path | None,
        typer.Option(
            help="Labelled corpus CSV (text, label, group/split...); default: data/labeled/corpus.csv of the source checkout."
        ),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Model folder (default: models/<model>).")] = None,
    seed: Annotated[int, typer.Option(help="Random seed (training is reproducible for a given seed).")] = 0,
    card_only: Annotated[
        bool, typer.Option("--card-only", help="Do not train: re-evaluate the saved model and rewrite its card.")
    ] = False,
) -> None:
    """Train a focus classifier on the train split; print its test-split figures."""
    from .corpus import bundled_corpus
    from .training import train as run_train
    from .training import write_card

    target = out or Path("models") / model
    try:
        data = data or bundled_corpus("pass --data FILE.csv")
        figures = write_card(model, target, data, seed=seed) if card_only else run_train(model, data, target, seed=seed)
    except ConvolensError as exc:
        raise _fail(exc) from None
    _print_evaluation(figures)
    out_console.print(f"wrote {target}")


@app.command()
def evaluate(
    model: Annotated[str, typer.Option(help="Classifier to evaluate: lexicon, linear or neural.")] = DEFAULT_MODEL,
    data: Annotated[
        Path | None,
        typer.Option(help="CSV with text and label (optional is_question, style, split); default: as for train."),
    ] = None,
    split: Annotated[str | None, typer.Option(help="Only this split (train, dev or test).")] = None,
    device: Annotated[
        str | None, typer.Option(help="cpu, cuda or auto (neural model only; default auto: the GPU when present).")
    ] = None,
    format: Annotated[ReportFormat, typer.Option("--format", help="table or json.")] = ReportFormat.table,
) -> None:
    """Evaluate a classifier: per-class P/R/F1, macro-F1, confusion, calibration, ASR subset, questions."""
    from .classifiers import load_classifier
    from .corpus import bundled_corpus
    from .training import evaluate as run_evaluate

    try:
        figures = run_evaluate(
            load_classifier(model, device), data or bundled_corpus("pass --data FILE.csv"), split=split
        )
    except ConvolensError as exc:
        raise _fail(exc) from None
    if format is ReportFormat.json:
        sys.stdout.write(json.dumps(figures, indent=2) + "\n")
    else:
        _print_evaluation(figures)


def _print_evaluation(figures: dict[str, object]) -> None:
    from rich.table import Table

    table = Table(title=f"Evaluation of {figures['model']}", title_justify="left")
    for col in ("subset", "n", "macro-F1", "accuracy", "calibration error", "revenue F1", "impact F1", "other F1"):
        table.add_column(col, justify="left" if col == "subset" else "right")
    for subset in ("overall", "asr"):
        s = figures.get(subset)
        if isinstance(s, dict):
            pc = s["per_class"]
            table.add_row(
                subset, str(s["n"]), f"{s['macro_f1']:.3f}", f"{s['accuracy']:.3f}", f"{s['calibration_error']:.3f}",
                f"{pc['revenue']['f1']:.3f}", f"{pc['customer_impact']['f1']:.3f}", f"{pc['other']['f1']:.3f}",
            )  # fmt: skip
    out_console.print(table)
    overall = figures["overall"]
    if isinstance(overall, dict):
        out_console.print(
            "confusion (rows: true revenue/customer_impact/other; columns: predicted):", overall["confusion"]["matrix"]
        )
    if "question_f1" in figures:
        out_console.print(f"question detection F1: {figures['question_f1']:.3f}")
    out_console.print(f"throughput: {figures['utterances_per_second']:.0f} utterances/s (full turn analysis)")


@app.command("check-corpus")
def check_corpus_cmd(
    data: Annotated[Path, typer.Argument(help="Labelled corpus CSV.")],
    threshold: Annotated[float, typer.Option(help="Cosine similarity that counts as a near-duplicate.")] = 0.9,
) -> None:
    """Flag near-duplicates that straddle splits or groups, and contradictory labels."""
    from .corpus import check_corpus, load_corpus
    from .training import with_splits

    try:
        frame = with_splits(load_corpus(data))
    except ConvolensError as exc:
        raise _fail(exc) from None
    pairs = check_corpus(frame, threshold)
    for _, row in pairs.iterrows():
        i, j = int(row["i"]), int(row["j"])
        out_console.print(
            f"{row['problem']}: line {i + 2} [{frame.loc[i, 'label']}] vs line {j + 2} [{frame.loc[j, 'label']}] "
            f"(similarity {row['similarity']:.2f}): {frame.loc[i, 'text'][:70]!r} / {frame.loc[j, 'text'][:70]!r}",
            markup=False,
            highlight=False,
        )
    counts = pairs["problem"].value_counts().to_dict() if len(pairs) else {}
    out_console.print(f"{len(frame)} rows; {len(pairs)} flagged pairs {counts}")
    if len(pairs):
        raise typer.Exit(1)


def main() -> None:
    """Run the command line (the ``convolens`` console script).

    When the command is over its outputs are written and closed, so the process ends
    without tearing the interpreter down: freeing every module and object (spaCy's
    vocabulary, the model, pandas and pyarrow) took 0.3-0.5 s, a tenth of a small run.
    Exit handlers still run and the standard streams are flushed first; with any
    other thread still running, or under a profiler or tracer (``python -m cProfile``,
    a debugger), Python's own exit runs as usual.
    """
    try:
        app()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    if code is None:
        code = 0
    if not isinstance(code, int) or _other_threads() or sys.getprofile() or sys.gettrace():
        # A message to print, threads to wait for, or a profiler, debugger or coverage tool
        # that reports when the interpreter ends: Python's own exit.
        raise SystemExit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):  # a closed pipe or stream: nothing more can reach it
            stream.flush()
    os._exit(code)


def _other_threads() -> bool:
    """Say whether a thread that Python's exit would wait for is still running."""
    main_thread = threading.main_thread()
    return any(t is not main_thread and not t.daemon and t.is_alive() for t in threading.enumerate())


if __name__ == "__main__":
    main()
