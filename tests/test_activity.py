"""Annex D (activity tables): hourly matching against an independent computation, every ACT code, D.5."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import random
from pathlib import Path

import pytest

from reportgen import evaluate_mapping

UTC = dt.UTC


def _sample_generator():
    """The script that makes the sample's tables: the test tables share its Electricity Maps layout."""
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "samples" / "activity" / "make_tables.py"
    spec = importlib.util.spec_from_file_location("make_tables", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ELECTRICITY_MAPS_HEADER = _sample_generator().ELECTRICITY_MAPS_HEADER
T0 = dt.datetime(2025, 3, 1, tzinfo=UTC)


def iso(t: dt.datetime, offset_h: int = 0) -> str:
    """t written with a ±hh:mm offset (Z for 0), as D.2 allows."""
    if offset_h == 0:
        return t.strftime("%Y-%m-%dT%H:%M:%SZ")
    tz = dt.timezone(dt.timedelta(hours=offset_h))
    return t.astimezone(tz).isoformat()


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def em_grid(path: Path, intensities: dict[tuple[str, dt.datetime], list[float]]) -> Path:
    """A grid table in the Electricity Maps hourly layout (life-cycle column; direct = half of it)."""
    rows = []
    for (zone, hour), values in intensities.items():
        for v in values:
            rows.append(
                [
                    hour.strftime("%Y-%m-%d %H:%M:%S"),
                    "Country",
                    "Zone",
                    zone,
                    v / 2,
                    v,
                    50.0,
                    40.0,
                    "test",
                    "false",
                    "",
                ]
            )
    return write_csv(
        path,
        ELECTRICITY_MAPS_HEADER,
        rows,
    )


def without(tree: dict, *fields: str) -> dict:
    tree = copy.deepcopy(tree)
    for fid in fields:
        group, key = fid.split(".", 1)
        tree.get(group, {}).pop(key, None)
    return tree


def evaluate(tree: dict, std11, base: Path, tables: list[dict], **kw):
    tree = copy.deepcopy(tree)
    tree["activity"] = tables
    return evaluate_mapping(tree, standard=std11, base_dir=base, **kw)


def codes(ev, prefix: str = "") -> list[str]:
    return [f.code for f in ev.findings if f.code.startswith(prefix)]


def one(ev, code: str):
    hits = [f for f in ev.findings if f.code == code]
    assert len(hits) == 1, [(f.code, f.message) for f in ev.findings]
    assert hits[0].fix and "{" not in hits[0].message + hits[0].fix  # every template filled
    return hits[0]


# -- an independent computation (plain Python) --------------------------------------------------------------
def random_tables(tmp_path: Path, seed: int = 7, n: int = 400):
    """Energy rows of varied lengths, offsets and zones, and hourly intensities (some hours twice)."""
    rng = random.Random(seed)
    zones = ["FR", "DE", "PL"]
    rows, energy_rows = [], []
    for i in range(n):
        start = T0 + dt.timedelta(minutes=rng.randrange(0, 72 * 60))
        length = dt.timedelta(minutes=rng.choice([15, 60, 60, 90, 180, 300]))
        zone = rng.choice(zones)
        kwh = round(rng.uniform(0.5, 40), 4)
        rows.append(
            [iso(start, rng.choice([0, 0, 1, -5])), iso(start + length), kwh, f" {zone.lower()} ", f"n{i}"]
        )
        energy_rows.append((start, start + length, kwh, zone))
    grid: dict[tuple[str, dt.datetime], list[float]] = {}
    for z in zones:
        for h in range(-1, 80):
            hour = T0 + dt.timedelta(hours=h)
            grid[(z, hour)] = [round(rng.uniform(20, 700), 2)] + (
                [round(rng.uniform(20, 700), 2)] if h % 17 == 0 else []
            )
    write_csv(tmp_path / "energy.csv", ["start", "end", "energy_kwh", "zone", "site"], rows)
    em_grid(tmp_path / "grid.csv", grid)
    return energy_rows, grid


def plain_python(energy_rows, grid) -> tuple[float, float, float]:
    """Σ E(z,h) × I(z,h) ÷ 1000 and the period-average GHG, hour by hour, without SQL."""
    e: dict[tuple[str, dt.datetime], float] = {}
    for start, end, kwh, zone in energy_rows:
        hour = start.replace(minute=0, second=0, microsecond=0)
        while hour < end:
            overlap = (min(end, hour + dt.timedelta(hours=1)) - max(start, hour)).total_seconds()
            e[(zone, hour)] = e.get((zone, hour), 0.0) + kwh * overlap / (end - start).total_seconds()
            hour += dt.timedelta(hours=1)
    mean = {k: sum(v) / len(v) for k, v in grid.items()}
    hourly = sum(kwh * mean[k] / 1000 for k, kwh in e.items())
    first, last = min(h for _, h in e), max(h for _, h in e)
    average = 0.0
    for z in {z for z, _ in e}:
        inside = [mean[(zz, h)] for (zz, h) in mean if zz == z and first <= h <= last]
        average += sum(kwh for (zz, _), kwh in e.items() if zz == z) * (sum(inside) / len(inside)) / 1000
    return sum(e.values()), hourly, average


def test_hourly_matched_ghg_equals_plain_python(tmp_path, acme, std11):
    energy_rows, grid = random_tables(tmp_path)
    tree = without(
        acme,
        "training.energy",
        "training.ghg_location",
        "training.grid_intensity",
        "training.grid_intensity_source",
    )
    ev = evaluate(
        tree,
        std11,
        tmp_path,
        [
            {"table": "energy", "path": "energy.csv", "phase": "training"},
            {"table": "grid_intensity", "path": "grid.csv", "description": "Electricity Maps, life cycle"},
        ],
    )
    energy, hourly, average = plain_python(energy_rows, grid)
    v = ev.values
    assert v["training.energy"].value == pytest.approx(energy, rel=1e-9)
    assert v["training.ghg_location"].value == pytest.approx(hourly, rel=1e-9)
    assert v["training.grid_intensity"].value == pytest.approx(hourly * 1000 / energy, rel=1e-9)
    assert v["training.grid_intensity"].source == "Electricity Maps, life cycle"
    # A4: tables are measured, grid tables literature; a figure takes the weakest it uses
    assert (
        v["training.energy"].basis,
        v["training.ghg_location"].basis,
        v["training.grid_intensity"].basis,
    ) == ("measured", "literature", "literature")
    # A5: the source of a grid intensity derived from tables is their description (9.1)
    assert v["training.grid_intensity_source"].value == "Electricity Maps, life cycle"
    assert v["training.grid_intensity_source"].origin == "derived"
    assert (
        v["training.ghg_location"].trace.clause == "8.0"
        and "sha256" in v["training.ghg_location"].trace.notes[0]
    )
    phase = ev.activity.phases["training"]
    assert phase.hourly_ghg == pytest.approx(hourly, rel=1e-9)
    assert phase.average_ghg == pytest.approx(average, rel=1e-9)
    assert phase.difference_pct == pytest.approx((hourly - average) / average * 100, rel=1e-9)
    assert phase.matched_share == pytest.approx(1.0)
    months = [m for m in ev.activity.monthly if m.phase == "training"]  # D.6: the chart's months add up
    assert sum(m.ghg_kg for m in months) == pytest.approx(hourly, rel=1e-9)
    assert sum(m.average_ghg_kg for m in months) == pytest.approx(average, rel=1e-9)
    assert one(ev, "I-ACT-5").field == "training.ghg_location"
    assert codes(ev, "E-ACT") == [] and codes(ev, "W-ACT") == ["W-ACT-4"]  # intensities given twice, averaged
    assert one(ev, "W-ACT-4").message.startswith("grid.csv: 15 rows repeat the zone and hour")
    assert ev.activity.tables[0].rows == 400 and ev.activity.tables[0].counted_rows == 400


def test_parquet_gives_the_same_figures_as_csv(tmp_path, acme, std11):
    import duckdb

    random_tables(tmp_path)
    duckdb.sql(
        f'COPY (SELECT CAST("start" AS TIMESTAMPTZ) AS "start", "end", CAST(energy_kwh AS DOUBLE) AS '
        f"energy_kwh, zone, site FROM read_csv('{tmp_path / 'energy.csv'}', all_varchar = true)) "
        f"TO '{tmp_path / 'energy.parquet'}' (FORMAT parquet)"
    )
    tree = without(acme, "training.energy", "training.ghg_location", "training.grid_intensity")
    grid = {"table": "grid_intensity", "path": "grid.csv"}
    a = evaluate(
        tree, std11, tmp_path, [{"table": "energy", "path": "energy.csv", "phase": "training"}, grid]
    )
    b = evaluate(
        tree, std11, tmp_path, [{"table": "energy", "path": "energy.parquet", "phase": "training"}, grid]
    )
    assert b.values["training.ghg_location"].value == pytest.approx(
        a.values["training.ghg_location"].value, rel=1e-12
    )
    assert b.activity.tables[0].rows == 400 and not codes(b, "E-ACT")


def test_warehouse_sql_output_is_an_energy_table_reportgen_accepts(tmp_path, acme, std11):
    """README: run `spread` of sql/hourly.sql over raw rows, hand the hourly table to reportgen."""
    import duckdb

    from reportgen.activity.engine import statements

    energy_rows, grid = random_tables(tmp_path)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(
        f"CREATE VIEW activity_rows AS SELECT 'training' AS phase, upper(trim(zone)) AS zone, "
        f'CAST("start" AS TIMESTAMPTZ) AS start_utc, CAST("end" AS TIMESTAMPTZ) AS end_utc, '
        f'CAST("start" AS TIMESTAMPTZ) AS counted_start, CAST("end" AS TIMESTAMPTZ) AS counted_end, '
        f"CAST(energy_kwh AS DOUBLE) AS energy_kwh, 1 AS rows FROM read_csv('{tmp_path / 'energy.csv'}', all_varchar = true)"
    )
    con.execute(f"COPY ({statements()['spread']}) TO '{tmp_path / 'hourly.parquet'}' (FORMAT parquet)")
    tree = without(acme, "training.energy", "training.ghg_location", "training.grid_intensity")
    ev = evaluate(
        tree,
        std11,
        tmp_path,
        [{"table": "energy", "path": "hourly.parquet"}, {"table": "grid_intensity", "path": "grid.csv"}],
    )
    _, hourly, _ = plain_python(energy_rows, grid)
    assert ev.values["training.ghg_location"].value == pytest.approx(hourly, rel=1e-9)
    assert not codes(ev, "E-ACT") and codes(ev, "W-ACT") == ["W-ACT-4"]  # the grid's repeated hours
