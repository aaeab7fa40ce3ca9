"""`make bench`: measured wall-clock times of the everyday commands, printed, never asserted.

Each command runs in a fresh process (start-up included), `REPEAT` times; the median and the range are
printed. Other benchmark scripts in this folder (`bench_*.py`) are run after this one.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent / "reportgen"
REPEAT = 5


def measure(label: str, argv: list[str]) -> None:
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        proc = subprocess.run([str(BIN), *argv], capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
        if proc.returncode > 1:
            print(f"{label}: failed (exit {proc.returncode}): {proc.stderr.decode()[:300]}")
            return
    print(
        f"{label:<48} median {statistics.median(times):6.2f} s   range {min(times):.2f}–{max(times):.2f} s"
        f"   ({REPEAT} runs)"
    )


def _template(tmp: str) -> None:
    times = []
    for i in range(REPEAT):
        start = time.perf_counter()
        subprocess.run(
            [str(BIN), "template", f"{tmp}/t{i}.xlsx", "--lang", "fr"], capture_output=True, cwd=ROOT
        )
        times.append(time.perf_counter() - start)
    print(
        f"{'template --lang fr':<48} median {statistics.median(times):6.2f} s   range {min(times):.2f}–"
        f"{max(times):.2f} s   ({REPEAT} runs)"
    )


def main() -> None:
    acme = "samples/acme-assistant-7b.yaml"
    with tempfile.TemporaryDirectory() as tmp:
        measure("check acme (yaml)", ["check", acme])
        measure("check acme (xlsx)", ["check", "samples/acme-assistant-7b.xlsx"])
        _template(tmp)
        measure("render acme --format xlsx", ["render", acme, "-o", f"{tmp}/x", "--format", "xlsx"])
        measure("render acme --format pdf", ["render", acme, "-o", f"{tmp}/p", "--format", "pdf"])
        subprocess.run([str(BIN), "render", acme, "-o", f"{tmp}/v"], capture_output=True, cwd=ROOT)
        pdf = next(Path(f"{tmp}/v").glob("*.pdf"))
        measure("verify acme pdf", ["verify", str(pdf)])
    for script in sorted(Path(__file__).parent.glob("bench_*.py")):
        print(f"== {script.name}")
        subprocess.run([sys.executable, str(script)], cwd=ROOT, check=False)


if __name__ == "__main__":
    main()
