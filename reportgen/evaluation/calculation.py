"""Clause 8 as a small graph of named formulas. Each derivation records its trace.

The sums, shares and per-unit figures computed from the finished values are in totals.py.

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
    Trace,
    TraceInput,
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


def water(ctx: Context, fid: str) -> Derivation | None:
    """8.3: water (L) = IT energy × wue + energy × water_intensity_offsite (when given)."""
    phase = fid.split(".")[0]
    wue, it = ctx.num(f"{phase}.wue"), ctx.it_energy(phase)
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
    assumed = usage is None
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
    if assumed:
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


def apply_formulas(ctx: Context, lang: str = "en") -> None:
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
