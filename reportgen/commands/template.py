"""`reportgen template -o OUT.xlsx [--lang en|fr] [--edition E] [--from INPUT]`: the fill-in workbook (issue 3).

`reportgen template OUT.xlsx`, the positional form of the first versions, still works.

The workbook is for the latest edition unless `--edition` names another. With `--from`, it is prefilled
with the supplied and withheld values of an existing disclosure (YAML, JSON or workbook), for that
disclosure's own edition unless `--edition` is given, so that checking the workbook gives the same
fingerprint.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from reportgen.commands import add_edition, add_lang, add_output_file, edition_arg, output_or_positional
from reportgen.errors import ReportgenError
from reportgen.standard import Standard, load_standard


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "template",
        help="generate the fill-in workbook (.xlsx)",
        description="Generate the fill-in workbook of the standard: one sheet per group of "
        "fields, drop-down lists, help on every value cell. With --from, prefill it from an "
        "existing disclosure (YAML, JSON or .xlsx).",
    )
    p.add_argument("workbook", nargs="?", metavar="OUT.xlsx", help="the same as -o OUT.xlsx")
    add_output_file(
        p, metavar="OUT.xlsx", what="the workbook to write (.xlsx), as -o or as OUT.xlsx", default=None
    )
    p.add_argument(
        "--from",
        dest="source",
        metavar="INPUT",
        default=None,
        help="disclosure whose supplied and withheld values prefill the workbook",
    )
    add_edition(p, help="edition of the workbook (default: that of --from, else the latest)")
    add_lang(p, help="workbook language (default: report.language of --from, else en)")
    p.set_defaults(func=run)


def activity_of(src: Path, out: Path, std: Standard) -> list[dict[str, Any]] | None:
    """The activity tables `src` declares (Annex D), their paths rewritten to name the same files from the
    folder of `out`; None when it declares none or its edition has no Annex D."""
    if std.activity is None:
        return None
    from reportgen.activity import declared
    from reportgen.activity.declare import relocated
    from reportgen.inputs import read_input

    return relocated(declared(read_input(src, std)), src.parent, out.parent)


def run(args: argparse.Namespace) -> int:
    out = Path(output_or_positional(args, "workbook", "reportgen template -o disclosure.xlsx"))
    if out.suffix.lower() != ".xlsx":
        raise ReportgenError(
            f"{out}: the workbook must be written to a .xlsx file (for example "
            f"{out.with_suffix('.xlsx').name})."
        )
    from reportgen.workbook.template import write_template  # openpyxl only for this command

    std = edition_arg(args.edition)
    if args.source is None:
        write_template(out, std, args.lang or "en")
        print(f"{out}: fill-in workbook for {std.id} {std.edition} written.", file=sys.stderr)
        return 0
    from reportgen.evaluation import codes
    from reportgen.evaluation.pipeline import evaluate_file

    src = Path(args.source)
    ev = evaluate_file(src, lang=args.lang, standard=std if args.edition else None)
    std = load_standard(ev.standard.edition, ev.standard.id)
    kept = {fid: v for fid, v in ev.values.items() if v.origin in ("supplied", "withheld")}
    tables = activity_of(src, out, std)
    write_template(out, std, ev.language, kept, ev.rejected, source=src.name, protect=[src], activity=tables)
    note = f" ({len(ev.rejected)} rejected value(s) copied as typed)" if ev.rejected else ""
    print(f"{out}: workbook prefilled with {len(kept)} value(s) from {src.name}{note}.", file=sys.stderr)
    unknown = [f for f in ev.findings if f.code == codes.UNKNOWN_FIELD]
    if unknown:
        print(
            f"  {len(unknown)} unknown field(s) of {src.name} have no row and were left out.", file=sys.stderr
        )
    return 0
