"""`reportgen standard [FIELD_OR_PHASE]`: print the encoded catalogue, or one field or group."""

from __future__ import annotations

import argparse
import difflib
import sys

from reportgen.commands import add_lang
from reportgen.errors import ReportgenError
from reportgen.standard import Field, Standard, load_standard


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("standard", help="print the field catalogue of the standard, or one entry")
    p.add_argument("entry", nargs="?", help="a field id (training.energy) or a phase/section (training)")
    add_lang(p)
    p.set_defaults(func=run)


def _row(f: Field, lang: str) -> str:
    unit = f"[{f.unit}]" if f.unit else f.type
    return f"  {f.id:42} {f.obligation:3} {unit:16} {f.clause:6} {f.label.get(lang)}"


def _detail(std: Standard, f: Field, lang: str) -> str:
    lines = [f"{f.id} — {f.label.get(lang)}", f"  type: {f.type}" + (f" [{f.unit}]" if f.unit else ""),
             f"  obligation: {f.obligation}", f"  clause: {f.clause}"]
    if f.unit:
        dim = std.dimension_of(f) or ""
        lines.append(f"  accepted units: {', '.join(std.dimensions[dim].units)}")
    if f.enum:
        lines.append(f"  values: {', '.join(std.enum_values(f.enum))}")
    if f.condition:
        lines.append(f"  condition: {f.condition.text.get(lang)}")
    if f.derivable_by:
        lines.append(f"  derivable by clause {f.derivable_by}")
    if f.help:
        lines.append(f"  {f.help.get(lang)}")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    std = load_standard()
    lang = args.lang or "en"
    entry = args.entry
    if entry and entry in std.fields:
        sys.stdout.write(_detail(std, std.fields[entry], lang))
        return 0
    groups = [*std.sections, *std.phases]
    if entry and entry not in {g.id for g in groups}:
        near = difflib.get_close_matches(entry, [*std.fields, *(g.id for g in groups)], n=3)
        hint = f" Did you mean {', '.join(near)}?" if near else ""
        raise ReportgenError(f"'{entry}' is neither a field nor a phase or section of {std.id} {std.edition}.{hint}")
    print(f"{std.id} {std.edition} — {std.title.get(lang)}")
    for g in groups:
        if entry and g.id != entry:
            continue
        print(f"\n{g.label.get(lang)} ({g.id}, clause {g.clause})")
        for f in std.fields_of(g.id):
            print(_row(f, lang))
    return 0
