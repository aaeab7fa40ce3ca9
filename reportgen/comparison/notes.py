"""Comparability notes: what makes two disclosures not like for like (issue 17, item 1).

Each note has a stable `code` and a message in the output language (templates/strings-compare.yaml,
`cmp_note_<code>`). A blocking code makes the comparison "not comparable" (exit 1); the others are
caveats a reader must see but that leave the figures comparable: a basis mix that moved (the same
quantity, better or worse known: a phase whose
figure rests on another basis, A4, or under D1 another method) and periods of different length (per-day figures are then shown).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from reportgen.evaluation.declared import standard_of, value_of
from reportgen.evaluation.model import Evaluation
from reportgen.resources import t
from reportgen.standard import Standard

# code → whether it makes the comparison not comparable
CODES: dict[str, bool] = {
    "edition": True,
    "boundary_phase": True,
    "lca_scope": True,
    "energy_scope": True,
    "accounting": True,
    "per_request_basis": True,
    "partial_total": True,
    "basis_mix": False,
    "period_length": False,
}
# Boundary declarations compared as they are (note code: the field's role, standard/roles.py); each is
# labelled with its field's enumeration
BOUNDARY_ROLES = {
    "lca_scope": "lca_scope",
    "energy_scope": "energy_scope",
    "accounting": "electricity_accounting",
}


class Note(BaseModel):
    code: str
    message: str


def is_blocking(code: str) -> bool:
    return CODES[code]


def period_days(ev: Evaluation) -> int | None:
    """Days of the reporting period, both ends counted; None when either end is missing."""
    roles = standard_of(ev).roles
    start, end = value_of(ev, roles.period_start), value_of(ev, roles.period_end)
    if not isinstance(start, dt.date) or not isinstance(end, dt.date):
        return None
    days = (end - start).days + 1
    return days if days > 0 else None


def comparability_notes(
    baseline: Evaluation, current: Evaluation, std_b: Standard, std_c: Standard, lang: str
) -> list[Note]:
    """Every note, in the order of CODES."""
    notes: list[Note] = []

    def add(code: str, **kw: object) -> None:
        notes.append(Note(code=code, message=t(f"cmp_note_{code}", lang).format(**kw)))

    def label(enum: str | None, value: object) -> str:
        return t("cmp_not_stated", lang) if value is None else std_c.enum_label(enum or "", value, lang)

    if (baseline.standard.id, baseline.standard.edition) != (current.standard.id, current.standard.edition):
        add("edition", baseline=std_b.name, current=std_c.name)
    for phase in std_c.phase_ids:
        sb, sc = baseline.boundary.get(phase), current.boundary.get(phase)
        if sb != sc:
            add(
                "boundary_phase",
                phase=std_c.group(phase).label.get(lang),
                baseline=label("phase_status", sb),
                current=label("phase_status", sc),
            )

    def both(role: str) -> tuple[object, object, str | None]:
        """The supplied values of the field playing `role` in each edition, and its enumeration."""
        fb, fc = getattr(std_b.roles, role), getattr(std_c.roles, role)
        return (
            value_of(baseline, fb, supplied_only=True),
            value_of(current, fc, supplied_only=True),
            std_c.fields[fc].enum,
        )

    for code, role in BOUNDARY_ROLES.items():
        vb, vc, enum = both(role)
        if vb != vc:
            add(code, baseline=label(enum, vb), current=label(enum, vc))
    rb, rc, enum = both("per_request_basis")
    if rb != rc and (baseline.functional_units.per_request or current.functional_units.per_request):
        add(
            "per_request_basis",
            baseline=label(enum, rb),
            current=label(enum, rc),
        )
    for name in std_c.indicators:
        states = [
            _partial_state(baseline, name, "cmp_side_baseline", std_b, lang),
            _partial_state(current, name, "cmp_side_current", std_c, lang),
        ]
        state = "; ".join(s for s in states if s)
        other = baseline.totals.get(name), current.totals.get(name)
        if state and any(tot is not None and tot.value is not None for tot in other):
            add("partial_total", indicator=std_c.indicators[name].label.get(lang), state=state)
    for name in std_c.indicators:
        moves = _mix_moves(baseline, current, std_b, std_c, name, lang)
        if moves:
            add("basis_mix", indicator=std_c.indicators[name].label.get(lang), moves=moves)
    db, dc = period_days(baseline), period_days(current)
    if db and dc and db != dc:
        add("period_length", baseline=db, current=dc)
    return notes


def _partial_state(ev: Evaluation, name: str, side: str, std: Standard, lang: str) -> str | None:
    """Why one side's total of `name` is not a whole figure, or None when it is."""
    total = ev.totals.get(name)
    if total is None or total.value is None:
        return t("cmp_missing_side", lang).format(side=t(side, lang))
    if total.partial:
        phases = ", ".join(std.group(p).label.get(lang) for p in total.missing_phases)
        return t("cmp_partial_side", lang).format(side=t(side, lang), phases=phases)
    return None


def _phase_basis(ev: Evaluation, std: Standard, name: str, phase: str) -> str | None:
    """The basis (A4; the method under D1) of the value a phase adds to a total."""
    ind = std.indicators[name]
    fid = ind.fields.get(phase) or (std.indicators[ind.fallback].fields.get(phase) if ind.fallback else None)
    v = ev.values.get(fid) if fid else None
    if v is None:
        return None
    return v.basis if std.semantics.basis else v.method


def _mix_moves(
    baseline: Evaluation, current: Evaluation, std_b: Standard, std_c: Standard, name: str, lang: str
) -> str:
    """`Training measured → estimated, …` for the phases in both totals whose basis changed, else ''."""
    if (
        name not in baseline.totals
        or name not in current.totals
        or std_b.semantics.basis != std_c.semantics.basis
    ):
        return ""  # a basis (A4) and a method (D1) are not the same thing: the edition note says so
    moves = []
    for phase in current.totals[name].by_phase:
        if phase not in baseline.totals[name].by_phase:
            continue
        before, after = _phase_basis(baseline, std_b, name, phase), _phase_basis(current, std_c, name, phase)
        if before != after:
            moves.append(
                f"{std_c.group(phase).label.get(lang)} {_basis_label(std_b, before, lang)} → "
                f"{_basis_label(std_c, after, lang)}"
            )
    return ", ".join(moves)


def _basis_label(std: Standard, value: str | None, lang: str) -> str:
    if value is None:
        return t("cmp_not_stated", lang)
    return std.enum_label("basis" if std.semantics.basis else "method", value, lang).lower()
