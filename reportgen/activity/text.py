"""The activity part (D.6) of `check`'s text: each table, then hourly-matched against period-average GHG."""

from __future__ import annotations

from reportgen import localized
from reportgen.activity.derive import signed_percent
from reportgen.evaluation.model import ActivityReport
from reportgen.resources import t
from reportgen.standard import Standard


def lines(report: ActivityReport, std: Standard, lang: str) -> list[str]:
    out = [t("act_heading", lang)]
    for tb in report.tables:
        parts = [
            tb.table,
            tb.phase or "—",
            tb.path,
            t("act_rows", lang).format(rows=localized.number(tb.rows, lang)),
        ]
        if tb.counted_rows is not None:
            parts.append(t("act_counted", lang).format(counted=localized.number(tb.counted_rows, lang)))
            parts.append(f"{tb.period.start} → {tb.period.end}" if tb.period else t("act_no_period", lang))
        if tb.matched_share is not None:
            parts.append(t("act_matched", lang).format(share=localized.percent(tb.matched_share, lang)))
        parts.append(f"sha256 {tb.sha256[:12]}…")
        out.append("  " + ", ".join(parts))
    for phase, p in report.phases.items():
        label = std.group(phase).label.get(lang)
        energy = localized.quantity(p.energy_kwh / 1000 if p.energy_kwh is not None else None, "MWh", lang)
        if p.hourly_ghg is None or p.average_ghg is None:
            out.append("  " + t("act_phase_energy", lang).format(phase=label, energy=energy))
            continue
        out.append(
            "  "
            + t("act_phase_line", lang).format(
                phase=label,
                hourly=localized.quantity(p.hourly_ghg / 1000, "tCO2e", lang),
                average=localized.quantity(p.average_ghg / 1000, "tCO2e", lang),
                difference=signed_percent(p.difference_pct, lang),
                energy=energy,
                share=localized.percent(p.matched_share, lang) if p.matched_share is not None else "—",
            )
        )
    return out
