"""Page 1 of the report (issue 13 item 1): what a reader needs before any table, from the presentation model.

Identification in one block; the status in words with what it covers beside it; the headline figures in
display units (location- and market-based GHG side by side), each marked partial when it is; the figures
per request and per 1,000 output tokens and the inference share; published aggregates and per-unit figures
(A6); and, when the report is incomplete, the first missing items with what to supply. No field id: page 1
is read by people who never open the disclosure file. `view` is the view's formatting helper
(ViewFormatter, presentation/view_rows.py); everything here is formatted text, laid out by the template.
"""

from __future__ import annotations

from typing import Any

from reportgen.presentation import fmt
from reportgen.presentation import view_published as published_mod
from reportgen.presentation.view_rows import ViewFormatter

MISSING_ON_PAGE_1 = 8  # beyond this the list continues in the part "Missing items and findings"


def cover(view: ViewFormatter, identification: dict[str, Any]) -> dict[str, Any]:
    p = view.p
    return {
        "facts": [f for f in identification["facts"] if f.get("key") != "published"],
        "scope": [{"key": s.key, "label": s.label, "text": s.text, "notice": s.notice} for s in p.scope],
        "headline": _headline(view),
        "published_scope": next((x.published_scope for x in p.totals if x.published_scope), None),
        "per_unit": [
            {
                "label": u.label,
                "per_request": per_unit_text(u.per_request, view.lang) or view.s("rpt_dash"),
                "per_1k": per_unit_text(u.per_1k, view.lang) or view.s("rpt_dash"),
            }
            for u in p.per_unit
        ],
        "inference_share": view.pct(view.ev.inference_share) if view.ev.inference_share is not None else None,
        "inference_share_partial": bool(view.ev.inference_share_partial),
        "published_per_unit": published_mod.per_unit(view),
        "missing": _missing(view),
    }


def per_unit_text(uv: tuple[float, str] | None, lang: str) -> str:
    """A per-unit figure whose unit never breaks across lines (0,0003333 mg Sb eq in a narrow column)."""
    if uv is None:
        return ""
    return f"{fmt.number(uv[0], lang, 4)} {fmt.pretty_unit(uv[1]).replace(' ', chr(0xA0))}"


def _card(view: ViewFormatter, total: Any) -> dict[str, Any]:
    """One headline figure: value and unit as printed, its partial flag, the published aggregate beside."""
    if total.value is not None:
        value = view.num(total.value)
    elif total.no_market_total:
        value = view.s("cov_no_market_total")
    else:
        value = view.s("no_value")
    phases = total.missing_phases
    return {
        "id": total.id,
        "pair": None,
        "label": total.label,
        "value": value,
        "unit": total.unit_text if total.value is not None else "",
        "has_value": total.value is not None,
        "partial": total.partial,
        "partial_note": view.s("cov_partial_phases", n=len(phases)) if total.partial and phases else "",
        "published": f"{view.num(total.published)} {total.unit_text}" if total.published is not None else "",
    }


def _headline(view: ViewFormatter) -> list[dict[str, Any]]:
    """Cards in the order of the standard's indicators; indicators measured in one dimension (the two GHG
    totals, location- and market-based) share one card, side by side."""
    std = view.std
    dimension = {name: std.dimension_of_unit(ind.unit) for name, ind in std.indicators.items()}
    shared = {d for d in dimension.values() if list(dimension.values()).count(d) > 1}
    cards: list[dict[str, Any]] = []
    pairs: dict[str, dict[str, Any]] = {}
    for total in view.p.totals:
        card = _card(view, total)
        dim = dimension.get(total.id)
        if dim in shared and dim is not None:
            if dim not in pairs:
                pairs[dim] = {"id": dim, "pair": []}
                cards.append(pairs[dim])
            pairs[dim]["pair"].append(card)
        else:
            cards.append(card)
    return cards


def _missing(view: ViewFormatter) -> dict[str, Any] | None:
    """The first missing items, grouped by phase or section, with what to supply; the rest counted."""
    p = view.p
    if not p.missing:
        return None
    groups, shown = [], 0
    for g in p.missing:
        items = []
        for item in g.items:
            if shown >= MISSING_ON_PAGE_1:
                break
            items.append({"label": item.label, "supply": p.supply.get(item.field, "")})
            shown += 1
        if items:
            groups.append({"label": g.label, "entries": items})
    total = sum(len(g.items) for g in p.missing)
    return {
        "groups": groups,
        "more": view.s("cov_more_missing", n=fmt.number(total - shown, view.lang), part=view.s("sec_missing"))
        if total > shown
        else "",
    }
