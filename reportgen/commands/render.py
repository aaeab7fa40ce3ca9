"""`reportgen render INPUT [-o DIR] [--format pdf,xlsx] [--lang en|fr]`: write the disclosure reports into a folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reportgen.commands import add_input, add_lang, add_output_folder
from reportgen.errors import ReportgenError
from reportgen.evaluation.pipeline import evaluate_file
from reportgen.output import check_outputs, report_stem
from reportgen.workbook.xml_text import warn

FORMATS = ("pdf", "xlsx")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "render",
        help="render the PDF and Excel disclosure reports",
        description="Evaluate a disclosure and write DIR/<system>-<version>-AILD-D1.pdf/.xlsx. "
        "Exit code 0 when the disclosure is complete, 1 when it is not (reports are written "
        "either way, listing what is missing), 2 when the input cannot be read.",
    )
    add_input(p)
    add_output_folder(p, "out", "the reports", aliases=("--output-dir",))
    p.add_argument(
        "--format",
        default="pdf,xlsx",
        metavar="pdf,xlsx",
        help="which report files to write, comma-separated: pdf, xlsx (default: both)",
    )
    p.add_argument(
        "--baseline",
        metavar="BASELINE",
        default=None,
        help='an earlier disclosure to compare with: adds the part "Change since the '
        'baseline" to the PDF and a sheet to the workbook, and embeds the comparison for verify',
    )
    add_lang(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    formats = [f.strip().lower() for f in args.format.split(",") if f.strip()]
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ReportgenError(f"--format takes pdf, xlsx or pdf,xlsx (got '{args.format}').")
    ev = evaluate_file(args.input, lang=args.lang)
    baseline = evaluate_file(args.baseline, lang=args.lang) if args.baseline else None
    if baseline is not None:
        print(f"baseline {args.baseline}: {baseline.fingerprint}", file=sys.stderr)
    out_dir = Path(args.output)
    stem = report_stem(ev)
    protect = [Path(args.input)] + ([Path(args.baseline)] if args.baseline else [])
    paths = {f: out_dir / f"{stem}.{f}" for f in dict.fromkeys(formats)}
    check_outputs(paths.values(), protect)  # every output writable before any is written
    for f, path in paths.items():
        if f == "pdf":
            from reportgen.presentation.pdf import write_pdf

            write_pdf(ev, path, protect=protect, baseline=baseline, notify=warn)
        else:
            from reportgen.presentation.xlsx import write_xlsx

            write_xlsx(ev, path, protect=protect, baseline=baseline)
        print(f"wrote {path}", file=sys.stderr)
    return ev.exit_code
