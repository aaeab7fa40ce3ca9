"""The presentation model: what every output shows of an Evaluation, derived once per language.

`check`'s text, the PDF view, the Excel disclosure, the web page and `verify`'s printed-figure checks all
show the same things — the status line, completeness with its detail, the missing items by group, the
findings other than missing items, and each total in its report unit with its partial flag. They read them
here, so that a change (a unit, a wording, which findings count as "missing") is made once. Numbers stay
numbers (in the indicator's report unit); each renderer formats or places them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reportgen.evaluation import codes
from reportgen.evaluation.model import Evaluation, Finding, MissingItem
from reportgen.presentation import fmt
from reportgen.resources import t
from reportgen.standard import Standard, load_standard
from reportgen.standard.units import Units


@dataclass(frozen=True)
class IndicatorTotal:
    """One total of clause 8.5, converted to its indicator's report unit (the unit every output shows)."""

    id: str
    label: str
    unit: str  # the report unit, as its code (MWh, tCO2e, m3)
    unit_text: str  # as printed (tCO₂e, m³)
    value: float | None
    by_phase: dict[str, float]
    shares: dict[str, float]
    partial: bool
    missing_phases: list[str]
    partial_text: str  # "partial: … missing" naming the phases, or ""
    location_based_phases: list[str]
    shares_partial: bool | None
    published: float | None  # A6: the published aggregate, in the report unit
    published_scope: str | None
    no_market_total: bool  # D1.1 A2: a market-based total is not summed over a narrower boundary


@dataclass(frozen=True)
class MissingGroup:
    id: str
    label: str
    items: list[MissingItem]


@dataclass(frozen=True)
class ScopeItem:
    """One thing the status covers (issue 13): shown beside the status so "Complete" is never read wider
    than the boundary it was reached on. `notice` marks what narrows or qualifies it."""

    key: str  # phases | energy_scope | accounting | verification
    label: str
    text: str
    notice: bool = False


@dataclass(frozen=True)
class PerUnit:
    """One indicator per request and per 1,000 output tokens (7.5.3), each (value, unit) or None."""

    id: str
    label: str
    per_request: tuple[float, str] | None
    per_1k: tuple[float, str] | None


@dataclass
class Presentation:
    """An Evaluation as every output shows it, in one language."""

    ev: Evaluation
    std: Standard
    lang: str
    status_text: str
    complete: bool
    completeness_detail: str  # "12 of 40 mandatory items"
    completeness_text: str  # "30 % (12 of 40 mandatory items)"
    missing: list[MissingGroup]
    findings: list[Finding]  # every finding but the missing items, which `missing` lists
    totals: list[IndicatorTotal]
    scope: list[ScopeItem]  # what the status covers: phases, energy scope, accounting, verification
    phases_included: list[str]
    per_unit: list[PerUnit]
    supply: dict[str, str]  # per missing field id: what to supply, in words (no field id)
    units: Units = field(repr=False)

    def group_label(self, gid: str) -> str:
        return self.std.group(gid).label.get(self.lang)

    def label(self, fid: str) -> str:
        f = self.std.fields.get(fid)
        return f.label.get(self.lang) if f else fid

    def total(self, name: str) -> IndicatorTotal | None:
        return next((x for x in self.totals if x.id == name), None)

    def following(self, finding: Finding) -> list[Finding | MissingItem]:
        """What follows from `finding` as its root cause (issue 14 item 5): the findings other than
        missing items, then the missing items, whose `caused_by` is its index in the evaluation."""
        at = next((i for i, f in enumerate(self.ev.findings) if f is finding), None)
        if at is None:
            return []
        out: list[Finding | MissingItem] = [f for f in self.findings if f.caused_by == at]
        return out + [m for m in self.ev.missing_items if m.caused_by == at]

    def cause(self, item: Finding | MissingItem) -> Finding | None:
        """The root cause `item` follows from, if any."""
        at = item.caused_by
        return self.ev.findings[at] if at is not None and 0 <= at < len(self.ev.findings) else None

    def quantity(self, value: float, unit: str) -> str:
        """A number in a report unit, formatted for the language (1 287 MWh in French)."""
        return fmt.quantity(value, unit, self.lang)


def is_missing_item(finding: Finding) -> bool:
    """The findings that say a mandatory item is missing: outputs list them as missing items instead."""
    return finding.code in MISSING_CODES


MISSING_CODES = (codes.MISSING, codes.MISSING_UNDER_CONDITION)


def present(ev: Evaluation, std: Standard | None = None) -> Presentation:
    """Build the presentation of `ev`, in the evaluation's language (the one its messages are written in)."""
    std = std or load_standard(ev.standard.edition, ev.standard.id)
    lang = ev.language
    units = Units(std)
    detail = t("completeness_detail", lang).format(ok=ev.mandatory_satisfied, n=ev.mandatory_applicable)
    groups: dict[str, list[MissingItem]] = {}
    for item in ev.missing_items:
        groups.setdefault(item.phase or item.field.split(".")[0], []).append(item)
    return Presentation(
        ev=ev,
        std=std,
        lang=lang,
        units=units,
        status_text=fmt.status_text(ev),
        complete=ev.is_complete,
        completeness_detail=detail,
        completeness_text=f"{fmt.percent(ev.completeness, lang)} ({detail})",
        missing=[MissingGroup(g, std.group(g).label.get(lang), items) for g, items in groups.items()],
        findings=[f for f in ev.findings if not is_missing_item(f)],
        totals=[_total(ev, std, units, lang, name) for name in ev.totals if name in std.indicators],
        scope=_scope(ev, std, lang),
        phases_included=[p for p in std.phase_ids if ev.boundary.get(p) == "included"],
        per_unit=_per_unit(ev, std, lang),
        supply={m.field: supply_text(ev, std, m) for m in ev.missing_items},
    )


def supply_text(ev: Evaluation, std: Standard, item: MissingItem) -> str:
    """What to supply for a missing item, in words a reader of page 1 understands (labels, units, no field
    id): the kind of value, what clause 8 would derive it from, or why a withheld value does not count.

    The one place this is derived from the standard's data; issue 14 item 4 gives each missing item a
    `fix` naming the cell or key to fill, which outputs that show field ids use.
    """
    lang, f = ev.language, std.fields.get(item.field)
    fv = ev.values.get(item.field)
    if fv is not None and fv.origin == "withheld":
        reason = std.enum_label("withheld_reason", fv.withheld, lang) if fv.withheld else ""
        return t("supply_withheld_note" if not fv.note else "supply_withheld_reason", lang).format(
            reason=reason
        )
    if item.field in ev.rejected:
        return t("supply_rejected", lang)
    if f is None:
        return ""
    text = _first_sentence(f.help.get(lang) if f.help else "")
    if not text or any(fid in text for fid in std.fields):  # the page that shows this shows no field id
        text = t(f"supply_type_{f.type}", lang)
    if f.derivable_by:
        text += t("supply_derivable", lang).format(clause=f.derivable_by)
    return text


def _first_sentence(text: str) -> str:
    """The first sentence of a field's help: what the field asks for, written for the person filling it."""
    head = re.split(r"(?<=[.?])\s+(?=[A-ZÀ-Ý])", text.strip(), maxsplit=1)[0]
    return head.rstrip(".")


def _scope(ev: Evaluation, std: Standard, lang: str) -> list[ScopeItem]:
    """What the status covers, in words: phases included out of seven, the energy scope when narrower than
    the facility (6.3), the electricity accounting (6.4) and the verification level with the clause 10
    words when the report is self-declared."""

    def value(fid: str) -> object:
        fv = ev.values.get(fid)
        return None if fv is None or fv.origin == "withheld" else fv.value

    included = [p for p in std.phase_ids if ev.boundary.get(p) == "included"]
    out = [
        ScopeItem(
            "phases",
            t("scope_phases", lang),
            t("scope_phases_text", lang).format(n=len(included), of=len(std.phase_ids))
            + (
                ""
                if len(included) in (0, len(std.phase_ids))
                else t("rpt_colon", lang) + ", ".join(std.group(p).label.get(lang) for p in included)
            ),
            notice=len(included) < len(std.phase_ids),
        )
    ]
    scope = value(std.roles.energy_scope)
    if scope is not None and scope != std.facility_energy_scope:
        out.append(
            ScopeItem(
                "energy_scope",
                t("scope_energy", lang),
                t("scope_energy_narrow", lang).format(
                    scope=std.value_label(std.roles.energy_scope, scope, lang)
                ),
                notice=True,
            )
        )
    accounting = value(std.roles.electricity_accounting)
    out.append(
        ScopeItem(
            "accounting",
            t("scope_accounting", lang),
            std.value_label(std.roles.electricity_accounting, accounting, lang)
            if accounting is not None
            else t("scope_not_declared", lang),
            notice=accounting is None,
        )
    )
    level = value(std.roles.verification_level)
    text = (
        std.value_label(std.roles.verification_level, level, lang)
        if level is not None
        else t("scope_not_declared", lang)
    )
    if ev.self_declared:
        text += " — " + t("self_declared", lang)
    out.append(ScopeItem("verification", t("scope_verification", lang), text, notice=ev.self_declared))
    return out


def _per_unit(ev: Evaluation, std: Standard, lang: str) -> list[PerUnit]:
    fu = ev.functional_units
    out = []
    for name, ind in std.indicators.items():
        pr, pk = fu.per_request.get(name), fu.per_1k_output_tokens.get(name)
        if pr is None and pk is None:
            continue
        out.append(
            PerUnit(
                name,
                ind.label.get(lang),
                (pr.value, pr.unit) if pr else None,
                (pk.value, pk.unit) if pk else None,
            )
        )
    return out


def _total(ev: Evaluation, std: Standard, units: Units, lang: str, name: str) -> IndicatorTotal:
    total, ind = ev.totals[name], std.indicators[name]

    def conv(x: float | None) -> float | None:
        return None if x is None else units.convert(x, ind.unit, ind.report_unit)

    phases = ", ".join(std.group(p).label.get(lang) for p in total.missing_phases)
    published = total.published
    return IndicatorTotal(
        id=name,
        label=ind.label.get(lang),
        unit=ind.report_unit,
        unit_text=fmt.pretty_unit(ind.report_unit),
        value=conv(total.value),
        by_phase={p: units.convert(x, ind.unit, ind.report_unit) for p, x in total.by_phase.items()},
        shares=dict(total.shares),
        partial=total.partial,
        missing_phases=list(total.missing_phases),
        partial_text=t("partial_missing", lang).format(phases=phases) if total.partial else "",
        location_based_phases=list(total.location_based_phases),
        shares_partial=total.shares_partial,
        published=(
            units.convert(published.value, published.unit, ind.report_unit) if published is not None else None
        ),
        published_scope=published.scope if published is not None else None,
        no_market_total=bool(
            ind.fallback and total.value is None and std.semantics.market_total == "same_boundary"
        ),
    )
