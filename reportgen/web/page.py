"""What the page shows, as plain data for templates/web/page.html.j2: language, check and verify results.

The figures, labels and messages come from the adapter (the report's presentation model and the
evaluation); this module only arranges them the way an analyst fixes a workbook: missing items by sheet
with the cell to fill, other findings by severity.
"""

from __future__ import annotations

import functools
from typing import Any

import jinja2

from reportgen.web import adapter

SEVERITIES = (("error", "web_errors"), ("warning", "web_warnings"), ("info", "web_infos"))


def negotiate(query_lang: str | None, form_lang: str | None, accept_language: str | None) -> str:
    """The page language: ?lang=, else the form's, else the browser's preference (q-values), else en."""
    for explicit in (query_lang, form_lang):
        if explicit in adapter.LANGS:
            return explicit
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in adapter.LANGS and q > 0:
            ranked.append((-q, i, primary))
    return sorted(ranked)[0][2] if ranked else "en"


def strings(lang: str) -> Any:
    """`s(key, **kw)` for templates: a UI string in the page language, filled."""

    def s(key: str, **kw: Any) -> str:
        text = adapter.text(key, lang)
        return text.format(**kw) if kw else text

    return s


def check_result(ev: Any, lang: str) -> dict[str, Any]:
    """The result panel of a checked disclosure."""
    view = adapter.view(ev)
    s = strings(lang)
    groups: dict[str, dict[str, Any]] = {}
    labels = {row["id"]: row["group"] for row in view["missing"]}
    for item in ev.missing_items:
        cell = item.location.cell if item.location is not None and item.location.cell else None
        if cell:
            sheet, _, ref = cell.rpartition("!")
            title = s("web_sheet", sheet=sheet.strip("'"))
            where = ref
        else:
            title, where = labels.get(item.field, ""), item.field
        groups.setdefault(title, {"title": title, "by_cell": bool(cell), "items": []})["items"].append(
            {
                "label": item.label,
                "field": item.field,
                "clause": item.clause,
                "where": where,
                "fix": item.fix,
                "help": item.help or "",
                "condition": s("web_when", condition=item.condition) if item.condition else "",
            }
        )
    others = view["findings"]
    severity_groups = [
        {"severity": sev, "title": s(key, n=n), "items": items}
        for sev, key in SEVERITIES
        if (n := len(items := [f for f in others if f["severity"] == sev]))
    ]
    fu = view["functional_units"]
    return {
        "kind": "check",
        "source": ev.source or "",
        "system": view["meta"]["running_title"],
        "standard": view["meta"]["standard_title"],
        "complete": ev.is_complete,
        "status": view["status"]["text"],
        "completeness": view["status"]["completeness"],
        "self_declared": view["self_declared"],
        "totals": view["totals"],
        "per_request": fu["rows"],
        "inference_share": fu["inference_share"] if ev.inference_share is not None else None,
        "missing_count": len(ev.missing_items),
        "missing_groups": list(groups.values()),
        "findings_count": len(others),
        "finding_groups": severity_groups,
        "fingerprint": ev.fingerprint,
    }


def verify_result(data: dict[str, Any], lang: str) -> dict[str, Any]:
    """The result panel of a verified report (verify's JSON object, as the CLI prints it)."""
    s = strings(lang)
    checks = data["checks"]
    failed = [c for c in checks if not c["ok"]]
    kind = "PDF" if data["kind"] == "pdf" else "Excel"
    return {
        "kind": "verify",
        "verified": data["verified"],
        "headline": s("web_verified", n=len(checks))
        if not failed
        else s("web_not_verified", failed=len(failed), n=len(checks)),
        "about": s("web_made_by", kind=kind, standard=data["standard"], version=data["tool_version"] or "?"),
        "report": data["report"],
        "fingerprint": data["fingerprint"],
        "checks": [{**c, **c.get("text", {})} for c in checks],  # in the page's language when it has one
    }


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """Jinja2 over templates/web, autoescaped; a missing variable is an error, never an empty spot."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(adapter.web_templates())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_page(
    *,
    lang: str,
    tab: str,
    result: dict[str, Any] | None = None,
    error: str | None = None,
    sample: str | None = None,
    again: bool = False,
) -> str:
    """The whole page: tabs, the form of `tab`, and the result or error of the last request."""
    editions = adapter.editions()
    samples = list(adapter.samples())
    return (
        environment()
        .get_template("page.html.j2")
        .render(
            lang=lang,
            tab=tab,
            s=strings(lang),
            colon=lambda label: adapter.colon(label, lang),
            result=result,
            error=error,
            sample=sample,
            again=again,
            samples=samples,
            editions=[e.label for e in editions],
            latest=editions[-1].label if editions else "",
            langs=adapter.LANGS,
            version=adapter.VERSION,
            input_accept=",".join((*adapter.INPUT_SUFFIXES, ".zip")),
            report_accept=",".join(adapter.REPORT_SUFFIXES),
        )
    )
