"""What clause 8 sums and divides once every figure is derived: the totals of 8.5 and their shares,
the functional units (7.5.3), the inference share (7.5.4), the data quality (9.3), and under D1.1 the
published figures beside them (A6) and the basis of every value (A4).

Apart from calculation.py because these read the finished values and never add one: a total is
computed after every derivation, so nothing here feeds a formula of clause 8.
"""

from __future__ import annotations

from reportgen.evaluation.context import Context
from reportgen.evaluation.model import FunctionalUnits, PublishedAggregate, Total, UnitValue


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
            total.published = PublishedAggregate(
                value=figure, unit=std.fields[published].unit or "", scope=scope
            )
    return {name: out[name] for name in std.indicators}


def functional_units(ctx: Context) -> FunctionalUnits:
    """7.5.3: inference value ÷ requests, and ÷ output tokens × 1000, in Wh, gCO2e, mL, mgSbeq."""
    fu = FunctionalUnits()
    if not ctx.included("inference"):
        return fu
    requests, tokens = ctx.num(ctx.standard.roles.requests), ctx.num(ctx.standard.roles.output_tokens)
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


def quality_shares(ctx: Context, sums: dict[str, Total]) -> dict[str, dict[str, float]]:
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
