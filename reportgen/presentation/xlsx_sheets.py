"""The sheets of the Excel disclosure that list the standard's fields and the report's findings: Disclosure
(every field, supplied or not), Missing items and findings, Boundary, Functional units and Crosswalk.

`Ctx` is what every sheet builder reads (evaluation, standard, language, presentation); builders write
cells only through `Sheet.put` (xlsx_cells.py), which keeps user text from ever becoming a formula.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter

from reportgen.evaluation.model import Evaluation, FieldValue
from reportgen.presentation import fmt
from reportgen.presentation.summary import Presentation, is_missing_item
from reportgen.presentation.xlsx_cells import (
    BANNER_FONT,
    BOLD,
    CENTER,
    DERIVED_FILL,
    MISSING_FILL,
    PERCENT_FORMAT,
    Sheet,
)
from reportgen.resources import t
from reportgen.standard import Field, Standard


@dataclass
class Ctx:
    """What every sheet builder needs: the evaluation, its standard and the report language."""

    ev: Evaluation
    std: Standard
    lang: str
    p: Presentation  # what every output shows: status, totals in report units, findings
    baseline: Evaluation | None = None  # render --baseline: the Change sheet and the embedded comparison
    notes: dict[str, str] = field(default_factory=dict)

    def t(self, key: str) -> str:
        return t(key, self.lang)

    def label(self, fid: str) -> str:
        f = self.std.fields.get(fid)
        return f.label.get(self.lang) if f else fid

    def group_label(self, gid: str | None) -> str:
        if not gid:
            return ""
        try:
            return self.std.group(gid).label.get(self.lang)
        except StopIteration:
            return gid

    def value(self, fid: str) -> Any:
        fv = self.ev.values.get(fid)
        return None if fv is None else fv.value

    def enum(self, name: str, value: Any) -> str:
        return "" if value is None else self.std.enum_label(name, value, self.lang)

    def display(self, f: Field, fv: FieldValue | None) -> Any:
        """A field's value as the cell holds it: numbers and dates as such, enums as their label."""
        if fv is None or fv.value is None:
            return None
        v = fv.value
        if f.type == "enum":
            return self.enum(f.enum or "", v)
        if f.type == "bool":
            return self.enum("bool", v)
        if f.type == "date" and isinstance(v, str):
            try:
                return dt.date.fromisoformat(v)
            except ValueError:
                return v
        return v

    def origin(self, fv: FieldValue | None) -> str:
        return self.t(f"origin_{fv.origin}") if fv else ""

    def method(self, m: str | None) -> str:
        return self.enum("method", m) if m else ""

    def note(self, fv: FieldValue | None) -> str:
        if fv is None:
            return ""
        parts = []
        if fv.withheld:
            parts.append(self.t("xlsx_withheld").format(reason=self.enum("withheld_reason", fv.withheld)))
        if fv.note:
            parts.append(fv.note)
        if not fv.counted and fv.origin != "withheld":
            parts.append(self.t("xlsx_not_counted"))
        return " — ".join(parts)

    def rejected(self, fid: str) -> str:
        """A value given but ignored (E-TYPE/E-UNIT), shown as given so the reader sees what to fix."""
        if fid not in self.ev.rejected:
            return ""
        raw = self.ev.rejected[fid]
        shown = json.dumps(raw, ensure_ascii=False, default=str) if not isinstance(raw, str) else raw
        return self.t("xlsx_rejected").format(value=shown[:500])

    def severity(self, s: str) -> str:
        return self.t(f"severity_{s}")


# -- sheet builders (clause 11 items 3, 4, 5, 7, 8, Annex C) --------------------------------------


def disclosure_sheet(s: Sheet, c: Ctx) -> None:
    """Clause 11 item 4: every field of the standard, one row each, supplied or not."""
    cols = [
        "xlsx_col_group",
        "col_field",
        "col_label",
        "col_value",
        "col_unit",
        "col_origin",
        "col_method",
        "col_source",
        "col_uncertainty",
        "col_obligation",
        "col_condition",
        "col_clause",
        "xlsx_col_note",
    ]
    s.unit_columns = {cols.index("col_unit") + 1}
    row = s.header(1, [c.t(k) for k in cols])
    missing = set(c.ev.missing)
    for f in c.std.fields.values():
        fv = c.ev.values.get(f.id)
        fill = DERIVED_FILL if fv and fv.origin == "derived" else MISSING_FILL if f.id in missing else None
        unit = (fv.unit if fv and fv.unit else f.unit) or ""
        s.row(
            row,
            [
                c.group_label(f.group),
                f.id,
                f.label.get(c.lang),
                None,
                fmt.pretty_unit(unit),
                c.origin(fv),
                c.method(fv.method) if fv else "",
                fv.source if fv else None,
                fv.uncertainty_pct if fv else None,
                f.obligation,
                f.condition.text.get(c.lang) if f.condition else None,
                f.clause,
                c.note(fv) or c.rejected(f.id),
            ],
        )
        s.put(row, 4, c.display(f, fv), fill=fill)
        s.put(row, 10, f.obligation, align=CENTER)
        row += 1
    last = get_column_letter(len(cols))
    s.ws.auto_filter.ref = f"A1:{last}{row - 1}"
    s.ws.freeze_panes = "D2"
    s.finish(fixed={1: 20, 3: 30, 4: 24, 8: 32, 9: 10, 10: 9, 11: 24, 13: 24}, title_rows="1:1")


def missing_sheet(s: Sheet, c: Ctx) -> None:
    """Clause 11 item 8: missing mandatory items first, then every other finding by severity."""
    items = c.ev.missing_items
    row = s.title(1, f"{c.t('missing_items')} ({len(items)})")
    row = s.header(
        row,
        [
            c.t(k)
            for k in (
                "col_field",
                "col_label",
                "xlsx_col_group",
                "col_obligation",
                "col_clause",
                "col_condition",
                "xlsx_col_what_to_supply",
                "fix",
            )
        ],
    )
    if not items:
        s.put(row, 1, c.t("no_missing"), font=BOLD, measure=False)
        row += 1
    for item in items:
        group = item.phase or item.field.split(".")[0]
        row = s.row(
            row,
            [
                item.field,
                item.label,
                c.group_label(group),
                item.obligation,
                item.clause,
                item.condition,
                item.help,
                item.fix,
            ],
        )
    # in the evaluation's order: by severity, each root cause followed by what it causes (issue 14 item 5)
    others = [f for f in c.ev.findings if not is_missing_item(f)]
    row = s.title(row + 1, f"{c.t('other_findings')} ({len(others)})")
    row = s.header(
        row,
        [
            c.t(k)
            for k in (
                "col_code",
                "col_severity",
                "col_field",
                "col_clause",
                "col_location",
                "col_message",
                "fix",
            )
        ],
    )
    if not others:
        s.put(row, 1, c.t("no_findings"), font=BOLD, measure=False)
    for f in others:
        row = s.row(
            row,
            [
                f"↳ {f.code}" if f.caused_by is not None else f.code,
                c.severity(f.severity),
                f.field,
                f.clause,
                str(f.location) if f.location else None,
                f.message,
                f.fix,
            ],
        )
    s.ws.freeze_panes = "A3"
    s.finish(fixed={6: 50, 7: 60}, title_rows="1:2")


def boundary_sheet(s: Sheet, c: Ctx) -> None:
    """Clause 11 item 3: each phase's status and justification, and the scope declarations of 6.2–6.5."""
    row = s.title(1, c.t("sec_boundary"))
    row = s.header(row, [c.t("col_phase"), c.t("col_status"), c.t("col_justification")])
    for p in c.std.phases:
        status = c.ev.boundary.get(p.id)
        just = c.value(c.std.roles.justification_of(p.id))
        status_label = (
            "" if status is None else c.std.value_label(c.std.roles.status_of(p.id), status, c.lang)
        )
        row = s.row(row, [p.label.get(c.lang), status_label, just])
        if status is None:
            s.put(row - 1, 2, None, fill=MISSING_FILL)
    row += 1
    scope = c.value(c.std.roles.energy_scope)
    narrow = None
    if scope is not None and scope != c.std.facility_energy_scope:
        narrow = c.t("xlsx_narrow_scope").format(
            scope=c.std.value_label(c.std.roles.energy_scope, scope, c.lang)
        )
    # the scope declarations of 6.2–6.4, then the other declarations of 6.5, as fields.yaml lists them
    declarations = [
        f
        for g in c.std.display.parts.boundary
        for f in c.std.fields_of(g)
        if f.id not in c.std.phase_status_fields()
    ]
    for f in (f for f in declarations if f.clause != "6.5"):
        row = _declaration(s, c, row, f.id, narrow if f.id == c.std.roles.energy_scope else None)
    row = s.title(row + 1, c.t("xlsx_other_declarations"))
    for f in (f for f in declarations if f.clause == "6.5"):
        row = _declaration(s, c, row, f.id)
    s.finish(fixed={1: 34, 2: 30, 3: 60}, title_rows="1:2")


def _declaration(s: Sheet, c: Ctx, row: int, fid: str, note: str | None = None) -> int:
    f = c.std.fields[fid]
    fv = c.ev.values.get(fid)
    s.put(row, 1, f.label.get(c.lang), font=BOLD)
    s.put(row, 2, c.display(f, fv), fill=MISSING_FILL if fid in c.ev.missing else None)
    if note:
        s.put(row, 3, note, font=BANNER_FONT)
    return row + 1


def functional_units_sheet(s: Sheet, c: Ctx) -> None:
    """Clause 11 item 5: per request and per 1,000 output tokens (7.5.3), and the inference share (7.5.4)."""
    fu = c.ev.functional_units
    s.unit_columns = {3, 5}
    row = s.title(1, c.t("sec_functional_units"))
    row = s.header(
        row,
        [
            c.t("col_indicator"),
            c.t("xlsx_col_per_request"),
            c.t("col_unit"),
            c.t("xlsx_col_per_1k"),
            c.t("col_unit"),
        ],
    )
    names = [n for n in c.std.indicators if n in fu.per_request or n in fu.per_1k_output_tokens]
    if not names:
        s.put(row, 1, c.t("xlsx_no_functional_units"), font=BOLD, measure=False)
        row += 1
    for name in names:
        req, tok = fu.per_request.get(name), fu.per_1k_output_tokens.get(name)
        row = s.row(
            row,
            [
                c.std.indicators[name].label.get(c.lang),
                req.value if req else None,
                fmt.pretty_unit(req.unit) if req else None,
                tok.value if tok else None,
                fmt.pretty_unit(tok.unit) if tok else None,
            ],
        )
    row += 1
    s.put(row, 1, c.t("inference_share"), font=BOLD)
    s.put(row, 2, c.ev.inference_share, number=PERCENT_FORMAT)
    row += 1
    roles = c.std.roles
    for fid in (roles.per_request_basis, roles.requests, roles.output_tokens):
        row = _declaration(s, c, row, fid)
    s.finish(fixed={1: 40, 2: 14, 3: 12, 4: 14, 5: 12}, title_rows="1:2")


def crosswalk_sheet(s: Sheet, c: Ctx) -> None:
    """Annex C: where each AILD field appears in other frameworks (informative)."""
    frameworks = c.std.crosswalk.get("frameworks", {})
    row = s.header(
        1,
        [
            c.t("xlsx_col_aild_field"),
            c.t("col_label"),
            *(str(fw.get("label", key)) for key, fw in frameworks.items()),
        ],
    )
    for entry in c.std.crosswalk.get("rows", []):
        fid = str(entry.get("field", ""))
        row = s.row(
            row, [fid, c.label(fid) if fid in c.std.fields else None, *(entry.get(key) for key in frameworks)]
        )
    s.ws.freeze_panes = "B2"
    s.finish(fixed={col: 30 for col in range(3, 3 + len(frameworks))}, title_rows="1:1")
