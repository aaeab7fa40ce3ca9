"""`make bench`: load on `reportgen serve`, on 127.0.0.1 only, bounded in count and time.

1. 20 concurrent clients send 400 `/api/check` uploads of the sample workbook: every answer must be 200
   with the sample's status; p50/p95/max latency and throughput are printed.
2. While 4 PDF renders run, one client sends 40 light requests: their latency shows whether rendering
   stalls the event loop (it runs in worker threads).
The server's peak memory (VmHWM) is printed at the end. Nothing is asserted on time.
"""

from __future__ import annotations

import concurrent.futures as cf
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "acme-assistant-7b.xlsx"
CLIENTS, UPLOADS = 20, 400
DEADLINE = 300.0  # seconds: the whole run stops by itself


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def start() -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "reportgen", "serve", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = proc.stdout.readline()  # type: ignore[union-attr]
    match = re.search(r"http://\S+", line)
    if not match:
        proc.kill()
        raise SystemExit(f"reportgen serve did not start: {line!r}")
    return proc, match.group(0).rstrip("/")


def peak_memory(pid: int) -> str:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return f"{int(line.split()[1]) / 1024:.0f} MiB"
    except OSError:
        pass
    return "unknown"


def main() -> None:
    data = SAMPLE.read_bytes()
    proc, base = start()
    started = time.perf_counter()
    try:

        def one(_: int) -> tuple[float, int, str]:
            if time.perf_counter() - started > DEADLINE:
                return 0.0, 0, "deadline"
            with httpx.Client(timeout=60) as c:
                t0 = time.perf_counter()
                r = c.post(f"{base}/api/check", files={"file": (SAMPLE.name, data)})
                return (
                    time.perf_counter() - t0,
                    r.status_code,
                    r.json().get("status", "") if r.status_code == 200 else r.text[:100],
                )

        t0 = time.perf_counter()
        with cf.ThreadPoolExecutor(CLIENTS) as pool:
            results = list(pool.map(one, range(UPLOADS)))
        wall = time.perf_counter() - t0
        lat = [r[0] for r in results if r[1] == 200]
        bad = [r for r in results if r[1] != 200 or r[2] != "complete"]
        print(
            f"{'serve /api/check, ' + str(CLIENTS) + ' clients':<48} {len(results)} uploads, {len(bad)} errors, "
            f"p50 {statistics.median(lat) * 1000:.0f} ms, p95 {percentile(lat, 95) * 1000:.0f} ms, "
            f"max {max(lat) * 1000:.0f} ms, {len(results) / wall:.1f} req/s"
        )
        for r in bad[:3]:
            print(f"  error: {r}")

        def render(_: int) -> int:
            with httpx.Client(timeout=120) as c:
                return c.post(
                    f"{base}/api/render?format=pdf", files={"file": (SAMPLE.name, data)}
                ).status_code

        light: list[float] = []
        with cf.ThreadPoolExecutor(4) as pool:
            renders = [pool.submit(render, i) for i in range(4)]
            with httpx.Client(timeout=60) as c:
                time.sleep(0.2)
                for _ in range(40):
                    t1 = time.perf_counter()
                    c.get(f"{base}/api/editions")
                    light.append(time.perf_counter() - t1)
            codes = [f.result() for f in renders]
        print(
            f"{'serve GET during 4 PDF renders':<48} 40 requests, p50 {statistics.median(light) * 1000:.0f} ms, "
            f"p95 {percentile(light, 95) * 1000:.0f} ms; renders {codes}"
        )
        print(f"{'serve peak memory (VmHWM)':<48} {peak_memory(proc.pid)}")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
