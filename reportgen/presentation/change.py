"""The "Change since the baseline" part of a disclosure's reports (`reportgen render CURRENT --baseline B`).

The PDF gets the headline changes on its first page and a section with every figure, the notes and a
chart of both periods (templates/change.html.j2); the workbook gets a sheet. Both print the baseline's
fingerprint, and the comparison itself is embedded with the disclosure data (`comparison`, in English)
so that `reportgen verify REPORT --baseline B` can recompute it.
"""

from __future__ import annotations

from typing import Any

from reportgen.comparison.compare import Comparison, Line, compare
from reportgen.comparison.notes import is_blocking
from reportgen.evaluation.declared import standard_of, value_of
from reportgen.evaluation.model import Evaluation
from reportgen.presentation import fmt
from reportgen.presentation.comparison_chart import BarRow, bars_svg
from reportgen.presentation.comparison_text import change_text, verdict
from reportgen.resources import t

FONT = "Report Sans"


def _period(ev: Evaluation, lang: str) -> str:
    roles = standard_of(ev).roles
    start, end = value_of(ev, roles.period_start), value_of(ev, roles.period_end)
    return "" if start is None or end is None else f"{start} – {end}"


def series_names(baseline: Evaluation, current: Evaluation, lang: str) -> list[str]:
    """`Baseline (2024-07-01 – 2025-06-30)`, `Current (…)`: the legend of the chart of both periods."""
    out = []
    for key, ev in (("cmp_baseline", baseline), ("cmp_current", current)):
        period = _period(ev, lang)
        out.append(f"{t(key, lang)} ({period})" if period else t(key, lang))
    return out


def _row(label: str, ln: Line, lang: str) -> dict[str, str | bool]:
    return {
        "label": label,
        "baseline": fmt.quantity(ln.baseline, ln.unit, lang),
        "current": fmt.quantity(ln.current, ln.unit, lang),
        "change": change_text(ln, lang),
        "down": ln.change is not None and ln.change < 0,
        "up": ln.change is not None and ln.change > 0,
    }


def build_change_view(baseline: Evaluation, current: Evaluation) -> dict[str, Any]:
    """Formatted rows for the PDF part, in the report's language."""
    lang = current.language
    cmp = compare(baseline, current, lang)
    std = standard_of(current)

    def label(name: str) -> str:
        ind = std.indicators.get(name) or standard_of(baseline).indicators[name]
        return ind.label.get(lang)

    units = [
        {"title": t(f"cmp_{kind}", lang), "rows": [_row(label(n), ln, lang) for n, ln in lines.items()]}
        for kind, lines in cmp.functional_units.items()
        if lines
    ]
    phases = [
        {
            "title": std.group(p).label.get(lang) if std.is_phase(p) else p,
            "rows": [_row(label(n), ln, lang) for n, ln in lines.items()],
        }
        for p, lines in cmp.phases.items()
    ]
    bars = [
        BarRow(
            label=label(n),
            values=[ln.baseline, ln.current],
            texts=[fmt.quantity(ln.baseline, ln.unit, lang), fmt.quantity(ln.current, ln.unit, lang)],
        )
        for n, ln in cmp.indicators.items()
    ]
    return {
        "verdict": verdict(cmp, lang),
        "comparable": cmp.comparable,
        "baseline_source": baseline.source or "",
        "baseline_title": fmt.system_title(baseline),
        "baseline_edition": f"{baseline.standard.id} {baseline.standard.edition}",
        "baseline_period": _period(baseline, lang),
        "baseline_fingerprint": baseline.fingerprint,
        "notes": [{"code": n.code, "message": n.message, "blocking": is_blocking(n.code)} for n in cmp.notes],
        "headline": [_row(label(n), ln, lang) for n, ln in cmp.indicators.items()],
        "units": units,
        "phases": phases,
        "chart": bars_svg(
            bars, series_names(baseline, current, lang), FONT, True, t("cmp_chart_title", lang)
        ),
    }


def embedded(baseline: Evaluation, current: Evaluation) -> dict[str, Any]:
    """What the report carries of the comparison: the compare JSON (English), as `verify` recomputes it."""
    return compare(baseline, current, "en").model_dump(mode="json")


def change_sheet(s: Any, c: Any, baseline: Evaluation) -> None:
    """The workbook sheet: the same figures as the PDF part, numbers as numbers (display units)."""
    from reportgen.presentation.xlsx_cells import BOLD, TITLE_FONT

    lang, ev = c.lang, c.ev
    cmp: Comparison = compare(baseline, ev, lang)
    std = c.std
    row = s.title(1, t("cmp_part_title", lang), TITLE_FONT)
    facts = [
        (t("cmp_baseline", lang), f"{baseline.source or ''} — {fmt.system_title(baseline)}"),
        (t("standard", lang), f"{baseline.standard.id} {baseline.standard.edition}"),
        (t("cmp_baseline_fingerprint", lang), baseline.fingerprint),
        ("", verdict(cmp, lang)),
    ]
    for fact, value in facts:
        s.put(row, 1, fact, font=BOLD)
        s.put(row, 2, value, measure=False)
        row += 1
    for n in cmp.notes:
        s.put(row, 1, f"[{n.code}]")
        s.put(row, 2, n.message, measure=False)
        row += 1

    def label(name: str) -> str:
        ind = std.indicators.get(name) or standard_of(baseline).indicators[name]
        return ind.label.get(lang)

    head = [
        t("col_indicator", lang),
        t("cmp_baseline", lang),
        t("cmp_current", lang),
        t("cmp_change", lang),
        t("cmp_change_pct", lang),
        t("col_unit", lang),
    ]

    def block(row: int, title: str, lines: dict[str, Line]) -> int:
        row = s.title(row + 1, title)
        row = s.header(row, head)
        for n, ln in lines.items():
            pct = None if ln.change_pct is None else ln.change_pct / 100
            s.row(row, [label(n), ln.baseline, ln.current, ln.change])
            s.put(row, 5, pct, number="+0.0%;-0.0%;0.0%")
            s.put(row, 6, fmt.pretty_unit(ln.unit))
            row += 1
        return row

    row = block(row, t("cmp_totals", lang), cmp.indicators)
    for kind, lines in cmp.functional_units.items():
        if lines:
            row = block(row, t(f"cmp_{kind}", lang), lines)
    for p, lines in cmp.phases.items():
        row = block(row, std.group(p).label.get(lang) if std.is_phase(p) else p, lines)
    s.finish(fixed={1: 42, 2: 16, 3: 16, 4: 16, 5: 10, 6: 12}, landscape=False)
