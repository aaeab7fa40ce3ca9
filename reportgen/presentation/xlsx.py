"""The Excel disclosure (issue 5, SPEC clause 11): a workbook an analyst can filter, chart and re-check.

Sheets, in order: Summary, Disclosure, Missing items, Calculations, Boundary, Functional units,
Crosswalk, About. This module assembles them and writes the file reproducibly; cell writing is in
`xlsx_cells`, the Summary in `xlsx_summary`, the field and finding sheets in `xlsx_sheets`, Calculations
in `xlsx_calc`, and the About sheet, which carries the canonical inputs as JSON and reads them back for
`reportgen verify` (`read_embedded`, `embedded_in`, re-exported here), in `xlsx_about`.

Reproducibility: the document dates are the publication date (else the end of the reporting period),
never the wall clock, and the zip entries carry that same date, so the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from reportgen.evaluation.model import Evaluation
from reportgen.output import document_date, write_bytes
from reportgen.presentation.summary import present
from reportgen.presentation.xlsx_about import about_sheet
from reportgen.presentation.xlsx_about import embedded_in as embedded_in  # reading what write_xlsx wrote
from reportgen.presentation.xlsx_about import read_embedded as read_embedded
from reportgen.presentation.xlsx_calc import calculations_sheet
from reportgen.presentation.xlsx_cells import Sheet
from reportgen.presentation.xlsx_sheets import (
    Ctx,
    boundary_sheet,
    crosswalk_sheet,
    disclosure_sheet,
    functional_units_sheet,
    missing_sheet,
)
from reportgen.presentation.xlsx_summary import summary_sheet, workbook_title
from reportgen.standard import load_standard
from reportgen.version import __version__
from reportgen.workbook.xml_text import TextGuard

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
    props.title = guard.text(workbook_title(c), "the document title").replace("\n", " ")[:250]
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
