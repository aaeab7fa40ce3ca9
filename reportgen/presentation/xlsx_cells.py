"""Cell writing and styling for the Excel disclosure: one safe way to put a value in a cell.

Every value goes through `Sheet.put`, which is where the workbook's guarantees are kept: numbers stay
numbers (with a number format chosen for their size), dates stay dates, and every string, above all
text that came from the user, is stored as a plain string that can never become a formula, whatever
its first character (`=`, `+`, `-`, `@`, tab, CR), and that XML can hold (`xlsx_text.TextGuard`).
openpyxl would otherwise store a string starting with "=" as a formula; Excel and LibreOffice would
evaluate it on opening.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from reportgen.workbook.xml_text import TextGuard

# Characters that make a spreadsheet treat typed text as a formula (OWASP "CSV injection" list).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
WRAP_AT = 60  # characters: longer texts wrap, and no column grows wider than this

DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = "0.0%"

ACCENT = "1F4E5F"
TITLE_FONT = Font(bold=True, size=14, color=ACCENT)
SUBTITLE_FONT = Font(italic=True, color="595959")
HEADING_FONT = Font(bold=True, size=12, color=ACCENT)
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor=ACCENT)
HEADER_ALIGN = Alignment(vertical="center", wrap_text=True)
BOLD = Font(bold=True)
MUTED = Font(color="808080")
BANNER_FONT = Font(bold=True, size=12, color="9C0006")
BANNER_FILL = PatternFill("solid", fgColor="FFC7CE")
DERIVED_FILL = PatternFill("solid", fgColor="DDEBF7")
MISSING_FILL = PatternFill("solid", fgColor="FCE4D6")
TOP = Alignment(vertical="top")
TOP_WRAP = Alignment(vertical="top", wrap_text=True)
TOP_INDENT = Alignment(vertical="top", indent=2)
UNIT = Alignment(horizontal="left", vertical="top", indent=1)  # a gap after the right-aligned number
CENTER = Alignment(horizontal="center", vertical="top")
RULE = Border(top=Side(style="thin", color="A6A6A6"))


def number_format(value: float | int) -> str:
    """An Excel format showing about 4 significant digits; the cell keeps the full value."""
    if isinstance(value, int) and abs(value) < 10**15:
        return "#,##0"
    x = float(value)
    ax = abs(x)
    if ax != 0 and (ax >= 1e15 or ax < 1e-4):
        return "0.000E+00"
    if x.is_integer():
        return "#,##0"
    decimals = max(0, 3 - math.floor(math.log10(ax)))
    shown = f"{round(x, decimals):.{decimals}f}".rstrip("0")
    places = len(shown.split(".")[1]) if "." in shown else 0
    return "#,##0" + ("." + "0" * places if places else "")


class Sheet:
    """A worksheet plus the width each column needs; `put` is the only way cells are written."""

    def __init__(self, ws: Worksheet, guard: TextGuard) -> None:
        self.ws, self.guard = ws, guard
        self.widths: dict[int, int] = {}
        self.texts: list[Cell] = []  # text cells that wrap if longer than their column is wide
        self.unit_columns: set[int] = set()  # columns of units, set off from the number before them

    def put(
        self,
        row: int,
        col: int,
        value: Any,
        *,
        font: Font | None = None,
        fill: PatternFill | None = None,
        align: Alignment | None = None,
        number: str | None = None,
        measure: bool = True,
    ) -> Cell:
        cell = self.ws.cell(row=row, column=col)
        if not isinstance(cell, Cell):  # the hidden cells of a merged range are read-only: a bug here
            raise TypeError(f"{self.ws.title}: row {row}, column {col} lies inside a merged range")
        width = 0
        if isinstance(value, bool):
            cell.value = value
            width = 5
        elif isinstance(value, (int, float)):
            if isinstance(value, float) and not math.isfinite(value):
                return self.put(row, col, str(value), font=font, fill=fill, align=align)
            cell.value = value
            cell.number_format = number or number_format(value)
            width = 12
        elif isinstance(value, (dt.date, dt.datetime)):
            cell.value = value
            cell.number_format = DATE_FORMAT
            width = 11
        elif value is not None:
            text = self.guard.put(cell, value).value  # never "f": no string written here is a formula
            if text.startswith(FORMULA_TRIGGERS):
                cell.quotePrefix = True  # Excel keeps it text even when the cell is edited
            width = max((len(line) for line in text.splitlines()), default=0)
            if measure:
                self.texts.append(cell)
        cell.alignment = align or (UNIT if col in self.unit_columns else TOP)
        if font:
            cell.font = font
        if fill:
            cell.fill = fill
        if width and measure:
            self.widths[col] = max(self.widths.get(col, 0), min(width, WRAP_AT))
        return cell

    def row(self, row: int, values: list[Any], **style: Any) -> int:
        for col, value in enumerate(values, start=1):
            self.put(row, col, value, **style)
        return row + 1

    def header(self, row: int, labels: list[str]) -> int:
        for col, label in enumerate(labels, start=1):
            c = self.put(
                row, col, label, font=HEADER_FONT, fill=HEADER_FILL, align=HEADER_ALIGN, measure=False
            )
            self.widths[col] = max(self.widths.get(col, 0), min(len(label), 14))
            self.texts.append(c)
            c.border = RULE
        return row + 1

    def title(self, row: int, text: str, font: Font = HEADING_FONT) -> int:
        # A title overflows into the empty cells beside it; it does not widen its column.
        self.put(row, 1, text, font=font, align=Alignment(vertical="center"), measure=False)
        return row + 1

    def finish(
        self,
        minimum: int = 6,
        fixed: dict[int, int] | None = None,
        title_rows: str | None = None,
        landscape: bool = True,
    ) -> None:
        """Column widths from content, and print settings a person can read on A4 paper."""
        widths = {col: max(minimum, w + 2) for col, w in {**self.widths, **(fixed or {})}.items()}
        for col, width in widths.items():
            self.ws.column_dimensions[get_column_letter(col)].width = width
        self._fit_rows(widths)
        ps = self.ws.page_setup
        ps.orientation = "landscape" if landscape else "portrait"
        ps.paperSize = self.ws.PAPERSIZE_A4
        ps.fitToWidth = 1
        ps.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        self.ws.print_options.gridLines = False
        self.ws.page_margins.left = self.ws.page_margins.right = 0.4
        self.ws.page_margins.top = self.ws.page_margins.bottom = 0.6
        if title_rows:
            self.ws.print_title_rows = title_rows

    def _fit_rows(self, widths: dict[int, int]) -> None:
        """Wrap texts wider than their column and give their rows the height they need.

        Spreadsheets do not re-measure rows when opening a file (LibreOffice overlaps the lines), so
        the height is estimated here: about one column-width unit per character, 15 points a line.
        """
        lines_needed: dict[int, int] = {}
        for cell in self.texts:
            text = str(cell.value)
            per_line = max(1, widths.get(cell.column, 10) - 1)
            # 0.9: an average character is narrower than the digit "0" that defines a width unit
            lines = sum(max(1, math.ceil(0.9 * len(line) / per_line)) for line in text.split("\n"))
            if lines > 1:
                a = cell.alignment
                cell.alignment = Alignment(
                    horizontal=a.horizontal, vertical="top", indent=a.indent, wrap_text=True
                )
                lines_needed[cell.row] = max(lines_needed.get(cell.row, 1), min(lines, 12))
        for row, lines in lines_needed.items():
            if self.ws.row_dimensions[row].height is None:
                self.ws.row_dimensions[row].height = 15 * lines
