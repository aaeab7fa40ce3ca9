"""The formatting half of the report view: numbers, dates, units, labels and one row per field.

`ViewFormatter` is bound to one Presentation (evaluation, standard, language). The parts of the view
(view.py, view_figures.py, view_cover.py, view_published.py) format through it, so that a number, a date
or a field's row reads the same in every part of the PDF and the web page.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from babel import Locale

from reportgen.evaluation.model import FieldValue, Location
from reportgen.presentation import fmt
from reportgen.presentation.summary import Presentation
from reportgen.resources import t
from reportgen.standard import Field

LARGE_COUNT = (
    10**9
)  # counts from here on print as m × 10ⁿ, all alike (7.2 × 10⁹ parameters, 1.5 × 10¹² tokens)

Row = dict[str, Any]


class ViewFormatter:
    """Formatting helpers bound to one evaluation, standard and language: every part of the view
    (view.py, view_figures.py, view_cover.py, view_published.py) formats through them."""

    def __init__(self, p: Presentation) -> None:
        self.p, self.ev, self.std, self.lang = p, p.ev, p.std, p.lang
        self.units = p.units
        self.report_units = {i.unit: i.report_unit for i in self.std.indicators.values()}

    # -- small formatters ------------------------------------------------------------------------
    def s(self, key: str, **kw: Any) -> str:
        text = t(key, self.lang)
        return fmt.fill(text, kw, self.lang) if kw else text

    def num(self, x: float | int | None, sig: int = 4) -> str:
        """Locale number; huge or tiny magnitudes (FLOP, token counts) as m × 10ⁿ, not 15+ digits.

        The mantissa keeps up to 6 significant digits so that round counts stay exact.
        """
        if x is None:
            return self.s("rpt_dash")
        if (
            isinstance(x, (int, float))
            and not isinstance(x, bool)
            and x != 0
            and (abs(x) >= 1e12 or abs(x) < 1e-6)
        ):
            return fmt.scientific(x, self.lang)
        return fmt.number(x, self.lang, sig)

    def unit(self, unit: str | None) -> str:
        """A unit as printed: symbols via fmt.pretty_unit (tCO₂e, m³), word units in the report language."""
        if unit in ("years", "days"):
            return self.s(f"rpt_unit_{unit}")
        return fmt.pretty_unit(unit)

    def pct(self, share: float | None) -> str:
        return fmt.percent(share, self.lang)

    def date(self, value: Any) -> str:
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                return value
        if isinstance(value, dt.datetime):
            value = value.date()
        return fmt.long_date(value, self.lang)

    def label(self, fid: str) -> str:
        f = self.std.fields.get(fid)
        return f.label.get(self.lang) if f else fid

    def group_label(self, gid: str) -> str:
        return self.std.group(gid).label.get(self.lang)

    def value(self, fid: str) -> Any:
        fv = self.ev.values.get(fid)
        return None if fv is None or fv.origin == "withheld" else fv.value

    def value_text(self, f: Field, value: Any) -> str:
        """A field's value as shown, by type: enum labels, dates, countries, locale numbers."""
        if value is None:
            return self.s("rpt_dash")
        if f.type == "enum":
            return self.std.enum_label(f.enum or "", value, self.lang)
        if f.type == "bool" or isinstance(value, bool):
            return self.std.enum_label("bool", value, self.lang)
        if f.type == "date":
            return self.date(value)
        if f.type == "country":
            name = _territories(fmt.LOCALES[self.lang]).get(str(value).upper())
            return f"{name} ({value})" if name else str(value)
        if f.type == "count" and isinstance(value, (int, float)) and abs(value) >= LARGE_COUNT:
            return fmt.scientific(value, self.lang)  # tokens, parameters, requests: one notation
        if f.type in ("quantity", "decimal", "count", "ratio") and isinstance(value, (int, float)):
            return self.num(value)
        return str(value)

    # -- rows ------------------------------------------------------------------------------------
    def obligation(self, f: Field) -> str:
        if f.obligation == "M*" and f.condition is not None:
            return f"{self.s('rpt_obligation_Mc')} {f.condition.text.get(self.lang)}"
        return self.s(
            {"M": "rpt_obligation_M", "R": "rpt_obligation_R", "O": "rpt_obligation_O"}[f.obligation]
        )

    def row(self, f: Field, applies: bool = True) -> Row:
        """One field as a table row; a field without a value is still a row (value "—")."""
        fv: FieldValue | None = self.ev.values.get(f.id)
        notes: list[str] = []
        row: Row = {
            "id": f.id,
            "label": f.label.get(self.lang),
            "obligation": self.obligation(f),
            "value": self.s("rpt_dash"),
            "unit": "",
            "method": "",
            "source": "",
            "uncertainty": "",
            "origin": "missing",
            "origin_label": self.s("rpt_not_supplied"),
            "applies": applies,
            "numeric": False,
        }
        if fv is None:
            if f.id in self.ev.rejected:
                notes.append(self.s("rpt_rejected"))
            elif not applies:
                row["origin_label"] = self.s("rpt_not_applicable")
        else:
            row["origin"] = fv.origin
            row["origin_label"] = self.s(f"origin_{fv.origin}")
            if fv.origin == "withheld":
                notes.append(
                    self.s(
                        "rpt_withheld", reason=self.std.enum_label("withheld_reason", fv.withheld, self.lang)
                    )
                )
            else:
                value, unit = self.displayed(fv.value, fv.unit)
                row["value"] = self.value_text(f, value)
                row["unit"] = self.unit(unit) if unit and value is not None else ""
                row["numeric"] = f.type in ("quantity", "decimal", "count", "ratio") and fv.value is not None
            if fv.method:
                row["method"] = self.std.enum_label("method", fv.method, self.lang)
            if fv.basis and fv.origin == "derived":  # A4: what a derived figure rests on
                row["method"] += (
                    f" ({self.s('basis_label')}: {self.std.enum_label('basis', fv.basis, self.lang)})"
                )
            if fv.source:
                row["source"] = fv.source
            elif fv.trace is not None:
                row["source"] = f"{t('clause', self.lang)} {fv.trace.clause}"
            if fv.uncertainty_pct is not None:
                row["uncertainty"] = self.s(
                    "rpt_uncertainty", pct=fmt.percent(fv.uncertainty_pct / 100, self.lang, 0)
                )
            if fv.note:
                notes.append(fv.note)
            if not fv.counted:
                notes.append(self.s("rpt_not_counted"))
        row["note"] = " · ".join(notes)
        return row

    def displayed(self, value: Any, unit: str | None) -> tuple[Any, str | None]:
        """A value in the unit every table shows for its indicator (MWh, tCO₂e, m³, kg Sb eq), so that a
        phase table and the summary never print one figure in two units; other units as they are."""
        report_unit = self.report_units.get(unit or "")
        if report_unit is None or not isinstance(value, (int, float)) or isinstance(value, bool):
            return value, unit
        return self.units.convert(value, unit or "", report_unit), report_unit

    def where(self, loc: Location | None) -> str:
        """Where a finding was read, without the input's file name (a report never reveals it)."""
        if loc is None:
            return ""
        if loc.cell:
            return loc.cell
        if loc.line:
            return self.s("rpt_line", line=fmt.number(loc.line, self.lang)) + (
                f" ({loc.path})" if loc.path else ""
            )
        return loc.path or ""

    def rows(self, gid: str, skip: tuple[str, ...] = (), applies: bool = True) -> list[Row]:
        return [self.row(f, applies) for f in self.std.fields_of(gid) if f.id not in skip]

    def part_rows(self, groups: list[str], skip: tuple[str, ...] = ()) -> list[Row]:
        """The rows of a part of the report: the fields of its groups (the edition's `display.parts`)."""
        return [r for g in groups for r in self.rows(g, skip)]


@functools.lru_cache(maxsize=2)
def _territories(locale: str) -> dict[str, str]:
    return dict(Locale.parse(locale).territories)
