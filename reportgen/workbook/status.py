"""The first sheet of the fill-in workbook: its live status (issue 14), all formulas.

Per sheet and in total, the mandatory items missing (the Status cells of the field rows, workbook/live.py),
the completeness, and the list of missing items with a link to each Value cell. The list is read from a
catalogue of fields on the hidden Lists sheet: per field, its current row (found by id, so rows may move),
whether it is missing, and a running count, so that the k-th missing item is the row where the count
reaches k. Two names are defined for other tools: `aild_missing_count` and `aild_completeness`.
"""

from __future__ import annotations

from typing import Any

from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName

from reportgen.resources import t
from reportgen.standard import Standard
from reportgen.workbook.layout import LISTS_SHEET
from reportgen.workbook.lists import Lists
from reportgen.workbook.styles import HEADING_FONT, TITLE_FONT, WRAP_TOP, cell_font
from reportgen.workbook.xml_text import TextGuard

NAME_MISSING = "aild_missing_count"
NAME_COMPLETENESS = "aild_completeness"
HEAD_FILL = PatternFill("solid", start_color="1F3864", end_color="1F3864")


def _q(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _catalogue(
    lists: Lists, std: Standard, lang: str, sheet_of: dict[str, str], letter: dict[str, str]
) -> dict[str, str]:
    """Per field, on the Lists sheet: id, label, the address of its Value cell, missing (1/0), running count.
    Returns the absolute ranges of those columns by key."""
    ws, first_col = lists.ws, lists.next_column()
    keys = ["id", "label", "address", "missing", "rank"]
    cols = {k: get_column_letter(first_col + i) for i, k in enumerate(keys)}
    for k in keys:
        ws[f"{cols[k]}2"] = f"status: {k}"
    ids, value, status = letter["field_id"], letter["value"], letter["status"]
    row = 3
    for fid in sheet_of:
        sheet = quote_sheetname(sheet_of[fid])
        found = f"MATCH({_q(fid)},{sheet}!${ids}:${ids},0)"
        ws[f"{cols['id']}{row}"] = fid
        ws[f"{cols['label']}{row}"] = std.fields[fid].label.get(lang)
        ws[f"{cols['address']}{row}"] = f'=IFERROR({_q(sheet + "!" + value)}&{found},"")'
        ws[f"{cols['missing']}{row}"] = f"=IF(IFERROR(INDEX({sheet}!${status}:${status},{found}),0)=1,1,0)"
        prev = f"{cols['rank']}{row - 1}+" if row > 3 else ""
        ws[f"{cols['rank']}{row}"] = f"={prev}{cols['missing']}{row}"
        row += 1
    last = row - 1
    quoted = quote_sheetname(LISTS_SHEET)
    return {k: f"{quoted}!${c}$3:${c}${last}" for k, c in cols.items()}


def status_sheet(
    ws: Any,
    std: Standard,
    lang: str,
    lists: Lists,
    sheet_of: dict[str, str],
    sheet_names: list[str],
    letter: dict[str, str],
    guard: TextGuard,
) -> None:
    """Fill `ws` (the first sheet) with the live status; define the two names on its cells."""
    cat = _catalogue(lists, std, lang, sheet_of, letter)
    status, mand = letter["status"], letter["mand"]
    ws.column_dimensions["A"].width = 46
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = 34
    ws.column_dimensions["D"].width = 26
    ws.sheet_view.showGridLines = False
    ws["A1"] = t("wb_status_title", lang).format(standard=std.id, edition=std.edition)
    ws["A1"].font = TITLE_FONT
    note = t("wb_status_note", lang)
    if std.activity is not None:
        note += " " + t("wb_status_note_activity", lang)
    guard.put(ws["A2"], note)
    ws["A2"].alignment = WRAP_TOP
    ws["A2"].font = cell_font(italic=True, color="595959")
    ws.merge_cells("A2:D2")
    ws.row_dimensions[2].height = 62
    per_sheet = [f"COUNTIF({quote_sheetname(n)}!${status}:${status},1)" for n in sheet_names]
    applicable = "+".join(f"SUM({quote_sheetname(n)}!${mand}:${mand})" for n in sheet_names)
    labels = [
        ("wb_status_missing_total", f"={'+'.join(per_sheet)}"),
        ("wb_status_completeness", f"=IF(({applicable})=0,1,(({applicable})-B4)/({applicable}))"),
        ("col_status", f"=IF(B4=0,{_q(t('wb_status_none', lang))},B4&{_q(t('wb_status_some', lang))})"),
    ]
    for i, (key, formula) in enumerate(labels, start=4):
        ws[f"A{i}"] = t(key, lang)
        ws[f"A{i}"].font = cell_font(bold=True)
        ws[f"B{i}"] = formula
        ws[f"B{i}"].font = cell_font(bold=True, size=12, color="9C5700")
        ws[f"B{i}"].alignment = Alignment(horizontal="left")
    ws["B5"].number_format = "0.0%"
    sheet_ref = quote_sheetname(ws.title)
    ws.parent.defined_names[NAME_MISSING] = DefinedName(NAME_MISSING, attr_text=f"{sheet_ref}!$B$4")
    ws.parent.defined_names[NAME_COMPLETENESS] = DefinedName(NAME_COMPLETENESS, attr_text=f"{sheet_ref}!$B$5")

    row = 8
    _header(ws, row, [t("wb_status_sheet", lang), t("wb_status_missing_col", lang)])
    for name, count in zip(sheet_names, per_sheet, strict=True):
        row += 1
        ws[f"A{row}"] = f"=HYPERLINK({_q('#' + quote_sheetname(name) + '!A1')},{_q(name)})"
        ws[f"A{row}"].font = cell_font(color="0563C1", underline="single")
        ws[f"B{row}"] = f"={count}"
    row += 2
    ws[f"A{row}"] = t("wb_status_list", lang)
    ws[f"A{row}"].font = HEADING_FONT
    row += 1
    _header(ws, row, [t("col_label", lang), t("wb_status_field", lang), t("wb_status_cell", lang)])
    possible = sum(1 for f in std.fields.values() if f.obligation in ("M", "M*"))
    for k in range(1, possible + 1):
        row += 1
        m = f"MATCH({k},{cat['rank']},0)"
        shown = f"{NAME_MISSING}>={k}"
        ws[f"A{row}"] = f'=IF({shown},INDEX({cat["label"]},{m}),"")'
        ws[f"B{row}"] = f'=IF({shown},INDEX({cat["id"]},{m}),"")'
        ws[f"C{row}"] = (
            f'=IF({shown},HYPERLINK("#"&INDEX({cat["address"]},{m}),INDEX({cat["address"]},{m})),"")'
        )
        ws[f"C{row}"].font = cell_font(color="0563C1", underline="single")
        ws[f"B{row}"].font = cell_font(color="595959", size=9)
    ws.protection.sheet = True  # formulas only; no password


def _header(ws: Any, row: int, labels: list[str]) -> None:
    for col, label in enumerate(labels, start=1):
        c = ws.cell(row=row, column=col, value=label)
        c.font = cell_font(bold=True, color="FFFFFF")
        c.fill = HEAD_FILL
