"""The figures of the report view: totals per indicator and phase (clause 11 item 2), their everyday
equivalences (the edition's optional equivalences.yaml, each factor with its source), and the figures per
functional unit (7.5.3, 7.5.4). Formatted through the view's ViewFormatter (view_rows.py)."""

from __future__ import annotations

import functools
import math
from pathlib import Path
from typing import Any

import yaml

from reportgen.errors import StandardError
from reportgen.presentation import fmt, view_cover
from reportgen.presentation import view_published as published_mod
from reportgen.presentation.view_rows import Row, ViewFormatter
from reportgen.resources import t


def totals_view(v: ViewFormatter) -> list[Row]:
    out = []
    for total in v.p.totals:
        phases = [
            {
                "id": p,
                "label": v.group_label(p),
                "value": v.num(x),
                "share": total.shares.get(p, 0.0),
                "share_text": v.pct(total.shares.get(p)),
            }
            for p, x in total.by_phase.items()
        ]
        notes = []  # D1.1: A2 phases entered location-based, A3 partial shares, A6 published aggregate
        if total.location_based_phases:
            notes.append(
                v.s(
                    "entered_location",
                    phases=", ".join(
                        f"{v.group_label(p)} {v.num(total.by_phase[p])} {total.unit_text}"
                        for p in total.location_based_phases
                    ),
                )
            )
        if total.shares_partial and total.shares:
            notes.append(v.s("shares_partial"))
        if total.published is not None:
            notes.append(
                v.s(
                    "published_beside",
                    value=f"{v.num(total.published)} {total.unit_text}",
                    scope=total.published_scope or v.s("rpt_dash"),
                )
            )
        out.append(
            {
                "notes": notes,
                "id": total.id,
                "label": total.label,
                "unit": total.unit_text,
                "value": v.num(total.value) if total.value is not None else t("no_value", v.lang),
                "has_value": total.value is not None,
                "partial": total.partial,
                "partial_text": total.partial_text,
                "phases": phases,
            }
        )
    return out


def equivalences_view(v: ViewFormatter) -> list[Row]:
    out = []
    for eq in _equivalences(str(v.std.data_file("equivalences.yaml").parent)):
        total = v.ev.totals.get(eq["indicator"])
        if total is None or total.value is None:
            continue
        ind = v.std.indicators[eq["indicator"]]
        amount = v.units.convert(total.value, ind.unit, eq["unit"])
        count = amount / float(eq["factor"])
        if count >= 100:  # two significant digits: the factor is not more precise than that
            count = round(count, 1 - int(math.floor(math.log10(count))))
        shown = v.p.total(eq["indicator"])
        out.append(
            {
                "text": v.s(
                    "rpt_equivalence_line",
                    total=f"{v.num(shown.value if shown else None)} {fmt.pretty_unit(ind.report_unit)}",
                    count=v.num(count, 2 if count >= 10 else 1),
                    what=eq["what"][v.lang],
                ),
                "indicator": ind.label.get(v.lang),
                "factor": f"{v.num(eq['factor'])} {fmt.pretty_unit(eq['unit'])}",
                "source": eq["source"][v.lang],
                "at_least": v.s("rpt_at_least") if total.partial else "",
            }
        )
    return out


def functional_units_view(v: ViewFormatter) -> Row:
    def cell(uv: tuple[float, str] | None) -> str:
        return view_cover.per_unit_text(uv, v.lang) or v.s("rpt_not_derivable")

    rows = [
        {"label": u.label, "per_request": cell(u.per_request), "per_1k": cell(u.per_1k)} for u in v.p.per_unit
    ]
    basis_field = v.std.fields[v.std.roles.per_request_basis]
    return {
        "rows": rows,
        "basis_label": basis_field.label.get(v.lang),
        "basis": v.value_text(basis_field, v.value(basis_field.id)),
        "inference_share": v.pct(v.ev.inference_share)
        + (f" ({v.s('share_partial_flag')})" if v.ev.inference_share_partial else ""),
        "published": published_mod.per_unit(v),
    }


@functools.lru_cache(maxsize=4)
def _equivalences(directory: str) -> list[dict[str, Any]]:
    """Equivalence factors of the edition (optional file); an entry without a source is refused."""
    path = Path(directory) / "equivalences.yaml"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as fh:
        entries = (yaml.safe_load(fh) or {}).get("equivalences") or []
    for i, eq in enumerate(entries):
        src = eq.get("source") or {}
        if not all(str(src.get(lang, "")).strip() for lang in ("en", "fr")) or not eq.get("factor"):
            raise StandardError(
                f"{path}: equivalence #{i + 1} ({eq.get('id')}) needs a factor and a source "
                "in en and fr; a factor is never shown without its source."
            )
    return entries
