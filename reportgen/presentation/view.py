"""The presentation model of a disclosure report: what a reader sees, in order of SPEC clause 11.

`build_view(ev)` turns an Evaluation into plain dicts and lists of already formatted, language-specific
strings (labels from the standard, numbers and dates per locale with Babel, units written properly). It
holds no markup, so the PDF template and the workbook renderer can share it; the renderers only lay it
out. Nothing here is parsed back for arithmetic: the numbers stay in the Evaluation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from reportgen.evaluation.model import Evaluation
from reportgen.presentation import fmt, view_cover, view_figures
from reportgen.presentation import view_published as published_mod
from reportgen.presentation.summary import present
from reportgen.presentation.view_activity import section as activity_section
from reportgen.presentation.view_rows import Row, ViewFormatter
from reportgen.resources import t
from reportgen.standard import Standard
from reportgen.standard.display import DisplayLine


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
        "totals": view_figures.totals_view(v),
        "equivalences": view_figures.equivalences_view(v),
        "boundary": v.boundary(),
        "phases": v.phases(),
        "activity": activity_section(ev.activity, v.std, v.lang),  # Annex D, D.6
        "functional_units": view_figures.functional_units_view(v),
        "published": published_mod.sections(v, tuple(v.std.display.parts.groups())),
        "methodology": v.methodology(),
        "verification": v.verification(),
        "traces": v.traces(),
        "missing": v.missing(),
        "findings": v.findings(),
        "fingerprint": ev.fingerprint,
        "short_fingerprint": ev.fingerprint.removeprefix("sha256:")[:16],
    }


class _View(ViewFormatter):
    """The parts of the report laid out in order of clause 11 (the figures are in view_figures.py)."""

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
            label = self.std.value_label(self.std.roles.energy_scope, scope, self.lang)
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
                self.std.value_label(self.std.roles.status_of(g.id), status, self.lang)
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
        level_label = self.std.value_label(roles.verification_level, level, self.lang) if level else None
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
                    "expression": fmt.expression(tr, self.lang),
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
