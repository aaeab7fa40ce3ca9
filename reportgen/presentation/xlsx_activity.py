"""The "Activity data" sheet of the Excel disclosure (Annex D, D.6), for disclosures that declare tables.

The same part as the PDF's, numbers as numbers in the canonical units (kWh, kgCO2e) so that an analyst
can re-add them: each table read, each phase's hourly-matched against period-average GHG, and the months
(UTC) with a native chart of both GHG figures. The texts come from view_activity, as in the PDF.
"""

from __future__ import annotations

from collections.abc import Callable

from openpyxl.chart import BarChart, Reference

from reportgen.presentation import fmt
from reportgen.presentation.view_activity import period_text
from reportgen.presentation.xlsx_cells import PERCENT_FORMAT, TITLE_FONT, TOP_WRAP, Sheet
from reportgen.presentation.xlsx_sheets import Ctx

CHART_ROWS = 16


def activity_sheet(s: Sheet, c: Ctx) -> None:
    report, lang = c.ev.activity, c.lang
    assert report is not None, "the sheet is only made for disclosures with activity tables"

    def phase_label(pid: str | None) -> str:
        return c.std.group(pid).label.get(lang) if pid and pid in c.std.phase_ids else (pid or "")

    row = s.title(1, c.t("act_heading"), TITLE_FONT)
    s.put(row, 1, c.t("act_intro"), align=TOP_WRAP, measure=False)
    s.ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=8)
    s.ws.row_dimensions[row].height = 45
    row = s.title(row + 2, c.t("act_tables_title"))
    row = s.header(
        row,
        [
            c.t("act_col_table"),
            c.t("col_phase"),
            c.t("act_col_file"),
            c.t("act_col_rows"),
            c.t("act_col_counted"),
            c.t("act_col_period"),
            c.t("act_col_matched"),
            c.t("act_col_sha256"),
        ],
    )
    for tb in report.tables:
        counted = tb.counted_rows is not None
        s.row(
            row,
            [
                tb.table,
                phase_label(tb.phase),
                tb.path,
                tb.rows,
                tb.counted_rows,
                period_text(tb.period, lang) if counted else None,
            ],
        )
        s.put(row, 7, tb.matched_share, number=PERCENT_FORMAT)
        s.put(row, 8, tb.sha256, measure=False)
        row += 1
    if report.phases:
        row = s.title(row + 1, c.t("act_phases_title"))
        row = s.header(
            row,
            [
                c.t("col_phase"),
                f"{c.t('act_col_energy')} (kWh)",
                c.t("act_col_matched"),
                f"{c.t('act_col_hourly')} (kgCO₂e)",
                f"{c.t('act_col_average')} (kgCO₂e)",
                c.t("act_col_difference"),
            ],
        )
        for pid, p in report.phases.items():
            s.row(row, [phase_label(pid), p.energy_kwh])
            s.put(row, 3, p.matched_share, number=PERCENT_FORMAT)
            s.put(row, 4, p.hourly_ghg)
            s.put(row, 5, p.average_ghg)
            pct = None if p.difference_pct is None else p.difference_pct / 100
            s.put(row, 6, pct, number="+0.00%;-0.00%;0.00%")
            row += 1
    row = _monthly(s, c, row + 1, phase_label)
    s.finish(fixed={1: 18, 2: 18, 3: 30, 6: 24, 8: 20})


def _monthly(s: Sheet, c: Ctx, row: int, phase_label: Callable[[str | None], str]) -> int:
    """The months of each phase, then a chart of the hourly-matched and period-average GHG columns."""
    report = c.ev.activity
    assert report is not None
    if not report.monthly:
        return row
    row = s.title(row, c.t("act_monthly_title"))
    row = s.header(
        row,
        [
            c.t("col_phase"),
            c.t("act_col_month"),
            f"{c.t('act_col_energy')} (kWh)",
            f"{c.t('act_legend_hourly')} (kgCO₂e)",
            f"{c.t('act_legend_average')} (kgCO₂e)",
        ],
    )
    first = row
    for m in report.monthly:
        row = s.row(row, [phase_label(m.phase), m.month, m.energy_kwh, m.ghg_kg, m.average_ghg_kg])
    last = row - 1
    if not any(m.ghg_kg is not None for m in report.monthly):
        return row
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.y_axis.title = fmt.pretty_unit("kgCO2e")
    chart.y_axis.numFmt = "#,##0"
    chart.x_axis.delete = False  # openpyxl 3.1 hides both axes unless told otherwise
    chart.y_axis.delete = False
    chart.add_data(
        Reference(s.ws, min_col=4, max_col=5, min_row=first - 1, max_row=last), titles_from_data=True
    )
    chart.set_categories(Reference(s.ws, min_col=1, max_col=2, min_row=first, max_row=last))
    chart.width, chart.height = 18, 7.5
    s.ws.add_chart(chart, f"A{row + 1}")
    return row + CHART_ROWS
