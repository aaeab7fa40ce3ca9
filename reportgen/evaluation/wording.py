"""Findings in the workbook's own words (issue 14 item 3).

A finding is one thing whatever the input: the same code, severity, field, clause and rule. Only its
wording depends on where the analyst typed the value. For a workbook, the message names the cell instead of
the field id (`Training PUE (Training!D13)`), the fixes speak of columns and drop-down choices as the
workbook shows them (its header texts, its labels, in the workbook's language) instead of YAML keys and
mappings, and the templates of `findings.yaml` may give a `workbook` wording of their own. The parameters
below are what those templates can use:

    here              the cell the finding is located at
    cells[FIELD_ID]   the Value cell of any field's row (its id when the row is gone)
    col_KEY           a column's header as the workbook writes it (col_value, col_unit, col_method, ...)
    value_cell, unit_cell, method_cell, source_cell, note_cell, withheld_cell   the cells of its row
    choices           the drop-down labels of the finding's field (or of its method or withheld reason)
    methods           the labels of the methods (4.2)
    X_cell            for a parameter X_field naming a field: that field's cell; phase_cell for {phase}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportgen.evaluation.model import Location
from reportgen.resources import t
from reportgen.standard import Standard
from reportgen.workbook.layout import COLUMNS

ROW_CELLS = ("value", "unit", "method", "source", "note", "withheld", "uncertainty")
CHOICES_OF_VARIANT = {"method": "method", "withheld_reason": "withheld_reason"}


class _Cells(dict):
    """Field id → its Value cell, the id itself when the workbook has no row for it."""

    def __missing__(self, key: str) -> str:
        return key


@dataclass
class WorkbookWords:
    """What a workbook's findings are worded with: its cells, its headers and its language."""

    std: Standard
    cells: dict[str, dict[str, str]]  # field id → column key → `Sheet!D12`
    headers: dict[str, str]  # column key → header text as written in the workbook
    lang: str  # the workbook's language, which its drop-down labels are in

    def labels(self, enum: str) -> str:
        return ", ".join(self.std.enum_label(enum, code, self.lang) for code in self.std.enum_values(enum))

    def params(
        self, field: str | None, location: Location | None, variant: str | None, given: dict[str, Any]
    ) -> dict[str, Any]:
        """Template parameters for a finding on `field`; `given` are the rule's own (kept over these)."""
        row = self.cells.get(field or "", {})
        out: dict[str, Any] = {f"col_{k}": t(skey, self.lang) for k, skey in COLUMNS}
        out.update({f"col_{k}": v for k, v in self.headers.items()})
        out["cells"] = _Cells({fid: c["value"] for fid, c in self.cells.items() if "value" in c})
        out["here"] = (
            (location.cell if location and location.cell else None) or row.get("value") or field or ""
        )
        for key in ROW_CELLS:
            out[f"{key}_cell"] = row.get(key, out["here"])
        out["methods"] = self.labels("method")
        f = self.std.fields.get(field or "")
        enum = CHOICES_OF_VARIANT.get(variant or "") or (
            (f.enum or ("bool" if f.type == "bool" else None)) if f else None
        )
        if enum:
            out["choices"] = self.labels(enum)
        for name, value in given.items():
            if name.endswith("_field") and isinstance(value, str):
                out[f"{name.removesuffix('_field')}_cell"] = out["cells"][value]
        if isinstance(given.get("phase"), str):
            out["phase_cell"] = out["cells"][self.std.roles.status_of(given["phase"])]
        if field in out["cells"]:  # "{label} ({field})" names the cell the analyst typed into
            out["field"] = out["cells"][field]
        return out
