"""Clause 8 as a small graph of named formulas. Each derivation records its trace.

Which field each formula derives is data (`derivable_by` in fields.yaml); the order comes from
`calculations.yaml` (8.1, 8.4, 8.2, 8.3, then totals). A supplied or withheld figure is never
overwritten, and a formula whose inputs are missing or withheld is simply not applied. Intermediate
values are never rounded.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from reportgen.evaluation.context import Context
from reportgen.evaluation.model import (
    FieldValue,
    FunctionalUnits,
    Published,
    Total,
    Trace,
    TraceInput,
    UnitValue,
)
from reportgen.presentation import fmt
from reportgen.resources import t


def _g(ctx: Context, x: float) -> str:
    """A number in a trace expression: six significant digits, grouped per the report's language."""
    return fmt.number(x, ctx.lang, sig=6)


def _input(ctx: Context, fid: str) -> TraceInput:
    v = ctx.values[fid]
    source = (
        v.source
        if v.origin == "supplied"
        else (t("derived_by_clause", ctx.lang).format(clause=v.trace.clause) if v.trace else None)
    )
    return TraceInput(field=fid, value=float(v.value), unit=v.unit, origin=v.origin, source=source)


def _ref(fid: str) -> str:
    """An input in a formula's form: its field id in brackets (the Excel disclosure puts its cell there)."""
    return f"[{fid}]"


def _k(x: float) -> str:
    """A constant in a formula's form, exactly (repr round-trips a float)."""
    return repr(float(x)).upper()  # 1E-05: the notation Excel reads


class Derivation:
    """What a formula returns: a value, the fields it used, its expression with numbers, and its form —
    the same arithmetic over the inputs' ids, in the order computed, which the Excel disclosure writes as a
    live formula (issue 14 item 7). Built beside the value from the same operands, never apart."""

    def __init__(
        self,
        value: float | str,
        used: list[str],
        expression: str,
        notes: list[str] | None = None,
        form: str | None = None,
    ):
        self.value, self.used, self.expression, self.notes = value, used, expression, notes or []
        self.form = form


def energy_from_accelerator_time(ctx: Context, fid: str) -> Derivation | None:
    """8.1: IT energy = accelerator_hours × avg_power_w ÷ 1000; × pue under the facility scope."""
    phase = fid.split(".")[0]
    hours, power = ctx.num(f"{phase}.accelerator_hours"), ctx.num(f"{phase}.avg_power_w")
    if hours is None or power is None:
        return None
    k = ctx.standard.calculations.formulas["8.1"].parameters["w_per_kw"]
    it = hours * power / k
    used = [f"{phase}.accelerator_hours", f"{phase}.avg_power_w"]
    form = f"{_ref(used[0])}*{_ref(used[1])}/{_k(k)}"
    if not ctx.facility:
        return Derivation(
            it, used, f"{_g(ctx, hours)} h × {_g(ctx, power)} W ÷ {k:g} = {_g(ctx, it)} kWh", form=form
        )
    pue = ctx.num(f"{phase}.pue")
    if pue is None:
        return None
    return Derivation(
        it * pue,
        [*used, f"{phase}.pue"],
        f"{_g(ctx, hours)} h × {_g(ctx, power)} W ÷ {k:g} × {_g(ctx, pue)} = {_g(ctx, it * pue)} kWh",
        form=f"{form}*{_ref(f'{phase}.pue')}",
    )


def location_based_ghg(ctx: Context, fid: str) -> Derivation | None:
    """8.2: ghg_location (kgCO2e) = energy (kWh) × grid_intensity (gCO2e/kWh) ÷ 1000."""
    phase = fid.split(".")[0]
    energy, grid = ctx.num(f"{phase}.energy"), ctx.num(f"{phase}.grid_intensity")
    if energy is None or grid is None:
        return None
    k = ctx.standard.calculations.formulas["8.2"].parameters["g_per_kg"]
    value = energy * grid / k
    return Derivation(
        value,
        [f"{phase}.energy", f"{phase}.grid_intensity"],
        f"{_g(ctx, energy)} kWh × {_g(ctx, grid)} gCO2e/kWh ÷ {k:g} = {_g(ctx, value)} kgCO2e",
        form=f"{_ref(f'{phase}.energy')}*{_ref(f'{phase}.grid_intensity')}/{_k(k)}",
    )


def it_energy(ctx: Context, phase: str) -> tuple[float, list[str]] | None:
    """IT energy of a phase: energy ÷ pue under the facility scope, else energy (8.3, 8.6)."""
    energy = ctx.num(f"{phase}.energy")
    if energy is None:
        return None
    if not ctx.facility:
        return energy, [f"{phase}.energy"]
    pue = ctx.num(f"{phase}.pue")
    if not pue:
        return None
    return energy / pue, [f"{phase}.energy", f"{phase}.pue"]


def water(ctx: Context, fid: str) -> Derivation | None:
    """8.3: water (L) = IT energy × wue + energy × water_intensity_offsite (when given)."""
    phase = fid.split(".")[0]
    wue, it = ctx.num(f"{phase}.wue"), it_energy(ctx, phase)
    if wue is None or it is None:
        return None
    it_kwh, used = it
    value = it_kwh * wue
    expression = f"{_g(ctx, it_kwh)} kWh × {_g(ctx, wue)} L/kWh"
    form = "/".join(_ref(u) for u in used) + f"*{_ref(f'{phase}.wue')}"  # energy (÷ pue) × wue
    used = [*used, f"{phase}.wue"]
    offsite = ctx.num(f"{phase}.water_intensity_offsite")
    if offsite is not None:
        energy = ctx.num(f"{phase}.energy") or 0.0
        value += energy * offsite
        expression += f" + {_g(ctx, energy)} kWh × {_g(ctx, offsite)} L/kWh"
        used.append(f"{phase}.water_intensity_offsite")
        form += f"+{_ref(f'{phase}.energy')}*{_ref(used[-1])}"
    return Derivation(value, used, f"{expression} = {_g(ctx, value)} L", form=form)


def embodied_allocation(ctx: Context, fid: str) -> Derivation | None:
    """8.4: accelerator-hours by default, then the embodied GHG allocated by use time."""
    spec = ctx.standard.calculations.formulas["8.4"]
    if fid == "hardware.accelerator_hours":
        used: list[str] = []
        without: list[str] = []
        for p in spec.hours_phases:
            if not ctx.included(p):
                continue
            (used if ctx.num(f"{p}.accelerator_hours") is not None else without).append(p)
        if not used:
            return None
        total = sum(ctx.num(f"{p}.accelerator_hours") or 0.0 for p in used)
        without_note = [f"included phases without accelerator_hours: {', '.join(without)}"] if without else []
        fields = [f"{p}.accelerator_hours" for p in used]
        return Derivation(
            total,
            fields,
            " + ".join(_g(ctx, ctx.num(f) or 0) for f in fields) + f" = {_g(ctx, total)} h",
            without_note,
            form="+".join(_ref(f) for f in fields),
        )
    hours, life = ctx.num("hardware.accelerator_hours"), ctx.num("hardware.lifetime_years")
    if not hours or not life:
        return None
    usage = ctx.num("hardware.usage_rate")
    notes: list[str] = []
    if usage is None:
        usage = spec.parameters["default_usage_rate"]
        notes.append("usage_rate not given: 1 assumed (I-CALC-2)")
    if usage == 0:
        return None
    per_year = spec.parameters["hours_per_year"]
    device_hours = life * per_year * usage
    usage_form = _ref("hardware.usage_rate") if ctx.num("hardware.usage_rate") is not None else _k(usage)
    device_form = f"({_ref('hardware.lifetime_years')}*{_k(per_year)}*{usage_form})"
    forms: list[str] = []
    used = ["hardware.accelerator_hours", "hardware.lifetime_years"]
    used += (
        ["hardware.usage_rate"]
        if "hardware.usage_rate" in ctx.values and ctx.num("hardware.usage_rate") is not None
        else []
    )
    value, terms = 0.0, []
    per_acc = ctx.num("hardware.embodied_per_accelerator")
    if per_acc is not None:
        value += per_acc / device_hours * hours
        forms.append(
            f"{_ref('hardware.embodied_per_accelerator')}/{device_form}*{_ref('hardware.accelerator_hours')}"
        )
        terms.append(
            f"{_g(ctx, per_acc)} kgCO2e ÷ ({_g(ctx, life)} × {per_year:g} × {_g(ctx, usage)}) × {_g(ctx, hours)} h"
        )
        used.append("hardware.embodied_per_accelerator")
    else:
        notes.append("accelerator term omitted: hardware.embodied_per_accelerator not available")
    per_srv, per_server = ctx.num("hardware.embodied_per_server"), ctx.num("hardware.accelerators_per_server")
    if per_srv is not None and per_server:
        value += per_srv / device_hours * hours / per_server
        forms.append(
            f"{_ref('hardware.embodied_per_server')}/{device_form}*{_ref('hardware.accelerator_hours')}"
            f"/{_ref('hardware.accelerators_per_server')}"
        )
        terms.append(
            f"{_g(ctx, per_srv)} kgCO2e ÷ ({_g(ctx, life)} × {per_year:g} × {_g(ctx, usage)}) × {_g(ctx, hours)} h"
            f" ÷ {_g(ctx, per_server)}"
        )
        used += ["hardware.embodied_per_server", "hardware.accelerators_per_server"]
    else:
        missing = "hardware.embodied_per_server" if per_srv is None else "hardware.accelerators_per_server"
        notes.append(f"server term omitted: {missing} not available")
    if not terms:
        return None
    if "I-CALC-2" in " ".join(notes):
        ctx.findings.add("I-CALC-2", "hardware.usage_rate")
    return Derivation(value, used, " + ".join(terms) + f" = {_g(ctx, value)} kgCO2e", notes, "+".join(forms))


ACTIVITY_CLAUSE = "8.0"  # Annex D (D1.1): figures derived from activity tables, before 8.1


def grid_intensity_source(ctx: Context, fid: str) -> Derivation | None:
    """9.1 as amended by A5: the source of the phase's grid intensity, when that is supplied with one.

    A withheld or rejected intensity (not a value here), or one without a source, gives nothing."""
    grid_id = fid.removesuffix("_source")
    v = ctx.values.get(grid_id)
    if v is None or not v.source or ctx.num(grid_id) is None:
        return None
    if v.origin == "derived" and v.trace is not None and v.trace.clause == ACTIVITY_CLAUSE:
        # derived from activity data (Annex D): the description of the grid_intensity tables
        return Derivation(v.source, [grid_id], f"description of the grid_intensity tables: {v.source}")
    if v.origin != "supplied":
        return None
    return Derivation(v.source, [grid_id], f"source of {grid_id}: {v.source}")


FORMULAS: dict[str, Callable[[Context, str], Derivation | None]] = {
    "energy_from_accelerator_time": energy_from_accelerator_time,
    "embodied_allocation": embodied_allocation,
    "location_based_ghg": location_based_ghg,
    "water": water,
    "grid_intensity_source": grid_intensity_source,
}


def derive(ctx: Context, lang: str = "en") -> None:
    """Apply the formulas of clause 8 in order to every missing derivable field of an included phase.

    A value rejected with E-TYPE/E-UNIT counts as not supplied (4.4), so it is derived when it can be.
    """
    std = ctx.standard
    for clause in std.calculations.order:
        spec = std.calculations.formulas[clause]
        for f in std.fields.values():
            if f.derivable_by != clause or f.id in ctx.values or not ctx.applies(f):
                continue
            d = FORMULAS[spec.name](ctx, f.id)
            if d is None or (isinstance(d.value, float) and not math.isfinite(d.value)):
                continue  # absurd inputs may overflow: no figure then
            formula = (
                spec.hours_formula
                if f.id == "hardware.accelerator_hours" and spec.hours_formula
                else spec.formula
            )
            ctx.values[f.id] = FieldValue(
                value=d.value,
                unit=f.unit,
                origin="derived",
                method="calculated",
                trace=Trace(
                    clause=clause,
                    formula=formula.get(lang),
                    expression=d.expression,
                    inputs=[_input(ctx, u) for u in d.used],
                    notes=d.notes,
                    form=d.form,
                ),
            )


def _phase_total(ctx: Context, name: str) -> Total:
    """8.5: the sum over included phases with a value; partial when a mandatory value lacks."""
    ind = ctx.standard.indicators[name]
    by_phase: dict[str, float] = {}
    missing: list[str] = []
    for phase, fid in ind.fields.items():
        if not ctx.included(phase):
            continue
        value = ctx.num(fid)
        if value is not None:
            by_phase[phase] = value
        elif ctx.mandatory(ctx.standard.fields[fid]):
            missing.append(phase)
    total = sum(by_phase.values()) if by_phase else None
    return Total(
        value=total,
        unit=ind.unit,
        partial=bool(missing),
        missing_phases=missing,
        by_phase=by_phase,
        shares={},
    )


def _same_boundary_total(ctx: Context, name: str, base: Total) -> Total:
    """A2: over the phases of the `fallback` total; a phase without its own value enters with the
    fallback's (its location-based figure) and, when its own is mandatory, makes the total partial.
    Without any own value and no own value mandatory, there is no total at all."""
    std = ctx.standard
    own = {p: std.fields[fid] for p, fid in std.indicators[name].fields.items()}
    relevant = [f for p, f in own.items() if ctx.included(p)]
    if not any(ctx.num(f.id) is not None or ctx.mandatory(f) for f in relevant):
        return Total(value=None, unit=base.unit, partial=False, missing_phases=[], by_phase={}, shares={})
    by_phase: dict[str, float] = {}
    missing, fallback = list(base.missing_phases), []
    for phase, location_value in base.by_phase.items():
        f = own.get(phase)
        value = ctx.num(f.id) if f is not None else None
        if value is None:
            value = location_value
            fallback.append(phase)
            if f is not None and ctx.mandatory(f):
                missing.append(phase)
        by_phase[phase] = value
    order = std.phase_ids
    missing.sort(key=order.index)
    return Total(
        value=sum(by_phase.values()) if by_phase else None,
        unit=base.unit,
        partial=bool(missing),
        missing_phases=missing,
        by_phase=by_phase,
        shares={},
        location_based_phases=fallback,
    )


def value_field(ctx: Context, name: str, phase: str) -> str:
    """The field whose value a phase contributes to a total (A2: the fallback's when it has none)."""
    ind = ctx.standard.indicators[name]
    fid = ind.fields.get(phase)
    if fid is not None and ctx.num(fid) is not None or ind.fallback is None:
        return fid or ""
    return value_field(ctx, ind.fallback, phase)


def totals(ctx: Context) -> dict[str, Total]:
    """8.5 (and A2, A3, A4, A6 under D1.1): per indicator, the total, its shares and what it rests on."""
    std, sem = ctx.standard, ctx.standard.semantics
    out: dict[str, Total] = {}
    for name, ind in std.indicators.items():  # totals with a fallback come after the one they fall back on
        if ind.fallback is None or sem.market_total != "same_boundary":
            out[name] = _phase_total(ctx, name)
    for name, ind in std.indicators.items():
        if name not in out:
            out[name] = _same_boundary_total(ctx, name, out[ind.fallback or name])
    for name, total in out.items():
        total.shares = {p: v / total.value for p, v in total.by_phase.items()} if total.value else {}
        if sem.partial_shares:
            total.shares_partial = total.partial
        if sem.basis:
            for phase, value in total.by_phase.items():
                basis = ctx.values[value_field(ctx, name, phase)].basis or std.basis_order()[-1]
                total.by_basis[basis] = total.by_basis.get(basis, 0.0) + value
        published = std.indicators[name].published
        if published and (figure := ctx.num(published)) is not None:
            scope = ctx.raw(std.published.scope) if std.published else None
            total.published = Published(value=figure, unit=std.fields[published].unit or "", scope=scope)
    return {name: out[name] for name in std.indicators}


def functional_units(ctx: Context) -> FunctionalUnits:
    """7.5.3: inference value ÷ requests, and ÷ output tokens × 1000, in Wh, gCO2e, mL, mgSbeq."""
    fu = FunctionalUnits()
    if not ctx.included("inference"):
        return fu
    requests, tokens = ctx.num("inference.requests"), ctx.num("inference.output_tokens")
    for name, ind in ctx.standard.indicators.items():
        fid = ind.fields.get("inference")
        value = ctx.num(fid) if fid else None
        if value is None:
            continue
        scaled = value * float(ind.per_unit["factor"])
        if requests:
            fu.per_request[name] = UnitValue(value=scaled / requests, unit=ind.per_unit["unit"])
        if tokens:
            fu.per_1k_output_tokens[name] = UnitValue(
                value=scaled / tokens * ctx.standard.per_tokens, unit=ind.per_unit["unit"]
            )
    return fu


def published_per_unit(ctx: Context) -> dict[str, UnitValue | str | None] | None:
    """A6: per-unit figures as published, with their definition (whether or not inference is included)."""
    std = ctx.standard
    figures: dict[str, UnitValue | str | None] = {}
    for name, ind in std.indicators.items():
        fid = ind.published_per_unit
        if fid and (value := ctx.num(fid)) is not None:
            figures[name] = UnitValue(value=value, unit=std.fields[fid].unit or "")
    if not figures:
        return None
    return {"definition": ctx.raw(std.published.definition) if std.published else None, **figures}


def inference_share(ctx: Context, sums: dict[str, Total]) -> float | None:
    """7.5.4: inference GHG ÷ total GHG of included phases."""
    total = sums.get(ctx.standard.inference_share_indicator)
    if total is None or not total.value or "inference" not in total.by_phase:
        return None
    return total.by_phase["inference"] / total.value


def data_quality(ctx: Context, sums: dict[str, Total]) -> dict[str, dict[str, float]]:
    """9.3: the share of each indicator's total by method (D1), or by basis (A4, D1.1)."""
    out: dict[str, dict[str, float]] = {}
    for name, total in sums.items():
        if not total.value:
            continue
        if ctx.standard.semantics.basis:
            out[name] = {b: v / total.value for b, v in total.by_basis.items()}
            continue
        shares: dict[str, float] = {}
        for phase, value in total.by_phase.items():
            fid = ctx.standard.indicators[name].fields[phase]
            method = ctx.values[fid].method or "unspecified"
            shares[method] = shares.get(method, 0.0) + value / total.value
        out[name] = shares
    return out


def assign_bases(ctx: Context) -> None:
    """A4: the basis of every value with a number: a supplied value's method (`not_stated` without one);
    a derived value's weakest input basis, recursively, counting a count/ratio/decimal input only when
    given with a method (defaults and withheld values are not inputs); `calculated` without any."""
    std = ctx.standard
    order = std.basis_order()
    weakest = order[-1]

    def basis(fid: str) -> str | None:
        v = ctx.values[fid]
        if v.basis is not None or v.origin == "withheld" or ctx.num(fid) is None:
            return v.basis
        if v.origin == "supplied":
            v.basis = v.method if v.method in order else weakest
            return v.basis
        counted = []
        for inp in v.trace.inputs if v.trace else []:
            iv = ctx.values.get(inp.field)
            if iv is None or iv.origin == "withheld":
                continue
            if (
                std.fields[inp.field].type in ("count", "ratio", "decimal")
                and iv.origin == "supplied"
                and not iv.method
            ):
                continue
            if (b := basis(inp.field)) is not None:
                counted.append(b)
        v.basis = max(counted, key=order.index) if counted else "calculated"
        return v.basis

    for fid in list(ctx.values):
        basis(fid)
