"""Inline SVG charts for the HTML report: interval dots, time series and bars.

Hand-written SVG rather than a plotting library: the report must open with no
network and no JavaScript, the markup stays small, and every label passes
through :func:`esc` so transcript or roster text can never become markup.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

#: One colour per focus, used by every chart and table of the report.
IMPACT = "#1b7f79"
REVENUE = "#c8553d"
OTHER = "#8c8c8c"
WARN = "#b8860b"
INK = "#222222"
GRID = "#e3e3e3"
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"'
WIDE_INTERVAL = 0.30


def esc(value: object) -> str:
    """Give text escaped for HTML content, attributes and SVG text alike."""
    return html.escape("" if value is None else str(value), quote=True)


def _num(x: float) -> str:
    return f"{x:.1f}"


def _is_nan(x: float | None) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _svg_open(width: float, height: float, title: str) -> str:
    return (
        f'<svg width="{_num(width)}" height="{_num(height)}" '
        f'viewBox="0 0 {_num(width)} {_num(height)}" role="img" aria-label="{esc(title)}" {FONT} font-size="12">'
        f"<title>{esc(title)}</title>"
        f'<text x="8" y="18" font-size="14" font-weight="600" fill="{INK}">{esc(title)}</text>'
    )


def _text(
    x: float, y: float, s: str, *, anchor: str = "start", size: int = 12, fill: str = INK, extra: str = ""
) -> str:
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}" font-size="{size}" fill="{fill}"{extra}>'
        f"{esc(s)}</text>"
    )


def _share_axis(x0: float, x1: float, y_top: float, y_bottom: float, label: str) -> list[str]:
    """Give vertical gridlines at 0-100% with labels under a horizontal share axis."""
    parts = []
    for pct in (0, 25, 50, 75, 100):
        x = x0 + (x1 - x0) * pct / 100
        dash = ' stroke-dasharray="4 3"' if pct == 50 else ""
        parts.append(
            f'<line x1="{_num(x)}" y1="{_num(y_top)}" x2="{_num(x)}" y2="{_num(y_bottom)}" stroke="{GRID}"{dash}/>'
        )
        parts.append(_text(x, y_bottom + 14, f"{pct}%", anchor="middle", size=11))
    parts.append(_text((x0 + x1) / 2, y_bottom + 30, label, anchor="middle", size=11))
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
    ordered = sorted(rows, key=lambda r: (_is_nan(r.share), -(0.0 if _is_nan(r.share) else r.share), r.label))
    left, right, top, row_h = 210.0, 150.0, 34.0, 26.0
    x0, x1 = left, width - right
    y_bottom = top + row_h * max(1, len(ordered))
    parts = [_svg_open(width, y_bottom + 44, title), *_share_axis(x0, x1, top, y_bottom, axis_label)]
    for i, row in enumerate(ordered):
        y = top + row_h * (i + 0.5)
        label = row.label if len(row.label) <= 30 else row.label[:29] + "…"
        parts.append(_text(x0 - 8, y + 4, label, anchor="end"))
        if _is_nan(row.share):
            parts.append(_text(x0 + 4, y + 4, "no revenue or impact questions", fill=OTHER, size=11))
            continue
        wide = row.high - row.low > WIDE_INTERVAL
        xs = [x0 + (x1 - x0) * v for v in (row.low, row.share, row.high)]
        dash = ' stroke-dasharray="3 3"' if wide else ""
        colour = WARN if wide else IMPACT
        parts.append(
            f'<line x1="{_num(xs[0])}" y1="{_num(y)}" x2="{_num(xs[2])}" y2="{_num(y)}" stroke="{colour}" stroke-width="2"{dash}/>'
        )
        for x in (xs[0], xs[2]):
            parts.append(
                f'<line x1="{_num(x)}" y1="{_num(y - 5)}" x2="{_num(x)}" y2="{_num(y + 5)}" stroke="{colour}" stroke-width="2"/>'
            )
        parts.append(f'<circle cx="{_num(xs[1])}" cy="{_num(y)}" r="5" fill="{IMPACT}" stroke="white"/>')
        note = f"{100 * row.share:.0f}% ({100 * row.low:.0f}–{100 * row.high:.0f})"
        parts.append(_text(x1 + 8, y + 4, note, size=11))
        if wide:
            parts.append(_text(x1 + 8, y + 15, "⚠ too few questions", size=10, fill=WARN))
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Series:
    """One line on a time chart: shares (0-1) at period start dates, with an optional 95% band."""

    name: str
    colour: str
    points: Sequence[tuple[pd.Timestamp, float]]
    band: Sequence[tuple[pd.Timestamp, float, float]] = ()
    dash: str = ""
    marker: str = "circle"


@dataclass(frozen=True)
class FitLine:
    """A fitted straight line from (start, share) to (end, share), drawn dashed with its label."""

    start: tuple[pd.Timestamp, float]
    end: tuple[pd.Timestamp, float]
    label: str = ""


@dataclass
class _TimeScale:
    first: pd.Timestamp
    last: pd.Timestamp
    x0: float
    x1: float
    y0: float
    y1: float
    ticks: list[pd.Timestamp] = field(default_factory=list)

    def x(self, t: pd.Timestamp) -> float:
        span = max(1.0, float((self.last - self.first).total_seconds()))
        return self.x0 + (self.x1 - self.x0) * float((t - self.first).total_seconds()) / span

    def y(self, share: float) -> float:
        share = min(1.0, max(0.0, share))
        return self.y1 - (self.y1 - self.y0) * share


def time_chart(
    series: Sequence[Series],
    *,
    title: str,
    period_days: float,
    x_label: str,
    fit: FitLine | None = None,
    width: int = 760,
    height: int = 300,
) -> str:
    """Give an SVG of impact share over time: lines per series, shaded 95% bands, an optional fit."""
    stamps = sorted({t for s in series for t, _ in s.points} | {t for s in series for t, _, _ in s.band})
    parts = [_svg_open(width, height, title)]
    if not stamps:
        parts.append(_text(20, 50, "no dated questions", fill=OTHER))
        parts.append("</svg>")
        return "".join(parts)
    half = pd.Timedelta(days=period_days / 2)
    scale = _TimeScale(stamps[0], stamps[-1] + 2 * half, 60.0, width - 20.0, 44.0, height - 60.0)
    # Every period gets a tick, thinned so that labels never overlap.
    step = max(1, math.ceil(len(stamps) / max(1.0, (scale.x1 - scale.x0) / 52)))
    for pct in (0, 25, 50, 75, 100):
        y = scale.y(pct / 100)
        parts.append(
            f'<line x1="{_num(scale.x0)}" y1="{_num(y)}" x2="{_num(scale.x1)}" y2="{_num(y)}" stroke="{GRID}"/>'
        )
        parts.append(_text(scale.x0 - 6, y + 4, f"{pct}%", anchor="end", size=11))
    for t in stamps[::step]:
        x = scale.x(t + half)
        parts.append(
            f'<line x1="{_num(x)}" y1="{_num(scale.y1)}" x2="{_num(x)}" y2="{_num(scale.y1 + 4)}" stroke="{INK}"/>'
        )
        fmt = "%b %d" if period_days < 28 else "%b %Y"
        parts.append(_text(x, scale.y1 + 17, t.strftime(fmt), anchor="middle", size=11))
    parts.append(_text((scale.x0 + scale.x1) / 2, height - 24, x_label, anchor="middle", size=11))
    parts.append(
        _text(14, (scale.y0 + scale.y1) / 2, "Impact share (%)", anchor="middle", size=11,
              extra=f' transform="rotate(-90 14 {_num((scale.y0 + scale.y1) / 2)})"')
    )  # fmt: skip
    for s in series:
        if s.band:
            upper = [f"{_num(scale.x(t + half))},{_num(scale.y(hi))}" for t, _, hi in s.band]
            lower = [f"{_num(scale.x(t + half))},{_num(scale.y(lo))}" for t, lo, _ in reversed(s.band)]
            parts.append(
                f'<polygon points="{" ".join(upper + lower)}" fill="{s.colour}" fill-opacity="0.16" stroke="none"/>'
            )
    if fit is not None:
        (ta, ya), (tb, yb) = fit.start, fit.end
        parts.append(
            f'<line x1="{_num(scale.x(ta))}" y1="{_num(scale.y(ya))}" x2="{_num(scale.x(tb))}" y2="{_num(scale.y(yb))}" '
            f'stroke="{INK}" stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
    for s in series:
        pts = [(scale.x(t + half), scale.y(v)) for t, v in s.points if not _is_nan(v)]
        if len(pts) > 1:
            dash = f' stroke-dasharray="{esc(s.dash)}"' if s.dash else ""
            path = " ".join(f"{_num(x)},{_num(y)}" for x, y in pts)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{s.colour}" stroke-width="2"{dash}/>')
        for x, y in pts:
            if s.marker == "square":
                parts.append(f'<rect x="{_num(x - 4)}" y="{_num(y - 4)}" width="8" height="8" fill="{s.colour}"/>')
            else:
                parts.append(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="3.5" fill="{s.colour}"/>')
    parts.append(_legend(series, fit, scale.x0, 32))
    parts.append("</svg>")
    return "".join(parts)


def _legend(series: Sequence[Series], fit: FitLine | None, x: float, y: float) -> str:
    parts = []
    for s in series:
        dash = f' stroke-dasharray="{esc(s.dash)}"' if s.dash else ""
        parts.append(
            f'<line x1="{_num(x)}" y1="{_num(y - 4)}" x2="{_num(x + 22)}" y2="{_num(y - 4)}" stroke="{s.colour}" stroke-width="2"{dash}/>'
        )
        label = s.name + (" (band: 95% interval)" if s.band else "")
        parts.append(_text(x + 27, y, label, size=11))
        x += 34 + 6.4 * len(label)
    if fit is not None:
        parts.append(
            f'<line x1="{_num(x)}" y1="{_num(y - 4)}" x2="{_num(x + 22)}" y2="{_num(y - 4)}" stroke="{INK}" stroke-dasharray="6 4"/>'
        )
        parts.append(_text(x + 27, y, fit.label or "fitted trend", size=11))
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
    parts = [_svg_open(width, y_bottom + 40, title)]
    if not bars:
        parts.append(_text(x0, top + 14, "no questions", fill=OTHER))
    for i, bar in enumerate(bars):
        y = top + row_h * i
        w = (x1 - x0) * bar.value / peak
        parts.append(_text(x0 - 8, y + row_h / 2 + 4, bar.label, anchor="end"))
        parts.append(
            f'<rect x="{_num(x0)}" y="{_num(y + 3)}" width="{_num(w)}" height="{_num(row_h - 6)}" fill="{bar.colour}"/>'
        )
        parts.append(_text(x0 + w + 5, y + row_h / 2 + 4, f"{bar.value:g}", size=11))
    parts.append(f'<line x1="{_num(x0)}" y1="{_num(top)}" x2="{_num(x0)}" y2="{_num(y_bottom)}" stroke="{INK}"/>')
    parts.append(_text((x0 + x1) / 2, y_bottom + 20, axis_label, anchor="middle", size=11))
    parts.append("</svg>")
    return "".join(parts)
