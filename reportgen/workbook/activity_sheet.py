"""The `activity` sheet of a fill-in workbook (Annex D, D.1): the activity tables a disclosure declares,
one row per table, the declaration keys as headers.

Writer and reader of this sheet sit together because it has a layout of its own, unlike the field rows
(layout.py): a plain table that `template --from` and `migrate` write and that the reader finds by its
sheet name and header texts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from reportgen.inputs.raw import RawInput
from reportgen.workbook.styles import cell_font
from reportgen.workbook.xml_text import TextGuard

SHEET = "activity"  # D.1 names it; found without regard to case


def write_activity_sheet(
    wb: Workbook, keys: list[str], tables: list[dict[str, Any]], guard: TextGuard
) -> None:
    """One row per table under the declaration keys as headers (the reader finds them by name), before
    the hidden lists. Keys beyond D.1 are kept, after them, so that check still names them (E-ACT-1)."""
    ws = wb.create_sheet(SHEET, index=len(wb.sheetnames) - 1)
    extra = [k for t in tables for k in t if k not in keys]
    header = [*keys, *dict.fromkeys(str(k) for k in extra)]
    for col, key in enumerate(header, start=1):
        ws.cell(row=1, column=col, value=key).font = cell_font(bold=True)
        ws.column_dimensions[get_column_letter(col)].width = 40 if key in ("path", "description") else 16
    for row, table in enumerate(tables, start=2):
        for col, key in enumerate(header, start=1):
            value = table.get(key)
            if value is not None:
                guard.put(ws.cell(row=row, column=col), value if isinstance(value, str) else str(value))


def is_activity_sheet(title: str) -> bool:
    return title.strip().lower() == SHEET


def read_activity_sheet(
    title: str, rows: Iterable[tuple[Any, ...]], source: str, keys: list[str], raw: RawInput
) -> None:
    """The tables listed on the sheet, from `rows` of cell values: the header is the first row naming
    `table` and `path` (without regard to case); empty rows are skipped. Stored as the declaration
    (`raw.meta["activity"]`) with the cell of each table, for findings to name."""
    from reportgen.activity.declare import Declared

    header: dict[int, str] | None = None
    tables: list[dict[str, Any]] = []
    cells: dict[tuple[str, ...], str] = {("activity",): f"{title}!A1"}  # by key path, as in YAML
    for r, row in enumerate(rows, start=1):
        texts = [str(c).strip() if c is not None else "" for c in row]
        if header is None:
            found = {i: t.lower() for i, t in enumerate(texts) if t}
            if "table" in found.values() and "path" in found.values():
                header = found
            continue
        entry = {name: row[i] for i, name in header.items() if i < len(row) and row[i] is not None}
        if entry:
            cells[("activity", str(len(tables)))] = f"{title}!A{r}"
            tables.append(
                {
                    k: (str(v) if k in keys and not isinstance(v, str) and k != "table" else v)
                    for k, v in entry.items()
                }
            )
    raw.meta["activity"] = Declared(value=tables, source=source, lines={}, cells=cells)
