"""`reportgen check INPUT`: status, completeness, missing items, findings and totals."""

from __future__ import annotations

import argparse
import json
import sys

from reportgen.presentation import fmt
from reportgen.commands import add_input, add_lang, add_result_format, colon as _c
from reportgen.evaluation.pipeline import evaluate_file
from reportgen.evaluation.model import Evaluation
from reportgen.resources import t
from reportgen.standard import Standard, load_standard
from reportgen.standard.units import Units


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="check a disclosure against the standard",
                       description="Check a disclosure (YAML, JSON or filled .xlsx workbook). Exit code 0 "
                       "when complete, 1 when incomplete or with errors, 2 when the file cannot be read.")
    add_input(p)
    add_result_format(p, "the whole evaluation (its JSON Schema: reportgen schema --evaluation)")
    add_lang(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    ev = evaluate_file(args.input, lang=args.lang)
    if args.format == "json":
        json.dump(ev.model_dump(mode="json"), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_text(ev))
    return ev.exit_code


def render_text(ev: Evaluation) -> str:
    """The human summary: readable by someone who never saw the standard."""
    std = load_standard(ev.standard.edition, ev.standard.id)
    lang = ev.language
    out: list[str] = []
    title = fmt.system_title(ev)
    out.append(f"{ev.source or ''}{' — ' + title if title else ''}")
    out.append(f"{_c(t('standard', lang), lang)} {ev.standard.id} {ev.standard.edition}")
    out.append(f"{_c(t('col_status', lang), lang)} {fmt.status_text(ev)}")
    detail = t("completeness_detail", lang).format(ok=ev.mandatory_satisfied, n=ev.mandatory_applicable)
    out.append(f"{_c(t('completeness', lang), lang)} {fmt.percent(ev.completeness, lang)} ({detail})")
    out.append("")
    out.append(f"{t('missing_items', lang)} ({len(ev.missing_items)})")
    if not ev.missing_items:
        out.append(f"  {t('no_missing', lang)}")
    groups: dict[str, list] = {}
    for item in ev.missing_items:
        groups.setdefault(item.phase or item.field.split(".")[0], []).append(item)
    for gid, items in groups.items():
        out.append(f"  {std.group(gid).label.get(lang)}")
        for item in items:
            cond = f" — {item.condition}" if item.condition else ""
            out.append(f"    - {item.label} [{item.field}], {t('clause', lang)} {item.clause}{cond}")
    out.append("")
    others = [f for f in ev.findings if f.code not in ("M-REQ", "M-REQ-COND")]
    out.append(f"{t('other_findings', lang)} ({len(others)})")
    if not others:
        out.append(f"  {t('no_findings', lang)}")
    for f in others:
        where = f" ({f.location})" if f.location else ""
        out.append(f"  {f.severity.upper():7} {f.code:10} {f.message}{where}")
        out.append(f"          {'':10} {_c(t('fix', lang), lang)} {f.fix}")
    out.append("")
    out += _totals_lines(ev, std, lang)
    if ev.activity is not None:
        from reportgen.activity.text import lines as activity_lines

        out.append("")
        out.extend(activity_lines(ev.activity, std, lang))
    out.append("")
    out.append(f"{_c(t('fingerprint', lang), lang)} {ev.fingerprint}")
    return "\n".join(out) + "\n"


def _phases(std: Standard, phases: list[str], lang: str) -> str:
    return ", ".join(std.group(p).label.get(lang) for p in phases)


def _totals_lines(ev: Evaluation, std: Standard, lang: str) -> list[str]:
    """Totals (8.5), and under D1.1 what Amendment 1 adds beside them: the market-based total over the
    location-based boundary (A2), partial shares (A3), the basis summary (A4) and published figures (A6)."""
    units = Units(std)

    def shown(value: float, unit: str, report_unit: str) -> str:
        return fmt.quantity(units.convert(value, unit, report_unit), report_unit, lang)

    out = [t("totals", lang)]
    for name, total in ev.totals.items():
        ind = std.indicators[name]
        text = shown(total.value, ind.unit, ind.report_unit) if total.value is not None else t("no_value", lang)
        if ind.fallback and total.value is None and std.semantics.market_total == "same_boundary":
            text = t("no_market_total", lang)
        if total.partial:
            text += f" ({t('partial_missing', lang).format(phases=_phases(std, total.missing_phases, lang))})"
        if total.published is not None:
            pub = shown(total.published.value, total.published.unit, ind.report_unit)
            text += f" — {t('published_beside', lang).format(value=pub, scope=total.published.scope or '—')}"
        out.append(f"  {_c(ind.label.get(lang), lang)} {text}")
        if total.location_based_phases:
            entered = ", ".join(f"{std.group(p).label.get(lang)} {shown(total.by_phase[p], ind.unit, ind.report_unit)}"
                                for p in total.location_based_phases)
            out.append(f"      {t('entered_location', lang).format(phases=entered)}")
        if total.shares_partial is not None and total.shares:
            shares = ", ".join(f"{std.group(p).label.get(lang)} {fmt.percent(v, lang)}" for p, v in total.shares.items())
            flag = f" ({t('shares_partial', lang)})" if total.shares_partial else ""
            out.append(f"      {_c(t('shares_by_phase', lang), lang)} {shares}{flag}")
    fu = ev.functional_units
    if fu.per_request:
        out += ["", t("per_request", lang)]
        for name, uv in fu.per_request.items():
            out.append(f"  {_c(std.indicators[name].label.get(lang), lang)} {fmt.quantity(uv.value, uv.unit, lang)}")
    if fu.published:
        out += ["", t("published_per_unit", lang).format(definition=fu.published.get("definition") or "—")]
        for name, uv in fu.published.items():
            if name != "definition" and not isinstance(uv, (str, type(None))):
                out.append(f"  {_c(std.indicators[name].label.get(lang), lang)} {fmt.quantity(uv.value, uv.unit, lang)}")
    if ev.inference_share is not None:
        flag = f" ({t('share_partial_flag', lang)})" if ev.inference_share_partial else ""
        out.append(f"{_c(t('inference_share', lang), lang)} {fmt.percent(ev.inference_share, lang)}{flag}")
    if std.semantics.basis and ev.data_quality:
        out += ["", t("basis_summary", lang)]
        for name, shares in ev.data_quality.items():
            parts = ", ".join(f"{std.enum_label('basis', b, lang)} {fmt.percent(v, lang)}" for b, v in
                              sorted(shares.items(), key=lambda kv: std.basis_order().index(kv[0])))
            out.append(f"  {_c(std.indicators[name].label.get(lang), lang)} {parts}")
    return out
