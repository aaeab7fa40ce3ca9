"""`reportgen compare BASELINE CURRENT` and `reportgen scenario INPUT --set FIELD=VALUE …` (issue 17).

Both print the same comparison: of two disclosures, or of a disclosure with overrides against itself
unchanged. Exit codes: 0 comparable, 1 not comparable, 2 unreadable input, bad command line or an
override refused (the finding a file would get, located at `--set FIELD`).
"""

from __future__ import annotations

import argparse
import json
import sys

from reportgen.commands import add_lang, add_result_format
from reportgen.comparison import apply_overrides, compare, parse_override
from reportgen.comparison.compare import Comparison
from reportgen.comparison.scenario import OverrideError, refused
from reportgen.evaluation.model import Evaluation
from reportgen.evaluation.pipeline import evaluate_file, evaluate_raw
from reportgen.inputs import read_input
from reportgen.presentation.comparison_text import comparison_text

EXIT = (
    "Exit code 0 when the two are comparable, 1 when they are not (the notes say why), 2 when an input "
    "cannot be read or the command line is wrong."
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "compare",
        help="compare a disclosure with a baseline (for example last year's)",
        description="Compare two disclosures: each indicator (both GHG bases), each phase, the "
        "per-request and per-1,000-output-token figures, with what makes them not like for "
        "like. " + EXIT,
    )
    p.add_argument(
        "baseline", help="the earlier disclosure, for example last year's (.yaml, .yml, .json, .xlsx)"
    )
    p.add_argument("current", help="the later disclosure (.yaml, .yml, .json, .xlsx)")
    add_result_format(p, "the comparison object")
    add_lang(p, help="output language (default: report.language of CURRENT, else en); JSON stays in English")
    p.set_defaults(func=run_compare)

    s = sub.add_parser(
        "scenario",
        help="what a reduction lever would change: re-evaluate with overrides",
        description="Re-evaluate a disclosure with values overridden (--set FIELD=VALUE, read "
        "and checked exactly as in a file) and compare it with the disclosure unchanged. "
        "Exit code 0 when comparable, 1 when the overrides change the boundary, 2 when the "
        "input cannot be read or an override is refused.",
    )
    s.add_argument("input", help="disclosure file (.yaml, .yml, .json, .xlsx)")
    s.add_argument(
        "--set",
        dest="overrides",
        metavar="FIELD=VALUE",
        action="append",
        required=True,
        help="a field and its new value, as written in a YAML disclosure: inference.pue=1.1, "
        'inference.grid_intensity="35 gCO2e/kWh", hardware.lifetime_years=6; repeat for several',
    )
    add_result_format(s, "the comparison object")
    add_lang(s)
    s.set_defaults(func=run_scenario)


def _print(
    cmp: Comparison, baseline: Evaluation, current: Evaluation, args: argparse.Namespace, title_key: str
) -> int:
    if args.format == "json":
        json.dump(cmp.model_dump(mode="json"), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(comparison_text(cmp, baseline, current, args.lang or current.language, title_key))
    return 0 if cmp.comparable else 1


def run_compare(args: argparse.Namespace) -> int:
    baseline = evaluate_file(args.baseline, lang=args.lang)
    current = evaluate_file(args.current, lang=args.lang)
    lang = "en" if args.format == "json" else (args.lang or current.language)
    return _print(compare(baseline, current, lang), baseline, current, args, "cmp_title")


def run_scenario(args: argparse.Namespace) -> int:
    overrides = [parse_override(o) for o in args.overrides]
    unchanged = evaluate_file(args.input, lang=args.lang)
    raw = apply_overrides(read_input(args.input), overrides)
    raw.source = f"{raw.source} + --set ×{len(overrides)}"
    changed = evaluate_raw(raw, lang=args.lang, standard=raw.standard)
    bad = refused(changed)
    if bad:
        lines = [
            f"--set {f.location.path or f.field}: {f.code} {f.message} {f.fix}" for f in bad if f.location
        ]
        raise OverrideError("an override is refused, as it would be in a file:\n  " + "\n  ".join(lines))
    lang = "en" if args.format == "json" else (args.lang or unchanged.language)
    return _print(compare(unchanged, changed, lang), unchanged, changed, args, "cmp_scenario_title")
