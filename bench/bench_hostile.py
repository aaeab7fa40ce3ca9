"""`make bench`, issue 10's bound: peak memory and wall time of check, render, verify and import on hostile
inputs just under 10 MiB (the bound: under 500 MB and 10 s each, on this 2-core machine).

The inputs are generated here, deterministically, into bench/data/hostile/ (ignored by git): the shapes
that cost most per byte, found by the fuzz work of issue 10 — one huge text, many unknown keys, deep
nesting, a workbook full of cells, a report padded with pages or with one huge page, and the two import
formats padded with rows. Each command runs in a fresh process; its peak RSS comes from wait4's rusage of
that very process. Figures are printed, never asserted.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent / "reportgen"
DATA = ROOT / "bench" / "data" / "hostile"
ACME = ROOT / "samples" / "acme-assistant-7b.yaml"
LIMIT = 10 * 1024 * 1024 - 64 * 1024  # "under 10 MiB", with room for the rest of the file
MAX_MB, MAX_S = 500, 10.0


def run(argv: list[str]) -> tuple[int, float, float, float, str]:
    """Exit code, wall and CPU seconds and peak RSS (MB) of one reportgen process, and the end of its
    stderr. CPU time (user + system) is what wall time would be on an idle machine for this
    single-threaded work; both are printed."""
    start = time.perf_counter()
    proc = subprocess.Popen([str(BIN), *argv], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    last = err.decode(errors="replace").strip().splitlines()[-1:] or [""]
    return proc.returncode, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, last[0][:90]


def long_text() -> Path:
    text = ACME.read_text(encoding="utf-8")
    filler = ("lorem ipsum dolor sit amet " * (LIMIT // 27 + 1))[: LIMIT - len(text)]
    return _write("long-text.yaml", text.replace("name: Acme AI SAS", f'name: "Acme {filler}"', 1))


def long_word() -> Path:
    text = ACME.read_text(encoding="utf-8")
    return _write(
        "long-word.yaml", text.replace("name: Acme AI SAS", f"name: A{'x' * (LIMIT - len(text))}", 1)
    )


def many_keys() -> Path:
    text = ACME.read_text(encoding="utf-8") + "\nextra:\n"
    line = len("  unknown_key_0000000: 0000000\n")
    lines = [f"  unknown_key_{n:07d}: {n:07d}\n" for n in range((LIMIT - len(text)) // line)]
    return _write("many-keys.yaml", text + "".join(lines))


def deep_json() -> Path:
    depth = 4_000_000
    return _write("deep.json", '{"report": ' + "[" * depth + "]" * depth + "}")


def workbook(name: str, sheets: int, columns: int, text: bool) -> Callable[[], Path]:
    """The fill-in template with 5,000 rows × `columns` cells added to `sheets` of its sheets."""

    def make() -> Path:
        import openpyxl

        out = DATA / name
        if out.exists():
            return out
        tpl = DATA / "template.xlsx"
        if not tpl.exists():
            subprocess.run([str(BIN), "template", "-o", str(tpl)], check=True, capture_output=True)
        wb = openpyxl.load_workbook(tpl)
        for ws in wb.worksheets[2 : 2 + sheets]:
            for r in range(300, 5300):
                for c in range(1, columns + 1):
                    ws.cell(r, c, value=f"v{r * c}" if text else r * c)
        wb.save(out)
        return out

    return make


def report_pdf() -> Path:
    out = DATA / "report"
    if not (out / "Acme-Assistant-2.1-AILD-D1.pdf").exists():
        subprocess.run([str(BIN), "render", str(ACME), "-o", str(out)], check=True, capture_output=True)
    return next(out.glob("*.pdf"))


def padded_pdf(pages: int, name: str, big_page: bool = False) -> Callable[[], Path]:
    def make() -> Path:
        from pypdf import PdfWriter
        from pypdf.generic import DecodedStreamObject, NameObject

        out = DATA / name
        if out.exists():
            return out
        w = PdfWriter(clone_from=report_pdf())
        for _ in range(pages):
            w.add_blank_page(width=200, height=200)
        if big_page:
            stream = DecodedStreamObject()
            body = b"BT /F1 9 Tf 10 10 Td (0.1 MWh 42 tCO2e) Tj ET\n" * (LIMIT // 48 - 20_000)
            stream.set_data(body)
            page = w.pages[-1]
            page[NameObject("/Contents")] = w._add_object(stream)
        buf = io.BytesIO()
        w.write(buf)
        out.write_bytes(buf.getvalue())
        return out

    return make


def codecarbon_csv() -> Path:
    src = (ROOT / "tests" / "fixtures" / "codecarbon-3.3.0-emissions.csv").read_text(encoding="utf-8")
    head, *rows = src.splitlines(keepends=True)
    body, i = [head], 0
    size = len(head)
    while size < LIMIT:
        row = rows[i % len(rows)]
        body.append(row)
        size += len(row)
        i += 1
    return _write("codecarbon.csv", "".join(body[:-1]))


def model_card() -> Path:
    card = (ROOT / "tests" / "fixtures" / "hf-model-card-README.md").read_text(encoding="utf-8")
    return _write("README.md", card + "\n" + "Model description text. " * ((LIMIT - len(card)) // 24))


def _write(name: str, text: str) -> Path:
    out = DATA / name
    if not out.exists():
        out.write_text(text, encoding="utf-8")
    return out


CASES: list[tuple[str, Callable[[], Path], list[list[str]]]] = [
    ("one 10 MiB text", long_text, [["check", "{}"], ["render", "{}", "-o", "{out}"]]),
    ("one 10 MiB word", long_word, [["check", "{}"], ["render", "{}", "-o", "{out}"]]),
    ("unknown keys", many_keys, [["check", "{}"], ["render", "{}", "-o", "{out}"]]),
    ("JSON nested 4M deep", deep_json, [["check", "{}"]]),
    (
        "workbook, 140k cells",
        workbook("cells.xlsx", 1, 28, False),
        [["check", "{}"], ["render", "{}", "-o", "{out}"]],
    ),
    (
        "workbook, 300k cells",
        workbook("tags.xlsx", 2, 30, False),
        [["check", "{}"], ["render", "{}", "-o", "{out}"]],
    ),
    ("workbook, 435k text cells", workbook("unzip.xlsx", 3, 29, True), [["check", "{}"]]),
    ("report + 5,000 pages", padded_pdf(5000, "pages.pdf"), [["verify", "{}"]]),
    ("report + one 10 MiB page", padded_pdf(0, "big-page.pdf", big_page=True), [["verify", "{}"]]),
    ("CodeCarbon CSV", codecarbon_csv, [["import", "codecarbon", "{}", "--phase", "training"]]),
    ("model card", model_card, [["import", "hf-model-card", "{}"]]),
]


def generate() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    for _, make, _ in CASES:
        make()


def main() -> None:
    # The inputs are made in a child process: a forked child's peak RSS counts the parent's pages, so the
    # measuring process must stay small.
    subprocess.run([sys.executable, __file__, "--generate"], check=True)
    print(flush=True)
    print(
        f"hostile inputs under 10 MiB (bound: {MAX_MB} MB and {MAX_S:.0f} s each); load {os.getloadavg()[0]:.1f}"
    )
    worst_mb = worst_s = 0.0
    for label, make, commands in CASES:
        path = make()
        size = path.stat().st_size / 1024 / 1024
        for argv in commands:
            out = DATA / "out"
            shutil.rmtree(out, ignore_errors=True)
            args = [a.format(path, out=out) for a in argv]
            code, wall, cpu, mb, last = run(args)
            worst_mb, worst_s = max(worst_mb, mb), max(worst_s, cpu)
            flag = "" if mb < MAX_MB and cpu < MAX_S else "  OVER THE BOUND"
            print(
                f"  {label:<26} {size:5.1f} MiB  {argv[0] if argv[0] != 'import' else 'import ' + argv[1]:<22}"
                f" exit {code}  wall {wall:5.2f} s  cpu {cpu:5.2f} s  {mb:4.0f} MB{flag}   {last[:60]}",
                flush=True,
            )
    print(f"  worst: {worst_s:.2f} s of CPU, {worst_mb:.0f} MB; load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    generate() if sys.argv[1:] == ["--generate"] else main()
