"""The HTML report is self-contained, matches ``convolens.report``, escapes every text and renders in Chromium."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

import convolens
from convolens.reports.coaching import (
    REVENUE_THEMES,
    lagged_correlations,
    load_reframes,
    normalise,
    pick_reframe,
)
from convolens.reports.html import slope_text, write_manager_pages

CHROMIUM = Path("/usr/bin/chromium")


def test_report_is_self_contained(page: tuple[Path, str]) -> None:
    _, html = page
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert not re.search(r"url\(", html, re.I)
    assert "http://" not in html and "https://" not in html
    assert "<link" not in html.lower()
    assert "@font-face" not in html and "@import" not in html
    assert "<script" not in html.lower(), "the report carries no JavaScript at all"
    assert "<svg" in html


def test_figures_match_report(page: tuple[Path, str], run: Path) -> None:
    _, html = page
    summary = convolens.report(run, by="manager", period="week").summary
    assert len(summary) == 3
    for _, row in summary.iterrows():
        section = html.split(f'id="m-{row["id"]}"', 1)[1].split("</section>", 1)[0]
        assert str(row["name"]) in section
        assert f"<b>{100 * row['impact_share']:.0f}%</b>" in section
        low, high = 100 * row["impact_share_low"], 100 * row["impact_share_high"]
        assert f"{low:.0f}–{high:.0f}%" in section
        assert slope_text(row, "week") in section
    dana = summary.set_index("id").loc["dana-lee"]
    assert slope_text(dana, "week").startswith("+") and "pts/week, 95% CI" in slope_text(dana, "week")


def test_report_sections_and_footer(page: tuple[Path, str], run: Path) -> None:
    _, html = page
    for heading in ("Organisation", "Teams", "Reps: their questions in customer calls", "Cascade", "Try instead"):
        assert heading in html
    reps = convolens.report(run, by="rep").summary
    for name in reps["name"]:
        assert str(name) in html
    footer = html.split("<footer>", 1)[1]
    assert "192 calls" in footer and "0 errors, 0 warnings" in footer and "Model:" in footer
    assert "Wilson" in footer and "Slope" in footer


def test_manager_pages(run: Path, tmp_path: Path) -> None:
    paths = write_manager_pages(run, tmp_path / "managers")
    names = sorted(p.name for p in paths)
    assert names == ["dana-lee.html", "index.html", "marcus-webb.html", "maria-farias.html"]
    index = (tmp_path / "managers" / "index.html").read_text(encoding="utf-8")
    assert 'href="dana-lee.html"' in index
    dana = (tmp_path / "managers" / "dana-lee.html").read_text(encoding="utf-8")
    assert "Dana Lee" in dana and "María Farías" not in dana.split("<footer>")[0]
    assert "<script" not in dana.lower()


def test_hostile_text_is_escaped(hostile: str) -> None:
    lowered = hostile.lower()
    assert "<script" not in lowered
    assert "<img" not in lowered
    assert "<b>x</b>" not in hostile
    assert '" onmouseover="' not in hostile
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in hostile
    assert "&quot; onmouseover=&quot;x" in hostile
    assert "When do they sign &lt;script&gt;alert(1)" in hostile, "the hostile question is quoted, as text"
    # Every tag left is one the report itself writes.
    tags = set(re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", hostile))
    allowed = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "nav", "a", "section", "span"}
    allowed |= {"table", "tr", "th", "td", "b", "i", "br", "blockquote", "footer", "svg", "text", "line", "circle"}
    allowed |= {"rect", "polyline", "polygon", "div", "h4"}
    assert tags <= allowed, tags - allowed


def test_cascade_caveat_on_tiny_run(hostile: str) -> None:
    cascade = hostile.split('id="cascade"', 1)[1]
    assert "Caveat" in cascade


def test_reframes_cover_every_revenue_theme() -> None:
    reframes = load_reframes()
    for theme in REVENUE_THEMES:
        assert len(reframes.get(theme, [])) >= 6, theme
        assert len(set(reframes[theme])) == len(reframes[theme])
    q = "When does Harborview close?"
    assert pick_reframe(q, "close_timing", reframes) == pick_reframe(q, "close_timing", reframes)
    assert pick_reframe(q, "close_timing", reframes) in reframes["close_timing"]


def test_normalise_groups_near_identical_questions() -> None:
    assert normalise("When does Harborview close?") == normalise("So when does Keelson Manufacturing close")
    assert normalise("Can we get them to $38k?") == normalise("can we get them to 50k")
    assert normalise("Who signs?") != normalise("Who else is in the running?")


def test_lagged_correlation_and_caveats() -> None:
    manager = {t: float(t % 5) for t in range(20)}
    reps = {t + 1: v for t, v in manager.items()}  # reps follow one period later
    lags = lagged_correlations(manager, reps)
    assert lags[1].r == pytest.approx(1.0) and lags[1].n == 20 and not lags[1].caveat
    few = lagged_correlations({0: 0.1, 1: 0.5, 2: 0.3}, {0: 0.2, 1: 0.4, 2: 0.35})
    assert all(lag.caveat for lag in few)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium not installed (apt-get install chromium)")
def test_renders_in_headless_chromium(page: tuple[Path, str], tmp_path: Path) -> None:
    path, html = page
    shot = tmp_path / "report.png"
    cmd = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
        "--enable-logging=stderr", "--v=0", f"--screenshot={shot}", "--window-size=1280,2000", path.resolve().as_uri(),
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.is_file() and shot.stat().st_size > 20_000
    page_lines = [
        line for line in done.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line or "ERR_" in line
    ]
    assert not page_lines, page_lines
    dom = subprocess.run(
        [*cmd[:-3], "--dump-dom", path.resolve().as_uri()], capture_output=True, text=True, timeout=120, check=False
    ).stdout
    assert "Dana Lee" in dom and "<script" not in dom.lower()
