"""Inline SVG charts for the HTML report: interval dots and bars (the time chart is in :mod:`.timechart`).

Hand-written SVG rather than a plotting library: the report must open with no
network and no JavaScript, the markup stays small, and every label passes
through :func:`esc` so transcript or roster text can never become markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .svg import GRID, IMPACT, INK, OTHER, REVENUE, WARN, WIDE_INTERVAL, esc, is_nan, num, svg_open, text
from .timechart import FitLine, Series, Shift, time_chart


def _share_axis(x0: float, x1: float, y_top: float, y_bottom: float, label: str) -> list[str]:
    """Give vertical gridlines at 0-100% with labels under a horizontal share axis."""
    parts = []
    for pct in (0, 25, 50, 75, 100):
        x = x0 + (x1 - x0) * pct / 100
        dash = ' stroke-dasharray="4 3"' if pct == 50 else ""
        parts.append(
            f'<line x1="{num(x)}" y1="{num(y_top)}" x2="{num(x)}" y2="{num(y_bottom)}" stroke="{GRID}"{dash}/>'
        )
        parts.append(text(x, y_bottom + 14, f"{pct}%", anchor="middle", size=11))
    parts.append(text((x0 + x1) / 2, y_bottom + 30, label, anchor="middle", size=11))
    return parts


@dataclass(frozen=True)
class Interval:
    """One row of a dot-and-whisker chart: a share and its 95% interval (fractions 0-1)."""

    label: str
    share: float
    low: float
    high: float
    detail: str = ""


def dot_whisker(rows: Sequence[Interval], *, title: str, axis_label: str, width: int = 760) -> str:
    """Give an SVG of shares as dots with 95% whiskers, sorted high to low; wide intervals marked."""
    ordered = sorted(rows, key=lambda r: (is_nan(r.share), -(0.0 if is_nan(r.share) else r.share), r.label))
    left, right, top, row_h = 210.0, 150.0, 34.0, 26.0
    x0, x1 = left, width - right
    y_bottom = top + row_h * max(1, len(ordered))
    parts = [svg_open(width, y_bottom + 44, title), *_share_axis(x0, x1, top, y_bottom, axis_label)]
    for i, row in enumerate(ordered):
        y = top + row_h * (i + 0.5)
        label = row.label if len(row.label) <= 30 else row.label[:29] + "…"
        parts.append(text(x0 - 8, y + 4, label, anchor="end"))
        if is_nan(row.share):
            parts.append(text(x0 + 4, y + 4, "no revenue or impact questions", fill=OTHER, size=11))
            continue
        wide = row.high - row.low > WIDE_INTERVAL
        xs = [x0 + (x1 - x0) * v for v in (row.low, row.share, row.high)]
        dash = ' stroke-dasharray="3 3"' if wide else ""
        colour = WARN if wide else IMPACT
        parts.append(
            f'<line x1="{num(xs[0])}" y1="{num(y)}" x2="{num(xs[2])}" y2="{num(y)}" stroke="{colour}" stroke-width="2"{dash}/>'
        )
        for x in (xs[0], xs[2]):
            parts.append(
                f'<line x1="{num(x)}" y1="{num(y - 5)}" x2="{num(x)}" y2="{num(y + 5)}" stroke="{colour}" stroke-width="2"/>'
            )
        parts.append(f'<circle cx="{num(xs[1])}" cy="{num(y)}" r="5" fill="{IMPACT}" stroke="white"/>')
        note = f"{100 * row.share:.0f}% ({100 * row.low:.0f}–{100 * row.high:.0f})"
        parts.append(text(x1 + 8, y + 4, note, size=11))
        if wide:
            parts.append(text(x1 + 8, y + 15, "⚠ too few questions", size=10, fill=WARN))
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Bar:
    """One bar: a label, a count and its colour."""

    label: str
    value: float
    colour: str


def bar_chart(bars: Sequence[Bar], *, title: str, axis_label: str, width: int = 760) -> str:
    """Give an SVG of horizontal bars with their values written at the end."""
    left, right, top, row_h = 230.0, 50.0, 34.0, 22.0
    x0, x1 = left, width - right
    y_bottom = top + row_h * max(1, len(bars))
    peak = max([b.value for b in bars] + [1.0])
    parts = [svg_open(width, y_bottom + 40, title)]
    if not bars:
        parts.append(text(x0, top + 14, "no questions", fill=OTHER))
    for i, bar in enumerate(bars):
        y = top + row_h * i
        w = (x1 - x0) * bar.value / peak
        parts.append(text(x0 - 8, y + row_h / 2 + 4, bar.label, anchor="end"))
        parts.append(
            f'<rect x="{num(x0)}" y="{num(y + 3)}" width="{num(w)}" height="{num(row_h - 6)}" fill="{bar.colour}"/>'
        )
        parts.append(text(x0 + w + 5, y + row_h / 2 + 4, f"{bar.value:g}", size=11))
    parts.append(f'<line x1="{num(x0)}" y1="{num(top)}" x2="{num(x0)}" y2="{num(y_bottom)}" stroke="{INK}"/>')
    parts.append(text((x0 + x1) / 2, y_bottom + 20, axis_label, anchor="middle", size=11))
    parts.append("</svg>")
    return "".join(parts)


__all__ = [
    "GRID", "IMPACT", "INK", "OTHER", "REVENUE", "WARN", "WIDE_INTERVAL", "Bar", "FitLine", "Interval", "Series",
    "Shift", "bar_chart", "dot_whisker", "esc", "time_chart",
]  # fmt: skip
