"""Validation: obligations (4.4, Annex A) and the checks of clauses 6, 8 and 9, as findings.

Rules run on values that count (section fields and included phases). A field that is missing or was
rejected (E-TYPE/E-UNIT) triggers no further arithmetic finding: each problem is reported once.
"""

from __future__ import annotations

from reportgen import localized
from reportgen.evaluation import codes, rules
from reportgen.evaluation.context import Context
from reportgen.evaluation.model import Location, MissingItem, Total
from reportgen.evaluation.remedy import missing_fix
from reportgen.resources import t
from reportgen.standard.units import Units


def obligations(ctx: Context, lang: str) -> tuple[list[MissingItem], int, int, float | None]:
    """Missing mandatory items (M-REQ, M-REQ-COND), W-WITHHELD, and the completeness counts."""
    std = ctx.standard
    missing: list[MissingItem] = []
    applicable = satisfied = rec_applicable = rec_satisfied = 0
    for f in std.fields.values():
        if f.obligation == "R" and ctx.applies(f):
            rec_applicable += 1
            rec_satisfied += ctx.satisfied(f.id)
        if not ctx.mandatory(f):
            continue
        applicable += 1
        v = ctx.values.get(f.id)
        if ctx.satisfied(f.id):
            satisfied += 1
            if v is not None and v.origin == "withheld":
                ctx.findings.add(
                    codes.WITHHELD,
                    f.id,
                    v.location,
                    reason=std.enum_label("withheld_reason", v.withheld, lang),
                    note=v.note,
                )
            continue
        why = ""
        if v is not None and v.origin == "withheld":
            why = t("why_withheld" if v.note else "why_withheld_no_note", lang).format(
                reason=std.enum_label("withheld_reason", v.withheld, lang)
            )
        elif f.id in ctx.rejected:
            why = t("why_rejected", lang)
        hint = t("hint_derivable", lang).format(clause=f.derivable_by) if f.derivable_by else ""
        cond = (
            f.condition.explain.get(lang)
            if f.condition and f.condition.explain
            else (f.condition.text.en if f.condition else None)
        )
        code = codes.MISSING_UNDER_CONDITION if f.obligation == "M*" else codes.MISSING
        fix = missing_fix(ctx, f, v)
        empty = ctx.cells.get(f.id, {}).get("value")  # a workbook's empty Value cell
        finding = ctx.findings.add(
            code,
            f.id,
            v.location if v else Location(file=ctx.source, cell=empty, path=f.id) if empty else None,
            why=why,
            hint=hint,
            condition=f.condition.text.get(lang) if f.condition else "",
            explain=cond or "",
            absent=(f.id,),
        )
        if finding is not None:
            finding.fix = fix  # the same words as the missing item's
        missing.append(
            MissingItem(
                field=f.id,
                label=f.label.get(lang),
                phase=f.group if std.is_phase(f.group) else None,
                obligation=f.obligation,
                clause=f.clause,
                condition=cond,
                help=f.help.get(lang) if f.help else None,
                fix=fix,
            )
        )
    coverage = rec_satisfied / rec_applicable if rec_applicable else None
    return missing, applicable, satisfied, coverage


def boundary_values(ctx: Context, lang: str) -> None:
    """6.1 W-BND-1: values of a phase declared excluded or not_applicable are not counted."""
    std = ctx.standard
    for fid, v in ctx.values.items():
        f = std.fields[fid]
        if not std.is_phase(f.group) or ctx.included(f.group):
            continue
        v.counted = False
        status = ctx.status(f.group)
        if status is not None and v.origin != "derived":
            ctx.findings.add(
                codes.OUTSIDE_BOUNDARY,
                fid,
                v.location,
                phase=f.group,
                phase_label=std.group(f.group).label.get(lang),
                status=std.enum_label("phase_status", status, lang),
                included=std.enum_label("phase_status", "included", lang),
            )


def ranges(ctx: Context) -> None:
    """8.6 range checks, first failing rule per field (rules.yaml `range`)."""
    std = ctx.standard
    table = std.rules.get("range", [])
    for fid, v in ctx.values.items():
        f = std.fields[fid]
        if v.origin != "supplied" or not v.counted or ctx.num(fid) is None:
            continue
        dim = std.dimension_of(f)

        def applies(rule: dict, f=f, dim=dim) -> bool:
            return rules.applies(rule, f.id, f.type, dim)

        hit = rules.first_match(float(v.value), table, applies)
        if hit:
            extra = hit.get("extra", {}).get(ctx.findings.lang, "")
            ctx.findings.add(hit["code"], fid, v.location, value=float(v.value), extra=extra)
    spec = std.rules["date_order"]
    start, end = ctx.raw(spec["start"]), ctx.raw(spec["end"])
    if start and end and end < start:
        ctx.findings.add(
            spec["code"],
            spec["end"],
            ctx.values[spec["end"]].location,
            start=start.isoformat(),
            end=end.isoformat(),
        )


def boundary_rules(ctx: Context, lang: str) -> None:
    """6.2 E-BND-2 and 6.4 E-GHG-1."""
    std = ctx.standard
    for spec in std.rules.get("boundary_requires", []):
        if ctx.raw(spec["field"]) != spec["value"]:
            continue
        lacking = [p for p in spec["phases"] if not ctx.included(p)]
        if lacking:
            names = ", ".join(std.group(p).label.get(lang) for p in lacking)
            ctx.findings.add(
                spec["code"],
                spec["field"],
                ctx.values[spec["field"]].location,
                phases=names,
                absent=tuple(std.roles.status_of(p) for p in lacking),
            )
    spec = std.rules["market_needs_location"]
    for phase, (market, location) in spec["pairs"].items():
        if ctx.included(phase) and ctx.num(market) is not None and ctx.num(location) is None:
            ctx.findings.add(
                spec["code"],
                market,
                ctx.values[market].location,
                phase_label=std.group(phase).label.get(lang),
                location_field=location,
                absent=(location,),
            )


def arithmetic(ctx: Context, lang: str) -> None:
    """8.6 W-RNG-5 (implied power per accelerator) and 8.2 W-CALC-1 (GHG vs energy × grid)."""
    std = ctx.standard
    power = std.rules["implied_power"]
    by_time, by_grid = std.calculations.formulas["8.1"], std.calculations.formulas["8.2"]  # their inputs
    for phase in std.phase_ids:
        hours_id, energy_id = by_time.input("hours", phase), by_grid.input("energy", phase)
        if hours_id not in std.fields or not ctx.included(phase):
            continue
        hours, it = ctx.num(hours_id), ctx.it_energy(phase)
        if not hours or it is None:
            continue
        watts = it[0] * by_time.parameters["w_per_kw"] / hours
        if rules.outside(watts, power["min"], power["max"]):
            loc = ctx.values[energy_id].location or ctx.values[hours_id].location
            ctx.findings.add(
                power["code"],
                energy_id,
                loc,
                phase_label=std.group(phase).label.get(lang),
                power=round(watts),
                energy_field=energy_id,
                hours_field=hours_id,
            )
    tol = std.rules["ghg_consistency"]
    for phase in std.phase_ids:  # the figure 8.2 derives, when it was supplied instead
        fid = next((f.id for f in std.fields_of(phase) if f.derivable_by == "8.2"), "")
        v = ctx.values.get(fid)
        if v is None or v.origin != "supplied" or not ctx.included(phase):
            continue
        energy, grid = ctx.num(by_grid.input("energy", phase)), ctx.num(by_grid.input("grid", phase))
        if energy is None or grid is None or ctx.num(fid) is None:
            continue
        expected = energy * grid / by_grid.parameters["g_per_kg"]
        gap = rules.relative_gap(float(v.value), expected)
        if gap is not None and gap > tol["tolerance"]:
            ctx.findings.add(
                tol["code"],
                fid,
                v.location,
                value=float(v.value),
                expected=float(f"{expected:.6g}"),
                diff=round(gap * 100, 1),
            )


def data_quality(ctx: Context, lang: str) -> None:
    """9.1 W-DQ-1: supplied energy, GHG and water values need a method and a source."""
    std = ctx.standard
    words = (t("dq_method", lang), t("dq_source", lang), t("dq_and", lang))
    for fid, v in ctx.values.items():
        f = std.fields[fid]
        if v.origin != "supplied" or not v.counted or std.dimension_of(f) not in std.method_source_dimensions:
            continue
        lacking = [w for w, present in ((words[0], v.method), (words[1], v.source)) if not present]
        if lacking:
            ctx.findings.add(codes.NO_METHOD_OR_SOURCE, fid, v.location, missing=words[2].join(lacking))


def run_checks(ctx: Context, lang: str) -> None:
    ranges(ctx)
    boundary_rules(ctx, lang)
    arithmetic(ctx, lang)
    data_quality(ctx, lang)


def published_aggregates(ctx: Context, sums: dict[str, Total], lang: str) -> None:
    """A6 W-CALC-2: a published aggregate more than the tolerance away from a computed total that has a
    value for every included phase the indicator has a field for. The message quotes the aggregate's
    scope and names the phases summed; whether they match is for the reader to judge."""
    std = ctx.standard
    spec = std.rules.get("aggregate_consistency")
    if not spec:
        return
    units = Units(std)
    for name, ind in std.indicators.items():
        total = sums[name]
        if not ind.published or total.published is None or total.value is None:
            continue
        if any(p not in total.by_phase for p in ind.fields if ctx.included(p)):
            continue
        gap = rules.relative_gap(total.published.value, total.value)
        if gap is None or gap <= spec["tolerance"]:
            continue

        def shown(x: float, ind=ind) -> str:
            return localized.quantity(units.convert(x, ind.unit, ind.report_unit), ind.report_unit, lang)

        phases = ", ".join(std.group(p).label.get(lang) for p in total.by_phase)
        ctx.findings.add(
            spec["code"],
            ind.published,
            ctx.values[ind.published].location,
            value=shown(total.published.value),
            total=shown(total.value),
            diff=localized.number(gap * 100, lang, sig=3),
            phases=phases,
            scope=total.published.scope or "—",
        )
