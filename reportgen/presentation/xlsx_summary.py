"""The Summary sheet of the Excel disclosure (clause 11 items 1, 2, 6): the status and identification,
line by line as the edition's `display.workbook_identification` lists them, then the totals per
indicator and phase with their shares, and a native bar chart of GHG by phase."""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment

from reportgen.presentation import fmt
from reportgen.presentation.xlsx_cells import (
    BANNER_FILL,
    BANNER_FONT,
    BOLD,
    MISSING_FILL,
    PERCENT_FORMAT,
    SUBTITLE_FONT,
    TITLE_FONT,
    TOP_INDENT,
    Sheet,
)
from reportgen.presentation.xlsx_sheets import (
    Ctx,
)
from reportgen.standard.display import DisplayLine

CHART_ROWS = 15
LEFT = Alignment(horizontal="left", vertical="top")  # only when a disclosure states no date at all


def workbook_title(c: Ctx) -> str:
    """The system the workbook discloses, as its title and document properties name it."""
    return fmt.system_title(c.ev) or (c.ev.source or "")


# -- Summary (clause 11 items 1, 2, 6) ---------------------------------------------------------------


def summary_sheet(s: Sheet, c: Ctx) -> None:
    ev, std, pres = c.ev, c.std, c.p
    s.unit_columns = {3}
    row = s.title(1, c.t("xlsx_title").format(system=workbook_title(c)), TITLE_FONT)
    s.put(
        row,
        1,
        f"{std.id} {std.edition} — {std.title.get(c.lang)}",
        font=SUBTITLE_FONT,
        measure=False,
        align=LEFT,
    )
    row += 1
    if c.ev.self_declared:
        for col in range(1, 6):
            s.put(row, col, None, fill=BANNER_FILL)
        s.put(row, 1, c.t("self_declared"), font=BANNER_FONT, fill=BANNER_FILL, measure=False)
        row += 1

    row = s.title(row + 1, c.t("sec_identification"))
    row = _identification(s, c, row)

    row = s.title(row + 1, c.t("sec_summary"))
    row = s.header(
        row, [c.t(k) for k in ("col_indicator", "col_value", "col_unit", "col_share", "xlsx_col_note")]
    )
    chart_rows: tuple[int, int] | None = None
    for name in std.indicators:
        total = pres.total(name)
        if total is None:
            continue
        note = total.partial_text or (c.t("no_value") if total.value is None else None)
        s.row(row, [total.label, total.value, total.unit_text, None, note], font=BOLD)
        row += 1
        first = row
        for p in std.phase_ids:
            if p not in total.by_phase and p not in total.missing_phases:
                continue
            value = total.by_phase.get(p)
            s.put(row, 1, c.group_label(p), align=TOP_INDENT)
            s.put(row, 2, value, fill=MISSING_FILL if value is None else None)
            s.put(row, 3, total.unit_text)
            s.put(row, 4, total.shares.get(p), number=PERCENT_FORMAT)
            s.put(row, 5, c.t("xlsx_total_missing") if value is None else None)
            row += 1
        if name == std.inference_share_indicator and total.by_phase:
            chart_rows = (first, row - 1)
    if chart_rows:  # below the table it plots, so that screen and printout read top to bottom
        row = _ghg_chart(s, c, *chart_rows, row=row + 1)

    row = s.title(row + 1, c.t("data_quality"))
    row = s.header(row, [c.t("col_indicator"), c.t("col_method"), c.t("col_share")])
    if not any(ev.data_quality.values()):
        s.put(row, 1, c.t("xlsx_no_data_quality"), measure=False)
    for name, shares in ev.data_quality.items():
        label = std.indicators[name].label.get(c.lang) if name in std.indicators else name
        for method, share in shares.items():  # by basis under D1.1 (A4)
            shown = c.enum("basis", method) if std.semantics.basis else c.method(method)
            row = s.row(row, [label, shown, share], number=PERCENT_FORMAT)
    s.finish(fixed={1: 42, 2: 16, 3: 12, 4: 9, 5: 40}, landscape=False)


def _ghg_chart(s: Sheet, c: Ctx, first: int, last: int, row: int) -> int:
    """A native bar chart of the GHG rows just written (the plotted data are those cells), below them.

    Horizontal bars, first phase at the top, so that phase names read without rotation.
    """
    ind = c.std.indicators[c.std.inference_share_indicator]
    row = s.title(row, c.t("xlsx_by_phase").format(indicator=ind.label.get(c.lang)))
    chart = BarChart()
    chart.type = "bar"
    chart.x_axis.scaling.orientation = "maxMin"
    chart.y_axis.crosses = "max"  # keeps the value axis at the bottom despite the reversed order
    chart.y_axis.title = fmt.pretty_unit(ind.report_unit)
    chart.y_axis.numFmt = "#,##0"
    chart.y_axis.majorGridlines = None
    chart.x_axis.delete = False  # openpyxl 3.1 hides both axes unless told otherwise
    chart.y_axis.delete = False
    chart.legend = None
    chart.add_data(Reference(s.ws, min_col=2, min_row=first, max_row=last), titles_from_data=False)
    chart.set_categories(Reference(s.ws, min_col=1, min_row=first, max_row=last))
    chart.width, chart.height = 18, 7.5  # cm; CHART_ROWS rows of 15 pt leave room for it
    s.ws.add_chart(chart, f"A{row}")
    return row + CHART_ROWS


def _identification(s: Sheet, c: Ctx, row: int) -> int:
    """The identification block, line by line as the edition's `display` lists it; an empty mandatory
    value is highlighted like a missing row."""
    for line in c.std.display.workbook_identification:
        cells = _identification_cells(c, line)
        if cells is None:
            continue
        label, value, extra, number = cells
        s.put(row, 1, label, font=BOLD)
        flagged = line.fields[0] if line.fields else None
        missing = flagged is not None and value in (None, "") and flagged in c.ev.missing
        status = line.show == "status"
        s.put(
            row,
            2,
            value,
            number=number,
            align=LEFT,
            fill=MISSING_FILL if missing else None,
            font=(BANNER_FONT if not c.ev.is_complete else BOLD) if status else None,
            measure=isinstance(value, (int, float, dt.date)),
        )
        s.put(row, 3, extra, measure=False, align=LEFT)
        row += 1
    return row


def _identification_cells(c: Ctx, line: DisplayLine) -> tuple[str, Any, Any, str | None] | None:
    """One line of the Summary's identification block (the edition's `display`): its label, the value
    cell, the cell beside it and the value's number format; None for a line left out when empty."""
    fields = [c.std.fields[fid] for fid in line.fields]
    label = c.t(line.label) if line.label else fields[0].label.get(c.lang)
    values = [c.display(f, c.ev.values.get(f.id)) for f in fields]  # as cells hold them: dates as dates
    if line.when_given and all(v is None for v in values):
        return None
    if line.show == "period":
        return label, values[0], values[1], None
    if line.show == "standard":
        return label, f"{c.std.id} {c.std.edition}", None, None
    if line.show == "language":
        return label, fmt.language_name(c.lang), None, None
    if line.show == "status":
        return label, c.p.status_text, None, None
    if line.show == "completeness":
        return label, c.ev.completeness, c.p.completeness_detail, PERCENT_FORMAT
    if line.show == "recommended_coverage":
        return label, c.ev.recommended_coverage, None, PERCENT_FORMAT
    given = [v for v in values if v not in (None, "")]
    return label, (given[0] if len(given) == 1 else " — ".join(str(v) for v in given) or None), None, None
