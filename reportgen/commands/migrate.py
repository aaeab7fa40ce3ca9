"""`reportgen migrate INPUT --to D1.1 -o OUTPUT`: a disclosure rewritten for another edition, and what the
change of edition does to it (totals and status before and after, findings that appear or go).

YAML and JSON keep every value and (YAML) every comment; only the `standard` key is set (A1). A workbook
is written anew for the target edition with the supplied and withheld values of the input, as
`template --from` does. The output is evaluated as written, so what is printed is what the file says.
The input is never written over.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from reportgen.commands import add_lang, edition_arg
from reportgen.errors import ReportgenError
from reportgen.evaluation.model import Evaluation
from reportgen.inputs import SPREADSHEET_SUFFIXES
from reportgen.presentation import fmt
from reportgen.presentation.summary import Presentation, present
from reportgen.resources import t
from reportgen.standard import Standard, load_standard


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "migrate",
        help="rewrite a disclosure for another edition of the standard",
        description="Rewrite a disclosure (YAML, JSON or .xlsx workbook) for another edition: "
        "its `standard` key set, YAML comments kept, values unchanged. Prints the totals and "
        "status before and after and the findings the edition change brings. Exit code 0 "
        "when written, 1 when written but the new edition finds errors the old one did not, "
        "2 when the input cannot be read or the command line is wrong.",
    )
    p.add_argument("input", help="disclosure file (.yaml, .yml, .json, .xlsx)")
    p.add_argument("--to", required=True, metavar="EDITION", help="target edition, for example D1.1")
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help="file to write (same kind as the input); the input file is never overwritten",
    )
    add_lang(p)
    p.set_defaults(func=run)


def _write(src: Path, out: Path, std: Standard, before: Evaluation) -> bool:
    """Write the migrated file; True when the input's comments (or everything) were kept."""
    from reportgen.output import atomic_write

    if src.suffix.lower() in SPREADSHEET_SUFFIXES:
        if out.suffix.lower() != ".xlsx":
            raise ReportgenError(
                f"{out}: a workbook is migrated to a .xlsx file (for example "
                f"{out.with_suffix('.xlsx').name})."
            )
        from reportgen.workbook.template import write_template

        kept = {
            fid: v
            for fid, v in before.values.items()
            if v.origin in ("supplied", "withheld") and fid in std.fields
        }
        from reportgen.commands.template import activity_of

        tables = activity_of(src, out, std)
        write_template(
            out, std, before.language, kept, before.rejected, source=src.name, protect=[src], activity=tables
        )
        return len(kept) == sum(v.origin in ("supplied", "withheld") for v in before.values.values())
    from reportgen.interop.migrate import rewrite

    text, kept_comments = rewrite(src, std, as_json=out.suffix.lower() == ".json")
    atomic_write(out, lambda tmp: tmp.write_text(text, encoding="utf-8"), protect=[src])
    return kept_comments


def _summary(before: Evaluation, after: Evaluation) -> list[str]:
    lang = after.language
    std = load_standard(after.standard.edition, after.standard.id)
    head_b, head_a = (
        f"{before.standard.id} {before.standard.edition}",
        f"{after.standard.id} {after.standard.edition}",
    )
    rows = [("", head_b, head_a), (t("col_status", lang), fmt.status_text(before), fmt.status_text(after))]
    shown_b, shown_a = present(before), present(after, std)
    for name in after.totals:
        if name not in std.indicators:
            continue

        def shown(p: Presentation, name: str = name) -> str:
            tot = p.total(name)
            if tot is None or tot.value is None:
                return t("no_value", lang)
            text = fmt.quantity(tot.value, tot.unit, lang)
            return text + (f" ({t('rpt_partial_flag', lang).lower()})" if tot.partial else "")

        rows.append((std.indicators[name].label.get(lang), shown(shown_b), shown(shown_a)))
    width = [max(len(r[i]) for r in rows) for i in range(3)]
    out = ["  " + "  ".join(c.ljust(width[i]) for i, c in enumerate(r)).rstrip() for r in rows]
    seen = {(f.code, f.field, f.message) for f in before.findings}
    now = {(f.code, f.field, f.message) for f in after.findings}
    new = [f for f in after.findings if (f.code, f.field, f.message) not in seen]
    gone = [f for f in before.findings if (f.code, f.field, f.message) not in now]
    out += ["", f"{t('migrate_new_findings', lang)} ({len(new)})"]
    out += [f"  {f.severity.upper():7} {f.code:10} {f.message}" for f in new] or [
        f"  {t('migrate_none', lang)}"
    ]
    out += ["", f"{t('migrate_gone_findings', lang)} ({len(gone)})"]
    out += [f"  {f.severity.upper():7} {f.code:10} {f.message}" for f in gone] or [
        f"  {t('migrate_none', lang)}"
    ]
    return out


def run(args: argparse.Namespace) -> int:
    from reportgen.evaluation.pipeline import evaluate_file

    src, out = Path(args.input), Path(args.output)
    target = edition_arg(args.to, "--to")
    from reportgen.output import refuse_inputs

    refuse_inputs(out, [src])
    if src.suffix.lower() not in SPREADSHEET_SUFFIXES and out.suffix.lower() in SPREADSHEET_SUFFIXES:
        raise ReportgenError(
            f"{out}: a YAML or JSON disclosure is migrated to a file of the same kind; "
            f"for a workbook, run `reportgen template --from {src.name} --edition "
            f"{target.edition}` on the migrated file."
        )
    before = evaluate_file(src, lang=args.lang)
    std_before = load_standard(before.standard.edition, before.standard.id)
    kept = _write(src, out, target, before)
    after = evaluate_file(out, lang=args.lang or before.language)
    lang = after.language
    note = t("migrate_kept" if kept else "migrate_not_kept", lang)
    print(
        t("migrate_written", lang).format(
            src=src.name, before=std_before.name, after=target.name, out=out, note=note
        )
    )
    print("\n".join(_summary(before, after)))
    new_errors = {(f.code, f.field) for f in after.findings if f.severity == "error"} - {
        (f.code, f.field) for f in before.findings if f.severity == "error"
    }
    return 1 if new_errors else 0
