"""The presentation model of a disclosure report: what a reader sees, in order of SPEC clause 11.

`build_view(ev)` turns an Evaluation into plain dicts and lists of already formatted, language-specific
strings (labels from the standard, numbers and dates per locale with Babel, units written properly). It
holds no markup, so the PDF template and the workbook renderer can share it; the renderers only lay it
out. Nothing here is parsed back for arithmetic: the numbers stay in the Evaluation.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from typing import Any

import yaml
from babel import Locale

from reportgen.errors import StandardError
from reportgen.evaluation.model import Evaluation, FieldValue, Location
from reportgen.presentation import fmt, view_cover
from reportgen.presentation import view_published as published_mod
from reportgen.presentation.summary import Presentation, present
from reportgen.presentation.view_activity import section as activity_section
from reportgen.resources import t
from reportgen.standard import Field, Standard
from reportgen.standard.display import DisplayLine

LARGE_COUNT = (
    10**9
)  # counts from here on print as m × 10ⁿ, all alike (7.2 × 10⁹ parameters, 1.5 × 10¹² tokens)

Row = dict[str, Any]


def build_view(ev: Evaluation, std: Standard | None = None) -> dict[str, Any]:
    """The whole report as formatted data, keys in the order of clause 11.

    Keys: meta (title, author, subject, keywords, created, lang), status, self_declared, cover (page 1:
    presentation/view_cover.py), identification,
    totals, equivalences, boundary, phases, functional_units, methodology, verification, traces,
    missing, findings, fingerprint. Every field of the standard appears exactly once as a row (a dict
    with id, label, value, unit, origin, method, source, uncertainty, note) in identification,
    boundary, phases, methodology or verification, including fields that have no value.
    The strings are as written; the PDF passes them through presentation/printable.py (characters its fonts
    lack, long texts, long runs), the web page shows them as they are.
    """
    v = _View(present(ev, std))
    identification = v.identification()
    return {
        "meta": v.meta(),
        "status": v.status(),
        "self_declared": t("self_declared", v.lang) if v.self_declared() else None,
        "cover": view_cover.cover(v, identification),
        "identification": identification,
        "totals": v.totals(),
        "equivalences": v.equivalences(),
        "boundary": v.boundary(),
        "phases": v.phases(),
        "activity": activity_section(ev.activity, v.std, v.lang),  # Annex D, D.6
        "functional_units": v.functional_units(),
        "published": published_mod.sections(v, tuple(v.std.display.parts.groups())),
        "methodology": v.methodology(),
        "verification": v.verification(),
        "traces": v.traces(),
        "missing": v.missing(),
        "findings": v.findings(),
        "fingerprint": ev.fingerprint,
        "short_fingerprint": ev.fingerprint.removeprefix("sha256:")[:16],
    }


class _View:
    """Formatting helpers bound to one evaluation, standard and language."""

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

    # -- clause 11 sections ----------------------------------------------------------------------
    def self_declared(self) -> bool:
        """Clause 10: self-declared unless a level above internal review is declared."""
        return self.ev.self_declared

    def meta(self) -> Row:
        roles = self.std.roles
        system = str(self.value(roles.system_name) or "")
        version = str(self.value(roles.model_version) or "")
        org = str(self.value(roles.organization_name) or "")
        created = self.value(roles.publication_date) or self.value(roles.period_end)
        sid, edition = self.ev.standard.id, self.ev.standard.edition
        name = fmt.system_title(self.ev)
        return {
            "lang": self.lang,
            "heading": self.s("rpt_title"),
            "system": system,
            "version": version,
            "running_title": name,
            "author": org,
            "document": {  # the PDF's metadata, not drawn: keeps characters the fonts lack
                "title": f"{self.s('rpt_title')} — {name}" if name else self.s("rpt_title"),
                "author": org,
                "subject": self.s("rpt_subject", system=name or "—", standard=sid, edition=edition),
                "keywords": [f"{sid} {edition}", sid, "AI", "LCA", "GHG", *([system] if system else [])],
            },
            "created": created.isoformat() if isinstance(created, dt.date) else None,
            "generated": self.s("rpt_generated", version=self.ev.tool_version),
            "standard_title": f"{sid} {edition} — {self.std.title.get(self.lang)}",
        }

    def status(self) -> Row:
        return {
            "text": self.p.status_text,
            "complete": self.p.complete,
            "completeness": self.p.completeness_text,
            "recommended": self.pct(self.ev.recommended_coverage),
        }

    def identification(self) -> Row:
        facts = [
            fact for line in self.std.display.report_identification if (fact := self.fact(line)) is not None
        ]
        published = published_mod.aggregates(self)
        keyed = [{"key": "", "label": a, "value": b} for a, b in facts]
        if published:  # A6: on the first page (which shows each beside its total)
            keyed.append({"key": "published", "label": self.s("published_aggregates"), "value": published})
        groups = [
            {"id": g, "label": self.group_label(g), "rows": self.rows(g)}
            for g in self.std.display.parts.identification
        ]
        return {"facts": keyed, "groups": groups}

    def totals(self) -> list[Row]:
        out = []
        for total in self.p.totals:
            phases = [
                {
                    "id": p,
                    "label": self.group_label(p),
                    "value": self.num(x),
                    "share": total.shares.get(p, 0.0),
                    "share_text": self.pct(total.shares.get(p)),
                }
                for p, x in total.by_phase.items()
            ]
            notes = []  # D1.1: A2 phases entered location-based, A3 partial shares, A6 published aggregate
            if total.location_based_phases:
                notes.append(
                    self.s(
                        "entered_location",
                        phases=", ".join(
                            f"{self.group_label(p)} {self.num(total.by_phase[p])} {total.unit_text}"
                            for p in total.location_based_phases
                        ),
                    )
                )
            if total.shares_partial and total.shares:
                notes.append(self.s("shares_partial"))
            if total.published is not None:
                notes.append(
                    self.s(
                        "published_beside",
                        value=f"{self.num(total.published)} {total.unit_text}",
                        scope=total.published_scope or self.s("rpt_dash"),
                    )
                )
            out.append(
                {
                    "notes": notes,
                    "id": total.id,
                    "label": total.label,
                    "unit": total.unit_text,
                    "value": self.num(total.value) if total.value is not None else t("no_value", self.lang),
                    "has_value": total.value is not None,
                    "partial": total.partial,
                    "partial_text": total.partial_text,
                    "phases": phases,
                }
            )
        return out

    def equivalences(self) -> list[Row]:
        out = []
        for eq in _equivalences(str(self.std.data_file("equivalences.yaml").parent)):
            total = self.ev.totals.get(eq["indicator"])
            if total is None or total.value is None:
                continue
            ind = self.std.indicators[eq["indicator"]]
            amount = self.units.convert(total.value, ind.unit, eq["unit"])
            count = amount / float(eq["factor"])
            if count >= 100:  # two significant digits: the factor is not more precise than that
                count = round(count, 1 - int(math.floor(math.log10(count))))
            shown = self.p.total(eq["indicator"])
            out.append(
                {
                    "text": self.s(
                        "rpt_equivalence_line",
                        total=f"{self.num(shown.value if shown else None)} "
                        f"{fmt.pretty_unit(ind.report_unit)}",
                        count=self.num(count, 2 if count >= 10 else 1),
                        what=eq["what"][self.lang],
                    ),
                    "indicator": ind.label.get(self.lang),
                    "factor": f"{self.num(eq['factor'])} {fmt.pretty_unit(eq['unit'])}",
                    "source": eq["source"][self.lang],
                    "at_least": self.s("rpt_at_least") if total.partial else "",
                }
            )
        return out

    def fact(self, line: DisplayLine) -> tuple[str, str] | None:
        """One line of the identification block (the edition's `display`): label and text; None for a
        line left out when empty."""
        label = self.s(line.label) if line.label else self.label(line.fields[0])
        values = [(self.std.fields[fid], self.value(fid)) for fid in line.fields]
        given = [(f, v) for f, v in values if v]
        if line.when_given and not given:
            return None
        if line.show == "period":
            start, end = (v for _, v in values)
            text = self.s("rpt_period", start=self.date(start), end=self.date(end)) if start and end else ""
        elif line.show == "standard":
            text = self.meta()["standard_title"]
        elif line.show == "language":
            text = fmt.language_name(self.lang)  # named in itself: Français
        elif line.show == "status":
            text = self.p.status_text
        elif line.show in ("completeness", "recommended_coverage"):
            text = self.pct(getattr(self.ev, line.show))
        else:
            text = " — ".join(self.value_text(f, v) for f, v in given)
        return label, text or self.s(line.empty)

    def boundary(self) -> Row:
        phases = []
        for p in self.std.phase_ids:
            f = self.std.fields[self.std.roles.status_of(p)]
            jf = self.std.fields[self.std.roles.justification_of(p)]
            phases.append(
                {"id": p, "label": self.group_label(p), "status": self.row(f), "justification": self.row(jf)}
            )
        scope = self.value(self.std.roles.energy_scope)
        narrow = None
        if scope is not None and scope != self.std.facility_energy_scope:
            label = self.std.enum_label("energy_scope", scope, self.lang)
            narrow = {"label": self.s("rpt_narrow_label"), "text": self.s("rpt_narrow_text", scope=label)}
        rows = self.part_rows(self.std.display.parts.boundary, skip=self.std.phase_status_fields())
        return {"phases": phases, "rows": rows, "narrow": narrow}

    def phases(self) -> list[Row]:
        """Per phase (clause 11 item 4). An included phase lists its fields with a value and its missing
        mandatory items; the empty recommended and optional ones are named on one line. A phase outside
        the boundary takes one line (status and justification), plus any value given for it anyway."""
        out: list[Row] = []
        for g in self.std.phases:
            status = self.ev.boundary.get(g.id)
            included = status == "included"
            status_label = (
                self.std.enum_label("phase_status", status, self.lang)
                if status
                else self.s("rpt_not_supplied")
            )
            rows = self.rows(g.id, applies=included or status is None)
            shown = [r for r in rows if r["origin"] != "missing" or r["note"] or r["id"] in self.ev.missing]
            empty = [{"id": r["id"], "label": r["label"]} for r in rows if r not in shown]
            justification = self.value(self.std.roles.justification_of(g.id))
            out.append(
                {
                    "id": g.id,
                    "label": g.label.get(self.lang),
                    "clause": g.clause,
                    "status": status_label,
                    "included": included,
                    "one_line": not included and status is not None,
                    "justification": str(justification) if justification else "",
                    "out_note": ""
                    if included or status is None or not shown
                    else self.s("rpt_phase_out", status=status_label),
                    "rows": shown,
                    "empty": empty,
                    "empty_title": (self.s("rpt_empty_fields") if included or status is None else "")
                    if empty
                    else "",
                }
            )
        return out

    def functional_units(self) -> Row:
        def cell(uv: tuple[float, str] | None) -> str:
            return view_cover.per_unit_text(uv, self.lang) or self.s("rpt_not_derivable")

        rows = [
            {"label": u.label, "per_request": cell(u.per_request), "per_1k": cell(u.per_1k)}
            for u in self.p.per_unit
        ]
        basis_field = self.std.fields[self.std.roles.per_request_basis]
        return {
            "rows": rows,
            "basis_label": basis_field.label.get(self.lang),
            "basis": self.value_text(basis_field, self.value(basis_field.id)),
            "inference_share": self.pct(self.ev.inference_share)
            + (f" ({self.s('share_partial_flag')})" if self.ev.inference_share_partial else ""),
            "published": published_mod.per_unit(self),
        }

    def methodology(self) -> Row:
        kind = "basis" if self.std.semantics.basis else "method"  # A4 replaces 9.3's methods by bases
        methods = [
            m for m in self.std.enum_values(kind) if any(m in dq for dq in self.ev.data_quality.values())
        ]
        dq_rows = [
            {
                "label": self.std.indicators[name].label.get(self.lang),
                "cells": [self.pct(dq[m]) if m in dq else self.s("rpt_dash") for m in methods],
            }
            for name, dq in self.ev.data_quality.items()
            if name in self.std.indicators
        ]
        return {
            "rows": self.part_rows(self.std.display.parts.methodology),
            "data_quality": {
                "methods": [self.std.enum_label(kind, m, self.lang) for m in methods],
                "rows": dq_rows,
            },
        }

    def verification(self) -> Row:
        roles = self.std.roles
        level = self.value(roles.verification_level)
        level_label = self.std.enum_label("verification_level", level, self.lang) if level else None
        provider, when, ref = (
            self.value(fid)
            for fid in (roles.verification_provider, roles.verification_date, roles.verification_statement)
        )
        if level is None:
            statement = self.s("rpt_no_level")
        elif self.ev.self_declared:
            statement = f"{level_label}. {t('self_declared', self.lang)}."
        elif provider and when and ref:
            statement = self.s(
                "rpt_verified", level=level_label, provider=provider, date=self.date(when), ref=ref
            )
        else:
            statement = self.s("rpt_verified_incomplete", level=level_label)
        std_applied = self.value(roles.verification_standard)
        if std_applied and not self.ev.self_declared:
            statement += " " + self.s("rpt_verified_standard", standard=std_applied)
        return {"rows": self.part_rows(self.std.display.parts.verification), "statement": statement}

    def traces(self) -> list[Row]:
        out = []
        for fid, fv in self.ev.values.items():
            if fv.trace is None:
                continue
            tr = fv.trace
            inputs = [
                {
                    "id": i.field,
                    "label": self.label(i.field),
                    "value": f"{self.num(i.value)} {self.unit(i.unit)}".strip(),
                    "origin": self.s(f"origin_{i.origin}"),
                    "source": i.source or "",
                }
                for i in tr.inputs
            ]
            out.append(
                {
                    "id": fid,
                    "label": self.label(fid),
                    "clause": tr.clause,
                    "value": fmt.quantity(fv.value, fv.unit, self.lang)
                    if isinstance(fv.value, (int, float))
                    else self.s("rpt_dash"),
                    "formula": tr.formula,
                    "expression": tr.expression,
                    "inputs": inputs,
                    "notes": list(tr.notes),
                }
            )
        order = {fid: i for i, fid in enumerate(self.std.fields)}
        return sorted(out, key=lambda r: order.get(r["id"], len(order)))

    def missing(self) -> list[Row]:
        return [
            {
                "id": m.field,
                "label": self.label(m.field),
                "group": self.group_label(m.phase or m.field.split(".")[0]),
                "obligation": m.obligation,
                "clause": m.clause,
                "condition": m.condition or "",
                "fix": m.fix,
            }
            for m in self.ev.missing_items
        ]

    def findings(self) -> list[Row]:
        return [
            {
                "code": f.code,
                "severity": f.severity,
                "severity_label": t(f"severity_{f.severity}", self.lang),
                "field": f.field or "",
                "clause": f.clause,
                "message": f.message,
                "fix": f.fix,
                "location": self.where(f.location),
                "follows": cause.code if (cause := self.p.cause(f)) is not None else "",
            }
            for f in self.p.findings
        ]


@functools.lru_cache(maxsize=2)
def _territories(locale: str) -> dict[str, str]:
    return dict(Locale.parse(locale).territories)


@functools.lru_cache(maxsize=4)
def _equivalences(directory: str) -> list[dict[str, Any]]:
    """Equivalence factors of the edition (optional file); an entry without a source is refused."""
    from pathlib import Path

    path = Path(directory) / "equivalences.yaml"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as fh:
        entries = (yaml.safe_load(fh) or {}).get("equivalences") or []
    for i, eq in enumerate(entries):
        src = eq.get("source") or {}
        if not all(str(src.get(lang, "")).strip() for lang in ("en", "fr")) or not eq.get("factor"):
            raise StandardError(
                f"{path}: equivalence #{i + 1} ({eq.get('id')}) needs a factor and a source "
                "in en and fr; a factor is never shown without its source."
            )
    return entries
