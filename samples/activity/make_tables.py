"""Make the activity tables of samples/acme-assistant-7b-metered.yaml (AILD D1.1, Annex D).

    .venv/bin/python samples/activity/make_tables.py [FOLDER]   # default: the folder of this script

Fictional but shaped like real exports, from a fixed seed (the same bytes on every run):
- training-energy.parquet — facility meter of the Paris-Saclay hall, one row per hour of the 21-day run
  (facility energy: the disclosure's energy scope; never multiplied by PUE);
- training-jobs.csv       — Slurm accounting: one row per job (start, end, GPUs), failed restarts included;
- inference-energy.csv    — PDU readings every 6 hours in Paris (FR) and the Frankfurt failover (DE);
- requests.csv            — the gateway's daily request and token counts, exported with a few days on either
  side of the quarter (reportgen counts only the part inside the reporting period: I-ACT-8);
- grid-fr-de-2025q3.csv   — hourly carbon intensity of FR and DE in the Electricity Maps hourly CSV layout
  (direct and life-cycle columns), with day/night and weekday shapes of the order Electricity Maps shows
  for 2025 (FR about 20–60, DE about 250–500 gCO2e/kWh life cycle); not Electricity Maps data.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20250701
UTC = dt.UTC
Q_START = dt.datetime(2025, 7, 1, tzinfo=UTC)
Q_END = dt.datetime(2025, 10, 1, tzinfo=UTC)
TRAIN_START = dt.datetime(2025, 8, 4, 6, tzinfo=UTC)
TRAIN_HOURS = 21 * 24
H = dt.timedelta(hours=1)
# The columns of an Electricity Maps hourly export, as published (D.2 reads two of them by name).
ELECTRICITY_MAPS_HEADER = [
    "Datetime (UTC)",
    "Country",
    "Zone Name",
    "Zone Id",
    "Carbon Intensity gCO₂eq/kWh (direct)",
    "Carbon Intensity gCO₂eq/kWh (Life cycle)",
    "Low Carbon Percentage",
    "Renewable Percentage",
    "Data Source",
    "Data Estimated",
    "Data Estimation Method",
]


def z(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def hours(start: dt.datetime, end: dt.datetime):
    t = start
    while t < end:
        yield t
        t += H


def grid(rng: random.Random) -> dict[tuple[str, dt.datetime], float]:
    out = {}
    for t in hours(Q_START, Q_END):
        solar = max(0.0, math.sin(math.pi * (t.hour - 5) / 14))  # daylight, UTC
        weekend = t.weekday() >= 5
        out[("FR", t)] = round(
            38 + 14 * math.cos(math.pi * (t.hour - 19) / 12) - 8 * solar + rng.gauss(0, 4), 1
        )
        out[("DE", t)] = round(430 - 170 * solar - (40 if weekend else 0) + rng.gauss(0, 25), 1)
    return out


def write(out: Path, name: str, header: list[str], rows: list[list[object]]) -> None:
    with (out / name).open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def main(out: Path = HERE) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    intensity = grid(rng)
    names = {"FR": ("France", "France"), "DE": ("Germany", "Germany")}
    write(
        out,
        "grid-fr-de-2025q3.csv",
        ELECTRICITY_MAPS_HEADER,
        [
            [
                t.strftime("%Y-%m-%d %H:%M:%S"),
                *names[zone],
                zone,
                round(v * (0.35 if zone == "FR" else 0.88), 1),
                v,
                round(92 - v / 10, 1) if zone == "FR" else round(70 - v / 10, 1),
                round(30 + rng.random() * 10, 1) if zone == "FR" else round(60 - v / 12, 1),
                "example",
                "false",
                "",
            ]
            for (zone, t), v in sorted(intensity.items(), key=lambda kv: (kv[0][0] != "FR", kv[0][1]))
        ],
    )

    # Training: 256 GPUs × 560 W × PUE 1.12 ≈ 160.6 kWh per hour while running, less during restarts.
    import duckdb  # reportgen's engine for activity tables; writes Parquet here

    train = []
    for i, t in enumerate(hours(TRAIN_START, TRAIN_START + TRAIN_HOURS * H)):
        down = i in range(190, 193) or i in range(377, 379)  # two failed runs and their restarts
        train.append((t, round((28.0 if down else 160.6) * (1 + rng.gauss(0, 0.015)), 2)))
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("CREATE TABLE t (start TIMESTAMPTZ, energy_kwh DOUBLE, zone VARCHAR, site VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?, 'FR', 'PA3-hall-B')", train)
    con.execute(
        f"COPY (SELECT * FROM t ORDER BY start) TO '{out / 'training-energy.parquet'}' (FORMAT parquet)"
    )

    jobs, t, n = [], TRAIN_START, 0
    while t < TRAIN_START + TRAIN_HOURS * H:
        n += 1
        length = dt.timedelta(minutes=rng.choice([720, 960, 1200, 1440]))
        end = min(t + length, TRAIN_START + TRAIN_HOURS * H)
        jobs.append([f"acme7b-pt-{n:03d}", z(t), z(end), 256, "training", "FR"])
        t = end + dt.timedelta(minutes=rng.choice([2, 4, 6]))
    write(out, "training-jobs.csv", ["job_id", "start", "end", "accelerators", "phase", "zone"], jobs)

    # Inference: 64 GPUs × 420 W × PUE 1.15 ≈ 30.9 kWh per hour, 80 % in Paris, with a daily load curve.
    rows = []
    for t in hours(Q_START, Q_END):
        if t.hour % 6:
            continue
        load = sum(0.75 + 0.25 * math.sin(math.pi * ((t + k * H).hour - 6) / 12) for k in range(6)) / 6
        for zone, share in (("FR", 0.8), ("DE", 0.2)):
            kwh = 30.9 * 6 * share * load * (1 + rng.gauss(0, 0.03))
            rows.append([z(t), z(t + 6 * H), round(kwh, 3), zone, f"{zone.lower()}-pdu-a"])
    write(out, "inference-energy.csv", ["start", "end", "energy_kwh", "zone", "site"], rows)

    reqs, day = [], Q_START - dt.timedelta(days=2)
    while day < Q_END + dt.timedelta(days=2):
        r = int(3_260_000 * (0.85 if day.weekday() >= 5 else 1.05) * (1 + rng.gauss(0, 0.04)))
        reqs.append(
            [
                z(day),
                z(day + dt.timedelta(days=1)),
                r,
                r * 1250 + rng.randrange(1000),
                r * 300 + rng.randrange(1000),
            ]
        )
        day += dt.timedelta(days=1)
    write(out, "requests.csv", ["start", "end", "requests", "input_tokens", "output_tokens"], reqs)


if __name__ == "__main__":
    import sys

    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
