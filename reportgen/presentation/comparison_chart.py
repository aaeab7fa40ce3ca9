"""Inline SVG bar charts for the change part of a report (baseline beside current, per indicator) and the
portfolio report (each system's total). Hand-built like render/chart.py, for the same reasons: a few
rectangles, byte-stable output, every text XML-escaped, readable in greyscale (the second series is hatched).
Its `<title>` says the same figures in words: the alternative text of the chart in the tagged PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

WIDTH = 680
LABEL_H = 14  # the row's label, above its bars (long labels never collide with bars)
VALUE_W = 130  # right of each bar: its value as text
CHAR_W = 5.6  # average advance of a character at font-size 10, to space the legend
BAR_H = 11
SERIES = [("#1d3b5a", False), ("#c56a1c", True)]


@dataclass
class BarRow:
    label: str
    values: list[float | None]  # one per series
    texts: list[str]  # the values as printed


def bars_svg(rows: list[BarRow], series: list[str], font: str, per_row_scale: bool, title: str = "") -> str:
    """Horizontal bars, one group per row. `per_row_scale` scales each row to its own largest value (rows
    in different units); otherwise all rows share one scale. '' when no row has a positive value.
    `title` (the chart's heading) opens the alternative text."""
    rows = [r for r in rows if any(v for v in r.values)]
    if not rows:
        return ""
    n = len(series)
    row_h = LABEL_H + n * (BAR_H + 2) + 6
    legend_h = 18 if n > 1 else 0
    height = len(rows) * row_h + legend_h
    span = WIDTH - VALUE_W
    top = max((v or 0) for r in rows for v in r.values)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'height="{height}" font-family="{escape(font)}" font-size="10" role="img">'
        f"<title>{escape(comparison_alt_text(rows, series, title))}</title><defs>"
        f'<pattern id="cmp-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{SERIES[1][0]}"/><line x1="0" y1="0" '
        f'x2="0" y2="6" stroke="#000000" stroke-width="1.2" stroke-opacity="0.45"/></pattern></defs>'
    ]
    y = 0
    for r in rows:
        scale = max((v or 0) for v in r.values) if per_row_scale else top
        out.append(f'<text x="0" y="{y + 10}" font-weight="bold">{escape(r.label)}</text>')
        for i, (value, text) in enumerate(zip(r.values, r.texts, strict=True)):
            by = y + LABEL_H + i * (BAR_H + 2)
            w = span * (value or 0) / scale if scale else 0
            fill, hatched = SERIES[i % len(SERIES)]
            paint = "url(#cmp-hatch)" if hatched else fill
            if w > 0:
                out.append(
                    f'<rect x="0" y="{by}" width="{w:.2f}" height="{BAR_H}" fill="{paint}" '
                    f'stroke="#333333" stroke-width="0.4"><title>{escape(series[i])}</title></rect>'
                )
            out.append(f'<text x="{w + 4:.2f}" y="{by + BAR_H - 2}">{escape(text)}</text>')
        y += row_h
    if n > 1:
        lx = 0.0
        for i, name in enumerate(series):
            fill, hatched = SERIES[i % len(SERIES)]
            paint = "url(#cmp-hatch)" if hatched else fill
            out.append(
                f'<rect x="{lx:.1f}" y="{y + 4}" width="14" height="10" fill="{paint}" stroke="#333333" '
                f'stroke-width="0.6"/><text x="{lx + 19:.1f}" y="{y + 13}">{escape(name)}</text>'
            )
            lx += 19 + CHAR_W * len(name) + 24
    out.append("</svg>")
    return "".join(out)


def comparison_alt_text(rows: list[BarRow], series: list[str], title: str) -> str:
    """The bars in words: "Title. GHG: Baseline 12 t, Current 10 t. Energy: …" (one series: "GHG: 12 t")."""
    parts = [title] if title else []
    for r in rows:
        if len(series) > 1:
            parts.append(
                f"{r.label}: " + ", ".join(f"{s} {text}" for s, text in zip(series, r.texts, strict=True))
            )
        else:
            parts.append(f"{r.label}: {', '.join(r.texts)}")
    return ". ".join(parts) + "."
