"""The HTML report: one self-contained page per run, and one page per manager.

No JavaScript, no fonts, no images from elsewhere: charts are inline SVG
(:mod:`convolens.reports.charts`, :mod:`convolens.reports.timechart`) and a
Content-Security-Policy forbids any fetch, so the file opens offline and
cannot run transcript text as code. Every piece of transcript, roster, title
or file-name text goes through :func:`~convolens.reports.svg.esc`.

The views live in their own modules: :mod:`.organisation`, :mod:`.manager`
(with :mod:`.conversation`, :mod:`.yields` and :mod:`.shifts`) and
:mod:`.cascade`; :mod:`.page` holds the shell and the formats, and
:mod:`.rundata` reads a run once for all of them.
"""

from __future__ import annotations

from pathlib import Path

from ..aggregate import Period
from ..store import write_text_atomic
from .cascade import cascade
from .manager import manager_section
from .organisation import organisation
from .page import anchor, ci, footer, header, page, pct, safe_name, slope_text, warn_cell
from .rundata import load_run
from .svg import esc


def render_html_report(run: str | Path, *, period: Period = "week") -> str:
    """Give the whole-run report as one HTML document (organisation, each manager, cascade, footer)."""
    data = load_run(run, period)
    nav = "".join(f'<a href="#{anchor(r["id"])}">{esc(r["name"])}</a>' for _, r in data.managers.iterrows())
    body = (
        header(data)
        + f'<nav><a href="#organisation">Organisation</a>{nav}<a href="#cascade">Cascade</a></nav>'
        + organisation(data)
        + "".join(manager_section(data, r) for _, r in data.managers.iterrows())
        + cascade(data)
        + footer(data)
    )
    return page(f"convolens report: {data.folder.name}", body)


def write_html_report(run: str | Path, out: str | Path, *, period: Period = "week") -> Path:
    """Give the path of the self-contained HTML report written (atomically) for a run folder."""
    path = Path(out)
    write_text_atomic(path, render_html_report(run, period=period))
    return path


def write_manager_pages(run: str | Path, out_dir: str | Path, *, period: Period = "week") -> list[Path]:
    """Give the paths of one page per manager (named from their id) and of ``index.html``, written in ``out_dir``."""
    data = load_run(run, period)
    folder = Path(out_dir)
    written: list[Path] = []
    links = []
    used: set[str] = set()
    for _, row in data.managers.iterrows():
        stem = safe_name(str(row["id"]))
        while stem in used or stem == "index":  # ids that clean to the same stem must not overwrite each other
            stem += "_"
        used.add(stem)
        path = folder / f"{stem}.html"
        body = header(data) + '<nav><a href="index.html">All managers</a></nav>' + manager_section(data, row)
        write_text_atomic(path, page(f"convolens: {row['name']}", body + footer(data)))
        written.append(path)
        links.append(
            f'<tr><td><a href="{esc(path.name)}">{esc(row["name"])}</a></td><td class=n>{pct(row["impact_share"])}</td>'
            f"<td class=n>{ci(row['impact_share_low'], row['impact_share_high'])}</td><td>{esc(slope_text(row, period))}</td>"
            f"{warn_cell(row)}</tr>"
        )
    index = (
        header(data)
        + "<h2>Managers</h2><table><tr><th>Manager</th><th>Impact share</th><th>95% CI</th><th>Trend</th><th></th></tr>"
        + "".join(links)
        + "</table>"
        + footer(data)
    )
    index_path = folder / "index.html"
    write_text_atomic(index_path, page("convolens: managers", index))
    return [*written, index_path]


__all__ = ["render_html_report", "safe_name", "slope_text", "write_html_report", "write_manager_pages"]
