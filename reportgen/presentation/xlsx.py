"""The Excel disclosure (issue 5, SPEC clause 11): a workbook an analyst can filter, chart and re-check.

Sheets, in order: Summary, Disclosure, Missing items, Calculations, Boundary, Functional units,
Crosswalk, About. Cell writing and the table sheets are in `xlsx_sheets`; this module builds the Summary
(with a native bar chart of GHG by phase), the About sheet that carries the canonical inputs as JSON,
writes the file reproducibly, and reads that JSON back for `reportgen verify` (`read_embedded`).

Reproducibility: the document dates are the publication date (else the end of the reporting period),
never the wall clock, and the zip entries carry that same date, so the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from reportgen.errors import InputError
from reportgen.evaluation.model import Evaluation
from reportgen.output import document_date, write_bytes
from reportgen.presentation import fmt
from reportgen.presentation.summary import present
from reportgen.presentation.xlsx_calc import calculations_sheet
from reportgen.presentation.xlsx_sheets import (
    BANNER_FILL,
    BANNER_FONT,
    BOLD,
    MISSING_FILL,
    PERCENT_FORMAT,
    SUBTITLE_FONT,
    TITLE_FONT,
    TOP_INDENT,
    TOP_WRAP,
    Ctx,
    Sheet,
    boundary_sheet,
    crosswalk_sheet,
    disclosure_sheet,
    functional_units_sheet,
    missing_sheet,
)
from reportgen.proof.payload import ATTACHMENT_NAME, payload_json
from reportgen.standard import load_standard
from reportgen.standard.display import DisplayLine
from reportgen.version import __version__
from reportgen.workbook.xml_text import TextGuard, json_legal

CHUNK = 30_000  # UTF-16 code units per JSON cell; Excel's limit is 32,767 characters
SHEETS = [
    "xlsx_sheet_summary",
    "xlsx_sheet_disclosure",
    "xlsx_sheet_missing",
    "xlsx_sheet_calculations",
    "xlsx_sheet_boundary",
    "xlsx_sheet_functional_units",
    "xlsx_sheet_crosswalk",
    "xlsx_sheet_about",
]
CHART_ROWS = 15
LEFT = Alignment(horizontal="left", vertical="top")  # only when a disclosure states no date at all


def _footer(ws: Worksheet, text: str) -> None:
    """Centre `text` in the printed footer of every page."""
    footer = ws.oddFooter
    assert footer is not None, "openpyxl creates every sheet with its footers"
    footer.center.text = text


def write_xlsx(
    ev: Evaluation, path: Path, protect: Iterable[Path] = (), baseline: Evaluation | None = None
) -> Path:
    """Write the workbook atomically to `path`; refuses to replace any file in `protect`. Characters a
    workbook cannot hold are written as U+FFFD, and a warning on stderr names their cells."""
    data, guard = xlsx_report(ev, baseline)
    written = write_bytes(Path(path), data, protect)
    guard.warn(written, ev.source)
    return written


def xlsx_report(ev: Evaluation, baseline: Evaluation | None = None) -> tuple[bytes, TextGuard]:
    """The workbook's bytes, and the guard that says (`guard.warn(path, source)`) which cells had to be
    changed: `render` builds it while another process lays out the PDF, and writes both afterwards."""
    guard = TextGuard()
    wb = disclosure_workbook(ev, guard, baseline)
    when = document_date(ev).replace(tzinfo=None)  # openpyxl stores naive datetimes
    return workbook_bytes(wb, when), guard


def disclosure_workbook(
    ev: Evaluation, guard: TextGuard | None = None, baseline: Evaluation | None = None
) -> Workbook:
    std = load_standard(ev.standard.edition, ev.standard.id)
    c = Ctx(ev=ev, std=std, lang=ev.language, p=present(ev, std), baseline=baseline)
    guard = guard or TextGuard()
    wb = Workbook()
    wb.remove(wb.worksheets[0])  # the empty sheet a new workbook starts with
    sheets = [Sheet(wb.create_sheet(c.t(key)), guard) for key in SHEETS]
    builders = [
        summary_sheet,
        disclosure_sheet,
        missing_sheet,
        calculations_sheet,
        boundary_sheet,
        functional_units_sheet,
        crosswalk_sheet,
        about_sheet,
    ]
    for sheet, build in zip(sheets, builders, strict=True):
        build(sheet, c)
        _footer(sheet.ws, c.t("xlsx_footer"))
    if ev.activity is not None:  # Annex D, D.6: after Calculations, before Boundary
        from reportgen.presentation.xlsx_activity import activity_sheet

        act = Sheet(
            wb.create_sheet(c.t("act_sheet"), index=SHEETS.index("xlsx_sheet_calculations") + 1), guard
        )
        activity_sheet(act, c)
        _footer(act.ws, c.t("xlsx_footer"))
    if baseline is not None:  # after the Summary, before the About sheet that verify reads
        from reportgen.presentation.change import change_sheet

        change = Sheet(wb.create_sheet(c.t("cmp_sheet"), index=1), guard)
        change_sheet(change, c, baseline)
        _footer(change.ws, c.t("xlsx_footer"))
    props = wb.properties
    props.created = props.modified = document_date(ev).replace(tzinfo=None)
    props.creator = props.lastModifiedBy = f"reportgen {__version__}"
    props.title = guard.text(_system_title(c), "the document title").replace("\n", " ")[:250]
    props.subject = f"{ev.standard.id} {ev.standard.edition}"
    props.identifier = ev.fingerprint
    props.language = ev.language
    return wb


def workbook_bytes(wb: Workbook, when: dt.datetime) -> bytes:
    """Serialize without openpyxl's `save` (which stamps the current time), with fixed zip dates."""
    raw = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    out = io.BytesIO()
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def _system_title(c: Ctx) -> str:
    return fmt.system_title(c.ev) or (c.ev.source or "")


# -- Summary (clause 11 items 1, 2, 6) ---------------------------------------------------------------


def summary_sheet(s: Sheet, c: Ctx) -> None:
    ev, std, pres = c.ev, c.std, c.p
    s.unit_columns = {3}
    row = s.title(1, c.t("xlsx_title").format(system=_system_title(c)), TITLE_FONT)
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


# -- About (clause 11 item 9, and the data that lets a third party re-check the workbook) ---------


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def about_sheet(s: Sheet, c: Ctx) -> None:
    ev, std = c.ev, c.std
    row = s.title(1, c.t("xlsx_sheet_about"), TITLE_FONT)
    rows: list[tuple[str, Any]] = [
        (c.t("standard"), f"{std.id} — {std.title.get(c.lang)}"),
        (c.t("xlsx_edition"), f"{std.edition} ({std.date})"),
        (c.t("xlsx_tool_version"), ev.tool_version or __version__),
        (c.t("fingerprint"), ev.fingerprint),
        (c.t("xlsx_input_file"), ev.source),
        (c.t("xlsx_language"), c.enum("language", ev.language)),
    ]
    for label, value in rows:
        s.put(row, 1, label, font=BOLD)
        s.put(row, 2, value)
        row += 1
    row = s.title(row + 1, c.t("xlsx_embedded_title"))
    note = s.put(row, 1, c.t("xlsx_embedded_note"), measure=False, align=TOP_WRAP)
    s.ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    s.ws.row_dimensions[row].height = 75
    note.alignment = TOP_WRAP
    row += 1
    parts = split_utf16(
        json_legal(payload_json(ev, c.baseline)), CHUNK
    )  # escaped, not replaced: it must verify
    s.put(row, 1, ATTACHMENT_NAME, font=BOLD, measure=False)
    s.put(row, 2, c.t("xlsx_parts").format(n=len(parts)), measure=False)
    s.ws.print_area = f"A1:B{row}"  # the JSON rows are data, not something to print
    for part in parts:
        row += 1
        s.put(row, 1, part, measure=False, align=Alignment(vertical="top", wrap_text=False))
        s.ws.row_dimensions[row].height = 15
    s.finish(fixed={1: 34, 2: 78}, landscape=False)


def split_utf16(text: str, limit: int) -> list[str]:
    """Consecutive pieces of `text` of at most `limit` UTF-16 code units (Excel counts those): a character
    beyond U+FFFF counts two. Sliced, not walked character by character: a 10 MB text took 16 s."""
    parts: list[str] = []
    start = 0
    while True:
        piece = text[start : start + limit]
        excess = len(piece) + len(_ASTRAL.findall(piece)) - limit
        end = len(piece)
        while excess > 0:  # drop characters from the end, each frees one or two units
            end -= 1
            excess -= 2 if ord(piece[end]) > 0xFFFF else 1
        piece = piece[:end]
        parts.append(piece)
        start += len(piece)
        if start >= len(text):
            return parts


def read_embedded(path: str | Path) -> dict[str, Any]:
    """The JSON a workbook written by `write_xlsx` carries (embed.payload), reassembled and parsed.

    The file is opened by the one bounded opener of workbooks (inputs.xlsx_zip). Raises InputError with
    a clear message for a file that is not such a workbook."""
    from reportgen.inputs.tree import read_bytes
    from reportgen.inputs.xlsx_zip import MAX_FILE_BYTES, open_workbook

    path = Path(path)
    wb = open_workbook(path, read_bytes(path, MAX_FILE_BYTES, what="a workbook report"))
    try:
        return embedded_in(wb, path)
    finally:
        wb.close()


def embedded_in(wb: Any, path: Path) -> dict[str, Any]:
    """The JSON of an open workbook: from the last sheet back, the first cell of column A holding exactly
    "disclosure.json", joined with the cells below it until the first empty one."""
    from reportgen.inputs.xlsx_zip import rows_of

    for ws in reversed(wb.worksheets):
        column = rows_of(path, ws, min_col=1, max_col=1, values_only=True)
        for (value,) in column:
            if value == ATTACHMENT_NAME:
                text = "".join(str(v) for (v,) in _until_empty(column))
                try:
                    data = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise InputError(
                        f"{path}, sheet '{ws.title}': the JSON under '{ATTACHMENT_NAME}' "
                        f"is damaged ({exc.msg} at character {exc.pos})."
                    ) from None
                except RecursionError:
                    raise InputError(
                        f"{path}, sheet '{ws.title}': the JSON under '{ATTACHMENT_NAME}' is "
                        "nested deeper than any disclosure; reportgen did not write it."
                    ) from None
                if not isinstance(data, dict):
                    raise InputError(f"{path}: the embedded JSON is not an object.")
                return data
    raise InputError(
        f"{path}: no embedded disclosure found (no cell '{ATTACHMENT_NAME}' in column A). "
        "Was this workbook written by `reportgen render --format xlsx`?"
    )


def _until_empty(rows: Iterable[tuple[Any, ...]]) -> Iterable[tuple[Any, ...]]:
    for r in rows:
        if r[0] in (None, ""):
            return
        yield r
