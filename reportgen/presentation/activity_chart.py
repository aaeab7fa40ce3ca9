"""Inline SVG of one phase's months (Annex D, D.6): hourly-matched beside period-average GHG.

Two bars a month — dark for hourly-matched, light and hatched for the period-average intensities, so the
pair reads in black and white — each with its value above it, and the month's activity energy under the
month. Built by hand like the phase-split chart (chart.py): byte-stable and XML-escaped. Its first child
is a `<title>` with the same figures in words, the chart's alternative text in the tagged PDF.
"""

from __future__ import annotations

from html import escape
from typing import Any

WIDTH = 680
PLOT_TOP = 34  # legend line, then a gap for the value labels of the tallest bar
PLOT_H = 120
AXIS_LABELS = 30  # month, then energy
HOURLY = "#2e7a68"
AVERAGE = "#bfe3cc"


def months_svg(chart: dict[str, Any], font: str) -> str:
    """SVG markup of one chart of view_activity's `charts`; '' when no month has GHG."""
    months = chart["months"]
    top = max((max(m["hourly"], m["average"]) for m in months), default=0.0)
    if not months or top <= 0:
        return ""
    height = PLOT_TOP + PLOT_H + AXIS_LABELS
    slot = WIDTH / len(months)
    bar = min(48.0, slot * 0.32)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'height="{height}" font-family="{escape(font)}" font-size="10" role="img">',
        f"<title>{escape(activity_alt_text(chart))}</title>",
        '<defs><pattern id="act-avg" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{AVERAGE}"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#000000" stroke-width="1"/></pattern></defs>',
    ]
    hourly_label, average_label = (escape(x) for x in chart["legend"])
    out.append(f'<rect x="0" y="2" width="12" height="10" fill="{HOURLY}"/>')
    out.append(f'<text x="16" y="11">{hourly_label}</text>')
    out.append(
        '<rect x="220" y="2" width="12" height="10" fill="url(#act-avg)" stroke="#000000" stroke-width="0.5"/>'
    )
    out.append(f'<text x="236" y="11">{average_label}</text>')
    out.append(f'<text x="{WIDTH}" y="11" text-anchor="end">{escape(chart["unit"])}</text>')
    base = PLOT_TOP + PLOT_H
    out.append(f'<line x1="0" y1="{base}" x2="{WIDTH}" y2="{base}" stroke="#808080" stroke-width="0.8"/>')
    for i, m in enumerate(months):
        centre = slot * i + slot / 2
        for x, value, text, fill in (
            (centre - bar - 1, m["hourly"], m["hourly_text"], HOURLY),
            (centre + 1, m["average"], m["average_text"], "url(#act-avg)"),
        ):
            h = max(0.0, value / top * PLOT_H)
            y = base - h
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{fill}" '
                'stroke="#000000" stroke-width="0.4"/>'
            )
            out.append(
                f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">{escape(text)}</text>'
            )
        out.append(f'<text x="{centre:.1f}" y="{base + 13}" text-anchor="middle">{escape(m["month"])}</text>')
        out.append(
            f'<text x="{centre:.1f}" y="{base + 25}" text-anchor="middle" fill="#595959">'
            f"{escape(m['energy_text'])}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def activity_alt_text(chart: dict[str, Any]) -> str:
    """The chart in words: its caption, then each month's two figures and energy."""
    hourly, average = chart["legend"]
    months = "; ".join(
        f"{m['month']}: {hourly} {m['hourly_text']}, {average} {m['average_text']} {chart['unit']}, "
        f"{m['energy_text']}"
        for m in chart["months"]
    )
    return f"{chart['title']}. {months}."
