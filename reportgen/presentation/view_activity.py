"""The "Activity data" part of a report (Annex D, D.6) as formatted data, shared by the PDF and the workbook.

Each table read (kind, phase, rows, rows counted, period covered, SHA-256, matched share), each phase's
hourly-matched against period-average location-based GHG with the difference in percent, and per phase the
months (UTC) of its matched energy for the chart. The strings are formatted here once; the numbers the
workbook writes as numbers stay in the Evaluation, and the chart gets them in its display unit.
"""

from __future__ import annotations

from typing import Any

from reportgen.activity.derive import signed_percent
from reportgen.evaluation.model import ActivityPeriod, ActivityReport
from reportgen.presentation import fmt
from reportgen.resources import t
from reportgen.standard import Standard

Row = dict[str, Any]


def ghg_scale(values: list[float]) -> tuple[float, str]:
    """(divisor, unit) for GHG in kgCO2e: tonnes from 1,000 kg up, as the report's totals are written."""
    return (1000.0, "tCO2e") if max(values, default=0.0) >= 1000 else (1.0, "kgCO2e")


def energy_scale(values: list[float]) -> tuple[float, str]:
    """(divisor, unit) for energy in kWh: MWh from 1,000 kWh up."""
    return (1000.0, "MWh") if max(values, default=0.0) >= 1000 else (1.0, "kWh")


def period_text(period: ActivityPeriod | None, lang: str) -> str:
    """`2025-08-04 06:00 → 2025-08-25 06:00` (UTC), or that no row was counted."""
    if period is None:
        return t("act_no_period", lang)

    def short(iso: str) -> str:
        return iso.replace("T", " ").removesuffix("Z").removesuffix(":00") if iso.endswith(":00Z") else iso

    return f"{short(period.start)} → {short(period.end)}"


def section(report: ActivityReport | None, std: Standard, lang: str) -> Row | None:
    """The part as rows of formatted strings; None when the disclosure declares no activity table."""
    if report is None:
        return None
    dash = t("rpt_dash", lang)

    def phase_label(pid: str | None) -> str:
        return std.group(pid).label.get(lang) if pid and pid in std.phase_ids else (pid or dash)

    tables = [
        {
            "table": tb.table,
            "phase": phase_label(tb.phase),
            "path": tb.path,
            "rows": fmt.number(tb.rows, lang),
            "counted": fmt.number(tb.counted_rows, lang) if tb.counted_rows is not None else dash,
            "period": period_text(tb.period, lang) if tb.counted_rows is not None else dash,
            "matched": fmt.percent(tb.matched_share, lang) if tb.matched_share is not None else dash,
            "sha256": tb.sha256[:12] + "…",
            "description": tb.description or "",
        }
        for tb in report.tables
    ]
    phases = []
    for pid, p in report.phases.items():
        energy = p.energy_kwh or 0.0
        e_div, e_unit = energy_scale([energy])
        g_div, g_unit = ghg_scale([x for x in (p.hourly_ghg, p.average_ghg) if x is not None])
        matched = p.hourly_ghg is not None and p.average_ghg is not None
        hourly, average = (
            fmt.quantity(x / g_div, g_unit, lang) if matched and x is not None else dash
            for x in (p.hourly_ghg, p.average_ghg)
        )
        phases.append(
            {
                "id": pid,
                "label": phase_label(pid),
                "energy": fmt.quantity(energy / e_div, e_unit, lang),
                "matched": fmt.percent(p.matched_share, lang) if p.matched_share is not None else dash,
                "hourly": hourly,
                "average": average,
                "difference": signed_percent(p.difference_pct, lang) if matched else dash,
                "note": "" if p.matched_share is not None else t("act_no_grid", lang),
            }
        )
    return {"tables": tables, "phases": phases, "charts": _charts(report, std, lang)}


def _charts(report: ActivityReport, std: Standard, lang: str) -> list[Row]:
    """Per phase with matched energy: its months, hourly-matched and period-average GHG in one unit."""
    out = []
    for pid in report.phases:
        months = [
            m
            for m in report.monthly
            if m.phase == pid and m.ghg_kg is not None and m.average_ghg_kg is not None
        ]
        if not months:
            continue
        g_div, g_unit = ghg_scale([max(m.ghg_kg or 0.0, m.average_ghg_kg or 0.0) for m in months])
        e_div, e_unit = energy_scale([m.energy_kwh for m in months])
        out.append(
            {
                "title": t("act_chart_title", lang).format(phase=std.group(pid).label.get(lang)),
                "unit": fmt.pretty_unit(g_unit),
                "months": [
                    {
                        "month": m.month,
                        "hourly": (m.ghg_kg or 0.0) / g_div,
                        "average": (m.average_ghg_kg or 0.0) / g_div,
                        "hourly_text": fmt.number((m.ghg_kg or 0.0) / g_div, lang),
                        "average_text": fmt.number((m.average_ghg_kg or 0.0) / g_div, lang),
                        "energy_text": fmt.quantity(m.energy_kwh / e_div, e_unit, lang),
                    }
                    for m in months
                ],
                "legend": [t("act_legend_hourly", lang), t("act_legend_average", lang)],
            }
        )
    return out
