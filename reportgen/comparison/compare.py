"""Compare two evaluations: each indicator (both GHG bases), each phase and the functional units, in the
units reports display, with the notes that make the two not like for like (issue 17, item 1).

Figures are taken from the Evaluation exactly as `check` computed them; this module never re-derives
anything, so a comparison is as true as the two disclosures it reads.
"""

from __future__ import annotations

from pydantic import BaseModel

from reportgen.comparison.notes import Note, comparability_notes, is_blocking, period_days
from reportgen.evaluation.declared import standard_of
from reportgen.evaluation.model import Evaluation, UnitValue
from reportgen.standard.units import Units

FU_KINDS = ("per_request", "per_1k_output_tokens")


class Line(BaseModel):
    """One figure on both sides, in the display unit; `change` = current − baseline, `change_pct` in %."""

    baseline: float | None
    current: float | None
    change: float | None
    change_pct: float | None
    unit: str


class Side(BaseModel):
    fingerprint: str


class Comparison(BaseModel):
    """The JSON of `reportgen compare --format json` (its shape is the issue's, keys never renamed).

    `functional_units` holds `per_request` and `per_1k_output_tokens`, and `per_day` (each total ÷ the
    days of its reporting period) only when the two periods differ in length."""

    baseline: Side
    current: Side
    comparable: bool
    notes: list[Note]
    indicators: dict[str, Line]
    functional_units: dict[str, dict[str, Line]]
    phases: dict[str, dict[str, Line]]


def line(baseline: float | None, current: float | None, unit: str) -> Line:
    change = current - baseline if baseline is not None and current is not None else None
    pct = change / baseline * 100 if change is not None and baseline else None
    return Line(baseline=baseline, current=current, change=change, change_pct=pct, unit=unit)


def compare(baseline: Evaluation, current: Evaluation, lang: str = "en") -> Comparison:
    """Baseline against current. Indicators are the current edition's, then any only the baseline has."""
    std_b, std_c = standard_of(baseline), standard_of(current)
    units = Units(std_c)
    names = list(std_c.indicators) + [n for n in std_b.indicators if n not in std_c.indicators]
    shown = {n: (std_c.indicators.get(n) or std_b.indicators[n]).report_unit for n in names}
    canonical = {n: (std_c.indicators.get(n) or std_b.indicators[n]).unit for n in names}

    def display(value: float | None, name: str) -> float | None:
        return None if value is None else units.convert(value, canonical[name], shown[name])

    indicators: dict[str, Line] = {}
    for n in names:
        tb, tc = baseline.totals.get(n), current.totals.get(n)
        indicators[n] = line(
            display(tb.value if tb else None, n), display(tc.value if tc else None, n), shown[n]
        )

    phases: dict[str, dict[str, Line]] = {}
    order = std_c.phase_ids + [p for p in std_b.phase_ids if p not in std_c.phase_ids]
    for p in order:
        row: dict[str, Line] = {}
        for n in names:
            vb = baseline.totals[n].by_phase.get(p) if n in baseline.totals else None
            vc = current.totals[n].by_phase.get(p) if n in current.totals else None
            if vb is not None or vc is not None:
                row[n] = line(display(vb, n), display(vc, n), shown[n])
        if row:
            phases[p] = row

    fus: dict[str, dict[str, Line]] = {}
    for kind in FU_KINDS:
        fb: dict[str, UnitValue] = getattr(baseline.functional_units, kind)
        fc: dict[str, UnitValue] = getattr(current.functional_units, kind)
        fus[kind] = {n: _unit_line(fb.get(n), fc.get(n), units) for n in names if n in fb or n in fc}

    days_b, days_c = period_days(baseline), period_days(current)
    if days_b and days_c and days_b != days_c:
        fus["per_day"] = {
            n: line(
                _per_day(indicators[n].baseline, days_b),
                _per_day(indicators[n].current, days_c),
                f"{shown[n]}/d",
            )
            for n in names
        }

    notes = comparability_notes(baseline, current, std_b, std_c, lang)
    return Comparison(
        baseline=Side(fingerprint=baseline.fingerprint),
        current=Side(fingerprint=current.fingerprint),
        comparable=not any(is_blocking(n.code) for n in notes),
        notes=notes,
        indicators=indicators,
        functional_units=fus,
        phases=phases,
    )


def _per_day(value: float | None, days: int) -> float | None:
    return None if value is None else value / days


def _unit_line(b: UnitValue | None, c: UnitValue | None, units: Units) -> Line:
    """Both sides in the baseline's unit (the standard fixes it, so a conversion is only a safeguard)."""
    unit = (b or c).unit  # type: ignore[union-attr]
    cur = None if c is None else units.convert(c.value, c.unit, unit)
    return line(b.value if b else None, cur, unit)
