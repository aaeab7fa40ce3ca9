"""D.3 and D.5–D.6 from the activity sums: derived values with traces and bases, W-ACT-3, I-ACT-5, W-ACT-6,
the report part and the fingerprint entries. Plain arithmetic on a few numbers per phase."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from reportgen import localized
from reportgen.activity.spec import ActivitySpec
from reportgen.activity.sums import Aggregates, PhaseSums, Scope, TableResult
from reportgen.evaluation import codes
from reportgen.evaluation.calculation import ACTIVITY_CLAUSE as CLAUSE  # Annex D, D.3: applied before 8.1
from reportgen.evaluation.findings import Findings
from reportgen.evaluation.model import (
    ActivityMonth,
    ActivityPeriod,
    ActivityPhase,
    ActivityReport,
    ActivityTable,
    Expr,
    FieldValue,
    TraceInput,
)
from reportgen.standard import Localized, Standard


@dataclass
class ActivityOutcome:
    """What Annex D gives the evaluation: values to add where nothing was supplied or withheld (each with
    its basis, A4), the report part, and the fingerprint entries (D.5)."""

    values: dict[str, FieldValue] = field(default_factory=dict)
    report: ActivityReport | None = None
    fingerprint: list[dict[str, Any]] = field(default_factory=list)


def weakest(bases: list[str], std: Standard) -> str:
    """A4: the weakest of the bases a figure uses."""
    order = std.basis_order()
    return max(bases, key=order.index) if bases else "calculated"


def _n(x: float, lang: str) -> str:
    return localized.number(x, lang, sig=6)


def signed_percent(pct: float | None, lang: str) -> str:
    """+3.2 % / −3.2 % (a true minus sign), three significant digits."""
    if pct is None or not math.isfinite(pct):
        return "—"
    return (
        ("+" if pct >= 0 else "−") + localized.number(abs(pct), lang, sig=3) + "\u202f%"
        if lang == "fr"
        else ("+" if pct >= 0 else "−") + localized.number(abs(pct), lang, sig=3) + " %"
    )


class _Phase:
    """Derivations of one phase: knows what the reporter gave, adds values and findings."""

    def __init__(
        self,
        phase: str,
        sums: PhaseSums,
        agg: Aggregates,
        spec: ActivitySpec,
        std: Standard,
        scope: Scope,
        findings: Findings,
        out: ActivityOutcome,
    ) -> None:
        self.p, self.s, self.agg, self.spec, self.std = phase, sums, agg, spec, std
        self.scope, self.findings, self.out, self.lang = scope, findings, out, scope.lang

    def field(self, key: str) -> str:
        """The phase's field of `key`: Annex D derives and compares a phase's figures by their key (D.3)."""
        return f"{self.p}.{key}"

    def given(self, key: str) -> FieldValue | None:
        return self.scope.values.get(self.field(key))

    def supplied_number(self, key: str) -> float | None:
        v = self.given(key)
        if v is None or v.origin != "supplied" or not v.counted or isinstance(v.value, bool):
            return None
        return float(v.value) if isinstance(v.value, (int, float)) else None

    def tables_note(self, nos: list[int], rows: int) -> list[str]:
        by_no = {t.decl.no: t for t in self.agg.tables}
        notes = [f"{by_no[n].decl.path} (sha256 {by_no[n].sha256[:12]}…)" for n in dict.fromkeys(nos)]
        return [
            f"{'; '.join(notes)}: {rows:,} rows counted".replace(",", "\u202f" if self.lang == "fr" else ",")
        ]

    def offer(
        self,
        key: str,
        value: float | int,
        basis: str,
        expression: Expr,
        template: str,
        notes: list[str],
        inputs: list[TraceInput] | None = None,
        formula: Localized | None = None,
        source: str | None = None,
    ) -> bool:
        """Derive PHASE.key unless it was supplied or withheld; W-ACT-6 when a supplied figure disagrees."""
        fid = self.field(key)
        if fid not in self.std.fields:
            return False
        given = self.given(key)
        if given is not None:
            supplied = self.supplied_number(key)
            if (
                key in self.spec.compared_fields
                and supplied is not None
                and abs(supplied - value) > self.spec.agreement_tolerance * abs(value)
            ):
                unit = self.std.fields[fid].unit or ""
                diff = (supplied - value) / value if value else math.inf
                self.findings.add(
                    codes.ACTIVITY_DISAGREES,
                    fid,
                    given.location,
                    supplied=f"{_n(supplied, self.lang)} {unit}".strip(),
                    activity=f"{_n(value, self.lang)} {unit}".strip(),
                    difference=localized.percent(diff, self.lang) if math.isfinite(diff) else "∞",
                )
            return False
        f = self.std.fields[fid]
        text = (formula or self.spec.formulas[key]).get(self.lang)
        self.out.values[fid] = FieldValue(
            value=value,
            unit=f.unit,
            origin="derived",
            method="calculated",
            source=source,
            basis=basis,
            trace=expression.trace(CLAUSE, text, template, inputs=inputs or [], notes=notes),
        )
        return True

    def run(self) -> ActivityPhase | None:
        s, kinds = self.s, self.spec.kinds
        if s.accelerator_hours is not None:
            e = Expr()
            self.offer(
                "accelerator_hours",
                s.accelerator_hours,
                kinds["accelerator_usage"].basis,
                e,
                f"Σ accelerators × hours = {e(s.accelerator_hours)} h",
                self.tables_note(s.usage_tables, s.usage_rows),
            )
        for key in ("requests", "input_tokens", "output_tokens"):
            total = s.requests.get(key)
            if total is not None and s.request_rows:
                count = int(math.floor(total + 0.5))  # halves away from zero (values are not negative)
                e = Expr()
                self.offer(
                    key,
                    count,
                    kinds["requests"].basis,
                    e,
                    f"Σ {key} = {e(total)} → {e(count)}",
                    self.tables_note(s.request_tables, s.request_rows),
                )
        if s.energy is None:
            return None
        energy_basis = (
            kinds["accelerator_usage"].power_basis if s.energy_from_power else kinds["energy"].basis
        )
        energy_basis = energy_basis or "estimated"
        inputs = []
        if s.energy_from_power and self.scope.facility:
            pue_id = self.std.calculations.formulas["8.1"].input("pue", self.p)  # as 8.1 applies it
            pue = self.scope.values[pue_id]
            inputs.append(
                TraceInput(
                    field=pue_id,
                    value=float(pue.value),
                    unit=None,
                    origin="supplied",
                    source=pue.source,
                )
            )
        e = Expr()
        energy_derived = self.offer(
            "energy",
            s.energy,
            energy_basis,
            e,
            f"Σ {'accelerators × hours × avg_power_w ÷ 1000' if s.energy_from_power else 'energy_kwh'}"
            f" = {e(s.energy)} kWh",
            self.tables_note(s.energy_tables, s.energy_rows),
            inputs,
            formula=self.spec.formulas["energy_from_power" if s.energy_from_power else "energy"],
        )
        if not self.agg.grid_read:
            return ActivityPhase(
                energy_kwh=s.energy,
                matched_share=None,
                hourly_ghg=None,
                average_ghg=None,
                difference_pct=None,
            )
        return self.match(s.energy, energy_basis, energy_derived)

    def match(self, energy: float, energy_basis: str, energy_derived: bool) -> ActivityPhase:
        s, lang = self.s, self.lang
        grid_basis = self.spec.kinds["grid_intensity"].basis
        unmatched = max(energy - s.matched_energy, 0.0)
        if unmatched <= 1e-12 * max(energy, 1.0):
            unmatched = 0.0
        share = s.matched_energy / energy if energy else None
        fallback = self.supplied_number("grid_intensity")
        hourly: float | None = s.matched_ghg
        used_fallback = bool(unmatched) and fallback is not None
        label = self.std.group(self.p).label.get(lang)
        if unmatched:
            hourly = s.matched_ghg + unmatched * fallback / 1000 if fallback is not None else None
            self.findings.add(
                codes.ACTIVITY_WITHOUT_HOURLY_INTENSITY,
                self.field("ghg_location"),
                None,
                variant=None if fallback is not None else "no_fallback",
                phase=label,
                share=localized.percent(unmatched / energy, lang),
                energy=localized.quantity(unmatched, "kWh", lang),
                matched=localized.percent(share or 0.0, lang),
                zones=", ".join(s.unmatched_zones) or "—",
            )
        average = None
        if hourly is not None:
            average = (s.average_ghg_matched or 0.0) + (
                unmatched * fallback / 1000 if used_fallback and fallback is not None else 0.0
            )
            bases = [energy_basis, grid_basis]
            inputs = []
            if used_fallback and (gi := self.given("grid_intensity")) is not None:
                bases.append(gi.method or "not_stated")
                inputs.append(
                    TraceInput(
                        field=self.field("grid_intensity"),
                        value=float(gi.value),
                        unit=gi.unit,
                        origin="supplied",
                        source=gi.source,
                    )
                )
            e = Expr()
            expr = f"Σ E × I ÷ 1000 = {e(s.matched_ghg)} kgCO2e"
            if used_fallback and fallback is not None:
                expr += f" + {e(unmatched)} kWh × {e(fallback)} gCO2e/kWh ÷ 1000 = {e(hourly)} kgCO2e"
            notes = self.tables_note(
                s.energy_tables + [t.decl.no for t in self.agg.grid_tables], s.energy_rows
            )
            if energy_derived:
                self.offer("ghg_location", hourly, weakest(bases, self.std), e, expr, notes, inputs)
            diff = (hourly - average) / average * 100 if average else None
            self.findings.add(
                codes.ACTIVITY_HOURLY_AGAINST_AVERAGE,
                self.field("ghg_location"),
                None,
                phase=label,
                hourly=localized.quantity(hourly, "kgCO2e", lang),
                average=localized.quantity(average, "kgCO2e", lang),
                difference=signed_percent(diff, lang),
            )
        else:
            diff = None
        if not unmatched and energy > 0:
            descriptions = [t.decl.description for t in self.agg.grid_tables if t.decl.description]
            mean = s.matched_ghg * 1000 / energy
            e = Expr()
            self.offer(
                "grid_intensity",
                mean,
                weakest([energy_basis, grid_basis], self.std),
                e,
                f"{e(s.matched_ghg * 1000)} gCO2e ÷ {e(energy)} kWh = {e(mean)} gCO2e/kWh",
                self.tables_note(s.energy_tables + [t.decl.no for t in self.agg.grid_tables], s.energy_rows),
                source="; ".join(descriptions) or None,
            )
        return ActivityPhase(
            energy_kwh=s.energy,
            matched_share=share,
            hourly_ghg=hourly,
            average_ghg=average,
            difference_pct=diff,
        )


def derive(
    agg: Aggregates, spec: ActivitySpec, std: Standard, scope: Scope, findings: Findings
) -> ActivityOutcome:
    out = ActivityOutcome()
    phases: dict[str, ActivityPhase] = {}
    for phase, sums in agg.phases.items():
        part = _Phase(phase, sums, agg, spec, std, scope, findings, out).run()
        if part is not None:
            phases[phase] = part
    out.report = ActivityReport(
        tables=[_table(t) for t in agg.tables],
        phases=phases,
        monthly=[ActivityMonth(**m) for m in agg.monthly],
    )
    out.fingerprint = [fingerprint_entry(t, spec) for t in agg.tables]
    return out


def _table(t: TableResult) -> ActivityTable:
    period = (
        ActivityPeriod(
            start=t.period[0].isoformat().replace("+00:00", "Z"),
            end=t.period[1].isoformat().replace("+00:00", "Z"),
        )
        if t.period
        else None
    )
    return ActivityTable(
        table=t.decl.table,
        path=t.decl.path,
        phase=t.decl.phase,
        rows=t.rows,
        counted_rows=t.counted if t.decl.table != "grid_intensity" else None,
        period=period,
        sha256=t.sha256,
        matched_share=t.matched_share,
        description=t.decl.description,
    )


def fingerprint_entry(t: TableResult, spec: ActivitySpec) -> dict[str, Any]:
    """D.5: {table, sha256, rows} plus phase and description when declared, and basis for grid tables."""
    entry: dict[str, Any] = {"table": t.decl.table, "sha256": t.sha256, "rows": t.rows}
    if t.decl.phase:
        entry["phase"] = t.decl.phase
    if t.decl.description:
        entry["description"] = t.decl.description
    if t.decl.table == "grid_intensity":
        entry["basis"] = t.decl.effective_basis(spec)
    return entry
