"""The text of `reportgen check`: the presentation model laid out for a terminal, readable by someone who
never saw the standard."""

from __future__ import annotations

from reportgen.evaluation.model import Evaluation, Finding
from reportgen.presentation import fmt
from reportgen.presentation.summary import Presentation, present
from reportgen.resources import colon, t


def evaluation_text(ev: Evaluation) -> str:
    """Status, completeness, missing items by group, other findings, totals, activity, fingerprint."""
    p = present(ev)
    lang = p.lang
    out: list[str] = []
    title = fmt.system_title(ev)
    out.append(f"{ev.source or ''}{' — ' + title if title else ''}")
    out.append(f"{colon(t('standard', lang), lang)} {ev.standard.id} {ev.standard.edition}")
    out.append(f"{colon(t('col_status', lang), lang)} {p.status_text}")
    out.append(f"{colon(t('completeness', lang), lang)} {p.completeness_text}")
    out.append("")
    out.append(f"{t('missing_items', lang)} ({len(ev.missing_items)})")
    if not ev.missing_items:
        out.append(f"  {t('no_missing', lang)}")
    for group in p.missing:
        out.append(f"  {group.label}")
        for item in group.items:
            cond = f" — {item.condition}" if item.condition else ""
            out.append(f"    - {item.label} [{item.field}], {t('clause', lang)} {item.clause}{cond}")
            if item.fix:
                out.append(f"      {colon(t('fix', lang), lang)} {item.fix}")
    out.append("")
    out.append(f"{t('other_findings', lang)} ({len(p.findings)})")
    if not p.findings:
        out.append(f"  {t('no_findings', lang)}")
    severity = {sev: t(f"severity_{sev}", lang).upper() for sev in ("error", "warning", "info")}
    w = max(len(x) for x in severity.values())  # ERROR/WARNING, ERREUR/AVERTISSEMENT
    pad = " " * (w + 3)
    for f in p.findings:
        if p.cause(f) is not None:
            continue  # listed under its root cause
        where = f" ({f.location})" if f.location else ""
        out.append(f"  {severity[f.severity]:{w}} {f.code:10} {f.message}{where}")
        out.append(f"{pad}{'':10} {colon(t('fix', lang), lang)} {f.fix}")
        following = p.following(f)
        if following:
            out.append(f"{pad}{'':10} {t('follows_from_it', lang)}")
        for c in following:
            if isinstance(c, Finding):
                at = f" ({c.location})" if c.location else ""
                out.append(f"{pad}{'':10}   ↳ {severity[c.severity]} {c.code}: {c.message}{at}")
            else:
                out.append(f"{pad}{'':10}   ↳ {t('follows_missing', lang)} {c.label} [{c.field}]")
    out.append("")
    out += _totals_lines(p)
    if ev.activity is not None:
        from reportgen.activity.text import lines as activity_lines

        out.append("")
        out.extend(activity_lines(ev.activity, p.std, lang))
    out.append("")
    out.append(f"{colon(t('fingerprint', lang), lang)} {ev.fingerprint}")
    return "\n".join(out) + "\n"


def _totals_lines(p: Presentation) -> list[str]:
    """Totals (8.5), and under D1.1 what Amendment 1 adds beside them: the market-based total over the
    location-based boundary (A2), partial shares (A3), the basis summary (A4) and published figures (A6)."""
    ev, std, lang = p.ev, p.std, p.lang
    out = [t("totals", lang)]
    for total in p.totals:
        text = p.quantity(total.value, total.unit) if total.value is not None else t("no_value", lang)
        if total.no_market_total:
            text = t("no_market_total", lang)
        if total.partial:
            text += f" ({total.partial_text})"
        if total.published is not None:
            pub = p.quantity(total.published, total.unit)
            text += f" — {t('published_beside', lang).format(value=pub, scope=total.published_scope or '—')}"
        out.append(f"  {colon(total.label, lang)} {text}")
        if total.location_based_phases:
            entered = ", ".join(
                f"{p.group_label(ph)} {p.quantity(total.by_phase[ph], total.unit)}"
                for ph in total.location_based_phases
            )
            out.append(f"      {t('entered_location', lang).format(phases=entered)}")
        if total.shares_partial is not None and total.shares:
            by_phase = ", ".join(
                f"{p.group_label(ph)} {fmt.percent(v, lang)}" for ph, v in total.shares.items()
            )
            flag = f" ({t('shares_partial', lang)})" if total.shares_partial else ""
            out.append(f"      {colon(t('shares_by_phase', lang), lang)} {by_phase}{flag}")
    fu = ev.functional_units
    if fu.per_request:
        out += ["", t("per_request", lang)]
        for name, per in fu.per_request.items():
            out.append(
                f"  {colon(std.indicators[name].label.get(lang), lang)} {fmt.quantity(per.value, per.unit, lang)}"
            )
    if fu.published:
        out += ["", t("published_per_unit", lang).format(definition=fu.published.get("definition") or "—")]
        for name, figure in fu.published.items():
            if name != "definition" and not isinstance(figure, (str, type(None))):
                out.append(
                    f"  {colon(std.indicators[name].label.get(lang), lang)} "
                    f"{fmt.quantity(figure.value, figure.unit, lang)}"
                )
    if ev.inference_share is not None:
        flag = f" ({t('share_partial_flag', lang)})" if ev.inference_share_partial else ""
        out.append(f"{colon(t('inference_share', lang), lang)} {fmt.percent(ev.inference_share, lang)}{flag}")
    if std.semantics.basis and ev.data_quality:
        out += ["", t("basis_summary", lang)]
        for name, shares in ev.data_quality.items():
            parts = ", ".join(
                f"{std.enum_label('basis', b, lang)} {fmt.percent(v, lang)}"
                for b, v in sorted(shares.items(), key=lambda kv: std.basis_order().index(kv[0]))
            )
            out.append(f"  {colon(std.indicators[name].label.get(lang), lang)} {parts}")
    return out
