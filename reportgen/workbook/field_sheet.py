"""One sheet of field rows in the fill-in workbook: its header, one row per field of the standard (label,
obligation, details, the Value cell's validation, the drop-downs of unit, method and withheld reason, the
hidden live-status formulas), the highlighting that follows the live status, and its protection.

Apart from template.py, which plans the sheets and assembles the workbook: this is what a row looks like,
the part that changes when a column or a drop-down does. A prefilled row carries the supplied or withheld
value in canonical units, or a rejected value as the reporter typed it, so that it is flagged again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from reportgen.evaluation.model import FieldValue
from reportgen.resources import t
from reportgen.standard import Field, Standard, available_editions
from reportgen.workbook.layout import COLUMNS, EDITION_ROW, HELPER_COLUMNS
from reportgen.workbook.lists import Lists
from reportgen.workbook.live import LiveFormulas
from reportgen.workbook.styles import (
    BAND,
    DERIVED_FILL,
    GRID,
    HEADER_FILL,
    MISSING_FILL,
    STYLE_OF,
    TITLE_FONT,
    cell_font,
)
from reportgen.workbook.xml_text import TextGuard

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
# Where a method or a withheld reason means something: a figure has a method (4.2); a choice, a date or an
# address is not a figure one withholds (4.3). Elsewhere the cell is greyed and has no drop-down.
METHOD_TYPES = {"count", "decimal", "ratio", "quantity"}
WITHHOLD_TYPES = {"count", "decimal", "ratio", "quantity", "text", "country"}


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


# A count is a whole number ≥ 0 and a date a date after 1900-01-01 (Excel's serial 1): (validation type,
# operator, bound, the UI string of its warning).
_BOUNDED: dict[
    str, tuple[Literal["whole", "date"], Literal["greaterThanOrEqual", "greaterThan"], str, str]
] = {
    "count": ("whole", "greaterThanOrEqual", "0", "wb_dv_count"),
    "date": ("date", "greaterThan", "1", "wb_dv_date"),
}


class FieldSheetWriter:
    """Writes the field sheets of one workbook, sharing its lists, text guard and live formulas."""

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
        if f.type in _BOUNDED:
            kind, operator, bound, error = _BOUNDED[f.type]
            return DataValidation(
                type=kind,
                operator=operator,
                formula1=bound,
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                **prompt,
                **self._error(error),
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
        ws.cell(row=2, column=1, value=intro).font = cell_font(italic=True, color="595959")
        ws.row_dimensions[1].height = 22
        for key, skey in COLUMNS:
            c = ws.cell(row=HEADER_ROW, column=COL[key], value=t(skey, lang))
            c.font = cell_font(bold=True, color="FFFFFF")
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
                band.font = cell_font(bold=True, color="1F3864")
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
