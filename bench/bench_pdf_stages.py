"""Where a render's time goes: the acme report through pdf_engine, WeasyPrint's stages timed in CPU
seconds (`time.process_time`, median of RUNS in one warm process), with counts that do not depend on the
machine's load: pages, boxes laid out, Pango line splits, and the parent's work before the layout can
start (evaluation and the template, cold and warm).

The stages are WeasyPrint's own functions, wrapped for the measure (names of WeasyPrint 70; a stage
WeasyPrint no longer has is printed as absent). Nothing here is asserted.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "acme-assistant-7b.yaml"
RUNS = int(os.environ.get("BENCH_RUNS", 5))
STAGES = [  # (label, module, class or "", function): where the caller looks the function up
    ("HTML parse (expat or tinyhtml5)", "reportgen.presentation.pdf_engine", "", "_document"),
    ("render", "weasyprint.document", "Document", "_render"),
    ("styles", "weasyprint.document", "", "get_all_computed_styles"),
    ("boxes", "weasyprint.document", "", "build_formatting_structure"),
    ("PDF", "weasyprint.document", "", "generate_pdf"),
    ("draw", "weasyprint.document", "Page", "paint"),
    ("tags", "weasyprint.pdf", "", "add_tags"),
    ("fonts", "weasyprint.pdf", "", "build_fonts_dictionary"),
    ("pydyf write", "pydyf", "PDF", "write"),
]
# What is printed: a stage, or a difference of stages (layout = render - styles - boxes).
REPORT = [
    ("HTML parse (expat or tinyhtml5)", ["HTML parse (expat or tinyhtml5)"], []),
    ("styles", ["styles"], []),
    ("boxes", ["boxes"], []),
    ("layout", ["render"], ["styles", "boxes"]),
    ("draw (with marked content)", ["draw"], []),
    ("PDF writing", ["PDF", "pydyf write"], ["draw"]),
    ("  of which tags", ["tags"], []),
    ("  of which fonts", ["fonts"], []),
    ("  of which pydyf write", ["pydyf write"], []),
]


def _wrap(module: str, cls: str, name: str, key: str, times: Counter[str]) -> bool:
    """Time `name` under `key`; False when WeasyPrint has no such function."""
    import importlib

    owner: Any = importlib.import_module(module)
    owner = getattr(owner, cls, None) if cls else owner
    real = getattr(owner, name, None)
    if real is None:
        return False

    @functools.wraps(real)
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return real(*args, **kwargs)
        finally:
            times[key] += time.process_time() - start

    setattr(owner, name, timed)
    return True


def main() -> None:
    t0 = time.process_time()
    from reportgen import evaluate_file
    from reportgen.presentation.pdf import pdf_job

    t1 = time.process_time()
    ev = evaluate_file(SAMPLE)
    t2 = time.process_time()
    job = pdf_job(ev)
    t3 = time.process_time()
    pdf_job(ev)
    t4 = time.process_time()
    print(
        f"parent, CPU: imports {t1 - t0:.2f} s, evaluation {t2 - t1:.2f} s, template filled "
        f"{t3 - t2:.2f} s first ({t4 - t3:.3f} s again)"
    )

    import weasyprint.layout.inline as inline
    import weasyprint.layout.preferred as preferred

    from reportgen.presentation import pdf_engine

    times: Counter[str] = Counter()
    present = [label for label, mod, cls, attr in STAGES if _wrap(mod, cls, attr, label, times)]
    splits = Counter[str]()
    for mod in (inline, preferred):
        real: Callable[..., Any] = mod.split_first_line

        def counted(*args: Any, _real: Callable[..., Any] = real, **kwargs: Any) -> Any:
            splits["n"] += 1
            return _real(*args, **kwargs)

        mod.split_first_line = counted  # type: ignore[attr-defined]
    stamp = dt.datetime(2026, 9, 15, tzinfo=dt.UTC)
    runs: list[tuple[float, dict[str, float], int, int]] = []
    for i in range(RUNS + 1):  # the first run warms fonts and caches, as a worker's warm-up does
        times.clear()
        splits.clear()
        start = time.process_time()
        data = pdf_engine.html_to_pdf(job.html, stamp, job.attached, job.name, job.description)
        total = time.process_time() - start
        if i:
            runs.append((total, dict(times), splits["n"], len(data)))
    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(data)).pages)
    print(
        f"WeasyPrint on the acme report ({pages} pages, PDF/A-3a, {runs[0][3]:,} bytes), CPU, median of "
        f"{RUNS}: {statistics.median(r[0] for r in runs):.2f} s; Pango line splits {runs[0][2]:,}"
    )
    for label, plus, minus in REPORT:
        if all(k in present for k in plus + minus):
            value = statistics.median(
                sum(r[1].get(k, 0.0) for k in plus) - sum(r[1].get(k, 0.0) for k in minus) for r in runs
            )
            print(f"  {label:<34} {value:5.2f} s")
        else:
            print(f"  {label:<34} (not measurable in this WeasyPrint)")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"  (load average {load})")


if __name__ == "__main__":
    sys.exit(main())
