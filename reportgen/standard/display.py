"""What the reports show where, as data (`display:` in an edition's `standard.yaml`).

The groups of fields each part of a report lists, and the identification blocks of the PDF's first page
and the Excel disclosure's Summary sheet, line by line. A renderer walks these lists; it never names a
field, so an edition that adds a field to a block, or renames one, changes data only.
"""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from reportgen.resources import strings
from reportgen.standard.base import _Strict


class Parts(_Strict):
    """The field groups (sections of Annex A) each part of the report lists, in order (clause 11)."""

    identification: list[str]
    boundary: list[str]
    methodology: list[str]
    verification: list[str]

    def groups(self) -> list[str]:
        return [*self.identification, *self.boundary, *self.methodology, *self.verification]


class DisplayLine(_Strict):
    """One line of an identification block.

    `label` is a UI string (templates/strings.yaml), else the label of the line's first field. `show`:
    `fields`, their values joined by " — " (a date written out, an enumeration by its label); `period`,
    two dates (start, end); or a fact of the report rather than a field: `standard`, `language`,
    `status`, `completeness`, `recommended_coverage`. `empty` is the UI string shown when there is no
    value; `when_given` leaves the line out then.
    """

    label: str | None = None
    show: Literal[
        "fields", "period", "standard", "language", "status", "completeness", "recommended_coverage"
    ] = "fields"
    fields: list[str] = []
    empty: str = "rpt_dash"
    when_given: bool = False

    @model_validator(mode="after")
    def _shape(self) -> DisplayLine:
        wanted = {"fields": "one or more", "period": "two"}.get(self.show, "no")
        n = len(self.fields)
        if (wanted == "one or more" and n == 0) or (wanted == "two" and n != 2) or (wanted == "no" and n):
            raise ValueError(f"`show: {self.show}` takes {wanted} fields")
        if self.label is None and not self.fields:
            raise ValueError("a line without fields needs a label")
        return self


class Display(_Strict):
    parts: Parts
    report_identification: list[DisplayLine]  # page 1 of the PDF (and the web page)
    workbook_identification: list[DisplayLine]  # the Summary sheet of the Excel disclosure

    def problems(self, fields: set[str], groups: set[str]) -> list[str]:
        """Every group and field named must be one of the edition's, every label a UI string."""
        out = [
            f"display.parts: '{g}' is not a section or phase" for g in self.parts.groups() if g not in groups
        ]
        for block in ("report_identification", "workbook_identification"):
            for i, line in enumerate(getattr(self, block)):
                out += [f"display.{block}[{i}]: '{f}' is not a field" for f in line.fields if f not in fields]
                for key in (line.label, line.empty):
                    if key is not None and key not in strings():
                        out.append(
                            f"display.{block}[{i}]: '{key}' is not a UI string (templates/strings*.yaml)"
                        )
        return out
