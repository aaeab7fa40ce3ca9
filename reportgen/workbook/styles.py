"""The look of the workbooks reportgen writes: one font, the fills and borders of the field rows, and the
named cell styles every field row uses.

One named style per kind of cell (rather than fonts and fills set cell by cell) keeps a workbook of 250
rows small and fast to write, and consistent when the reporter moves rows. The standard's text is locked
and grey; the cells a reporter types into are unlocked.
"""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side

FONT_NAME = (
    "Calibri"  # the default of Excel; named explicitly so that LibreOffice does not fall back to a serif
)


def cell_font(**kw: Any) -> Font:
    return Font(name=FONT_NAME, **kw)


TITLE_FONT = cell_font(bold=True, size=14, color="1F3864")
HEADING_FONT = cell_font(bold=True, size=11, color="1F3864")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
BAND = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
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


def add_styles(wb: Workbook) -> None:
    """Named cell styles of the field rows (locked grey for the standard's text, unlocked for inputs)."""
    top, wrap = Alignment(vertical="top"), WRAP_TOP
    locked, unlocked = Protection(locked=True), Protection(locked=False)
    specs = {
        "rg_field_id": (cell_font(color="595959", size=9), LOCKED_FILL, top, locked),
        "rg_obligation": (cell_font(), LOCKED_FILL, Alignment(horizontal="center", vertical="top"), locked),
        "rg_obligation_strong": (
            cell_font(bold=True),
            LOCKED_FILL,
            Alignment(horizontal="center", vertical="top"),
            locked,
        ),
        "rg_text": (cell_font(), LOCKED_FILL, wrap, locked),
        "rg_value": (
            cell_font(),
            None,
            Alignment(wrap_text=True, vertical="top", horizontal="left"),
            unlocked,
        ),
        "rg_input": (cell_font(), None, top, unlocked),
        "rg_input_wrap": (cell_font(), None, wrap, unlocked),
        "rg_not_applicable": (cell_font(), NA_FILL, top, locked),
        "rg_status": (cell_font(bold=True, color="9C5700"), LOCKED_FILL, top, locked),
        "rg_helper": (cell_font(color="808080", size=8), None, top, locked),
    }
    for name, (font, fill, alignment, protection) in specs.items():
        style = NamedStyle(name=name, font=font, border=GRID, alignment=alignment, protection=protection)
        if fill is not None:
            style.fill = fill
        wb.add_named_style(style)
