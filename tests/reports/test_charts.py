"""The SVG charts: the time chart's shift marker, its label strip and escaping."""

from __future__ import annotations

import re

import pandas as pd

from convolens.reports.charts import IMPACT, Series, Shift, time_chart

WEEKS = [pd.Timestamp("2026-09-07") + pd.Timedelta(weeks=i) for i in range(6)]
POINTS = [(t, 0.2 + 0.1 * i) for i, t in enumerate(WEEKS)]


def _height(svg: str) -> float:
    match = re.match(r'<svg width="[\d.]+" height="([\d.]+)"', svg)
    assert match
    return float(match.group(1))


def test_chart_without_shift_has_no_marker() -> None:
    svg = time_chart([Series("share", IMPACT, POINTS)], title="t", period_days=7, x_label="Week")
    assert _height(svg) == 300 and "#b8860b" not in svg


def test_shift_marker_and_label() -> None:
    shift = Shift(WEEKS[1], WEEKS[2], ("Mix shift 2026-09-14 → 2026-09-21", "impact share 30% → 40%, p = 0.001"))
    svg = time_chart([Series("share", IMPACT, POINTS)], title="t", period_days=7, x_label="Week", shift=shift)
    assert _height(svg) > 300, "the label gets a strip of its own above the plot"
    marker = re.search(r'<line x1="([\d.]+)" y1="([\d.]+)" x2="\1" y2="([\d.]+)" stroke="#b8860b"', svg)
    assert marker
    ticks = {
        label: float(x) for x, label in re.findall(r'<text x="([\d.]+)"[^>]*text-anchor="middle"[^>]*>(\w+ \d+)<', svg)
    }
    assert ticks["Sep 14"] < float(marker.group(1)) < ticks["Sep 21"]
    # The label sits in the strip, above the 100% gridline, on the roomier (right) side of an early marker.
    label = re.search(r'<text x="([\d.]+)" y="([\d.]+)" text-anchor="start"[^>]*>Mix shift 2026-09-14', svg)
    assert label and float(label.group(1)) > float(marker.group(1))
    top_grid = min(float(y) for y in re.findall(r'<text x="[\d.]+" y="([\d.]+)"[^>]*>100%<', svg))
    assert float(label.group(2)) < top_grid - 4


def test_late_shift_label_goes_left_and_is_escaped() -> None:
    shift = Shift(WEEKS[4], WEEKS[5], ("<b>late</b>",))
    svg = time_chart([Series("share", IMPACT, POINTS)], title="t", period_days=7, x_label="Week", shift=shift)
    assert "<b>" not in svg and "&lt;b&gt;late&lt;/b&gt;" in svg
    assert re.search(r'text-anchor="end"[^>]*>&lt;b&gt;late', svg)


def test_chart_without_points_ignores_shift() -> None:
    shift = Shift(WEEKS[0], WEEKS[1], ("x",))
    svg = time_chart([Series("share", IMPACT, [])], title="t", period_days=7, x_label="Week", shift=shift)
    assert "no dated questions" in svg and _height(svg) == 300
