"""`reportgen standard [--edition E] [FIELD_OR_PHASE]`: print the encoded catalogue, or one field or group;
`reportgen standard diff OLD NEW [--format json]`: what changed between two editions."""

from __future__ import annotations

import argparse
import difflib
import json
import sys

from reportgen.commands import add_edition, add_lang, add_result_format, edition_arg
from reportgen.errors import ReportgenError
from reportgen.standard import Field, Standard


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "standard",
        help="print the field catalogue of the standard, or one entry; or `standard diff OLD NEW`",
        description="Print the field catalogue of an edition (the latest unless --edition), or "
        "one field or group. `reportgen standard diff D1 D1.1` lists what changed between two "
        "editions: clauses amended, fields added, obligations and derivations changed, "
        "calculation rules and finding codes.",
    )
    p.add_argument(
        "entry", nargs="?", help="a field id (training.energy), a phase/section (training), or diff"
    )
    p.add_argument("editions", nargs="*", metavar="EDITION", help="with diff: the two editions, old then new")
    add_edition(p)
    add_result_format(p, "with diff, the changes as data")
    add_lang(p)
    p.set_defaults(func=run)


def run_diff(args: argparse.Namespace) -> int:
    from reportgen.standard.diff import diff, diff_text

    if len(args.editions) != 2 or args.edition:
        raise ReportgenError(
            "say which two editions to compare, old then new: reportgen standard diff D1 D1.1"
        )
    old, new = (edition_arg(e, "standard diff") for e in args.editions)
    d = diff(old, new, args.lang or "en")
    sys.stdout.write(
        json.dumps(d, ensure_ascii=False, indent=2) + "\n" if args.format == "json" else diff_text(d)
    )
    return 0


def _row(f: Field, lang: str) -> str:
    unit = f"[{f.unit}]" if f.unit else f.type
    return f"  {f.id:42} {f.obligation:3} {unit:16} {f.clause:6} {f.label.get(lang)}"


def _detail(std: Standard, f: Field, lang: str) -> str:
    lines = [
        f"{f.id} — {f.label.get(lang)}",
        f"  type: {f.type}" + (f" [{f.unit}]" if f.unit else ""),
        f"  obligation: {f.obligation}",
        f"  clause: {f.clause}",
    ]
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
    if args.entry == "diff":
        return run_diff(args)
    if args.editions or args.format != "text":
        raise ReportgenError("more than one entry, or --format, is for `reportgen standard diff OLD NEW`.")
    std = edition_arg(args.edition)
    lang = args.lang or "en"
    entry = args.entry
    if entry and entry in std.fields:
        sys.stdout.write(_detail(std, std.fields[entry], lang))
        return 0
    groups = [*std.sections, *std.phases]
    if entry and entry not in {g.id for g in groups}:
        near = difflib.get_close_matches(entry, [*std.fields, *(g.id for g in groups)], n=3)
        hint = f" Did you mean {', '.join(near)}?" if near else ""
        raise ReportgenError(
            f"'{entry}' is neither a field nor a phase or section of {std.id} {std.edition}.{hint}"
        )
    print(f"{std.id} {std.edition} — {std.title.get(lang)}")
    for g in groups:
        if entry and g.id != entry:
            continue
        print(f"\n{g.label.get(lang)} ({g.id}, clause {g.clause})")
        for f in std.fields_of(g.id):
            print(_row(f, lang))
    return 0
