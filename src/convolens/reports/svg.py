"""SVG building blocks shared by every chart: the palette, escaping, numbers and text.

Every string that reaches markup passes through :func:`esc`, so transcript or
roster text can never become a tag or an attribute.
"""

from __future__ import annotations

import html
import math

#: One colour per focus, used by every chart and table of the report.
IMPACT = "#1b7f79"
REVENUE = "#c8553d"
OTHER = "#8c8c8c"
WARN = "#b8860b"
INK = "#222222"
GRID = "#e3e3e3"
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"'
#: A 95% interval wider than this (as a fraction) is flagged as too few questions to act on.
WIDE_INTERVAL = 0.30


def esc(value: object) -> str:
    """Give text escaped for HTML content, attributes and SVG text alike."""
    return html.escape("" if value is None else str(value), quote=True)


def num(x: float) -> str:
    """Give a coordinate as written in the SVG: one decimal."""
    return f"{x:.1f}"


def is_nan(x: float | None) -> bool:
    """Give whether a value is missing (None or NaN)."""
    return x is None or (isinstance(x, float) and math.isnan(x))


def svg_open(width: float, height: float, title: str) -> str:
    """Give the opening ``<svg>`` tag with its accessible title and the visible title line."""
    return (
        f'<svg width="{num(width)}" height="{num(height)}" '
        f'viewBox="0 0 {num(width)} {num(height)}" role="img" aria-label="{esc(title)}" {FONT} font-size="12">'
        f"<title>{esc(title)}</title>"
        f'<text x="8" y="18" font-size="14" font-weight="600" fill="{INK}">{esc(title)}</text>'
    )


def text(x: float, y: float, s: str, *, anchor: str = "start", size: int = 12, fill: str = INK, extra: str = "") -> str:
    """Give one escaped ``<text>`` element; ``extra`` is trusted attribute markup written by the caller."""
    return (
        f'<text x="{num(x)}" y="{num(y)}" text-anchor="{anchor}" font-size="{size}" fill="{fill}"{extra}>'
        f"{esc(s)}</text>"
    )


def line(x1: float, y1: float, x2: float, y2: float, stroke: str, extra: str = "") -> str:
    """Give one ``<line>`` element; ``extra`` is trusted attribute markup written by the caller."""
    return f'<line x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}" stroke="{stroke}"{extra}/>'
