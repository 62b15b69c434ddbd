"""The impact-share-over-time chart: lines per series, 95% bands, a fitted trend and a shift marker."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from .svg import GRID, INK, OTHER, WARN, esc, is_nan, line, num, svg_open, text


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


@dataclass(frozen=True)
class Shift:
    """A change point: a vertical marker between two periods (given by their start dates), with label lines."""

    before: pd.Timestamp
    after: pd.Timestamp
    lines: tuple[str, ...]


def share_points(
    periods: pd.DataFrame,
) -> tuple[list[tuple[pd.Timestamp, float]], list[tuple[pd.Timestamp, float, float]]]:
    """Give a periods table's (start, share) points and (start, low, high) band, periods without a share left out."""
    points, band = [], []
    for _, r in periods.sort_values("period").iterrows():
        if pd.isna(r["impact_share"]):
            continue
        start = pd.Timestamp(str(r["period"]))
        points.append((start, float(r["impact_share"])))
        band.append((start, float(r["impact_share_low"]), float(r["impact_share_high"])))
    return points, band


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
    shift: Shift | None = None,
    width: int = 760,
    height: int = 300,
) -> str:
    """Give an SVG of impact share over time: lines per series, shaded 95% bands, an optional fit and shift."""
    stamps = sorted({t for s in series for t, _ in s.points} | {t for s in series for t, _, _ in s.band})
    # A shift's label gets a strip of its own above the plot, so it never hides a point or the band.
    strip = 14.0 * len(shift.lines) + 4.0 if stamps and shift is not None and shift.lines else 0.0
    height += int(strip)
    parts = [svg_open(width, height, title)]
    if not stamps:
        parts.append(text(20, 50, "no dated questions", fill=OTHER))
        parts.append("</svg>")
        return "".join(parts)
    half = pd.Timedelta(days=period_days / 2)
    scale = _TimeScale(stamps[0], stamps[-1] + 2 * half, 60.0, width - 20.0, 44.0 + strip, height - 60.0)
    # Every period gets a tick, thinned so that labels never overlap.
    step = max(1, math.ceil(len(stamps) / max(1.0, (scale.x1 - scale.x0) / 52)))
    for pct in (0, 25, 50, 75, 100):
        y = scale.y(pct / 100)
        parts.append(line(scale.x0, y, scale.x1, y, GRID))
        parts.append(text(scale.x0 - 6, y + 4, f"{pct}%", anchor="end", size=11))
    for t in stamps[::step]:
        x = scale.x(t + half)
        parts.append(line(x, scale.y1, x, scale.y1 + 4, INK))
        fmt = "%b %d" if period_days < 28 else "%b %Y"
        parts.append(text(x, scale.y1 + 17, t.strftime(fmt), anchor="middle", size=11))
    parts.append(text((scale.x0 + scale.x1) / 2, height - 24, x_label, anchor="middle", size=11))
    parts.append(
        text(14, (scale.y0 + scale.y1) / 2, "Impact share (%)", anchor="middle", size=11,
             extra=f' transform="rotate(-90 14 {num((scale.y0 + scale.y1) / 2)})"')
    )  # fmt: skip
    for s in series:
        if s.band:
            upper = [f"{num(scale.x(t + half))},{num(scale.y(hi))}" for t, _, hi in s.band]
            lower = [f"{num(scale.x(t + half))},{num(scale.y(lo))}" for t, lo, _ in reversed(s.band)]
            parts.append(
                f'<polygon points="{" ".join(upper + lower)}" fill="{s.colour}" fill-opacity="0.16" stroke="none"/>'
            )
    shift_x = None
    if shift is not None:
        # Between the two periods' plotted points: the boundary itself when the periods are adjacent.
        shift_x = (scale.x(shift.before + half) + scale.x(shift.after + half)) / 2
        parts.append(
            line(shift_x, scale.y0 - strip, shift_x, scale.y1, WARN, ' stroke-width="2" stroke-dasharray="2 3"')
        )
    if fit is not None:
        (ta, ya), (tb, yb) = fit.start, fit.end
        parts.append(
            line(scale.x(ta), scale.y(ya), scale.x(tb), scale.y(yb), INK, ' stroke-width="1.5" stroke-dasharray="6 4"')
        )
    for s in series:
        pts = [(scale.x(t + half), scale.y(v)) for t, v in s.points if not is_nan(v)]
        if len(pts) > 1:
            dash = f' stroke-dasharray="{esc(s.dash)}"' if s.dash else ""
            path = " ".join(f"{num(x)},{num(y)}" for x, y in pts)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{s.colour}" stroke-width="2"{dash}/>')
        for x, y in pts:
            if s.marker == "square":
                parts.append(f'<rect x="{num(x - 4)}" y="{num(y - 4)}" width="8" height="8" fill="{s.colour}"/>')
            else:
                parts.append(f'<circle cx="{num(x)}" cy="{num(y)}" r="3.5" fill="{s.colour}"/>')
    if shift is not None and shift_x is not None:
        parts.append(_shift_label(shift, shift_x, scale, strip))
    parts.append(_legend(series, fit, scale.x0, 32))
    parts.append("</svg>")
    return "".join(parts)


def _shift_label(shift: Shift, x: float, scale: _TimeScale, strip: float) -> str:
    """Give the marker's label lines in the strip above the plot, on whichever side of the marker has more room."""
    left = x > (scale.x0 + scale.x1) / 2
    parts = []
    for i, s in enumerate(shift.lines):
        weight = ' font-weight="600"' if i == 0 else ""
        y = scale.y0 - strip + 11 + 14 * i
        parts.append(text(x - 6 if left else x + 6, y, s, anchor="end" if left else "start", size=11, extra=weight))
    return "".join(parts)


def _legend(series: Sequence[Series], fit: FitLine | None, x: float, y: float) -> str:
    parts = []
    for s in series:
        dash = f' stroke-dasharray="{esc(s.dash)}"' if s.dash else ""
        parts.append(line(x, y - 4, x + 22, y - 4, s.colour, f' stroke-width="2"{dash}'))
        label = s.name + (" (band: 95% interval)" if s.band else "")
        parts.append(text(x + 27, y, label, size=11))
        x += 34 + 6.4 * len(label)
    if fit is not None:
        parts.append(line(x, y - 4, x + 22, y - 4, INK, ' stroke-dasharray="6 4"'))
        parts.append(text(x + 27, y, fit.label or "fitted trend", size=11))
    return "".join(parts)
