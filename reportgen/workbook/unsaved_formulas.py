"""Formulas without a saved result in a filled workbook (a file written by a program and never opened in a
spreadsheet): the reader sees an empty Value cell where the reporter wrote `=A1+B2`.

Apart from reader.py because it is a second, rarer pass over the file: a cheap scan of a sheet's XML says
whether any empty Value cell holds a formula, and only then is the workbook opened again with formulas.
Such a cell is delivered as the value `{FORMULA_MARKER: "=A1+B2"}` (inputs/raw.py), which the evaluation
refuses with the E-TYPE variant `formula`, whose fix says to open and save the file.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

from openpyxl.utils import get_column_letter

from reportgen.evaluation.model import Location
from reportgen.inputs.raw import FORMULA_MARKER, RawEntry, RawInput
from reportgen.inputs.xlsx_zip import TagBudget, load_checked, rows_of

_FORMULA_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3}[0-9]{1,7})"[^>]*>\s*<(?:\w+:)?f[\s>/]')
_FORMULA_MARKS = (b"<f>", b"<f ", b":f>", b":f ")


def formulas_at(archive: zipfile.ZipFile, member: str, cells: set[str]) -> bool:
    """Cheap test on one sheet's XML, so that the second (formula) pass runs only when needed: whether a
    formula sits in one of `cells` (the empty Value cells; the template's own status formulas are
    elsewhere). A formula in a cell whose reference cannot be read counts as a yes."""
    member = member.lstrip("/")
    if member not in archive.namelist():
        return True
    with archive.open(member) as fh:  # sizes proven by check_container: streamed, never whole
        tail = b""
        while chunk := fh.read(1 << 16):
            text = tail + chunk
            found = {m.decode() for m in _FORMULA_CELL.findall(text)}
            if found & cells:
                return True
            if any(mark in text for mark in _FORMULA_MARKS) and not found and b' r="' not in text:
                return True
            tail = text[-1024:]
    return False


def mark_formulas(
    p: Path, data: bytes, raw: RawInput, pending: Iterable[tuple[str, str, int, int]], tags: TagBudget
) -> None:
    """Second pass, formulas only: a formula cell whose saved result is empty becomes the marker value."""
    wb = load_checked(p, data, data_only=False, budget=tags)
    try:
        wanted: dict[str, dict[tuple[int, int], str]] = {}
        for fid, sheet, row, col in pending:
            wanted.setdefault(sheet, {})[(row, col)] = fid
        for sheet, cells in wanted.items():
            ws = wb[sheet]
            ws.reset_dimensions()
            last_row, last_col = max(r for r, _ in cells), max(c for _, c in cells)
            formulas = {}  # only the cells asked for are kept
            for r, values in enumerate(
                rows_of(p, ws, max_row=last_row, max_col=last_col, values_only=True), 1
            ):
                for c, value in enumerate(values, 1):
                    if (r, c) in cells:
                        formulas[(r, c)] = value
            for (row, col), fid in cells.items():
                formula = formulas.get((row, col))
                if isinstance(formula, str) and formula.startswith("=") and fid not in raw.entries:
                    where = Location(file=p.name, cell=f"{sheet}!{get_column_letter(col)}{row}", path=fid)
                    raw.entries[fid] = RawEntry(fid, {FORMULA_MARKER: formula}, where)
    finally:
        wb.close()
