"""The Calculations sheet of the Excel disclosure (clause 11 item 7): every derived figure with its trace,
and the totals of 8.5, as live Excel formulas over the cells of their inputs (issue 14 item 7).

A derived figure's Value cell is its trace's `form` (calculation.py builds it beside the value, from the
same operands) with each `[field id]` replaced by the cell of that input in its block: a supplied input's
cell holds the number, a derived input's cell refers to that figure's own Value cell, so the workbook
recomputes the chain when someone changes an input. Each total sums the cells of its phases. Only
generated formulas are written (cell references, numbers, operators, SUM); text, above all the user's,
still goes through `Sheet.put`, which never writes a formula.
"""

from __future__ import annotations

import re

from openpyxl.utils import get_column_letter

from reportgen.evaluation.model import FieldValue, Total
from reportgen.presentation import fmt
from reportgen.presentation.xlsx_cells import BOLD, MUTED, RULE, Sheet, number_format
from reportgen.presentation.xlsx_sheets import Ctx

COLUMNS = [
    "xlsx_col_derived",
    "col_label",
    "col_value",
    "col_unit",
    "col_clause",
    "col_formula",
    "xlsx_col_expression",
    "xlsx_col_input_field",
    "xlsx_col_input_value",
    "xlsx_col_input_unit",
    "xlsx_col_input_origin",
    "xlsx_col_input_source",
    "xlsx_col_notes",
]
VALUE, INPUT = 3, 9  # the columns of a figure's value and of its inputs' values
_REF = re.compile(r"\[([A-Za-z0-9_.]+)\]")
SAFE_FORMULA = re.compile(r"^=[A-Z0-9$.+\-*/(),: E]+$")  # what a generated formula may contain


def _numeric(fv: FieldValue | None) -> bool:
    return fv is not None and isinstance(fv.value, (int, float)) and not isinstance(fv.value, bool)


def _formula(form: str, cells: dict[str, str]) -> str | None:
    """`form` with each [field id] replaced by its cell; None when an input has no cell here."""
    if any(m.group(1) not in cells for m in _REF.finditer(form)):
        return None
    text = "=" + _REF.sub(lambda m: cells[m.group(1)], form)
    return text if SAFE_FORMULA.match(text) else None


def _formula_cell(s: Sheet, row: int, col: int, formula: str | None, value: float) -> None:
    """A live formula (generated, never from input text), or the number when there is none."""
    if formula is None:
        s.put(row, col, value, font=BOLD if col == VALUE else None)
        return
    cell = s.ws.cell(row=row, column=col)
    cell.value = formula
    cell.number_format = number_format(value)
    if col == VALUE:
        cell.font = BOLD


def calculations_sheet(s: Sheet, c: Ctx) -> None:
    """Each derived figure with its clause, formula, numbers and inputs; then the totals of 8.5."""
    s.unit_columns = {COLUMNS.index("col_unit") + 1, COLUMNS.index("xlsx_col_input_unit") + 1}
    row = s.header(1, [c.t(k) for k in COLUMNS])
    traced = [(fid, fv) for fid in c.std.fields if (fv := c.ev.values.get(fid)) and fv.trace]
    if not traced:
        s.put(row, 1, c.t("xlsx_no_derived"), font=BOLD, measure=False)
    at: dict[str, str] = {}  # derived field → its Value cell, for the figures and totals that use it
    start = row
    for fid, fv in traced:
        at[fid] = f"${get_column_letter(VALUE)}${start}"
        start += max(1, len(fv.trace.inputs)) if fv.trace else 1
    for fid, fv in traced:
        row = _figure(s, c, row, fid, fv, at)
    last = row - 1
    if traced:
        s.ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{last}"
    row = _totals(s, c, row + 1, at)
    s.ws.freeze_panes = "B2"
    s.finish(fixed={1: 26, 2: 24, 6: 36, 7: 36, 8: 28, 12: 30, 13: 24}, title_rows="1:1")


def _figure(s: Sheet, c: Ctx, row: int, fid: str, fv: FieldValue, at: dict[str, str]) -> int:
    tr = fv.trace
    assert tr is not None
    first = row
    s.row(
        row,
        [
            fid,
            c.label(fid),
            None,
            fmt.pretty_unit(fv.unit),
            tr.clause,
            tr.formula,
            fmt.expression(tr, c.lang),
        ],
    )
    s.put(row, 13, "\n".join(tr.notes) or None)
    cells: dict[str, str] = {}
    for i, inp in enumerate(tr.inputs or [None]):
        if i:
            s.put(row, 1, fid, font=MUTED)  # repeated so that the autofilter keeps whole groups
        if inp is not None:
            s.put(row, 8, inp.field)
            source = c.ev.values.get(inp.field)
            live = at.get(inp.field) if inp.origin == "derived" and _numeric(source) else None
            _formula_cell(s, row, INPUT, f"={live}" if live else None, inp.value)
            s.put(row, 10, fmt.pretty_unit(inp.unit))
            s.put(row, 11, c.t(f"origin_{inp.origin}"))
            s.put(row, 12, inp.source)
            cells[inp.field] = f"{get_column_letter(INPUT)}{row}"
        row += 1
    if _numeric(fv):
        formula = _formula(tr.form, cells) if tr.form else None
        _formula_cell(s, first, VALUE, formula, float(fv.value))
    else:
        s.put(first, VALUE, fv.value, font=BOLD)
    for col in range(1, len(COLUMNS) + 1):
        s.ws.cell(first, col).border = RULE
    return row


def _phase_field(c: Ctx, name: str, total: Total, phase: str) -> str:
    """The field a phase's value in a total came from (A2: the fallback's, for a market-based total)."""
    ind = c.std.indicators[name]
    if phase in total.location_based_phases and ind.fallback:
        return c.std.indicators[ind.fallback].fields[phase]
    return ind.fields[phase]


def _totals(s: Sheet, c: Ctx, row: int, at: dict[str, str]) -> int:
    """8.5: one block per indicator, the total a SUM over its phases' cells (live for derived values)."""
    row = s.title(row, c.t("totals"))
    for name, total in c.ev.totals.items():
        if total.value is None or not total.by_phase:
            continue
        ind = c.std.indicators[name]
        first = row
        s.row(row, [f"totals.{name}", ind.label.get(c.lang), None, fmt.pretty_unit(total.unit), "8.5"])
        for i, (phase, value) in enumerate(total.by_phase.items()):
            if i:
                s.put(row, 1, f"totals.{name}", font=MUTED)
            fid = _phase_field(c, name, total, phase)
            s.put(row, 8, fid)
            _formula_cell(s, row, INPUT, f"={at[fid]}" if fid in at else None, value)
            s.put(row, 10, fmt.pretty_unit(total.unit))
            s.put(row, 11, c.group_label(phase))
            row += 1
        span = f"{get_column_letter(INPUT)}{first}:{get_column_letter(INPUT)}{row - 1}"
        _formula_cell(s, first, VALUE, f"=SUM({span})", total.value)
        for col in range(1, len(COLUMNS) + 1):
            s.ws.cell(first, col).border = RULE
    return row
