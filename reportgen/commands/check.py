"""`reportgen check INPUT`: status, completeness, missing items, findings and totals."""

from __future__ import annotations

import argparse
import json
import sys

from reportgen.commands import add_input, add_lang, add_result_format
from reportgen.evaluation.pipeline import evaluate_file
from reportgen.presentation.text import evaluation_text


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check",
        help="check a disclosure against the standard",
        description="Check a disclosure (YAML, JSON or filled .xlsx workbook). Exit code 0 "
        "when complete, 1 when incomplete or with errors, 2 when the file cannot be read.",
    )
    add_input(p)
    add_result_format(p, "the whole evaluation (its JSON Schema: reportgen schema --evaluation)")
    add_lang(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    ev = evaluate_file(args.input, lang=args.lang)
    if args.format == "json":
        json.dump(ev.model_dump(mode="json"), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(evaluation_text(ev))
    return ev.exit_code
