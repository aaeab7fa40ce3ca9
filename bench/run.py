"""`make bench`: measured wall-clock times of the everyday commands, printed, never asserted.

Each command runs in a fresh process (start-up included), `REPEAT` times; the median and the range are
printed, with the load average when the measures start (the machine is shared: a load near its number of
cores doubles wall times). Rendering is measured for one disclosure and for ten in one command (`render
A B … -o DIR`, a worker per core), and the speed-up of the latter over ten single renders is printed.
Other benchmark scripts in this folder (`bench_*.py`) are run after this one.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent / "reportgen"
REPEAT = 5


def measure(label: str, argv: list[str], repeat: int = REPEAT) -> float | None:
    """The median wall time of `reportgen ARGV` in a fresh process (None when it failed)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run([str(BIN), *argv], capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
        if proc.returncode > 1:
            print(f"{label}: failed (exit {proc.returncode}): {proc.stderr.decode()[:300]}")
            return None
    median = statistics.median(times)
    print(f"{label:<48} median {median:6.2f} s   range {min(times):.2f}–{max(times):.2f} s   ({repeat} runs)")
    return median


def ten_disclosures(folder: Path) -> list[str]:
    """Ten distinct disclosures (the acme sample under ten model versions), so ten pairs of file names."""
    import yaml

    tree = yaml.safe_load((ROOT / "samples" / "acme-assistant-7b.yaml").read_text(encoding="utf-8"))
    paths = []
    for i in range(10):
        tree["system"]["model_version"] = f"2.1.{i}"
        path = folder / f"acme-{i}.yaml"
        path.write_text(yaml.safe_dump(tree, allow_unicode=True, sort_keys=False), encoding="utf-8")
        paths.append(str(path))
    return paths


def _render_figures(tmp: str) -> None:
    """Single render (start-up included) and ten in one command, PDF only, and the speed-up."""
    acme = "samples/acme-assistant-7b.yaml"
    measure("render acme --format xlsx", ["render", acme, "-o", f"{tmp}/x", "--format", "xlsx"])
    one = measure("render acme --format pdf", ["render", acme, "-o", f"{tmp}/p", "--format", "pdf"])
    measure("render acme (pdf and xlsx)", ["render", acme, "-o", f"{tmp}/b"])
    inputs = ten_disclosures(Path(tmp))
    ten = measure(
        "render ten disclosures --format pdf (one command)",
        ["render", *inputs, "-o", f"{tmp}/ten", "--format", "pdf"],
        repeat=3,
    )
    if one and ten:
        print(
            f"{'  speed-up over ten single renders':<48} {10 * one / ten:6.2f} ×   (10 × {one:.2f} s / {ten:.2f} s)"
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
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "unknown"
    print(f"load average at start: {load} ({os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory() as tmp:
        measure("check acme (yaml)", ["check", acme])
        measure("check acme (xlsx)", ["check", "samples/acme-assistant-7b.xlsx"])
        _template(tmp)
        _render_figures(tmp)
        subprocess.run([str(BIN), "render", acme, "-o", f"{tmp}/v"], capture_output=True, cwd=ROOT)
        pdf = next(Path(f"{tmp}/v").glob("*.pdf"))
        measure("verify acme pdf", ["verify", str(pdf)])
    for script in sorted(Path(__file__).parent.glob("bench_*.py")):
        print(f"== {script.name}")
        subprocess.run([sys.executable, str(script)], cwd=ROOT, check=False)


if __name__ == "__main__":
    main()
