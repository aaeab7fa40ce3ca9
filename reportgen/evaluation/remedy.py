"""How to fix a missing mandatory item (issue 14 item 4): the cell to fill (workbook) or the key to add
(YAML/JSON); when clause 8 could derive the item, which of the derivation's inputs are lacking; when a
withheld value does not count, why (no note, or a reason that does not satisfy 4.3).

What a derivation lacks is asked of the formulas of `calculation.FORMULAS` themselves, not written down a
second time: each formula runs on a probe context that records the inputs it looked for and did not find,
then assumes them one by one until the formula gives a value, and keeps the fewest that suffice.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field

from reportgen.evaluation.calculation import FORMULAS
from reportgen.evaluation.context import Context
from reportgen.evaluation.findings import Findings
from reportgen.evaluation.model import FieldValue
from reportgen.resources import t
from reportgen.standard import Field

MAX_ASSUMED = 8  # inputs a formula may lack; clause 8's formulas have at most five


@dataclass
class _Probe(Context):
    """A context whose `num` answers 1 for the assumed fields and records the fields it lacked."""

    assumed: frozenset[str] = frozenset()
    asked: list[str] = dc_field(default_factory=list)

    def num(self, fid: str) -> float | None:
        if fid in self.assumed:
            return 1.0
        value = Context.num(self, fid)
        if value is None and fid in self.standard.fields and fid not in self.asked:
            self.asked.append(fid)
        return value


def _derives(ctx: Context, f: Field, assumed: frozenset[str]) -> tuple[bool, list[str]]:
    """Whether the formula of `f` gives a value once `assumed` are filled, and the inputs it lacked."""
    spec = ctx.standard.calculations.formulas[f.derivable_by or ""]
    probe = _Probe(
        ctx.standard,
        ctx.values,
        Findings(ctx.standard, ctx.lang),  # a formula's own findings (I-CALC-2) are not this evaluation's
        rejected=ctx.rejected,
        lang=ctx.lang,
        assumed=assumed,
    )
    d = FORMULAS[spec.name](probe, f.id)
    return d is not None, probe.asked


def derivation_gaps(ctx: Context, f: Field) -> list[str] | None:
    """The fewest inputs (field ids) whose values would let clause 8 derive `f`; None when no formula
    derives it from fillable inputs (or it needs none, which never leaves it missing)."""
    if not f.derivable_by or f.derivable_by not in ctx.standard.calculations.formulas:
        return None
    if ctx.standard.calculations.formulas[f.derivable_by].name not in FORMULAS:
        return None
    assumed: list[str] = []
    for _ in range(MAX_ASSUMED):
        ok, asked = _derives(ctx, f, frozenset(assumed))
        if ok:
            break
        fresh = [a for a in asked if a not in assumed and ctx.applies(ctx.standard.fields[a])]
        if not fresh:
            return None
        assumed.append(fresh[0])
    else:
        return None
    for fid in list(assumed):  # an input looked for but optional (a default applies) is not lacking
        fewer = [a for a in assumed if a != fid]
        if _derives(ctx, f, frozenset(fewer))[0]:
            assumed = fewer
    return assumed or None


def place(ctx: Context, fid: str, column: str = "value") -> str | None:
    """The workbook cell of `fid` in `column` (`Training!D14`), None when the input is not a workbook or
    the row is gone."""
    return ctx.cells.get(fid, {}).get(column)


def _named(ctx: Context, fid: str, column: str = "value") -> str:
    """A field as a fix names it: its label and cell in a workbook, its key path in a file."""
    f = ctx.standard.fields[fid]
    label = f.label.get(ctx.lang)
    cell = place(ctx, fid, column)
    if cell:
        return f"{label} ({cell})"
    return f"{label} ({fid})"


def _join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + t("fix_and", lang) + items[-1]


def missing_fix(ctx: Context, f: Field, v: FieldValue | None) -> str:
    """The fix of a missing mandatory item, in the evaluation's language."""
    lang, std = ctx.lang, ctx.standard
    workbook = bool(ctx.cells) or ctx.kind == "xlsx"
    if v is not None and v.origin == "withheld":
        reason = std.enum_label("withheld_reason", v.withheld or "", lang) if v.withheld else ""
        if not v.note:
            key = "fix_withheld_no_note_cell" if place(ctx, f.id, "note") else "fix_withheld_no_note_key"
            return t(key, lang).format(reason=reason, cell=place(ctx, f.id, "note") or "", path=f.id)
        allowed = _join([std.enum_label("withheld_reason", r, lang) for r in std.withheld_satisfies], lang)
        return t("fix_withheld_reason", lang).format(
            reason=reason, allowed=allowed, where=_named(ctx, f.id, "withheld")
        )
    cell = place(ctx, f.id)
    if f.id in ctx.rejected:
        first = t("fix_correct_rejected", lang).format(where=_named(ctx, f.id))
    elif cell:
        first = t("fix_fill_cell", lang).format(cell=cell, label=f.label.get(lang))
    elif workbook:
        first = t("fix_add_row", lang).format(field=f.id, label=f.label.get(lang))
    else:
        first = t("fix_add_key", lang).format(path=f.id, label=f.label.get(lang))
    gaps = derivation_gaps(ctx, f)
    if not gaps:
        return first + "."
    verb = t("fix_verb_fill" if workbook else "fix_verb_add", lang)
    return first + t("fix_or_derive", lang).format(
        verb=verb, inputs=_join([_named(ctx, g) for g in gaps], lang), clause=f.derivable_by
    )
