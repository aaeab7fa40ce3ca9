"""What changed between two editions of the standard (`reportgen standard diff D1 D1.1`).

Computed from the two loaded editions, not from the amendment file, so that it holds for any pair (an
edition and its amendment, two amendments, or the reverse); the clauses an amendment lists come from it.
Only what is normative is compared: a field's label, type, unit, enumeration, obligation, condition,
derivation and clause (its help text is guidance, not a requirement).
"""

from __future__ import annotations

from typing import Any

from reportgen.standard import Field, Standard

COMPARED = ("label", "type", "unit", "enum", "obligation", "condition", "derivable_by", "clause")


def _attr(f: Field, name: str, lang: str) -> Any:
    value = getattr(f, name)
    if name == "label":
        return value.get(lang)
    if name == "condition":
        return value.text.get(lang) if value is not None else None
    return value


def _field(f: Field, lang: str) -> dict[str, Any]:
    return {
        "id": f.id,
        "label": f.label.get(lang),
        "type": f.type,
        "unit": f.unit,
        "obligation": f.obligation,
        "condition": _attr(f, "condition", lang),
        "derivable_by": f.derivable_by,
        "clause": f.clause,
    }


def diff(old: Standard, new: Standard, lang: str = "en") -> dict[str, Any]:
    """The changes from `old` to `new`, as plain data (the JSON of `--format json`)."""
    amends = new.base == old.edition and new.id == old.id
    common = [fid for fid in new.fields if fid in old.fields]
    changed = []
    for fid in common:
        delta = {
            a: [_attr(old.fields[fid], a, lang), _attr(new.fields[fid], a, lang)]
            for a in COMPARED
            if _attr(old.fields[fid], a, lang) != _attr(new.fields[fid], a, lang)
        }
        if delta:
            changed.append({"id": fid, "changes": delta})
    groups_old = {g.id for g in [*old.sections, *old.phases]}
    groups_new = {g.id for g in [*new.sections, *new.phases]}
    sem_old, sem_new = old.semantics.model_dump(), new.semantics.model_dump()
    rules: dict[str, list[Any]] = {k: [sem_old[k], sem_new[k]] for k in sem_new if sem_old[k] != sem_new[k]}
    if old.calculations.order != new.calculations.order:
        rules["calculation_order"] = [old.calculations.order, new.calculations.order]
    if (old.activity is None) != (new.activity is None):  # Annex D: the top-level `activity` tables
        rules["activity_tables"] = [old.activity is not None, new.activity is not None]

    def code(c: str, std: Standard) -> dict[str, Any]:
        spec = std.findings[c]
        return {"code": c, "severity": spec.severity, "clause": spec.clause, "title": spec.title.get(lang)}

    return {
        "from": old.name,
        "to": new.name,
        "amends": amends,
        "clauses": [
            {"id": c.id, "clause": c.clause, "action": c.action, "title": c.title.get(lang)}
            for c in (new.clauses if amends else [])
        ],
        "groups_added": [
            {"id": g.id, "label": g.label.get(lang), "clause": g.clause}
            for g in [*new.sections, *new.phases]
            if g.id not in groups_old
        ],
        "groups_removed": sorted(groups_old - groups_new),
        "fields_added": [_field(f, lang) for fid, f in new.fields.items() if fid not in old.fields],
        "fields_removed": [_field(f, lang) for fid, f in old.fields.items() if fid not in new.fields],
        "fields_changed": changed,
        "codes_added": [code(c, new) for c in new.findings if c not in old.findings],
        "codes_removed": [code(c, old) for c in old.findings if c not in new.findings],
        "calculation_rules_changed": rules,
    }


def _show(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def diff_text(d: dict[str, Any]) -> str:
    """The diff for people: one section per kind of change, empty sections said as such."""
    head = f"{d['from']} → {d['to']}" + (f" ({d['to']} amends {d['from']})" if d["amends"] else "")
    out = [head]

    def section(title: str, rows: list[str]) -> None:
        out.extend(["", f"{title} ({len(rows)})"] + (rows or ["  none"]))

    section(
        "Clauses amended",
        [f"  {c['id']:4} {c['clause']:8} {c['action']:9} {c['title']}" for c in d["clauses"]],
    )
    section(
        "Sections added", [f"  {g['id']:20} clause {g['clause']:6} {g['label']}" for g in d["groups_added"]]
    )
    for key, title in (("fields_added", "Fields added"), ("fields_removed", "Fields removed")):
        section(
            title,
            [
                f"  {f['id']:32} {f['obligation']:3} {('[' + f['unit'] + ']') if f['unit'] else f['type']:10} "
                f"{f['clause']:6} {f['label']}" + (f" — {f['condition']}" if f["condition"] else "")
                for f in d[key]
            ],
        )
    section(
        "Obligations, derivations and other normative attributes changed",
        [
            f"  {c['id']}: "
            + "; ".join(
                f"{a.replace('_', ' ')} {_show(o)} → {_show(n)}" for a, (o, n) in c["changes"].items()
            )
            for c in d["fields_changed"]
        ],
    )
    section(
        "Calculation rules changed",
        [
            f"  {k.replace('_', ' ')}: {_show(o)} → {_show(n)}"
            for k, (o, n) in d["calculation_rules_changed"].items()
        ],
    )
    for key, title in (("codes_added", "Finding codes added"), ("codes_removed", "Finding codes removed")):
        section(title, [f"  {c['code']:10} {c['severity']:8} {c['clause']:8} {c['title']}" for c in d[key]])
    return "\n".join(out) + "\n"
