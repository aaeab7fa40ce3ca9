"""The fill-in workbook of `reportgen template` (issue 3), generated from the encoded standard.

Every row comes from `fields.yaml`: one sheet per group of fields (identification, boundary, one per
phase, methodology and verification), one row per field, with the field's help as the input message of
its Value cell and its condition spelled out. A prefilled workbook (`--from`) carries the supplied and
withheld values of an evaluation, in canonical units, so that reading it back gives the same inputs and
therefore the same fingerprint (clause 10). Derived values are never written: the tool derives them
again from the inputs.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, NamedStyle, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from reportgen.evaluation.model import FieldValue
from reportgen.output import atomic_write
from reportgen.resources import strings, t
from reportgen.standard import Field, Standard, available_editions
from reportgen.workbook.layout import COLUMNS, EDITION_ROW, HELPER_COLUMNS
from reportgen.workbook.lists import BAND, TITLE_FONT, WRAP_TOP, Lists, _font, instructions, stamp_edition
from reportgen.workbook.live import LiveFormulas
from reportgen.workbook.status import status_sheet
from reportgen.workbook.xml_text import TextGuard

# Sections that share a sheet; any other section, and every phase, gets a sheet of its own.
SECTION_SHEETS: list[tuple[str, list[str]]] = [
    ("identification", ["report", "organization", "system"]),
    ("boundary", ["boundary"]),
    ("methodology", ["methodology", "verification"]),
    ("published", ["aggregate", "functional_unit"]),  # D1.1 (A6)
]
COL = {key: i for i, key in enumerate([k for k, _ in COLUMNS] + HELPER_COLUMNS, start=1)}
LETTER = {key: get_column_letter(i) for key, i in COL.items()}
WIDTHS = {
    "field_id": 30,
    "obligation": 11,
    "label": 38,
    "value": 30,
    "unit": 12,
    "method": 15,
    "source": 32,
    "uncertainty": 12,
    "withheld": 17,
    "note": 26,
    "details": 38,
    "status": 14,
}
WRAPPED = {"label", "value", "source", "note", "details"}
HEADER_ROW = 3
HEADER_FILL = PatternFill("solid", start_color="1F3864", end_color="1F3864")
LOCKED_FILL = PatternFill("solid", start_color="F2F2F2", end_color="F2F2F2")
NA_FILL = PatternFill("solid", start_color="D9D9D9", end_color="D9D9D9")
MISSING_FILL = PatternFill("solid", start_color="FFE699", end_color="FFE699", bgColor="FFE699")
THIN = Side(style="thin", color="BFBFBF")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


STYLE_OF = {
    "field_id": "rg_field_id",
    "obligation": "rg_obligation",
    "label": "rg_text",
    "value": "rg_value",
    "unit": "rg_input",
    "method": "rg_input",
    "source": "rg_input_wrap",
    "uncertainty": "rg_input",
    "withheld": "rg_input",
    "note": "rg_input_wrap",
    "details": "rg_text",
    "status": "rg_status",
}
DERIVED_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7", bgColor="DDEBF7")
# Where a method or a withheld reason means something: a figure has a method (4.2); a choice, a date or an
# address is not a figure one withholds (4.3). Elsewhere the cell is greyed and has no drop-down.
METHOD_TYPES = {"count", "decimal", "ratio", "quantity"}
WITHHOLD_TYPES = {"count", "decimal", "ratio", "quantity", "text", "country"}


def add_styles(wb: Workbook) -> None:
    """Named cell styles of the field rows (locked grey for the standard's text, unlocked for inputs)."""
    top, wrap = Alignment(vertical="top"), WRAP_TOP
    locked, unlocked = Protection(locked=True), Protection(locked=False)
    specs = {
        "rg_field_id": (_font(color="595959", size=9), LOCKED_FILL, top, locked),
        "rg_obligation": (_font(), LOCKED_FILL, Alignment(horizontal="center", vertical="top"), locked),
        "rg_obligation_strong": (
            _font(bold=True),
            LOCKED_FILL,
            Alignment(horizontal="center", vertical="top"),
            locked,
        ),
        "rg_text": (_font(), LOCKED_FILL, wrap, locked),
        "rg_value": (_font(), None, Alignment(wrap_text=True, vertical="top", horizontal="left"), unlocked),
        "rg_input": (_font(), None, top, unlocked),
        "rg_input_wrap": (_font(), None, wrap, unlocked),
        "rg_not_applicable": (_font(), NA_FILL, top, locked),
        "rg_status": (_font(bold=True, color="9C5700"), LOCKED_FILL, top, locked),
        "rg_helper": (_font(color="808080", size=8), None, top, locked),
    }
    for name, (font, fill, alignment, protection) in specs.items():
        style = NamedStyle(name=name, font=font, border=GRID, alignment=alignment, protection=protection)
        if fill is not None:
            style.fill = fill
        wb.add_named_style(style)


def sheet_plan(std: Standard) -> list[tuple[str, list[str]]]:
    """(sheet key, groups) in the order of the standard: identification, boundary, phases, the rest."""
    sections = {s.id for s in std.sections}
    plan = [(key, [g for g in groups if g in sections]) for key, groups in SECTION_SHEETS[:2]]
    plan += [(p.id, [p.id]) for p in std.phases]
    plan += [(key, [g for g in groups if g in sections]) for key, groups in SECTION_SHEETS[2:]]
    placed = {g for _, groups in plan for g in groups}
    plan += [(s.id, [s.id]) for s in std.sections if s.id not in placed]
    return [(key, groups) for key, groups in plan if groups]


def sheet_name(key: str, groups: list[str], std: Standard, lang: str) -> str:
    """A short tab name from the strings file, else the group's label cut to Excel's 31 characters."""
    if f"wb_sheet_{key}" in strings():
        name = t(f"wb_sheet_{key}", lang)
    else:
        name = std.group(groups[0]).label.get(lang)
    return re.sub(r"[\[\]:*?/\\]", " ", name)[:31].strip()


def _details(f: Field, lang: str) -> str:
    parts = []
    if f.condition is not None:
        parts.append((f.condition.explain or f.condition.text).get(lang) + ".")
    if f.derivable_by:
        key = "wb_derivable_mandatory" if f.obligation == "M" else "wb_derivable"
        parts.append(t(key, lang).format(clause=f.derivable_by))
    return " ".join(parts)


def _write_value(cell: Any, f: Field, v: FieldValue, std: Standard, lang: str, guard: TextGuard) -> None:
    value = v.value
    if f.type == "enum":
        guard.put(cell, std.enum_label(f.enum or "", value, lang))
    elif f.type == "bool":
        guard.put(cell, std.enum_label("bool", value, lang))
    elif f.type == "date" and isinstance(value, dt.date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.value = value
    else:
        guard.put(cell, value)  # text as text: a leading `=` never turns a reporter's words into a formula


def _write_rejected(cells: dict[str, Any], raw: Any, guard: TextGuard) -> None:
    """A value the core rejected goes back as the reporter typed it, so it is flagged again, not lost."""
    mapping = raw if isinstance(raw, dict) else {"value": raw}
    keys = {
        "value": "value",
        "unit": "unit",
        "method": "method",
        "source": "source",
        "uncertainty_pct": "uncertainty",
        "withheld": "withheld",
        "note": "note",
    }
    for k, col in keys.items():
        if mapping.get(k) is not None:
            guard.put(cells[col], mapping[k])


class _SheetWriter:
    def __init__(
        self, wb: Workbook, std: Standard, lang: str, lists: Lists, guard: TextGuard, live: LiveFormulas
    ) -> None:
        self.wb, self.std, self.lang, self.lists, self.guard, self.live = wb, std, lang, lists, guard, live
        self.unit_dvs: dict[str, DataValidation] = {}
        # 1 shows as "Missing", 2 as "Calculated", 0 as nothing (the cell stays a number, for the counts)
        self.status_format = '[=1]"{}";[=2]"{}";""'.format(
            t("wb_status_missing", lang).replace('"', ""), t("wb_status_derived", lang).replace('"', "")
        )

    def _error(self, key: str) -> dict[str, Any]:
        """The warning a data validation shows, in the workbook's language (typing on is allowed)."""
        return {"errorTitle": t("wb_dv_title", self.lang)[:32], "error": t(key, self.lang)[:255]}

    def _value_dv(self, f: Field) -> DataValidation:
        """The Value cell's validation: its help as input message, and what Excel can check of its type:
        a choice from the list, a whole number for a count, a date, an ISO country code. A warning, not a
        stop: `reportgen check` reads numbers typed with a unit or as text."""
        lang = self.lang
        help_text = (f.help.get(lang) if f.help else f.label.get(lang))[:255]
        prompt: dict[str, Any] = {
            "showInputMessage": True,
            "promptTitle": f.label.get(lang)[:32],
            "prompt": help_text,
        }
        if f.type in ("enum", "bool"):
            return self._list_dv(self.lists.enum(f.enum or "bool"), **prompt, **self._error("wb_dv_choice"))
        if f.type == "country":
            return self._list_dv(self.lists.countries, **prompt, **self._error("wb_dv_country"))
        if f.type == "count":
            return DataValidation(
                type="whole",
                operator="greaterThanOrEqual",
                formula1="0",
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                **prompt,
                **self._error("wb_dv_count"),
            )
        if f.type == "date":
            return DataValidation(
                type="date",
                operator="greaterThan",
                formula1="1",
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                **prompt,
                **self._error("wb_dv_date"),
            )
        return DataValidation(allow_blank=True, **prompt)

    def write(
        self,
        ws: Any,
        title: str,
        intro: str,
        groups: list[str],
        values: dict[str, FieldValue],
        rejected: dict[str, Any],
    ) -> None:
        std, lang = self.std, self.lang
        ws.cell(row=1, column=1, value=title).font = TITLE_FONT
        ws.cell(row=2, column=1, value=intro).font = _font(italic=True, color="595959")
        ws.row_dimensions[1].height = 22
        for key, skey in COLUMNS:
            c = ws.cell(row=HEADER_ROW, column=COL[key], value=t(skey, lang))
            c.font = _font(bold=True, color="FFFFFF")
            c.fill = HEADER_FILL
            c.alignment = Alignment(wrap_text=True, vertical="center")
            c.border = GRID
            ws.column_dimensions[get_column_letter(COL[key])].width = WIDTHS[key]
        ws.row_dimensions[HEADER_ROW].height = 30
        for key in HELPER_COLUMNS:  # the live status's workings: hidden, their key as header
            ws.cell(row=HEADER_ROW, column=COL[key], value=key).style = "rg_helper"
        ws.column_dimensions.group(LETTER[HELPER_COLUMNS[0]], LETTER[HELPER_COLUMNS[-1]], hidden=True)
        self.unit_dvs = {}  # one unit list per dimension and sheet
        self.method_dv = self._list_dv(self.lists.enum("method"), **self._error("wb_dv_method"))
        self.withheld_dv = self._list_dv(self.lists.enum("withheld_reason"), **self._error("wb_dv_withheld"))
        ws.add_data_validation(self.method_dv)
        ws.add_data_validation(self.withheld_dv)
        row = HEADER_ROW + 1
        first = row
        if groups[0] == std.sections[0].id:  # the identification sheet carries the edition (A1)
            self._edition_row(ws, row)
            row += 1
        for gid in groups:
            if len(groups) > 1:  # a band naming the group, e.g. "Organization — clause 5"
                g = std.group(gid)
                band = ws.cell(
                    row=row,
                    column=COL["label"],
                    value=t("wb_group_title", lang).format(label=g.label.get(lang), clause=g.clause),
                )
                band.font = _font(bold=True, color="1F3864")
                for key, _ in COLUMNS:
                    ws.cell(row=row, column=COL[key]).fill = BAND
                row += 1
            for f in std.fields_of(gid):
                self._row(ws, row, f, values.get(f.id), rejected.get(f.id))
                row += 1
        last = row - 1
        letter = LETTER
        # Highlighting follows the live status (workbook/live.py): yellow exactly where `check` would list
        # the item missing, blue where reportgen will calculate it; a withheld value lacking its note
        # points at the Note cell.
        status, state = f"${letter['status']}{first}", f"${letter['state']}{first}"
        for key, rule, fill in (
            ("value", f"{status}=1", MISSING_FILL),
            ("value", f"{status}=2", DERIVED_FILL),
            ("note", f"AND({status}=1,{state}=2)", MISSING_FILL),
        ):
            ws.conditional_formatting.add(
                f"{letter[key]}{first}:{letter[key]}{last}", FormulaRule(formula=[rule], fill=fill)
            )
        ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=COL["value"])
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.auto_filter.ref = f"A{HEADER_ROW}:{letter['status']}{last}"
        ws.protection.sheet = True  # no password: guards ids and labels against slips, not people
        for attr in (
            "formatCells",
            "formatColumns",
            "formatRows",
            "insertRows",
            "deleteRows",
            "sort",
            "autoFilter",
        ):
            setattr(ws.protection, attr, False)

    def _edition_row(self, ws: Any, row: int) -> None:
        """A1: the row of id `standard`, prefilled with this workbook's edition; emptied, the latest applies."""
        cells = {key: ws.cell(row=row, column=COL[key]) for key, _ in COLUMNS}
        for key, c in cells.items():
            c.style = (
                STYLE_OF[key] if key in ("field_id", "label", "details", "value") else "rg_not_applicable"
            )
        cells["field_id"].value = EDITION_ROW
        self.guard.put(cells["label"], t("wb_edition_label", self.lang))
        self.guard.put(
            cells["details"], t("wb_edition_help", self.lang).format(editions=", ".join(available_editions()))
        )
        self.guard.put(cells["value"], self.std.name)
        dv = self._list_dv('"' + ",".join(available_editions()) + '"')
        ws.add_data_validation(dv)
        dv.add(cells["value"])
        ws.row_dimensions[row].height = _height(cells)

    def _list_dv(self, name: str, **extra: Any) -> DataValidation:
        return DataValidation(
            type="list", formula1=name, allow_blank=True, showErrorMessage=True, errorStyle="warning", **extra
        )

    def _row(self, ws: Any, row: int, f: Field, value: FieldValue | None, rejected: Any) -> None:
        std, lang, text = self.std, self.lang, self.guard.put
        cells = {key: ws.cell(row=row, column=COL[key]) for key, _ in COLUMNS}
        cells["field_id"].value = f.id
        cells["obligation"].value = f.obligation
        text(cells["label"], f.label.get(lang))
        details = _details(f, lang)
        if details:
            text(cells["details"], details)
        for key, c in cells.items():  # one named style per cell: fast, and consistent when rows move
            c.style = STYLE_OF[key]
        if f.obligation in ("M", "M*"):
            cells["obligation"].style = "rg_obligation_strong"
        if f.type in ("text", "email", "country"):
            cells["value"].number_format = "@"
        elif f.type == "date":
            cells["value"].number_format = "yyyy-mm-dd"
        elif f.type == "count":
            cells["value"].number_format = "#,##0"
        dv = self._value_dv(f)
        dv.add(cells["value"])
        ws.add_data_validation(dv)
        if f.type in METHOD_TYPES:
            self.method_dv.add(cells["method"])
        else:
            cells["method"].style = "rg_not_applicable"
        if f.type in WITHHOLD_TYPES:
            self.withheld_dv.add(cells["withheld"])
        else:
            cells["withheld"].style = "rg_not_applicable"
        for key, formula in self.live.row(f, row).items():
            ws.cell(row=row, column=COL[key], value=formula)
        for key in HELPER_COLUMNS:
            ws.cell(row=row, column=COL[key]).style = "rg_helper"
        cells["status"].number_format = self.status_format
        if f.type == "quantity":
            dim = std.dimension_of(f) or ""
            cells["unit"].value = f.unit
            if dim not in self.unit_dvs:
                self.unit_dvs[dim] = self._list_dv(self.lists.units(dim))
                ws.add_data_validation(self.unit_dvs[dim])
            self.unit_dvs[dim].add(cells["unit"])
        else:
            cells["unit"].style = "rg_not_applicable"
        if value is not None and value.origin == "withheld":
            text(cells["withheld"], std.enum_label("withheld_reason", value.withheld, lang))
            if value.note:
                text(cells["note"], value.note)
        elif value is not None and value.origin == "supplied":
            _write_value(cells["value"], f, value, std, lang, self.guard)
            if value.method:
                text(cells["method"], std.enum_label("method", value.method, lang))
            if value.source:
                text(cells["source"], value.source)
            if value.uncertainty_pct is not None:
                cells["uncertainty"].value = value.uncertainty_pct
            if value.note:
                text(cells["note"], value.note)
        elif rejected is not None:
            _write_rejected(cells, rejected, self.guard)
        ws.row_dimensions[row].height = _height(cells)


def _height(cells: dict[str, Any]) -> float:
    """Row height for the wrapped text: neither Excel nor LibreOffice refits rows written by a program."""
    lines = 1
    for key in WRAPPED:
        value = cells[key].value
        if value is not None:
            per_line = max(int(WIDTHS[key] * 1.1) - 2, 8)
            lines = max(lines, sum(len(part) // per_line + 1 for part in str(value).split("\n")))
    return 15.0 * lines + 2


def template_workbook(
    std: Standard,
    lang: str = "en",
    values: dict[str, FieldValue] | None = None,
    rejected: dict[str, Any] | None = None,
    source: str | None = None,
    guard: TextGuard | None = None,
    activity: list[dict[str, Any]] | None = None,
) -> Workbook:
    """The workbook for `std` in `lang`, prefilled with supplied/withheld `values` when given, and with
    an `activity` sheet listing `activity` (Annex D tables) when given. Every text cell is written
    through `guard`, which keeps it XML-legal and records what it replaced."""
    values, rejected, guard = values or {}, rejected or {}, guard or TextGuard()
    wb = Workbook()
    ws_status = wb.worksheets[0]  # the one sheet a new workbook has
    ws_status.title = t("wb_sheet_status", lang)
    ws0 = wb.create_sheet(t("wb_sheet_instructions", lang))
    lists = Lists(wb, std, lang)
    add_styles(wb)
    plan = sheet_plan(std)
    names = {key: sheet_name(key, groups, std, lang) for key, groups in plan}
    sheet_of = {f.id: names[key] for key, groups in plan for g in groups for f in std.fields_of(g)}
    writer = _SheetWriter(wb, std, lang, lists, guard, LiveFormulas(std, sheet_of, LETTER))
    boundary_sheet = names.get("boundary", "")
    for key, groups in plan:
        ws = wb.create_sheet(names[key], index=len(wb.sheetnames) - 1)  # before the hidden lists
        if len(groups) == 1:
            g = std.group(groups[0])
            title = t("wb_group_title", lang).format(label=g.label.get(lang), clause=g.clause)
        else:
            title = " · ".join(std.group(g).label.get(lang) for g in groups)
        intro = (
            t("wb_phase_intro", lang).format(sheet=boundary_sheet)
            if std.is_phase(groups[0])
            else t("wb_section_intro", lang)
        )
        writer.write(ws, title, intro, groups, values, rejected)
    contents = {
        key: ", ".join(
            f"{std.group(g).label.get(lang)} ({t('clause', lang)} {std.group(g).clause})" for g in groups
        )
        for key, groups in plan
    }
    if activity and std.activity is not None:
        _activity_sheet(wb, std.activity.declaration.keys, activity, guard)
    instructions(ws0, std, lang, names, contents, source, guard)
    status_sheet(ws_status, std, lang, lists, sheet_of, list(names.values()), LETTER, guard)
    stamp_edition(wb, std)
    wb.properties.creator = "reportgen"
    wb.properties.title = t("wb_title", lang).format(standard=std.id, edition=std.edition)
    wb.properties.language = lang
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        wb.properties.created = dt.datetime.fromtimestamp(int(epoch), dt.UTC).replace(tzinfo=None)
    return wb


def _activity_sheet(wb: Workbook, keys: list[str], tables: list[dict[str, Any]], guard: TextGuard) -> None:
    """D.1: the sheet named `activity`, one row per table under the declaration keys as headers (the
    reader finds them by name), before the hidden lists. Keys beyond D.1 are kept, after them, so that
    check still names them (E-ACT-1)."""
    ws = wb.create_sheet("activity", index=len(wb.sheetnames) - 1)
    extra = [k for t in tables for k in t if k not in keys]
    header = [*keys, *dict.fromkeys(str(k) for k in extra)]
    for col, key in enumerate(header, start=1):
        ws.cell(row=1, column=col, value=key).font = _font(bold=True)
        ws.column_dimensions[get_column_letter(col)].width = 40 if key in ("path", "description") else 16
    for row, table in enumerate(tables, start=2):
        for col, key in enumerate(header, start=1):
            value = table.get(key)
            if value is not None:
                guard.put(ws.cell(row=row, column=col), value if isinstance(value, str) else str(value))


def write_template(
    path: Path,
    std: Standard,
    lang: str = "en",
    values: dict[str, FieldValue] | None = None,
    rejected: dict[str, Any] | None = None,
    source: str | None = None,
    protect: Iterable[Path] = (),
    activity: list[dict[str, Any]] | None = None,
) -> Path:
    """Build and save the workbook atomically; never over an input file. Characters a workbook cannot
    hold are written as U+FFFD, and a warning on stderr names their cells."""
    guard = TextGuard()
    wb = template_workbook(std, lang, values, rejected, source, guard, activity)
    written = atomic_write(Path(path), lambda tmp: wb.save(tmp), protect)
    guard.warn(written, source)
    return written
