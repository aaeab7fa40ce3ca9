"""Portfolio consolidation: the systems of one organization summed per edition (issue 17, item 3).

Disclosures of different editions define their totals differently (A2), and disclosures of different
reporting periods cover different time, so neither is ever summed with the other: each group is one
edition, and, when the systems of an edition do not share one reporting period, one edition and period
(`D1.1 2025-07-01/2026-06-30`). A consolidated total is partial when any system's total in it is partial
or has no value. Figures are in the indicators' display units (MWh, tCO2e, m³, kg Sb eq), and each
consolidated value is the plain sum of the systems' values as `portfolio.json` lists them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel

from reportgen.evaluation.declared import standard_of, text_of
from reportgen.evaluation.model import Evaluation, UnitValue
from reportgen.standard.units import Units


class Figure(BaseModel):
    value: float | None
    unit: str
    partial: bool


class System(BaseModel):
    name: str | None
    version: str | None
    fingerprint: str
    status: str
    edition: str
    totals: dict[str, Figure]


class Portfolio(BaseModel):
    """The JSON written to `portfolio.json` (its shape is the issue's)."""

    systems: list[System]
    consolidated: dict[str, dict[str, Figure]]


@dataclass
class Consolidation:
    """The portfolio and what reports show beside it: each system's group, share and per-request figures."""

    portfolio: Portfolio
    groups: list[str]  # per system, its key in `consolidated`
    completeness: list[float]
    per_request: list[dict[str, UnitValue]]
    labels: dict[str, str] = field(default_factory=dict)  # indicator → label (in the language asked)

    def share(self, i: int, indicator: str) -> float | None:
        """System i's share of its group's total (None without a value or a non-zero total)."""
        own = self.portfolio.systems[i].totals.get(indicator)
        total = self.portfolio.consolidated[self.groups[i]].get(indicator)
        if own is None or own.value is None or total is None or not total.value:
            return None
        return own.value / total.value


def _period(ev: Evaluation) -> str:
    roles = standard_of(ev).roles
    start, end = text_of(ev, roles.period_start), text_of(ev, roles.period_end)
    return f"{start}/{end}" if start and end else "period not stated"


def consolidate(evaluations: list[Evaluation], lang: str = "en") -> Consolidation:
    """Sum the systems per group (edition, and period when an edition's systems differ in period)."""
    systems: list[System] = []
    labels: dict[str, str] = {}
    for ev in evaluations:
        std = standard_of(ev)
        units = Units(std)
        totals: dict[str, Figure] = {}
        for name, ind in std.indicators.items():
            labels.setdefault(name, ind.label.get(lang))
            tot = ev.totals.get(name)
            value = (
                None
                if tot is None or tot.value is None
                else units.convert(tot.value, ind.unit, ind.report_unit)
            )
            totals[name] = Figure(
                value=value, unit=ind.report_unit, partial=value is None or bool(tot and tot.partial)
            )
        systems.append(
            System(
                name=text_of(ev, std.roles.system_name),
                version=text_of(ev, std.roles.model_version),
                fingerprint=ev.fingerprint,
                status=ev.status,
                edition=ev.standard.edition,
                totals=totals,
            )
        )
    periods: dict[str, set[str]] = {}
    for ev in evaluations:
        periods.setdefault(ev.standard.edition, set()).add(_period(ev))
    groups = [
        ev.standard.edition
        if len(periods[ev.standard.edition]) == 1
        else f"{ev.standard.edition} {_period(ev)}"
        for ev in evaluations
    ]
    consolidated: dict[str, dict[str, Figure]] = {}
    for key in dict.fromkeys(groups):
        members = [s for s, g in zip(systems, groups, strict=True) if g == key]
        row: dict[str, Figure] = {}
        for name in dict.fromkeys(n for s in members for n in s.totals):
            figs = [s.totals[name] for s in members if name in s.totals]
            values = [f.value for f in figs if f.value is not None]
            row[name] = Figure(
                value=sum(values) if values else None,
                unit=figs[0].unit,
                partial=any(f.partial for f in figs) or len(figs) < len(members),
            )
        consolidated[key] = row
    return Consolidation(
        portfolio=Portfolio(systems=systems, consolidated=consolidated),
        groups=groups,
        completeness=[ev.completeness for ev in evaluations],
        per_request=[dict(ev.functional_units.per_request) for ev in evaluations],
        labels=labels,
    )
