"""Display formatting of an Evaluation (status, title, a trace's arithmetic), on top of reportgen/localized.py
(numbers, units, dates and elision per locale, which the evaluation's messages use too); its names are
re-exported here for the renderers. Formatting is for display only: nothing formatted is parsed back.
"""

from __future__ import annotations

from reportgen.evaluation.declared import standard_of, text_of
from reportgen.evaluation.model import Evaluation, Trace, written
from reportgen.localized import LOCALES as LOCALES
from reportgen.localized import PRETTY_UNITS as PRETTY_UNITS
from reportgen.localized import fill as fill
from reportgen.localized import language_name as language_name
from reportgen.localized import long_date as long_date
from reportgen.localized import number as number
from reportgen.localized import percent as percent
from reportgen.localized import pretty_unit as pretty_unit
from reportgen.localized import quantity as quantity
from reportgen.localized import scientific as scientific
from reportgen.resources import t


def status_text(ev: Evaluation) -> str:
    """Clause 11 item 1: "Complete" or "Incomplete — N mandatory items missing", in the report language."""
    lang = ev.language
    if ev.status == "complete":
        return t("status_complete", lang)
    n = len(ev.missing)
    if n == 0:
        errors = ev.counts["error"]
        if errors == 1:
            return t("status_incomplete_error_one", lang)
        return t("status_incomplete_errors", lang).format(n=errors)
    return t("status_incomplete_one", lang) if n == 1 else t("status_incomplete", lang).format(n=n)


def system_title(ev: Evaluation) -> str:
    """`<system name> <model version>` as reports and the CLI title a disclosure ("" when neither is given)."""
    roles = standard_of(ev).roles
    parts = (text_of(ev, roles.system_name), text_of(ev, roles.model_version))
    return " ".join(p for p in parts if p is not None)


def expression(trace: Trace, lang: str = "en") -> str:
    """A trace's arithmetic with its numbers in the report's language (six significant digits, grouped):
    the evaluation keeps the numbers apart (`template`, `numbers`); traces of format 1.7 and before, with
    numbers already written, print as they are."""
    if trace.template is None:
        return trace.expression
    return written(trace.template, trace.numbers, lambda x: number(x, lang, sig=6))
