"""`reportgen portfolio A B C … -o DIR [--reports] [--lang]`: one organization's systems, consolidated.

Writes DIR/portfolio.pdf, DIR/portfolio.xlsx and DIR/portfolio.json; with --reports, also each system's
own PDF and workbook, rendered in a process pool (one worker per core: rendering is CPU-bound Python, so
threads would share one core). Exit code 0 when every disclosure is complete, 1 when one is not, 2 when
an input cannot be read or two inputs are the same disclosure (it would be counted twice).
"""

from __future__ import annotations

import argparse
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from reportgen.commands import add_lang, add_output_folder
from reportgen.comparison.portfolio import consolidate
from reportgen.errors import ReportgenError
from reportgen.evaluation.model import Evaluation
from reportgen.evaluation.pipeline import evaluate_file
from reportgen.output import atomic_write, report_stem, write_bytes


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "portfolio",
        help="consolidate the disclosures of one organization's systems",
        description="Consolidate several disclosures (YAML, JSON or workbooks) into an "
        "organization-level PDF, workbook and portfolio.json: per system its status, "
        "completeness, totals, share and per-request figures; totals summed per edition "
        "(and period), never across them. Exit code 0 when every disclosure is complete, "
        "1 when one is not, 2 when an input cannot be read.",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="disclosure files (.yaml, .yml, .json, .xlsx)")
    add_output_folder(p, "out", "the portfolio files")
    p.add_argument(
        "--reports",
        action="store_true",
        help="also render each system's own PDF and workbook into the folder, on every core",
    )
    add_lang(p, help="output language (default: en)")
    p.set_defaults(func=run)


def _system_reports(path: str, out_dir: str, lang: str | None, protect: list[str]) -> list[str]:
    """One system's PDF and workbook (runs in a worker process)."""
    from reportgen.presentation.pdf import write_pdf
    from reportgen.presentation.xlsx import write_xlsx

    ev = evaluate_file(path, lang=lang)
    stem = report_stem(ev)  # ends in the edition (…-AILD-D1.1): not a suffix to replace
    guard = [Path(p) for p in protect]
    return [
        str(write_pdf(ev, Path(out_dir) / f"{stem}.pdf", protect=guard)),
        str(write_xlsx(ev, Path(out_dir) / f"{stem}.xlsx", protect=guard)),
    ]


def run(args: argparse.Namespace) -> int:
    lang = args.lang or "en"
    evaluations: list[Evaluation] = [evaluate_file(p, lang=lang) for p in args.inputs]
    seen: dict[str, str] = {}
    for path, ev in zip(args.inputs, evaluations, strict=True):
        if ev.fingerprint in seen:
            raise ReportgenError(
                f"{seen[ev.fingerprint]} and {path} are the same disclosure ({ev.fingerprint}): "
                "it would be counted twice. Give each system once."
            )
        seen[ev.fingerprint] = path
    stems = [report_stem(ev) for ev in evaluations]
    if args.reports and len(set(stems)) < len(stems):
        raise ReportgenError(
            "two systems have the same name and version, so their reports would have the "
            "same file name; render them into separate folders with `reportgen render`."
        )
    out = Path(args.output)
    protect = [Path(p) for p in args.inputs]
    cons = consolidate(evaluations, lang)
    from reportgen.presentation import portfolio as rep
    from reportgen.presentation.xlsx import workbook_bytes

    written = [
        atomic_write(
            out / "portfolio.json",
            lambda tmp: tmp.write_text(rep.portfolio_json(cons), encoding="utf-8"),
            protect,
        )
    ]
    if args.reports:
        workers = max(1, min(os.cpu_count() or 1, len(args.inputs)))
        with ProcessPoolExecutor(max_workers=workers) as pool:
            jobs = [
                pool.submit(_system_reports, p, str(out), args.lang, list(map(str, protect)))
                for p in args.inputs
            ]
            written += [Path(w) for job in jobs for w in job.result()]
    written.append(write_bytes(out / "portfolio.pdf", rep.portfolio_pdf(cons, evaluations, lang), protect))
    wb = rep.portfolio_workbook(cons, evaluations, lang)
    written.append(
        write_bytes(
            out / "portfolio.xlsx", workbook_bytes(wb, rep.stamp(evaluations).replace(tzinfo=None)), protect
        )
    )
    for w in written:
        print(f"wrote {w}", file=sys.stderr)
    return 0 if all(ev.is_complete for ev in evaluations) else 1
