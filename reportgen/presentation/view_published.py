"""Amendment 1's published figures (A6) in the report view: the aggregates on the first page, the per-unit
figures beside the derived ones, and the sections no other part of the view lists. `view` is the view's
formatting helper (ViewFormatter, presentation/view_rows.py)."""

from __future__ import annotations

from typing import Any

from reportgen.presentation import fmt
from reportgen.presentation.view_rows import ViewFormatter


def aggregates(view: ViewFormatter) -> str:
    """The published lifecycle aggregates in one line, for the first page."""
    parts, scope = [], None
    for total in view.p.totals:  # converted to the report unit once, by the presentation model
        if total.published is not None:
            parts.append(f"{total.label} {view.num(total.published)} {total.unit_text}")
            scope = total.published_scope
    return "; ".join(parts) + (f" — “{scope}”" if parts and scope else "")


def per_unit(view: ViewFormatter) -> dict[str, Any] | None:
    """A6: per-unit figures as published, beside the derived ones (never compared)."""
    pub = view.ev.functional_units.published
    if not pub:
        return None
    rows = [
        {
            "label": view.std.indicators[k].label.get(view.lang),
            "value": fmt.quantity(v.value, v.unit, view.lang),
        }
        for k, v in pub.items()
        if k in view.std.indicators and not isinstance(v, (str, type(None)))
    ]
    return {
        "title": view.s("published_per_unit", definition=pub.get("definition") or view.s("rpt_dash")),
        "rows": rows,
    }


def sections(view: ViewFormatter, shown: tuple[str, ...]) -> list[dict[str, Any]]:
    """The sections not in `shown` (those the view lays out itself): A6's aggregate and functional_unit;
    `empty` when none of their items was given nor is missing (the report names them on one line)."""
    out = []
    for g in view.std.sections:
        if g.id in shown:
            continue
        rows = view.rows(g.id)
        empty = all(
            r["origin"] == "missing" and not r["note"] and r["id"] not in view.ev.missing for r in rows
        )
        out.append({"id": g.id, "label": view.group_label(g.id), "rows": rows, "empty": empty})
    return out
