"""`reportgen render INPUT… [-o DIR] [--format pdf,xlsx] [--lang en|fr]`: write the disclosure reports.

Laying out the PDF is most of the time, and one process uses one core. So with one input, a worker
process is started first thing: it loads WeasyPrint while this process reads and evaluates the
disclosure and fills the template, then lays the PDF out while this process builds the workbook.
With several inputs, a pool with one worker per core renders them, and this process writes each
input's files in the order given. Either way the bytes are those of `write_pdf`/`write_xlsx` (same
functions, same data), and every file is written here, atomically, never over an input.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import traceback
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import redirect_stderr
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen.commands import INPUT_HELP, add_lang, add_output_folder
from reportgen.errors import ReportgenError

FORMATS = ("pdf", "xlsx")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "render",
        help="render the PDF and Excel disclosure reports",
        description="Evaluate disclosures and write DIR/<system>-<version>-AILD-D1.pdf/.xlsx for each. "
        "Several inputs are rendered on every core; a bad one is reported with its name and the "
        "others are still written. Exit code 0 when every disclosure is complete, 1 when one is not "
        "(reports are written either way, listing what is missing), 2 when an input cannot be read "
        "or its reports cannot be written: the highest of the inputs' codes.",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help=INPUT_HELP + "; several may be given")
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
        help='an earlier disclosure to compare with (one INPUT only): adds the part "Change since the '
        'baseline" to the PDF and a sheet to the workbook, and embeds the comparison for verify',
    )
    add_lang(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    formats = [f.strip().lower() for f in args.format.split(",") if f.strip()]
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ReportgenError(f"--format takes pdf, xlsx or pdf,xlsx (got '{args.format}').")
    formats = list(dict.fromkeys(formats))
    if len(args.inputs) > 1:
        if args.baseline:
            raise ReportgenError(
                "--baseline compares one disclosure with an earlier one: give one INPUT with it."
            )
        return _run_many(args.inputs, Path(args.output), formats, args.lang)
    # A fresh process has not loaded WeasyPrint yet: a worker loads it meanwhile, on the other core.
    if "weasyprint" in sys.modules or "pdf" not in formats or _cores() < 2:
        return _run_one(args, formats, None)
    pool = _pool(1)
    pool.submit(_warm_up)
    done = False
    try:
        code = _run_one(args, formats, pool)
        done = True
        return code
    finally:
        _close(pool, stop=not done)  # an unreadable input need not wait for the warm-up


def _run_one(args: argparse.Namespace, formats: list[str], pool: Executor | None) -> int:
    from reportgen.evaluation.pipeline import evaluate_file
    from reportgen.output import check_outputs, report_stem, write_bytes
    from reportgen.presentation.pdf import pdf_job
    from reportgen.workbook.xml_text import warn

    [source] = args.inputs
    ev = evaluate_file(source, lang=args.lang)
    baseline = evaluate_file(args.baseline, lang=args.lang) if args.baseline else None
    if baseline is not None:
        print(f"baseline {args.baseline}: {baseline.fingerprint}", file=sys.stderr)
    stem = report_stem(ev)
    protect = [Path(source)] + ([Path(args.baseline)] if args.baseline else [])
    paths = {f: Path(args.output) / f"{stem}.{f}" for f in formats}
    check_outputs(paths.values(), protect)  # every output writable before any is written
    if "pdf" in paths:
        job = pdf_job(ev, baseline)
        for note in job.notes:  # said before the layout starts
            warn(note)
        pending = pool.submit(_lay_out, *job.engine_args()) if pool is not None else None
    workbook = None
    if "xlsx" in paths:  # built while the worker lays out; openpyxl is imported only for it
        from reportgen.presentation.xlsx import xlsx_report

        workbook = xlsx_report(ev, baseline)
    for f, path in paths.items():
        if f == "pdf":
            data, said = pending.result() if pending is not None else _lay_out(*job.engine_args())
            for note in said:
                warn(note)
            write_bytes(path, data, protect)
        else:
            assert workbook is not None
            write_bytes(path, workbook[0], protect)
            workbook[1].warn(path, ev.source)
        print(f"wrote {path}", file=sys.stderr)
    return ev.exit_code


@dataclass
class Rendered:
    """One input's reports, made in a worker: written by the parent, in the order of the inputs."""

    code: int
    stem: str = ""
    files: dict[str, bytes] = field(default_factory=dict)
    said: str = ""  # what the render printed on standard error (notes on text, workbook warnings)
    error: str = ""


def _run_many(inputs: list[str], out_dir: Path, formats: list[str], lang: str | None) -> int:
    from reportgen.output import check_outputs, write_bytes

    protect = [Path(p) for p in inputs]
    worst, taken = 0, dict[str, str]()
    with _pool(min(_cores(), len(inputs))) as pool:
        jobs = [pool.submit(_render_input, p, str(out_dir), formats, lang) for p in inputs]
        for source, job in zip(inputs, jobs, strict=True):
            try:
                done = job.result()
            except Exception as exc:  # the worker itself died (out of memory, killed)
                done = Rendered(3, error=_bug(exc))
            sys.stderr.write(done.said)
            if not done.error and done.stem in taken:
                done = Rendered(
                    2,
                    error=f"has the same system name and version as {taken[done.stem]}, so "
                    f"their reports would have the same file name; render it into another folder.",
                )
            if done.error:
                print(f"reportgen: {_named(source, done.error)}", file=sys.stderr)
                worst = max(worst, done.code)
                continue
            taken[done.stem] = source
            paths = {f: out_dir / f"{done.stem}.{f}" for f in done.files}
            try:
                check_outputs(paths.values(), protect)
                for f, path in paths.items():
                    write_bytes(path, done.files[f], protect)
                    print(f"wrote {path}", file=sys.stderr)
            except ReportgenError as exc:
                print(f"reportgen: {_named(source, str(exc))}", file=sys.stderr)
                worst = max(worst, exc.exit_code)
                continue
            worst = max(worst, done.code)
    return worst


def _render_input(source: str, out_dir: str, formats: list[str], lang: str | None) -> Rendered:
    """One input evaluated and rendered, in a worker: the same functions as a single render."""
    said = io.StringIO()
    with redirect_stderr(said):
        try:
            from reportgen.evaluation.pipeline import evaluate_file
            from reportgen.output import report_stem
            from reportgen.presentation.pdf import render_pdf
            from reportgen.presentation.xlsx import xlsx_report
            from reportgen.workbook.xml_text import warn

            ev = evaluate_file(source, lang=lang)
            stem, files = report_stem(ev), {}
            for f in formats:
                if f == "pdf":
                    files[f] = render_pdf(ev, notify=warn)
                else:
                    files[f], guard = xlsx_report(ev)
                    guard.warn(Path(out_dir) / f"{stem}.xlsx", ev.source)
            return Rendered(ev.exit_code, stem, files, said.getvalue())
        except ReportgenError as exc:
            return Rendered(exc.exit_code, said=said.getvalue(), error=str(exc))
        except Exception as exc:  # a bug (exit 3), told like main() tells it
            if os.environ.get("REPORTGEN_DEBUG"):
                traceback.print_exc()
            return Rendered(3, said=said.getvalue(), error=_bug(exc))


def _bug(exc: BaseException) -> str:
    return (
        f"internal error, a bug in reportgen ({type(exc).__name__}: {exc}). Please report it with the "
        "input file; set REPORTGEN_DEBUG=1 to see the details."
    )


def _named(source: str, message: str) -> str:
    """The message, prefixed with the input's name unless it already names it."""
    return message if source in message else f"{source}: {message}"


def _lay_out(*args: Any) -> tuple[bytes, list[str]]:
    """pdf_engine.lay_out, imported where it runs (this module is what a forked worker already has)."""
    from reportgen.presentation.pdf_engine import lay_out

    return lay_out(*args)


def _warm_up() -> None:
    from reportgen.presentation.pdf_engine import warm_up

    warm_up()


def _cores() -> int:
    """The cores this process may run on (a container's share, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _close(pool: ProcessPoolExecutor, stop: bool) -> None:
    """Shut the pool down; with `stop`, end its workers first instead of letting them finish."""
    if stop:
        if hasattr(pool, "terminate_workers"):  # Python 3.14
            pool.terminate_workers()
        else:
            for proc in list((getattr(pool, "_processes", None) or {}).values()):
                proc.terminate()
    pool.shutdown(wait=True, cancel_futures=True)


def _pool(workers: int) -> ProcessPoolExecutor:
    """Worker processes forked from this one where the platform can (they start in milliseconds, with the
    command already imported); WeasyPrint is never loaded here before, so nothing of it is forked."""
    import multiprocessing

    if "fork" in multiprocessing.get_all_start_methods() and "weasyprint" not in sys.modules:
        return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
