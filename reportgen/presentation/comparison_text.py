"""The comparison for people: `reportgen compare` and `reportgen scenario` in text, English or French.

Numbers go through `fmt` (Babel), so 1 287,5 MWh in French; a change carries its sign and percentage.
"""

from __future__ import annotations

from reportgen.comparison.compare import Comparison, Line
from reportgen.comparison.notes import is_blocking
from reportgen.evaluation.declared import standard_of
from reportgen.evaluation.model import Evaluation
from reportgen.presentation import fmt
from reportgen.resources import t

LABEL_W = 42
COL_W = 19


def report_colon(label: str, lang: str) -> str:
    """`label:` (French: `label :`), the report's typography (rpt_colon) without its trailing space."""
    return label + t("rpt_colon", lang).rstrip(" ")


def signed(value: float, unit: str, lang: str) -> str:
    """`+12.3 MWh`, `−45.2 tCO₂e` (a true minus sign), `0 MWh`."""
    text = fmt.quantity(abs(value), unit, lang)
    return ("+" if value > 0 else "\u2212" if value < 0 else "") + text


def change_text(ln: Line, lang: str) -> str:
    """The change column: signed difference and percentage, `no change`, or — without both sides."""
    if ln.change is None:
        return "—"
    if ln.change == 0:
        return t("cmp_no_change", lang)
    pct = (
        ""
        if ln.change_pct is None
        else f" ({'+' if ln.change_pct > 0 else ''}{fmt.percent(ln.change_pct / 100, lang)})"
    )
    return signed(ln.change, ln.unit, lang) + pct.replace("-", "\u2212")


def row(label: str, ln: Line, lang: str, width: int, indent: str = "  ") -> str:
    cells = [fmt.quantity(ln.baseline, ln.unit, lang), fmt.quantity(ln.current, ln.unit, lang)]
    return f"{indent}{label:<{width - len(indent)}}{cells[0]:>{COL_W}}{cells[1]:>{COL_W}}   {change_text(ln, lang)}"


def verdict(cmp: Comparison, lang: str) -> str:
    if not cmp.comparable:
        return t("cmp_not_comparable", lang)
    return t("cmp_comparable_notes" if cmp.notes else "cmp_comparable", lang)


def describe(ev: Evaluation) -> str:
    title = fmt.system_title(ev)
    return f"{ev.source or ''}{' — ' + title if title else ''} ({ev.standard.id} {ev.standard.edition})"


def comparison_text(
    cmp: Comparison, baseline: Evaluation, current: Evaluation, lang: str, title_key: str = "cmp_title"
) -> str:
    std = standard_of(current)
    out = [t(title_key, lang)]
    out.append(f"  {report_colon(t('cmp_baseline', lang), lang)} {describe(baseline)}")
    out.append(f"  {report_colon(t('cmp_current', lang), lang)} {describe(current)}")
    out.append(verdict(cmp, lang))
    if cmp.notes:
        out.append(f"{t('cmp_notes', lang)} ({len(cmp.notes)})")
        for n in cmp.notes:
            mark = "!" if is_blocking(n.code) else "·"
            out.append(f"  {mark} [{n.code}] {n.message}")

    def label(name: str) -> str:
        ind = std.indicators.get(name) or standard_of(baseline).indicators[name]
        return ind.label.get(lang)

    width = 6 + max(len(label(n)) for n in cmp.indicators)
    head = f"{'':<{width}}{t('cmp_baseline', lang):>{COL_W}}{t('cmp_current', lang):>{COL_W}}   {t('cmp_change', lang)}"
    out += ["", head, t("cmp_totals", lang)]
    out += [row(label(n), ln, lang, width) for n, ln in cmp.indicators.items()]
    for kind in ("per_request", "per_1k_output_tokens", "per_day"):
        lines = cmp.functional_units.get(kind)
        if lines:
            out.append(t(f"cmp_{kind}", lang))
            out += [row(label(n), ln, lang, width) for n, ln in lines.items()]
    out.append(t("cmp_by_phase", lang))
    for phase, lines in cmp.phases.items():
        out.append(f"  {std.group(phase).label.get(lang) if std.is_phase(phase) else phase}")
        out += [row(label(n), ln, lang, width, "    ") for n, ln in lines.items()]
    out += [
        "",
        f"{report_colon(t('cmp_fingerprints', lang), lang)} {cmp.baseline.fingerprint} → {cmp.current.fingerprint}",
    ]
    return "\n".join(out) + "\n"
