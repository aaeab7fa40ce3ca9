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

from reportgen.evaluation import codes
from reportgen.evaluation.context import Context
from reportgen.evaluation.model import (
    Expr,
    FieldValue,
    Trace,
    TraceInput,
    neutral_number,
    written,
)
from reportgen.resources import t


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
    """What a formula returns: a value, the fields it used, its expression (numbers in slots, model.Expr), and its form —
    the same arithmetic over the inputs' ids, in the order computed, which the Excel disclosure writes as a
    live formula (issue 14 item 7). Built beside the value from the same operands, never apart."""

    def __init__(
        self,
        value: float | str,
        used: list[str],
        expression: str,
        notes: list[str] | None = None,
        form: str | None = None,
        numbers: list[float] | None = None,
    ):
        self.value, self.used, self.expression, self.notes = value, used, expression, notes or []
        self.form, self.numbers = form, numbers or []


def energy_from_accelerator_time(ctx: Context, fid: str) -> Derivation | None:
    """8.1: IT energy = accelerator_hours × avg_power_w ÷ 1000; × pue under the facility scope."""
    e = Expr()
    spec, phase = ctx.standard.calculations.formulas["8.1"], fid.split(".")[0]
    hours_id, power_id, pue_id = (spec.input(n, phase) for n in ("hours", "power", "pue"))
    hours, power = ctx.num(hours_id), ctx.num(power_id)
    if hours is None or power is None:
        return None
    k = spec.parameters["w_per_kw"]
    it = hours * power / k
    used = [hours_id, power_id]
    form = f"{_ref(hours_id)}*{_ref(power_id)}/{_k(k)}"
    if not ctx.facility:
        return Derivation(
            it, used, f"{e(hours)} h × {e(power)} W ÷ {k:g} = {e(it)} kWh", form=form, numbers=e.numbers
        )
    pue = ctx.num(pue_id)
    if pue is None:
        return None
    return Derivation(
        it * pue,
        [*used, pue_id],
        f"{e(hours)} h × {e(power)} W ÷ {k:g} × {e(pue)} = {e(it * pue)} kWh",
        form=f"{form}*{_ref(pue_id)}",
        numbers=e.numbers,
    )


def location_based_ghg(ctx: Context, fid: str) -> Derivation | None:
    """8.2: ghg_location (kgCO2e) = energy (kWh) × grid_intensity (gCO2e/kWh) ÷ 1000."""
    e = Expr()
    spec, phase = ctx.standard.calculations.formulas["8.2"], fid.split(".")[0]
    energy_id, grid_id = spec.input("energy", phase), spec.input("grid", phase)
    energy, grid = ctx.num(energy_id), ctx.num(grid_id)
    if energy is None or grid is None:
        return None
    k = spec.parameters["g_per_kg"]
    value = energy * grid / k
    return Derivation(
        value,
        [energy_id, grid_id],
        f"{e(energy)} kWh × {e(grid)} gCO2e/kWh ÷ {k:g} = {e(value)} kgCO2e",
        form=f"{_ref(energy_id)}*{_ref(grid_id)}/{_k(k)}",
        numbers=e.numbers,
    )


def water(ctx: Context, fid: str) -> Derivation | None:
    """8.3: water (L) = IT energy × wue + energy × water_intensity_offsite (when given)."""
    e = Expr()
    spec, phase = ctx.standard.calculations.formulas["8.3"], fid.split(".")[0]
    wue_id, offsite_id, energy_id = (spec.input(n, phase) for n in ("wue", "offsite", "energy"))
    wue, it = ctx.num(wue_id), ctx.it_energy(phase)
    if wue is None or it is None:
        return None
    it_kwh, used = it
    value = it_kwh * wue
    expression = f"{e(it_kwh)} kWh × {e(wue)} L/kWh"
    form = "/".join(_ref(u) for u in used) + f"*{_ref(wue_id)}"  # energy (÷ pue) × wue
    used = [*used, wue_id]
    offsite = ctx.num(offsite_id)
    if offsite is not None:
        energy = ctx.num(energy_id) or 0.0
        value += energy * offsite
        expression += f" + {e(energy)} kWh × {e(offsite)} L/kWh"
        used.append(offsite_id)
        form += f"+{_ref(energy_id)}*{_ref(offsite_id)}"
    return Derivation(value, used, f"{expression} = {e(value)} L", form=form, numbers=e.numbers)


def embodied_allocation(ctx: Context, fid: str) -> Derivation | None:
    """8.4: accelerator-hours by default, then the embodied GHG allocated by use time."""
    e = Expr()
    spec = ctx.standard.calculations.formulas["8.4"]
    hours_id = spec.input("hours")
    if fid == hours_id:
        used: list[str] = []
        without: list[str] = []
        for p in spec.hours_phases:
            if not ctx.included(p):
                continue
            (used if ctx.num(spec.input("phase_hours", p)) is not None else without).append(p)
        if not used:
            return None
        fields = [spec.input("phase_hours", p) for p in used]
        total = sum(ctx.num(f) or 0.0 for f in fields)
        name = spec.inputs["phase_hours"].rpartition(".")[2]
        without_note = [f"included phases without {name}: {', '.join(without)}"] if without else []
        return Derivation(
            total,
            fields,
            " + ".join(e(ctx.num(f) or 0) for f in fields) + f" = {e(total)} h",
            without_note,
            form="+".join(_ref(f) for f in fields),
            numbers=e.numbers,
        )
    life_id, usage_id, accelerator_id, server_id, count_id = (
        spec.input(n)
        for n in ("lifetime", "usage_rate", "per_accelerator", "per_server", "accelerators_per_server")
    )
    hours, life = ctx.num(hours_id), ctx.num(life_id)
    if not hours or not life:
        return None
    usage = ctx.num(usage_id)
    notes: list[str] = []
    assumed = usage is None
    if usage is None:
        usage = spec.parameters["default_usage_rate"]
        notes.append(
            f"{usage_id.rpartition('.')[2]} not given: {usage:g} assumed ({codes.DEFAULT_USAGE_RATE})"
        )
    if usage == 0:
        return None
    per_year = spec.parameters["hours_per_year"]
    device_hours = life * per_year * usage
    usage_form = _k(usage) if assumed else _ref(usage_id)
    device_form = f"({_ref(life_id)}*{_k(per_year)}*{usage_form})"
    forms: list[str] = []
    used = [hours_id, life_id] + ([] if assumed else [usage_id])
    value, terms = 0.0, []
    per_acc = ctx.num(accelerator_id)
    if per_acc is not None:
        value += per_acc / device_hours * hours
        forms.append(f"{_ref(accelerator_id)}/{device_form}*{_ref(hours_id)}")
        terms.append(f"{e(per_acc)} kgCO2e ÷ ({e(life)} × {per_year:g} × {e(usage)}) × {e(hours)} h")
        used.append(accelerator_id)
    else:
        notes.append(f"accelerator term omitted: {accelerator_id} not available")
    per_srv, per_server = ctx.num(server_id), ctx.num(count_id)
    if per_srv is not None and per_server:
        value += per_srv / device_hours * hours / per_server
        forms.append(f"{_ref(server_id)}/{device_form}*{_ref(hours_id)}/{_ref(count_id)}")
        terms.append(
            f"{e(per_srv)} kgCO2e ÷ ({e(life)} × {per_year:g} × {e(usage)}) × {e(hours)} h ÷ {e(per_server)}"
        )
        used += [server_id, count_id]
    else:
        notes.append(f"server term omitted: {server_id if per_srv is None else count_id} not available")
    if not terms:
        return None
    if assumed:
        ctx.findings.add(codes.DEFAULT_USAGE_RATE, usage_id)
    template = " + ".join(terms) + f" = {e(value)} kgCO2e"
    return Derivation(value, used, template, notes, "+".join(forms), e.numbers)


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
            derives_hours = spec.hours_formula and f.id == spec.inputs.get("hours")  # 8.4's first step
            formula = spec.hours_formula if derives_hours and spec.hours_formula else spec.formula
            ctx.values[f.id] = FieldValue(
                value=d.value,
                unit=f.unit,
                origin="derived",
                method="calculated",
                trace=Trace(
                    clause=clause,
                    formula=formula.get(lang),
                    expression=written(d.expression, d.numbers, neutral_number),
                    template=d.expression,
                    numbers=d.numbers,
                    inputs=[_input(ctx, u) for u in d.used],
                    notes=d.notes,
                    form=d.form,
                ),
            )
