"""Annex D at scale: `reportgen check` of a disclosure with 10 million hourly energy rows and an hourly
grid-intensity table for three zones (Electricity Maps layout), as Parquet and as CSV, against a bare
DuckDB query of the same join over the same files.

Data (fixed seed, deterministic arithmetic, no random state) is generated with DuckDB into bench/data/
once. Each measurement runs in a fresh process (start-up included); wall time is the median of RUNS,
peak memory the largest resident set of the process (wait4).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
ROWS = int(os.environ.get("BENCH_ROWS", 10_000_000))
SEED = 20261129
RUNS = int(os.environ.get("BENCH_RUNS", 3))
SITES = 381  # 3 zones × 381 sites ≈ 1,143 rows per hour: 10 M rows ≈ one year of hourly readings
LCA = "Carbon Intensity gCO₂eq/kWh (Life cycle)"


def generate() -> dict[str, Path]:
    import duckdb

    DATA.mkdir(parents=True, exist_ok=True)
    files = {
        "parquet": DATA / f"energy-{ROWS}.parquet",
        "csv": DATA / f"energy-{ROWS}.csv",
        "grid": DATA / "grid-3-zones.csv",
    }
    if all(p.exists() for p in files.values()):
        return files
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'; SET enable_progress_bar = false")
    per_hour = 3 * SITES
    # a multiplicative hash of the row number (Knuth) stands in for random numbers: the same on every machine
    con.execute(f"""CREATE VIEW src AS SELECT
        TIMESTAMPTZ '2025-01-01 00:00:00+00' + to_hours((i // {per_hour})::BIGINT) AS start,
        round(5 + 20 * (((i * 2654435761 + {SEED}) % 4294967296) / 4294967296.0), 4) AS energy_kwh,
        ['FR', 'DE', 'PL'][1 + (i % 3)] AS zone, 'training' AS phase,
        'node-' || lpad(((i // 3) % {SITES})::VARCHAR, 3, '0') AS site
        FROM range({ROWS}) t(i)""")
    con.execute(f"COPY src TO '{files['parquet']}' (FORMAT parquet)")
    con.execute(
        f"COPY (SELECT strftime(start, '%Y-%m-%dT%H:%M:%SZ') AS start, energy_kwh, zone, phase, site FROM src) "
        f"TO '{files['csv']}' (HEADER)"
    )
    hours = ROWS // per_hour + 1
    con.execute(f"""COPY (SELECT strftime(TIMESTAMP '2025-01-01' + to_hours(h), '%Y-%m-%d %H:%M:%S') AS "Datetime (UTC)",
        z.country AS "Country", z.country AS "Zone Name", z.id AS "Zone Id",
        round(z.base * (0.8 + 0.4 * (((h * 2654435761 + z.k + {SEED}) % 4294967296) / 4294967296.0)), 2)
            AS "Carbon Intensity gCO₂eq/kWh (direct)",
        round(z.base * (1.0 + 0.4 * (((h * 2654435761 + z.k + {SEED}) % 4294967296) / 4294967296.0)), 2) AS "{LCA}",
        50.0 AS "Low Carbon Percentage", 40.0 AS "Renewable Percentage", 'bench' AS "Data Source",
        false AS "Data Estimated", '' AS "Data Estimation Method"
        FROM range({hours}) t(h), (VALUES ('France', 'FR', 40.0, 1), ('Germany', 'DE', 350.0, 2),
                                          ('Poland', 'PL', 650.0, 3)) z(country, id, base, k)
        ORDER BY 4, 1) TO '{files["grid"]}' (HEADER)""")
    return files


def disclosure(energy: Path, grid: Path) -> Path:
    import yaml

    with (ROOT / "samples" / "acme-assistant-7b.yaml").open(encoding="utf-8") as fh:
        tree = yaml.safe_load(fh)
    for key in ("energy", "ghg_location", "grid_intensity", "grid_intensity_source"):
        tree["training"].pop(key, None)
    tree["standard"] = "AILD D1.1"
    tree["activity"] = [
        {"table": "energy", "path": energy.name, "phase": "training"},
        {"table": "grid_intensity", "path": grid.name, "description": "bench grid, three zones"},
    ]
    out = DATA / f"disclosure-{energy.suffix[1:]}.yaml"
    out.write_text(yaml.safe_dump(tree, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


def measure(argv: list[str]) -> tuple[float, float, str]:
    """Wall seconds and peak resident MiB of one fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    out = proc.stdout.read()  # type: ignore[union-attr]
    err = proc.stderr.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code > 1:
        sys.exit(f"{' '.join(argv)} failed ({code}):\n{err.decode()[-2000:]}")
    return wall, usage.ru_maxrss / 1024, out.decode()


BARE = """
import duckdb, sys
con = duckdb.connect(); con.execute("SET enable_progress_bar = false; SET TimeZone = 'UTC'")
energy, grid = sys.argv[1], sys.argv[2]
rel = f"read_parquet('{energy}')" if energy.endswith(".parquet") else f"read_csv('{energy}')"
print(con.execute(f'''SELECT sum(e.energy_kwh * g.i) / 1000 FROM {rel} AS e JOIN (SELECT "Zone Id" AS zone,
    CAST("Datetime (UTC)" AS TIMESTAMPTZ) AS h, "LCA" AS i FROM read_csv('{grid}')) AS g
    ON g.zone = e.zone AND g.h = CAST(e.start AS TIMESTAMPTZ)''').fetchone()[0])
""".replace("LCA", LCA)


def main() -> None:
    files = generate()
    python = sys.executable
    print(
        f"{ROWS:,} hourly energy rows, grid of 3 zones; median of {RUNS} runs, each a fresh process; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    for fmt in ("parquet", "csv"):
        energy = files[fmt]
        doc = disclosure(energy, files["grid"])
        ours = [
            measure([python, "-m", "reportgen", "check", str(doc), "--format", "json"]) for _ in range(RUNS)
        ]
        bare = [measure([python, "-c", BARE, str(energy), str(files["grid"])]) for _ in range(RUNS)]
        wall = statistics.median(w for w, _, _ in ours)
        bare_wall = statistics.median(w for w, _, _ in bare)
        peak = max(m for _, m, _ in ours)
        size = energy.stat().st_size / 1e6
        print(
            f"{fmt:8} {size:6.0f} MB  check {wall:5.2f} s  peak {peak:5.0f} MiB  {ROWS / wall / 1e6:5.2f} M rows/s  "
            f"bare DuckDB join {bare_wall:5.2f} s (peak {max(m for _, m, _ in bare):4.0f} MiB)  "
            f"ratio {wall / bare_wall:4.2f}×"
        )


if __name__ == "__main__":
    main()
