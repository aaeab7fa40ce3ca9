"""The organization-level portfolio report: PDF (templates/portfolio.html.j2) and workbook (issue 17, item 3).

Both show, per system, its status, completeness, totals, share of its group and per-request figures, then
the consolidated totals per group (edition, and period when needed). `portfolio.json` is attached to the
PDF and written on the workbook's About sheet, as a disclosure's data is on its own reports.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from openpyxl import Workbook

from reportgen.comparison.portfolio import Consolidation
from reportgen.evaluation.declared import standard_of, text_of
from reportgen.evaluation.model import Evaluation
from reportgen.output import EPOCH, document_date
from reportgen.presentation import fmt
from reportgen.presentation.comparison_chart import BarRow, bars_svg
from reportgen.resources import t

ATTACHMENT = "portfolio.json"
HEADLINE = "ghg_location"  # the indicator charted per system: the lifecycle GHG total (reading 1)


def portfolio_json(cons: Consolidation) -> str:
    """Deterministic text of portfolio.json."""
    return json.dumps(cons.portfolio.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def stamp(evaluations: list[Evaluation]) -> dt.datetime:
    """The latest document date of the systems: the same inputs give the same bytes."""
    return max((document_date(ev) for ev in evaluations), default=EPOCH)


def organizations(evaluations: list[Evaluation]) -> list[str]:
    names = [text_of(ev, standard_of(ev).roles.organization_name) for ev in evaluations]
    return list(dict.fromkeys(n for n in names if n))


def portfolio_view(cons: Consolidation, evaluations: list[Evaluation], lang: str) -> dict[str, Any]:
    """Formatted rows for the template (every number through fmt, in the language asked)."""
    p = cons.portfolio
    indicators = list(dict.fromkeys(n for s in p.systems for n in s.totals))

    def figure(f: Any) -> str:
        if f is None or f.value is None:
            return t("no_value", lang)
        return fmt.quantity(f.value, f.unit, lang) + (
            f" ({t('cmp_partial_flag', lang)})" if f.partial else ""
        )

    systems: list[dict[str, Any]] = []
    for i, (s, ev) in enumerate(zip(p.systems, evaluations, strict=True)):
        systems.append(
            {
                "name": " ".join(x for x in (s.name, s.version) if x) or (ev.source or "—"),
                "source": ev.source or "",
                "group": cons.groups[i],
                "status": fmt.status_text(ev),
                "complete": ev.is_complete,
                "completeness": fmt.percent(cons.completeness[i], lang),
                "fingerprint": s.fingerprint,
                "totals": [
                    {"value": figure(s.totals.get(n)), "share": fmt.percent(cons.share(i, n), lang)}
                    for n in indicators
                ],
                "per_request": [
                    fmt.quantity(cons.per_request[i][n].value, cons.per_request[i][n].unit, lang)
                    if n in cons.per_request[i]
                    else "—"
                    for n in indicators
                ],
            }
        )
    groups = [
        {
            "key": key,
            "members": sum(1 for g in cons.groups if g == key),
            "totals": [figure(row.get(n)) for n in indicators],
        }
        for key, row in p.consolidated.items()
    ]
    rows = [
        BarRow(
            label=sys["name"][:38],
            values=[s.totals[HEADLINE].value if HEADLINE in s.totals else None],
            texts=[sys["totals"][indicators.index(HEADLINE)]["value"]] if HEADLINE in indicators else ["—"],
        )
        for sys, s in zip(systems, p.systems, strict=True)
    ]
    orgs = organizations(evaluations)
    return {
        "lang": lang,
        "organization": ", ".join(orgs) or "—",
        "several_orgs": len(orgs) > 1,
        "indicators": [cons.labels.get(n, n) for n in indicators],
        "systems": systems,
        "groups": groups,
        "several_groups": len(groups) > 1,
        "chart": bars_svg(
            rows,
            [cons.labels.get(HEADLINE, HEADLINE)],
            "Report Sans",
            False,
            cons.labels.get(HEADLINE, HEADLINE),
        ),
        "chart_title": cons.labels.get(HEADLINE, HEADLINE),
    }


def portfolio_pdf(cons: Consolidation, evaluations: list[Evaluation], lang: str) -> bytes:
    from reportgen.presentation.pdf import _environment
    from reportgen.presentation.pdf_engine import html_to_pdf

    view = portfolio_view(cons, evaluations, lang)
    when = stamp(evaluations)
    html = (
        _environment()
        .get_template("portfolio.html.j2")
        .render(
            **view,
            t=lambda key, **kw: t(key, lang).format(**kw) if kw else t(key, lang),
            created_w3c=when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
    )
    return html_to_pdf(
        html, when, portfolio_json(cons), ATTACHMENT, "AILD portfolio: systems and consolidated totals"
    )


def portfolio_workbook(cons: Consolidation, evaluations: list[Evaluation], lang: str) -> Workbook:
    from reportgen.presentation.xlsx_cells import BOLD, PERCENT_FORMAT, TITLE_FONT, Sheet
    from reportgen.workbook.xml_text import TextGuard

    guard = TextGuard()
    p = cons.portfolio
    indicators = list(dict.fromkeys(n for s in p.systems for n in s.totals))
    wb = Workbook()
    wb.remove(wb.worksheets[0])  # the empty sheet a new workbook starts with
    systems = Sheet(wb.create_sheet(t("pf_sheet_systems", lang)), guard)
    row = (
        systems.title(
            1,
            t("pf_title", lang).format(organization=", ".join(organizations(evaluations)) or "—"),
            TITLE_FONT,
        )
        + 1
    )
    head = [
        t("system", lang),
        t("model_version", lang),
        t("pf_group", lang),
        t("col_status", lang),
        t("completeness", lang),
    ]
    for n in indicators:
        unit = fmt.pretty_unit(p.systems[0].totals[n].unit) if n in p.systems[0].totals else ""
        head += [f"{cons.labels.get(n, n)} ({unit})", t("pf_share", lang)]
    row = systems.header(row, head + [t("fingerprint", lang)])
    for i, (s, ev) in enumerate(zip(p.systems, evaluations, strict=True)):
        systems.row(row, [s.name, s.version, cons.groups[i], fmt.status_text(ev)])
        systems.put(row, 5, cons.completeness[i], number=PERCENT_FORMAT)
        col = 6
        for n in indicators:
            f = s.totals.get(n)
            systems.put(row, col, None if f is None else f.value)
            systems.put(row, col + 1, cons.share(i, n), number=PERCENT_FORMAT)
            col += 2
        systems.put(row, col, s.fingerprint, measure=False)
        row += 1
    systems.finish()

    cons_sheet = Sheet(wb.create_sheet(t("pf_sheet_consolidated", lang)), guard)
    row = cons_sheet.header(
        1,
        [
            t("pf_group", lang),
            t("col_indicator", lang),
            t("col_value", lang),
            t("col_unit", lang),
            t("cmp_partial_flag", lang),
        ],
    )
    for key, totals in p.consolidated.items():
        for n, f in totals.items():
            row = cons_sheet.row(
                row, [key, cons.labels.get(n, n), f.value, fmt.pretty_unit(f.unit), f.partial]
            )
    cons_sheet.finish()

    per_req = Sheet(wb.create_sheet(t("cmp_per_request", lang)), guard)
    row = per_req.header(
        1, [t("system", lang), t("col_indicator", lang), t("col_value", lang), t("col_unit", lang)]
    )
    for s, fu in zip(p.systems, cons.per_request, strict=True):
        for n, uv in fu.items():
            row = per_req.row(row, [s.name, cons.labels.get(n, n), uv.value, fmt.pretty_unit(uv.unit)])
    per_req.finish()

    about = Sheet(wb.create_sheet(t("xlsx_sheet_about", lang)), guard)
    about.put(1, 1, ATTACHMENT, font=BOLD)
    text = portfolio_json(cons)
    for i in range(0, len(text), 30_000):
        about.put(2 + i // 30_000, 1, text[i : i + 30_000], measure=False)
    props = wb.properties
    props.created = props.modified = stamp(evaluations).replace(tzinfo=None)
    props.title = t("pf_title", lang).format(organization=", ".join(organizations(evaluations)) or "—")[:250]
    return wb
