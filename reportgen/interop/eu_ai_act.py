"""EU AI Act Annex XI §1 point 2(d)–(e), as the GPAI Code of Practice's Model Documentation Form asks it.

2(d): computational resources used to train the model (FLOP, at least two significant figures), training
time, other relevant details (hardware); 2(e): known or estimated energy consumption (MWh, at least two
significant figures) and the method used — where the energy is unknown it "may be based on information
about computational resources used", which is what an AILD clause 8.1 derivation is, so a derived
training energy counts and its formula is shown.

Which AILD field answers which item comes from the edition's crosswalk (Annex C, column eu_ai_act);
`EXTRA` adds the items the crosswalk does not list but the form asks for (accelerator count, methodology).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from reportgen.evaluation.model import Evaluation
from reportgen.interop import sig_text
from reportgen.presentation.fmt import expression, fill, system_title
from reportgen.resources import t
from reportgen.standard import Standard
from reportgen.standard.units import Units

SIG_FIGS = 3  # the form asks for at least two
DISPLAY_UNIT = {"training.energy": "MWh"}  # the form's unit where it differs from AILD's canonical one
EXTRA = [  # (after field, field, form reference)
    (
        "training.accelerator_model",
        "training.accelerator_count",
        "2(d) other details: number of accelerators",
    ),
    (None, "methodology.description", "2(e) methodology used to measure or estimate energy"),
    (None, "methodology.standards_applied", "2(e) standards and methods applied"),
]


@dataclass
class Item:
    ref: str
    field: str
    label: str
    value: Any = None
    unit: str | None = None
    display: str | None = None
    origin: str | None = None  # supplied | derived | withheld
    method: str | None = None
    source: str | None = None
    formula: str | None = None


def _order(std: Standard) -> list[tuple[str, str]]:
    """(field, form reference) in the form's order: 2(d) items first, then 2(e)."""
    rows = [
        (r["field"], r["eu_ai_act"])
        for r in std.crosswalk.get("rows", [])
        if r.get("eu_ai_act") and r.get("field") in std.fields
    ]
    for after, fid, ref in EXTRA:
        if fid in std.fields and fid not in {f for f, _ in rows}:
            pos = next((i + 1 for i, (f, _) in enumerate(rows) if f == after), len(rows))
            rows.insert(pos, (fid, ref))
    return sorted(rows, key=lambda r: r[1].split(" ", 1)[0])  # stable sort: 2(d) items, then 2(e)


def items(ev: Evaluation, std: Standard, lang: str = "en") -> tuple[list[Item], list[Item]]:
    """The answered items and the missing ones (field id and label in `lang`) of a disclosure."""
    units = Units(std)
    answered: list[Item] = []
    missing: list[Item] = []
    for fid, ref in _order(std):
        f = std.fields[fid]
        item = Item(ref=ref, field=fid, label=f.label.get(lang))
        v = ev.values.get(fid)
        if v is None or (v.origin != "withheld" and v.value is None):
            missing.append(item)
            continue
        item.origin, item.method, item.source = v.origin, v.method, v.source
        if v.origin == "withheld":
            item.display = f"{t('eu_withheld', lang)} ({v.withheld}{': ' + v.note if v.note else ''})"
            (answered if v.withheld in std.withheld_satisfies and v.note else missing).append(item)
            continue
        if v.trace is not None:
            item.formula = (
                f"{t('clause', lang)} {v.trace.clause}{_punct(':', lang)} {v.trace.formula}"
                f"{_punct(';', lang)} {expression(v.trace, lang)}"
            )
        if f.type == "quantity" and isinstance(v.value, (int, float)):
            unit = DISPLAY_UNIT.get(fid, f.unit or "")
            value = units.convert(float(v.value), f.unit or unit, unit)
            item.value, item.unit = float(f"{value:.{SIG_FIGS}g}"), unit
            item.display = f"{sig_text(value, SIG_FIGS, lang)} {unit}"
        else:
            item.value = v.value
            item.display = str(v.value)
        answered.append(item)
    return answered, missing


def as_json(ev: Evaluation, std: Standard, lang: str = "en") -> str:
    answered, missing = items(ev, std, lang)
    doc = {
        "framework": "EU AI Act Annex XI §1 point 2(d)-(e) / GPAI Code of Practice Model Documentation Form",
        "standard": f"{ev.standard.id} {ev.standard.edition}",
        "system": system_title(ev) or None,
        "fingerprint": ev.fingerprint,
        "significant_figures": SIG_FIGS,
        "items": [asdict(i) for i in answered],
        "missing": [{"ref": i.ref, "field": i.field, "label": i.label} for i in missing],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n"


def _punct(mark: str, lang: str) -> str:
    """`:` or `;`, after a no-break space in French typography."""
    return f"\u00a0{mark}" if lang == "fr" else mark


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ") if text not in (None, "") else "—"


def as_markdown(ev: Evaluation, std: Standard, lang: str = "en") -> str:
    answered, missing = items(ev, std, lang)
    name = ev.values.get("system.model_name")
    version = ev.values.get("system.model_version")
    title = " ".join(str(v.value) for v in (name, version) if v is not None and v.value is not None)
    out = [
        f"# {t('eu_title', lang)}{' — ' + title if title else ''}",
        "",
        fill(
            t("eu_intro", lang),
            {
                "standard": f"{ev.standard.id} {ev.standard.edition}",
                "system": system_title(ev) or t("unnamed_system", lang),
                "fingerprint": ev.fingerprint,
                "n": SIG_FIGS,
            },
            lang,
        ),
        "",
        t("eu_columns", lang),
        "|---|---|---|---|",
    ]
    for i in answered:
        how = {
            "supplied": i.method or t("eu_supplied", lang),
            "derived": t("eu_derived", lang),
            "withheld": t("eu_withheld", lang),
        }.get(i.origin or "", "")
        details = f"{_punct(';', lang)} ".join(x for x in (how, i.formula, i.source) if x)
        out.append(f"| {_cell(i.ref)} | {_cell(i.display)} | {_cell(details)} | `{i.field}` |")
    out.append("")
    if missing:
        out.append(f"## {t('eu_missing', lang).format(n=len(missing))}")
        out.append("")
        for i in missing:
            out.append(f"- {i.ref}: {i.label} (`{i.field}`)")
    else:
        out.append(t("eu_nothing_missing", lang))
    return "\n".join(out) + "\n"
