"""Parts of the fill-in workbook that are not field rows: the hidden lists sheet behind the drop-downs,
the edition stamp, and the Instructions sheet.

Drop-down lists live on a hidden sheet behind defined names because Excel caps an inline list at 255
characters and silently breaks longer ones (NOTES.md). Every list is generated from the standard:
enumerations and booleans show their labels in the workbook's language (the reader maps labels back to
codes), quantities offer the accepted units of their dimension.
"""

from __future__ import annotations

from typing import Any

from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook

from reportgen import localized
from reportgen.resources import strings, t
from reportgen.standard import Standard
from reportgen.workbook.layout import (
    COLUMNS,
    LISTS_SHEET,
    NAME_EDITION,
    NAME_STANDARD,
    PROP_EDITION,
    PROP_STANDARD,
)
from reportgen.workbook.styles import HEADING_FONT, TITLE_FONT, WRAP_TOP, cell_font
from reportgen.workbook.xml_text import TextGuard


class Lists:
    """The hidden `Lists` sheet: one column per list, each behind a defined name `rg_...`."""

    def __init__(self, wb: Workbook, std: Standard, lang: str) -> None:
        self.wb, self.std, self.lang = wb, std, lang
        self.ws = wb.create_sheet(LISTS_SHEET)
        self.ws.sheet_state = "hidden"
        self.ws["A1"] = t("wb_lists_note", lang)
        self.names: dict[str, str] = {}
        self._col = 1
        for enum in std.enums:
            self._add(f"rg_enum_{enum}", enum, [std.enum_label(enum, code, lang) for code in std.enums[enum]])
        for dim, d in std.dimensions.items():
            self._add(f"rg_unit_{dim}", f"unit: {dim}", list(d.units))
        import pycountry  # the codes values.py accepts (ISO 3166-1 alpha-2)

        self._add(self.countries, "country", sorted(c.alpha_2 for c in pycountry.countries))
        self.ws.column_dimensions["A"].width = 30

    def _add(self, name: str, heading: str, values: list[str]) -> None:
        col = get_column_letter(self._col)
        self.ws.cell(row=2, column=self._col, value=heading).font = cell_font(bold=True)
        for i, v in enumerate(values, start=3):
            self.ws.cell(row=i, column=self._col, value=v)
        ref = f"{quote_sheetname(LISTS_SHEET)}!${col}$3:${col}${2 + max(len(values), 1)}"
        self.wb.defined_names[name] = DefinedName(name, attr_text=ref)
        self.names[heading] = name
        self._col += 1

    def enum(self, enum: str) -> str:
        return self.names[enum]

    def units(self, dimension: str) -> str:
        return self.names[f"unit: {dimension}"]

    countries = "rg_countries"

    def next_column(self) -> int:
        """The first free column, for the live status's catalogue of fields (workbook/status.py)."""
        return self._col


def stamp_edition(wb: Workbook, std: Standard) -> None:
    """Record the standard and edition twice (document properties and names): LibreOffice keeps both."""
    props = wb.custom_doc_props  # type: ignore[attr-defined]  # openpyxl 3.1 has it, types-openpyxl not yet
    props.append(StringProperty(name=PROP_STANDARD, value=std.id))
    props.append(StringProperty(name=PROP_EDITION, value=std.edition))
    wb.defined_names[NAME_STANDARD] = DefinedName(NAME_STANDARD, attr_text=f'"{std.id}"')
    wb.defined_names[NAME_EDITION] = DefinedName(NAME_EDITION, attr_text=f'"{std.edition}"')


def instructions(
    ws: Any,
    std: Standard,
    lang: str,
    sheet_names: dict[str, str],
    sheet_contents: dict[str, str],
    source: str | None,
    guard: TextGuard,
) -> None:
    """The first sheet: purpose, how to fill, withheld values, legends of obligations, methods, columns.

    Its texts go through `guard`: the name of the --from file is the user's."""
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 100
    ws.sheet_view.showGridLines = False
    row = 1

    def put(
        a: Any = None,
        b: Any = None,
        *,
        font: Font | None = None,
        height: float | None = None,
        wrap: bool = True,
    ) -> None:
        nonlocal row
        ca, cb = ws.cell(row=row, column=1), ws.cell(row=row, column=2)
        for c, value in ((ca, a), (cb, b)):
            if value is not None:
                guard.put(c, value)
            c.alignment = WRAP_TOP if wrap else Alignment(vertical="top")  # headings overflow into B
            c.font = font or cell_font()
        lines = max(len(str(b or "")) // 105, len(str(a or "")) // 24 if wrap else 0) + 1
        ws.row_dimensions[row].height = height or 15.0 * lines
        row += 1

    def heading(key: str) -> None:
        nonlocal row
        row += 1
        put(t(key, lang), font=HEADING_FONT, wrap=False)

    put(
        t("wb_title", lang).format(standard=std.id, edition=std.edition),
        font=TITLE_FONT,
        height=22,
        wrap=False,
    )
    put(
        None,
        t("wb_standard_line", lang).format(
            title=std.title.get(lang), standard=std.id, edition=std.edition, date=std.date
        ),
    )
    if source:
        put(None, localized.fill(t("wb_prefilled", lang), {"source": source}, lang))
    heading("wb_purpose_h")
    put(None, t("wb_purpose", lang))
    heading("wb_sheets_h")
    for key, name in sheet_names.items():
        put(name, sheet_contents.get(key, ""))
    heading("wb_how_h")
    for i, step in enumerate(t("wb_how", lang), start=1):
        put(f"{i}.", step)
        ws.cell(row=row - 1, column=1).alignment = Alignment(horizontal="right", vertical="top")
    heading("wb_withheld_h")
    reason = lambda code: std.enum_label("withheld_reason", code, lang)  # noqa: E731
    put(
        None,
        t("wb_withheld", lang).format(
            confidential=reason("confidential"),
            supplier=reason("withheld_by_supplier"),
            not_measured=reason("not_measured"),
        ),
    )
    heading("wb_obligations_h")
    for code in ("M", "M*", "R", "O"):
        put(code, t(f"wb_obl_{code}", lang))
        ws.cell(row=row - 1, column=1).font = cell_font(bold=True)
    heading("wb_methods_h")
    known = strings()
    for code in std.enum_values("method"):
        desc = t(f"wb_method_{code}", lang) if f"wb_method_{code}" in known else ""
        put(std.enum_label("method", code, lang), desc)
    heading("wb_columns_h")
    for key, skey in COLUMNS:
        put(t(skey, lang), t(f"wb_colhelp_{key}", lang))
    heading("wb_check_h")
    put(None, t("wb_check", lang))
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
