"""Inline SVG chart of each indicator's split by lifecycle phase (SPEC clause 11 item 2).

`phase_split_svg(totals, phases)` draws one horizontal 100 % bar per indicator, cut into its phases'
shares, with the share written in every segment wide enough to hold it and a legend of phase names.
Colours alternate dark and light in phase order and three phases are hatched, so the chart stays
readable printed in black and white. Built by hand (no plotting library): a few rectangles do not
earn a dependency, and the output is byte-stable. All text is XML-escaped.

The chart's first child is a `<title>` holding the same figures in words: WeasyPrint makes it the
alternative text (`/Alt`) of the chart's Figure in the tagged PDF, so a screen reader reads the chart.

The words of the chart (each bar's title and the legend) are HTML set over the drawing, not SVG text:
WeasyPrint lays out and draws SVG text one letter at a time, which made the two charts of a report a
tenth of its render. Each word is placed in percentages of the drawing (`div.chart-box`, report.css),
at the baseline the SVG text had; only the short shares inside the bars stay SVG text.
"""

from __future__ import annotations

from html import escape
from typing import Any

# Phase → (fill, text colour on it, hatched?). Dark/light alternate in phase order for greyscale print.
STYLE: dict[str, tuple[str, str, bool]] = {
    "hardware": ("#1d3b5a", "#ffffff", False),
    "data": ("#9cc3e4", "#000000", True),
    "training": ("#2e7a68", "#ffffff", False),
    "finetuning": ("#bfe3cc", "#000000", True),
    "inference": ("#c56a1c", "#ffffff", False),
    "storage_network": ("#f2d47e", "#000000", True),
    "end_of_life": ("#5e4482", "#ffffff", False),
}
_FALLBACK = ("#808080", "#000000", False)

WIDTH = 680  # drawing units; the SVG scales to the text width
LABEL_H = 15  # indicator title line
BAR_H = 20
ROW_GAP = 12
MIN_LABEL_SHARE = 0.075  # below this a segment is too narrow for "12.3%"
FONT = 11  # drawing units: the words' size (report.css sets it in points for each chart's printed width)
BASELINE = 0.846  # em from the top of a line of DejaVu Sans at line-height 1 to its baseline


def phase_split_svg(
    totals: list[dict[str, Any]],
    phases: list[tuple[str, str]],
    font: str,
    colon: str = ": ",
    title: str = "",
    compact: bool = False,
) -> str:
    """SVG markup for the totals of build_view() (only those with a value); '' when there is none.

    `phases` is [(phase id, label)] in the standard's order: it fixes colours and the legend order.
    `title` (the chart's caption) opens its alternative text, which then reads every bar's shares.
    `compact` draws it for half the text width (page 1): narrower drawing, thinner bars, two legend columns.
    """
    width, bar_h, legend_cols, min_share = (
        (400, 13, 2, 0.14) if compact else (WIDTH, BAR_H, 3, MIN_LABEL_SHARE)
    )
    rows = [tot for tot in totals if tot["has_value"] and any(p["share"] > 0 for p in tot["phases"])]
    if not rows:
        return ""
    used = [
        (pid, label) for pid, label in phases if any(p["id"] == pid for tot in rows for p in tot["phases"])
    ]
    legend_lines = (len(used) + legend_cols - 1) // legend_cols
    gap = ROW_GAP // 2 if compact else ROW_GAP
    height = len(rows) * (LABEL_H + bar_h + gap) + legend_lines * 16 + 6
    words: list[str] = []

    def word(x: float, y: float, html: str, bold: bool = False) -> None:
        """Words whose SVG text would have had its baseline at (x, y)."""
        left, top = 100 * x / width, 100 * (y - BASELINE * FONT) / height
        weight = " b" if bold else ""
        words.append(f'<span class="w{weight}" style="left: {left:.2f}%; top: {top:.2f}%">{html}</span>')

    out = [
        f'<div class="chart-box"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-family="{escape(font)}" font-size="{FONT}" role="img">',
        f"<title>{escape(totals_alt_text(rows, phases, colon, title))}</title>",
        "<defs>",
    ]
    for pid, (fill, _, hatched) in STYLE.items():
        if hatched:
            out.append(
                f'<pattern id="h-{pid}" width="6" height="6" patternUnits="userSpaceOnUse" '
                f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{fill}"/>'
                f'<line x1="0" y1="0" x2="0" y2="6" stroke="#000000" stroke-width="1.2" '
                f'stroke-opacity="0.45"/></pattern>'
            )
    out.append("</defs>")
    order = {pid: i for i, (pid, _) in enumerate(phases)}
    y = 0
    for tot in rows:
        note = tot["partial_text"].split(":")[0].strip() if compact else tot["partial_text"]  # "partial"
        partial = f'<span class="n"> — {escape(note)}</span>' if tot["partial"] else ""
        word(
            0,
            y + 11,
            f"{escape(tot['label'])}{escape(colon)}{escape(tot['value'])} {escape(tot['unit'])}{partial}",
            True,
        )
        y += LABEL_H
        x = 0.0
        for p in sorted(tot["phases"], key=lambda p: order.get(p["id"], 99)):
            w = width * max(0.0, p["share"])
            if w <= 0:
                continue
            fill, ink, hatched = STYLE.get(p["id"], _FALLBACK)
            paint = f"url(#h-{p['id']})" if hatched else fill
            out.append(
                f'<rect x="{x:.2f}" y="{y}" width="{w:.2f}" height="{bar_h}" fill="{paint}" '
                f'stroke="#ffffff" stroke-width="0.8"><title>{escape(p["label"])}</title></rect>'
            )
            if p["share"] >= min_share:
                bg = (
                    f'<rect x="{x + w / 2 - 21:.2f}" y="{y + (bar_h - 12) / 2:.1f}" width="42" height="12" '
                    f'rx="2" fill="#ffffff" fill-opacity="0.85"/>'
                    if hatched
                    else ""
                )
                colour = "#000000" if hatched else ink
                out.append(
                    f'{bg}<text x="{x + w / 2:.2f}" y="{y + bar_h / 2 + 4:.1f}" text-anchor="middle" '
                    f'fill="{colour}">{escape(p["share_text"])}</text>'
                )
            x += w
        out.append(
            f'<rect x="0" y="{y}" width="{width}" height="{bar_h}" fill="none" stroke="#333333" '
            f'stroke-width="0.6"/>'
        )
        y += bar_h + gap
    col_w = width / legend_cols
    for i, (pid, label) in enumerate(used):
        fill, _, hatched = STYLE.get(pid, _FALLBACK)
        lx, ly = (i % legend_cols) * col_w, y + (i // legend_cols) * 16
        paint = f"url(#h-{pid})" if hatched else fill
        out.append(
            f'<rect x="{lx:.2f}" y="{ly}" width="14" height="11" fill="{paint}" stroke="#333333" '
            f'stroke-width="0.6"/>'
        )
        word(lx + 19, ly + 10, escape(label))
    out.append("</svg>")
    return "".join(out + words) + "</div>"


def totals_alt_text(rows: list[dict[str, Any]], phases: list[tuple[str, str]], colon: str, title: str) -> str:
    """The chart in words, bar by bar in the drawing's order: "Title. Energy: 80.9 MWh — Training 62%, …"."""
    order = {pid: i for i, (pid, _) in enumerate(phases)}
    parts = [title] if title else []
    for tot in rows:
        shares = ", ".join(
            f"{p['label']} {p['share_text']}"
            for p in sorted(tot["phases"], key=lambda p: order.get(p["id"], 99))
            if p["share"] > 0
        )
        partial = f" ({tot['partial_text']})" if tot["partial"] else ""
        parts.append(f"{tot['label']}{colon}{tot['value']} {tot['unit']}{partial} — {shares}")
    return ". ".join(parts) + "."
