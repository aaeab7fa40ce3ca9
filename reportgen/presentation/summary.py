"""The presentation model: what every output shows of an Evaluation, derived once per language.

`check`'s text, the PDF view, the Excel disclosure, the web page and `verify`'s printed-figure checks all
show the same things — the status line, completeness with its detail, the missing items by group, the
findings other than missing items, and each total in its report unit with its partial flag. They read them
here, so that a change (a unit, a wording, which findings count as "missing") is made once. Numbers stay
numbers (in the indicator's report unit); each renderer formats or places them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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


MISSING_CODES = ("M-REQ", "M-REQ-COND")


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
    )


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
